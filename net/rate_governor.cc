#include "net/rate_governor.h"

#include <algorithm>
#include <cmath>

namespace okta_bulk {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Multiplicative decrease of the in-flight cap on a concurrency 429. With the slow climb
// past the last bad cap (below), the cap spends most of its time at the largest value that
// worked, so even a deep cut costs little; 0.75 recovers from a cut in two or three
// round trips while still halving an overshoot of 32 vs 10 in four.
constexpr double kDecrease = 0.75;
// Below the cap that last failed, the cap grows by one after a run of `cap` successes (about
// one round trip); at or above it, only after kSlowClimbRuns such runs, so probing the
// limit costs one 429 every kSlowClimbRuns round trips instead of every other one.
constexpr int kSlowClimbRuns = 16;
// Learnt margin added to an own-start reset estimate whenever such a probe meets a 429.
constexpr milliseconds kMarginStep{10};
constexpr milliseconds kMarginDecay{1};
constexpr milliseconds kMaxMargin{500};
// Without a usable Date or reset, a spent bucket is probed this often.
constexpr seconds kBlindProbeDelay{1};
// Sanity bounds for server times: a reset more than this after Date is garbage, and epoch
// seconds beyond kMaxEpochS (year 2096) would overflow nanosecond arithmetic.
constexpr int64_t kMaxWindowS = 3600;
constexpr int64_t kMaxEpochS = 4'000'000'000;
constexpr int64_t kNsPerS = 1'000'000'000;
// A learnt hidden cap is probed upward in every kCapProbeWindows-th window after the last
// 429 that confirmed it: one 429 per probe at most, and a raised share is found again within
// that many windows.
constexpr int kCapProbeWindows = 2;
// A bucket 429 teaches a hidden cap only when the headers still showed more room than this
// (remaining minus the --max-share reserve minus our requests in flight): other clients of
// the org spending the last few requests of a window between two of our answers explain a
// smaller gap.
int64_t HiddenCapSlack(int64_t limit) { return std::max<int64_t>(1, limit / 100); }

int64_t Ns(RateGovernor::TimePoint t) {
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

RateGovernor::TimePoint FromNs(int64_t ns) {
  return RateGovernor::TimePoint(
      std::chrono::duration_cast<RateGovernor::Clock::duration>(nanoseconds(ns)));
}

}  // namespace

RateGovernor::RateGovernor(GovernorOptions options)
    : options_(options), rng_(options.seed) {
  options_.max_in_flight = std::max(1, options_.max_in_flight);
  if (!(options_.max_share > 0.0 && options_.max_share <= 1.0)) options_.max_share = 1.0;
  cap_ = options_.max_in_flight;
}

int64_t RateGovernor::Reserve(const BucketState& s) const {
  // Requests of the window left to others: limit - floor(limit * F).
  const auto budget = static_cast<int64_t>(
      std::floor(static_cast<double>(s.limit) * options_.max_share + 1e-9));
  return s.limit - budget;
}

bool RateGovernor::Spent(const BucketState& s) const {
  return s.known && (s.remaining <= Reserve(s) || CapSpent(s));
}

bool RateGovernor::CapSpent(const BucketState& s) const {
  return s.cap > 0 && !s.cap_probing && s.granted >= s.cap;
}

bool RateGovernor::CapPromised(const BucketState& s) const {
  if (s.cap <= 0 || s.granted + s.in_flight < s.cap) return false;
  // Probing above the cap: one request at a time, so the probe costs at most one 429.
  return !s.cap_probing || s.in_flight > 0;
}

RateGovernor::Decision RateGovernor::TryAcquire(Bucket bucket, TimePoint now) {
  if (in_flight_ >= cap_) return {false, TimePoint::max()};
  BucketState& s = State(bucket);
  bool probe = false;
  if (!s.known && s.unmetered && !s.probe_scheduled) {
    // No rate-limit headers in this bucket's answers: only the global cap applies.
  } else if (!s.known || Spent(s)) {
    // Nothing known yet, or the window is spent: one request at a time finds out.
    if (s.probe_outstanding) return {false, TimePoint::max()};
    if (!s.known && s.in_flight > 0) return {false, TimePoint::max()};
    if (s.known && !s.probe_scheduled) ScheduleProbe(s, now);
    if (s.probe_scheduled && now < s.probe_at) return {false, s.probe_at};
    probe = true;
  } else if (s.remaining - s.in_flight <= Reserve(s) || CapPromised(s)) {
    // The rest of the window (or of the learnt cap) is already promised to requests in
    // flight (in_flight > 0).
    return {false, TimePoint::max()};
  }
  ++s.in_flight;
  ++s.sent;
  ++in_flight_;
  if (probe) {
    s.probe_outstanding = true;
    s.probe_sent_at = now;
    ++s.probes;
  }
  return {true, now};
}

void RateGovernor::Release(BucketState& s) {
  if (s.in_flight > 0) --s.in_flight;
  if (in_flight_ > 0) --in_flight_;
}

void RateGovernor::OnResponse(Bucket bucket, int http_status, const RateLimitSnapshot& rl,
                              TimePoint now, TimePoint sent_at) {
  BucketState& s = State(bucket);
  Release(s);
  ++s.responses;
  const bool is_probe = s.probe_outstanding && sent_at >= s.probe_sent_at;
  if (http_status == 429 && rl.IsConcurrencyLimit()) {
    // Too many in flight org-wide: not a bucket matter, so the bucket learns nothing and
    // another probe may go at once.
    OnConcurrencyLimited(sent_at, now);
    if (is_probe) s.probe_outstanding = false;
    return;
  }
  OnConcurrencyOk(sent_at);
  LearnClock(rl, now, sent_at);
  const bool rate_limited = http_status == 429;
  if (rate_limited) ++s.rate_limited;
  LearnBucket(s, http_status, rl, now, sent_at);
  // A probe failed when the window it was meant to find has not begun: a 429, or (with
  // max_share < 1) an answer that still shows the old, spent window. LearnBucket clears
  // probe_scheduled when a new window shows up.
  if (is_probe) ResolveProbe(s, rate_limited || (Spent(s) && s.probe_scheduled), now);
  if (Spent(s) && !s.probe_scheduled) ScheduleProbe(s, now);
}

void RateGovernor::OnNoResponse(Bucket bucket, TimePoint /*now*/, TimePoint sent_at) {
  BucketState& s = State(bucket);
  Release(s);
  // A lost probe taught nothing; let another one go.
  if (s.probe_outstanding && sent_at >= s.probe_sent_at) s.probe_outstanding = false;
}

void RateGovernor::LearnClock(const RateLimitSnapshot& rl, TimePoint now, TimePoint sent_at) {
  if (!rl.date_epoch_s || *rl.date_epoch_s > kMaxEpochS) return;
  // The server stamped Date at some instant g with sent_at <= g <= now, and
  // Date <= server(g) < Date + 1 s. Hence Date - now <= offset < Date + 1 s - sent_at.
  const int64_t date_ns = *rl.date_epoch_s * kNsPerS;
  const int64_t lo = date_ns - Ns(now);
  const int64_t hi = date_ns + kNsPerS - Ns(sent_at);
  if (!offset_lo_ns_ || lo > *offset_lo_ns_) offset_lo_ns_ = lo;
  if (!offset_hi_ns_ || hi < *offset_hi_ns_) offset_hi_ns_ = hi;
  if (*offset_lo_ns_ >= *offset_hi_ns_) {
    // Contradiction: the server's clock stepped, or drifted over a long run, or several
    // servers disagree. Start over from this observation.
    offset_lo_ns_ = lo;
    offset_hi_ns_ = hi;
  }
}

void RateGovernor::LearnBucket(BucketState& s, int http_status, const RateLimitSnapshot& rl,
                               TimePoint now, TimePoint sent_at) {
  const bool rate_limited = http_status == 429;
  bool usable = rl.HasBucketState() && *rl.limit > 0 && *rl.reset_epoch_s <= kMaxEpochS;
  if (usable && rl.date_epoch_s) {
    const int64_t gap = *rl.reset_epoch_s - *rl.date_epoch_s;
    if (gap < -1 || gap > kMaxWindowS) {
      usable = false;  // a reset that cannot belong to this response
    } else if (gap > s.window_s) {
      // The response that opened a window shows reset - Date == window (integral windows).
      s.window_s = gap;
    }
  }
  if (!usable) {
    // An answer without rate-limit headers: this bucket is not metered (or not reported);
    // only the global cap applies until headers show up.
    if (!rate_limited && !rl.limit) {
      s.unmetered = true;
      if (!s.known) s.probe_scheduled = false;
    }
    if (rate_limited) {
      // Spent, but we cannot tell until when: probe blindly.
      if (s.known) s.remaining = 0;
      if (!s.probe_scheduled) {
        s.probe_scheduled = true;
        s.probe_at = now + kBlindProbeDelay;
        s.probe_from_own_start = false;
      }
    }
    return;
  }
  const int64_t limit = *rl.limit;
  const int64_t reset = *rl.reset_epoch_s;
  const int64_t remaining = rate_limited ? 0 : std::min(*rl.remaining, limit);
  if (!s.known || reset > s.reset_epoch_s) {
    // A later reset means a new window (as Okta's Terraform provider reads it, §1.8).
    s.known = true;
    s.limit = limit;
    s.remaining = remaining;
    s.reset_epoch_s = reset;
    s.probe_scheduled = false;
    s.first_seen = now;
    s.granted = 0;
    s.cap_hit = false;
    if (s.cap > 0) s.cap_probing = ++s.windows_since_cap_429 >= kCapProbeWindows;
    LearnCap(s, rate_limited, /*room=*/0);
  } else if (reset == s.reset_epoch_s) {
    // What the governor believed was left when this request's answer came: the window's
    // remaining, less the share left to others and our requests in flight (this one too).
    const int64_t room = s.remaining - Reserve(s) - (s.in_flight + 1);
    s.limit = limit;
    s.remaining = std::min(s.remaining, remaining);  // out-of-order answers never add budget
    s.first_seen = std::min(s.first_seen, now);
    LearnCap(s, rate_limited, room);
  } else {
    return;  // an answer from an earlier window
  }
  if (!rate_limited && remaining == limit - 1 && s.window_start_reset != reset &&
      now - sent_at <= seconds(1)) {
    // This request was the window's first counted one: the window began between send and
    // receive. The midpoint is right when the two legs take equally long.
    s.window_start = sent_at + (now - sent_at) / 2;
    s.window_start_latest = now;
    s.window_start_reset = reset;
    if (offset_lo_ns_ && offset_hi_ns_) {
      // The window began at server time in [sent + offset, now + offset] and ends in
      // [reset, reset + 1 s), so its length lies in (reset - now - hi, reset + 1 s - sent - lo).
      // Intersecting over windows pins down lengths the integral header cannot show.
      const int64_t lo = reset * kNsPerS - Ns(now) - *offset_hi_ns_;
      const int64_t hi = (reset + 1) * kNsPerS - Ns(sent_at) - *offset_lo_ns_;
      if (!s.window_lo_ns || lo > *s.window_lo_ns) s.window_lo_ns = lo;
      if (!s.window_hi_ns || hi < *s.window_hi_ns) s.window_hi_ns = hi;
      if (*s.window_lo_ns >= *s.window_hi_ns) {
        s.window_lo_ns = lo;  // contradiction (limits or clocks changed): start over
        s.window_hi_ns = hi;
      }
    }
  }
}

void RateGovernor::LearnCap(BucketState& s, bool rate_limited, int64_t room) {
  if (rate_limited) {
    if (s.cap_hit || room <= HiddenCapSlack(s.limit)) return;
    // A 429 although the headers showed room: the token is held below the announced limit.
    // It gets about what was granted to us in this window (answers still on their way that
    // were granted raise it below).
    s.cap = std::max<int64_t>(1, s.granted);
    s.cap_hit = true;
    s.cap_probing = false;
    s.windows_since_cap_429 = 0;
    ++s.hidden_cap_429s;
    return;
  }
  ++s.granted;
  if (s.cap <= 0) return;
  // Past the cap without a 429: the share was raised (or others stopped); follow it up.
  if (s.granted > s.cap) s.cap = s.granted;
  // The window's announced budget was spent without a hidden-cap 429, or the cap no longer
  // binds: the headers tell the truth now.
  if ((!s.cap_hit && s.remaining <= Reserve(s)) || s.cap >= s.limit - Reserve(s)) {
    s.cap = 0;
    s.cap_probing = false;
  }
}

void RateGovernor::ResolveProbe(BucketState& s, bool too_early, TimePoint now) {
  s.probe_outstanding = false;
  if (!too_early) {
    if (s.failed_probes == 0 && s.probe_from_own_start)
      s.probe_margin = std::max(Clock::duration::zero(), s.probe_margin - kMarginDecay);
    s.failed_probes = 0;
    return;
  }
  ++s.failed_probes;
  if (s.probe_from_own_start && s.failed_probes == 1)
    s.probe_margin = std::min<Clock::duration>(kMaxMargin, s.probe_margin + kMarginStep);
  if (s.probe_scheduled) {
    // Same window, still spent: we were early. Wait a little longer each time.
    const auto step = std::chrono::duration_cast<Clock::duration>(options_.probe_backoff);
    const auto base = step * s.failed_probes;
    s.probe_at = now + base * 3 / 4 + Jitter(base / 2);
    s.probe_from_own_start = false;
  }
  // Otherwise LearnBucket saw a new window that is already spent; OnResponse schedules.
}

std::optional<RateGovernor::TimePoint> RateGovernor::EstimateReset(const BucketState& s,
                                                                   bool* from_own_start) const {
  *from_own_start = false;
  // The true reset on the server is in [R, R + 1 s): the header is floored (§1.1 and the
  // mock). With offset in [lo, hi), its local time is in (R - hi, R + 1 s - lo).
  std::optional<TimePoint> earliest;
  std::optional<TimePoint> latest;
  if (offset_hi_ns_) earliest = FromNs(s.reset_epoch_s * kNsPerS - *offset_hi_ns_);
  if (offset_lo_ns_) latest = FromNs((s.reset_epoch_s + 1) * kNsPerS - *offset_lo_ns_);
  // Whoever opened the window, it had begun before the server answered us in it. Only once
  // an opener showed the full window length: other answers only give a lower bound of it.
  if (s.window_s > 0 && s.window_start) {
    const TimePoint by_first_answer = s.first_seen + WindowLength(s, /*upper=*/true);
    if (!latest || by_first_answer < *latest) latest = by_first_answer;
  }
  // With a full share an early probe costs a 429, which Okta does not count; with a partial
  // share it would be counted and eat into the others' part, so then aim at the latest
  // moment the window can end instead (at most ~1 RTT later, or 1 s without own start).
  const bool strict = options_.max_share < 1.0;
  if (s.window_start && s.window_start_reset == s.reset_epoch_s && s.window_s > 0) {
    TimePoint t = (strict ? s.window_start_latest : *s.window_start) + WindowLength(s, strict);
    if (earliest && t < *earliest) return earliest;
    if (latest && t > *latest) return latest;
    *from_own_start = true;
    return t;
  }
  return strict && latest ? latest : earliest;
}

RateGovernor::Clock::duration RateGovernor::WindowLength(const BucketState& s, bool upper) const {
  const Clock::duration integral = seconds(s.window_s);
  if (!s.window_lo_ns || !s.window_hi_ns) return integral;
  const Clock::duration lo = nanoseconds(*s.window_lo_ns);
  const Clock::duration hi = nanoseconds(*s.window_hi_ns);
  // Okta's 60 s (and any whole-second window) agrees with the bounds: use it exactly.
  if (integral >= lo && integral <= hi) return integral;
  return upper ? hi : lo + (hi - lo) / 2;
}

void RateGovernor::ScheduleProbe(BucketState& s, TimePoint now) {
  bool own = false;
  std::optional<TimePoint> reset = EstimateReset(s, &own);
  TimePoint t = reset ? *reset : now + kBlindProbeDelay;
  if (own) t += s.probe_margin;
  t += Jitter(std::chrono::duration_cast<Clock::duration>(options_.reset_jitter));
  s.probe_at = t;
  s.probe_scheduled = true;
  s.probe_from_own_start = own;
}

void RateGovernor::OnConcurrencyLimited(TimePoint sent_at, TimePoint now) {
  ++concurrency_429s_;
  // Requests sent before the last cut were sent under the old cap; the cut covers them.
  if (sent_at < last_decrease_) return;
  ceiling_ = cap_;
  cap_ = std::max(1, static_cast<int>(std::floor(cap_ * kDecrease)));
  last_decrease_ = now;
  success_run_ = 0;
}

void RateGovernor::OnConcurrencyOk(TimePoint sent_at) {
  if (sent_at < last_decrease_ || cap_ >= options_.max_in_flight) return;
  ++success_run_;
  const bool near_ceiling = ceiling_ > 0 && cap_ + 1 >= ceiling_;
  const int need = near_ceiling ? cap_ * kSlowClimbRuns : cap_;
  if (success_run_ < need) return;
  ++cap_;
  success_run_ = 0;
  if (cap_ > ceiling_) ceiling_ = 0;  // the old limit no longer holds: climb fast again
}

RateGovernor::Clock::duration RateGovernor::Jitter(Clock::duration max) {
  if (max <= Clock::duration::zero()) return Clock::duration::zero();
  std::uniform_int_distribution<Clock::rep> dist(0, max.count());
  return Clock::duration(dist(rng_));
}

RateGovernor::Clock::duration RateGovernor::ConcurrencyRetryDelay() {
  const auto lo = std::chrono::duration_cast<Clock::duration>(options_.concurrency_pause_min);
  const auto hi = std::chrono::duration_cast<Clock::duration>(options_.concurrency_pause_max);
  return lo + Jitter(hi - lo);
}

std::optional<RateGovernor::TimePoint> RateGovernor::ServerToLocal(int64_t server_epoch_s) const {
  if (!offset_lo_ns_ || !offset_hi_ns_ || server_epoch_s > kMaxEpochS) return std::nullopt;
  const int64_t mid = *offset_lo_ns_ + (*offset_hi_ns_ - *offset_lo_ns_) / 2;
  return FromNs(server_epoch_s * kNsPerS - mid);
}

RateGovernor::BucketStats RateGovernor::Stats(Bucket bucket) const {
  const BucketState& s = State(bucket);
  BucketStats out;
  if (s.known) {
    out.limit = s.limit;
    out.remaining = s.remaining;
    out.reset_epoch_s = s.reset_epoch_s;
    bool own = false;
    out.reset_local = EstimateReset(s, &own);
  }
  if (s.window_s > 0)
    out.window = std::chrono::duration_cast<std::chrono::milliseconds>(WindowLength(s, false));
  out.in_flight = s.in_flight;
  out.sent = s.sent;
  out.responses = s.responses;
  out.rate_limited = s.rate_limited;
  out.probes = s.probes;
  if (s.cap > 0) {
    out.learnt_cap = s.cap;
    out.cap_left = s.cap - s.granted - s.in_flight;
  }
  out.hidden_cap_429s = s.hidden_cap_429s;
  return out;
}

}  // namespace okta_bulk
