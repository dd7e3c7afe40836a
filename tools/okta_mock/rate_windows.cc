#include "tools/okta_mock/rate_windows.h"

namespace okta_bulk::mock {

int64_t EpochSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

RateWindows::RateWindows(std::array<int64_t, kBucketCount> limits,
                         std::chrono::duration<double> window)
    : window_(std::chrono::duration_cast<Clock::duration>(window)) {
  for (std::size_t i = 0; i < kBucketCount; ++i) state_[i].limit = limits[i];
}

RateDecision RateWindows::Admit(Bucket bucket, TimePoint now) {
  State& s = state_[Index(bucket)];
  if (!s.start || now >= *s.start + window_) {
    s.start = now;
    s.counted = 0;
  }
  RateDecision d;
  d.reset = EpochSeconds(*s.start + window_);
  if (s.limit <= 0) {
    ++s.counted;
    d.limit = kUnlimitedLimit;
    d.remaining = kUnlimitedRemaining;
    return d;
  }
  d.limit = s.limit;
  if (s.counted >= s.limit) {
    d.allowed = false;
    d.remaining = 0;
    return d;
  }
  ++s.counted;
  d.remaining = s.limit - s.counted;
  return d;
}

}  // namespace okta_bulk::mock
