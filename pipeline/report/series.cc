#include "pipeline/report/series.h"

#include <algorithm>

namespace okta_bulk {

RunSeries::RunSeries(std::size_t max_points) : max_points_(std::max<std::size_t>(max_points, 2)) {
  points_.reserve(max_points_);
}

void RunSeries::Merge(SeriesPoint& into, const SeriesPoint& later) {
  into.t_s = later.t_s;
  into.done = later.done;
  into.requests = later.requests;
  into.rate_limited = later.rate_limited;
  into.in_flight = std::max(into.in_flight, later.in_flight);
  for (std::size_t b = 0; b < kBucketCount; ++b) {
    if (later.remaining[b] >= 0 && (into.remaining[b] < 0 || later.remaining[b] < into.remaining[b]))
      into.remaining[b] = later.remaining[b];
    if (later.limit[b] >= 0) into.limit[b] = later.limit[b];
  }
}

void RunSeries::Add(const SeriesPoint& point) {
  if (pending_count_ == 0)
    pending_ = point;
  else
    Merge(pending_, point);
  if (++pending_count_ < stride_) return;
  pending_count_ = 0;
  points_.push_back(pending_);
  if (points_.size() < max_points_) return;
  // Full: halve the resolution by merging neighbours.
  std::size_t out = 0;
  for (std::size_t i = 0; i + 1 < points_.size(); i += 2) {
    SeriesPoint p = points_[i];
    Merge(p, points_[i + 1]);
    points_[out++] = p;
  }
  if (points_.size() % 2) points_[out++] = points_.back();
  points_.resize(out);
  stride_ *= 2;
}

void RunSeries::Finish() {
  if (pending_count_ == 0) return;
  pending_count_ = 0;
  if (points_.size() < max_points_) {
    points_.push_back(pending_);
  } else {
    Merge(points_.back(), pending_);
  }
}

}  // namespace okta_bulk
