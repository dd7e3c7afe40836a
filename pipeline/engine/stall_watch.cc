#include "pipeline/engine/stall_watch.h"

#include <algorithm>

#include "pipeline/engine/count_text.h"

namespace okta_bulk {

StallWatch::StallWatch(std::chrono::seconds max_stall, Clock::time_point start)
    : max_stall_(max_stall), last_progress_(start) {}

void StallWatch::OnProgress(Clock::time_point now) {
  last_progress_ = now;
  answers_.clear();
  waited_for_reset_ = Clock::duration{0};
}

void StallWatch::OnAnswer(int status, bool concurrency_limited) {
  const int key = status == 429 && concurrency_limited ? -429 : status;
  for (auto& [k, n] : answers_) {
    if (k == key) {
      ++n;
      return;
    }
  }
  answers_.emplace_back(key, 1);
}

void StallWatch::OnResetWait(Clock::duration wait) {
  longest_reset_wait_ = std::max(longest_reset_wait_, wait);
  waited_for_reset_ = std::max(waited_for_reset_, wait);
}

StallWatch::Clock::duration StallWatch::Bound() const {
  const Clock::duration cap = max_stall_;
  if (longest_reset_wait_ == Clock::duration{0}) return cap;
  const Clock::duration derived =
      std::max<Clock::duration>(3 * longest_reset_wait_ + std::chrono::seconds(30), std::chrono::seconds(60));
  return std::min(cap, derived);
}

std::string StallWatch::Describe(Clock::time_point now) const {
  const auto idle = std::chrono::duration_cast<std::chrono::seconds>(now - last_progress_).count();
  std::string s = "no row finished for " + GroupDigits(static_cast<uint64_t>(idle)) + " s";
  if (answers_.empty()) {
    s += waited_for_reset_ > Clock::duration{0}
             ? "; every request waited for a rate-limit reset (the next one " +
                   GroupDigits(static_cast<uint64_t>(
                       std::chrono::duration_cast<std::chrono::seconds>(waited_for_reset_).count())) +
                   " s away)"
             : "; no answer came from the server";
    return s;
  }
  auto sorted = answers_;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  s += "; since the last one the server answered ";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) s += ", ";
    const auto [key, n] = sorted[i];
    if (key == 0) s += "no answer";
    else if (key == -429) s += "429 (concurrency limit)";
    else s += std::to_string(key);
    s += " x " + GroupDigits(n);
  }
  return s;
}

}  // namespace okta_bulk
