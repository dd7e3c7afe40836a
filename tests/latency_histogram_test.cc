// The latency histogram: log buckets, bounds and quantiles.
#include "pipeline/engine/latency_histogram.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(LatencyHistogramTest, EveryLatencyFallsInTheBucketWhoseBoundsHoldIt) {
  for (uint64_t us : {1ull, 2ull, 3ull, 4ull, 5ull, 7ull, 8ull, 15ull, 16ull, 17ull, 31ull, 100ull, 999ull, 1000ull, 1023ull,
                      1024ull, 50000ull, 3000000ull, 123456789ull}) {
    const std::size_t i = LatencyHistogram::IndexOf(us);
    EXPECT_LE(LatencyHistogram::LowerBoundUs(i), us) << us;
    EXPECT_GT(LatencyHistogram::LowerBoundUs(i + 1), us) << us;
    // Sixteen buckets per doubling: a bucket is at most 1/16 of its lower bound wide.
    EXPECT_LE(LatencyHistogram::LowerBoundUs(i + 1) - LatencyHistogram::LowerBoundUs(i),
              std::max<uint64_t>(1, LatencyHistogram::LowerBoundUs(i) / 16)) << us;
  }
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGapsOrOverlaps) {
  for (std::size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    const uint64_t lo = LatencyHistogram::LowerBoundUs(i), hi = LatencyHistogram::LowerBoundUs(i + 1);
    ASSERT_LE(lo, hi) << i;
    if (lo == hi) continue;  // an unused index below kSub µs
    EXPECT_EQ(LatencyHistogram::IndexOf(lo), i) << lo;
    EXPECT_EQ(LatencyHistogram::IndexOf(hi - 1), i) << hi - 1;
  }
}

TEST(LatencyHistogramTest, QuantilesAreUpperBucketEndsCappedByTheMaximum) {
  LatencyHistogram h;
  EXPECT_EQ(h.QuantileUs(0.5), 0u);
  for (int i = 0; i < 90; ++i) h.Record(milliseconds(10));
  for (int i = 0; i < 10; ++i) h.Record(milliseconds(200));
  EXPECT_EQ(h.total(), 100u);
  EXPECT_EQ(h.max(), milliseconds(200));
  const uint64_t p50 = h.QuantileUs(0.5);
  EXPECT_GE(p50, 10000u);
  EXPECT_LE(p50, 10625u) << "at most 6.25% above";
  EXPECT_EQ(h.QuantileUs(0.99), 200001u) << "never above the largest latency seen";
  h.Record(microseconds(0));  // a sub-microsecond answer still counts
  EXPECT_EQ(h.count(0), 1u);
  h.Record(std::chrono::hours(100));  // beyond the last bucket: kept in the last one
  EXPECT_EQ(h.count(LatencyHistogram::kBuckets - 1), 1u);
}

}  // namespace
}  // namespace okta_bulk
