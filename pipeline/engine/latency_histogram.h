// A histogram of request latencies in fixed log-scale buckets: sixteen buckets per doubling
// from 1 µs to about 19 hours (a bucket is at most 1/16 of its lower bound wide, so a quantile
// read as a bucket's upper end is at most 6.25% high), so Record() is a few bit operations on
// a fixed array (4.7 KB): no allocation, cheap enough for every request. Plain value type;
// single-threaded like the dispatcher that fills it.
#pragma once
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace okta_bulk {

class LatencyHistogram {
 public:
  // Sub-buckets per doubling, as a power of two.
  static constexpr int kSubBits = 4;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kOctaves = 37;  // 2^36 µs ≈ 19 h
  static constexpr std::size_t kBuckets = static_cast<std::size_t>(kOctaves * kSub);

  void Record(std::chrono::nanoseconds latency) {
    const int64_t us = latency.count() / 1000;
    ++counts_[IndexOf(us < 1 ? 1 : static_cast<uint64_t>(us))];
    ++total_;
    if (latency > max_) max_ = latency;
  }

  // Bucket of a latency in whole microseconds (>= 1): the octave (position of the top bit)
  // and the next kSubBits bits below it.
  static std::size_t IndexOf(uint64_t us) {
    const int top = std::bit_width(us) - 1;  // 0 for 1 µs
    std::size_t index;
    if (top < kSubBits) {
      index = static_cast<std::size_t>(us) - 1;  // 1 .. kSub-1 µs: exact
    } else {
      const uint64_t sub = (us >> (top - kSubBits)) & (kSub - 1);
      index = static_cast<std::size_t>(top * kSub) + static_cast<std::size_t>(sub);
    }
    return index < kBuckets ? index : kBuckets - 1;
  }
  // The lowest latency (µs) that falls in bucket `index`; the bucket ends where the next
  // one begins.
  static uint64_t LowerBoundUs(std::size_t index) {
    const int top = static_cast<int>(index / kSub);
    if (top < kSubBits)  // 1 .. kSub-1 µs exact; the indices after them up to kSub * kSubBits unused
      return index < kSub - 1 ? index + 1 : kSub;
    const uint64_t sub = index % kSub;
    return (uint64_t{1} << top) + (sub << (top - kSubBits));
  }

  // The latency (µs) below which a fraction `q` (0..1) of the recorded ones fall, read as
  // the upper end of the bucket that holds it (so it is never an underestimate); 0 when
  // nothing was recorded.
  uint64_t QuantileUs(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank >= total_) rank = total_ - 1;
    uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen > rank) {
        const uint64_t upper = i + 1 < kBuckets ? LowerBoundUs(i + 1) : LowerBoundUs(i) * 2;
        const uint64_t max_us = static_cast<uint64_t>(max_.count() / 1000) + 1;
        return upper < max_us ? upper : max_us;
      }
    }
    return 0;
  }

  uint64_t count(std::size_t index) const { return counts_[index]; }
  uint64_t total() const { return total_; }
  std::chrono::nanoseconds max() const { return max_; }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  std::chrono::nanoseconds max_{0};
};

}  // namespace okta_bulk
