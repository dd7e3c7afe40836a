// StallWatch: decides when a run that finishes no row has waited long enough (issue 13: a
// server that answers 429 for ever, hangs, or resets a bucket only tomorrow must not keep
// okta-bulk running for ever). Pure: the time is a parameter, so tests run on a fake clock.
// Single-threaded (the dispatcher's io_context thread).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace okta_bulk {

class StallWatch {
 public:
  using Clock = std::chrono::steady_clock;
  // `max_stall` (--max-stall) bounds the wait without progress in every case. While rate-limit
  // resets have been seen, the bound is shorter: three times the longest wait for a reset
  // seen so far plus 30 s, at least 60 s (a run paced by the rate limit finishes rows at
  // least once a window, so a few windows without one mean the server keeps refusing).
  StallWatch(std::chrono::seconds max_stall, Clock::time_point start);

  // The run moves: a row ended (any outcome), or a request got a 2xx answer (an export is one
  // task that makes many requests before it ends).
  void OnProgress(Clock::time_point now);
  // An answer arrived for some request: its HTTP status (0 when none came: a transport error
  // or a cancelled request), and whether a 429 was a concurrency limit.
  void OnAnswer(int status, bool concurrency_limited);
  // The rate governor keeps a bucket closed for `wait` (until its reset).
  void OnResetWait(Clock::duration wait);

  // The bound in force now.
  Clock::duration Bound() const;
  // When the run counts as stalled if no row ends before.
  Clock::time_point Deadline() const { return last_progress_ + Bound(); }
  bool Stalled(Clock::time_point now) const { return now >= Deadline(); }
  // Why, for the user: how long, and what the server answered since the last row ended
  // ("429 (concurrency limit) x 1,200, 503 x 4, no answer x 2"), or that no request could go.
  std::string Describe(Clock::time_point now) const;

 private:
  std::chrono::seconds max_stall_;
  Clock::time_point last_progress_;
  Clock::duration longest_reset_wait_{0};
  // Answers since the last progress, by status (0: no answer; -429: concurrency 429).
  std::vector<std::pair<int, uint64_t>> answers_;
  Clock::duration waited_for_reset_{0};
};

}  // namespace okta_bulk
