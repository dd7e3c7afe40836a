#include "tools/okta_mock/rate_windows.h"

#include <algorithm>
#include <cmath>

namespace okta_bulk::mock {

int64_t EpochSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

RateWindows::RateWindows(std::array<int64_t, kBucketCount> limits,
                         std::chrono::duration<double> window, double token_share)
    : window_(std::chrono::duration_cast<Clock::duration>(window)),
      token_share_(token_share > 0 && token_share <= 1 ? token_share : 1.0) {
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
  if (s.counted >= token_budget(bucket)) {
    // The token's share is spent, the org's bucket is not: the headers show the org's view.
    d.allowed = false;
    d.remaining = s.limit - s.counted;
    return d;
  }
  ++s.counted;
  d.remaining = s.limit - s.counted;
  return d;
}

int64_t RateWindows::token_budget(Bucket bucket) const {
  const int64_t limit = state_[Index(bucket)].limit;
  if (limit <= 0) return 0;
  const auto share =
      static_cast<int64_t>(std::floor(static_cast<double>(limit) * token_share_ + 1e-9));
  return std::clamp<int64_t>(share, 1, limit);
}

}  // namespace okta_bulk::mock
