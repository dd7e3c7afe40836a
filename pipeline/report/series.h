// The time series a run samples for the report: one point about once a second, in bounded
// memory however long the run. Pure; single-threaded.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "net/okta_buckets.h"

namespace okta_bulk {

// One sample of the run, taken about once a second. Counters are cumulative since the start.
struct SeriesPoint {
  double t_s = 0;              // seconds since the run started
  uint64_t done = 0;           // items (rows, or exported users) finished
  uint64_t requests = 0;
  uint64_t rate_limited = 0;   // 429s, bucket and concurrency ones
  uint32_t in_flight = 0;      // requests in flight (the highest of merged samples)
  // x-rate-limit-remaining as the governor sees it (the lowest of merged samples), and the
  // limit; -1 = not known (the bucket was not used yet, or is not metered).
  std::array<int64_t, kBucketCount> remaining{-1, -1, -1, -1, -1, -1};
  std::array<int64_t, kBucketCount> limit{-1, -1, -1, -1, -1, -1};
};

// The samples of a run in at most `max_points` points: when full, adjacent pairs are merged
// (halving the resolution) and from then on that many raw samples make one point, so a
// 10-hour run at one sample a second still fits. Memory: max_points points.
class RunSeries {
 public:
  explicit RunSeries(std::size_t max_points = 2000);
  void Add(const SeriesPoint& point);
  // Flushes a partly merged point (call once at the end).
  void Finish();
  const std::vector<SeriesPoint>& points() const { return points_; }
  // Raw samples per point now (1, 2, 4, ...).
  std::size_t stride() const { return stride_; }

  // Merges `later` into `into` (counters and time from the later one, the highest in-flight
  // count, the lowest remaining).
  static void Merge(SeriesPoint& into, const SeriesPoint& later);

 private:
  std::size_t max_points_;
  std::size_t stride_ = 1;
  std::vector<SeriesPoint> points_;
  SeriesPoint pending_;
  std::size_t pending_count_ = 0;
};

}  // namespace okta_bulk
