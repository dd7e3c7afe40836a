// Okta's per-bucket fixed windows (contract §1.1, §7.1): a window opens at the first counted
// request of a bucket and lasts `window`; at most `limit` requests are counted in it.
// Sans-I/O: time is passed in, so tests drive it with a fake clock. Single-threaded.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "net/okta_buckets.h"

namespace okta_bulk::mock {

// The server clock (real clock + skew); all times of the mock are on it.
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// What the three x-rate-limit-* headers report for one request.
struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;      // x-rate-limit-limit
  int64_t remaining = 0;  // x-rate-limit-remaining
  int64_t reset = 0;      // x-rate-limit-reset: epoch seconds, floor(window_start + window)
};

class RateWindows {
 public:
  // Unlimited buckets (limit 0) report this limit and remaining (plausible, never throttling).
  static constexpr int64_t kUnlimitedLimit = 10000;
  static constexpr int64_t kUnlimitedRemaining = 9999;

  // `limits[b]` == 0 means bucket b is unlimited. `window` > 0. `token_share` in (0, 1]:
  // the API token's share of every limited bucket (contract §1.6; Okta's default is 0.5):
  // requests past floor(limit x share) (at least 1) in a window are refused, while the
  // headers still show the org's limit and remaining, as if the token were alone.
  RateWindows(std::array<int64_t, kBucketCount> limits, std::chrono::duration<double> window,
              double token_share = 1.0);

  // Counts one request in `bucket` at `now` when the bucket (and the token's share of it)
  // has room; a rejected request is not counted (allowed == false; remaining == 0 when the
  // bucket is spent, the org's remaining when only the token's share is).
  RateDecision Admit(Bucket bucket, TimePoint now);

  // Requests per window the token may use in `bucket`; 0 when the bucket is unlimited.
  int64_t token_budget(Bucket bucket) const;

  int64_t limit(Bucket bucket) const { return state_[Index(bucket)].limit; }
  Clock::duration window() const { return window_; }

 private:
  struct State {
    int64_t limit = 0;
    int64_t counted = 0;
    std::optional<TimePoint> start;
  };
  static std::size_t Index(Bucket b) { return static_cast<std::size_t>(b); }

  std::array<State, kBucketCount> state_;
  Clock::duration window_;
  double token_share_;
};

// floor(t) in epoch seconds.
int64_t EpochSeconds(TimePoint t);

}  // namespace okta_bulk::mock
