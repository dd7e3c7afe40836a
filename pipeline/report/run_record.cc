#include "pipeline/report/run_record.h"

#include <algorithm>
#include <cmath>

namespace okta_bulk {

// Requests a bucket counted: sent, minus those answered 429 (Okta does not count them).
uint64_t BucketCounted(const BucketReport& b) {
  return b.requests - std::min(b.requests, b.rate_limited + b.concurrency_limited);
}


std::optional<double> BucketPermitted(const RunRecord& r, Bucket bucket) {
  const BucketReport& b = r.buckets[static_cast<std::size_t>(bucket)];
  if (b.requests == 0 || !b.limit || *b.limit <= 0 || !b.window_s || *b.window_s <= 0 ||
      r.elapsed_s <= 0)
    return std::nullopt;
  double per_window = std::floor(static_cast<double>(*b.limit) * r.max_share + 1e-9);
  if (b.learnt_cap) per_window = std::min(per_window, static_cast<double>(*b.learnt_cap));
  if (per_window <= 0) return std::nullopt;
  // Windows that ended during the run count in full. Of the one the run ended in, only what
  // the run needed: what was left after full earlier windows, or at least the permits pro
  // rata to the time the run spent in it (a run that ends early in a window because its
  // rows ran out wasted nothing there; one still sending late in it was slow).
  const double windows = r.elapsed_s / *b.window_s;
  const double full = std::floor(windows + 1e-9);
  const double counted = static_cast<double>(BucketCounted(b));
  const double last = std::min(per_window, std::max({0.0, counted - per_window * full,
                                                     per_window * (windows - full)}));
  return per_window * full + last;
}

double ItemsPerSecond(const RunRecord& r) {
  if (const auto rate = JobRate(r.runs)) return *rate;
  return r.elapsed_s > 0 ? static_cast<double>(r.items) / r.elapsed_s : 0;
}

std::optional<double> BucketEfficiency(const RunRecord& r, Bucket bucket) {
  const auto permitted = BucketPermitted(r, bucket);
  if (!permitted || *permitted <= 0) return std::nullopt;
  return static_cast<double>(BucketCounted(r.buckets[static_cast<std::size_t>(bucket)])) / *permitted;
}

}  // namespace okta_bulk
