// The client's rate governor: decides when a request may be sent so that Okta's per-bucket
// rate limits (contract §1.1-1.4) are spent to the last request with almost no 429s, and the
// org's concurrency limit (§1.5) is respected. Pure logic on a caller-supplied clock: no I/O,
// no Asio, no threads.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "net/okta_buckets.h"
#include "net/rate_limit_headers.h"

namespace okta_bulk {

struct GovernorOptions {
  // Global cap on requests in flight (--concurrency); also the ceiling the adaptive
  // concurrency cap climbs back to.
  int max_in_flight = 8;
  // --max-share F, 0 < F <= 1: use at most floor(limit * F) requests of any bucket's window,
  // leaving the rest to the org's other integrations.
  double max_share = 1.0;
  // Random extra wait, uniform in [0, reset_jitter], added to the estimated reset of a spent
  // bucket before its probe goes out.
  std::chrono::milliseconds reset_jitter{10};
  // Pause before re-probing a bucket whose probe met a 429; the k-th consecutive failed
  // probe waits about k times this (jittered), so an unknown reset phase costs few 429s.
  std::chrono::milliseconds probe_backoff{50};
  // Bounds of ConcurrencyRetryDelay().
  std::chrono::milliseconds concurrency_pause_min{25};
  std::chrono::milliseconds concurrency_pause_max{150};
  // Seed of the governor's own random engine (jitter); fixed seeds make runs repeatable.
  uint64_t seed = 1;
};

// Decides, per Okta rate-limit bucket and globally, when a request may be sent, learning from
// every response's x-rate-limit-* and Date headers. Single-threaded: one owner (the event
// loop thread) calls every method; time is always passed in, so tests drive it in virtual
// time. Holds no references.
//
// How a caller drives it: before sending, TryAcquire(bucket, now). On `go` a permit is held
// and the request must be sent; exactly one of OnResponse / OnNoResponse must follow, with
// `sent_at` the time it was sent: not before the `now` of that TryAcquire, and as close to
// it as possible (the window-start estimate and the concurrency back-off both use it). On
// `!go`, wait until `retry_at` and ask again; `retry_at == TimePoint::max()` means "until
// the next OnResponse/OnNoResponse of any request" (there is always one in flight then).
//
// How it decides. Per bucket: requests in flight count against the lowest `remaining` seen
// in the current window (a larger reset starts a new window; older windows' answers are
// ignored), minus what --max-share leaves to others. A spent bucket lets exactly one request
// (the probe) go at its estimated reset; the others wait for the probe's answer, and it
// either shows the new window (everyone goes) or a 429 (re-probe shortly after). The reset
// estimate is the start of the window, when one of our requests opened it (its answer said
// remaining == limit - 1: the window began between its send and receive), plus the window
// length; otherwise the header's reset converted with the server clock learnt from Date.
// Either way it is clamped to what the floored headers allow. Globally: an adaptive cap on
// requests in flight, cut by 1/4 on a concurrency 429 (X-Rate-Limit-Limit: 0), climbing by
// one per round of successes, slowly near the cap that last failed.
//
// A hidden cap (contract §1.6: a token may use 50% of each bucket by default, and whether the
// headers show its share or the org's whole limit is unconfirmed): a bucket 429 that arrives
// while the window's remaining minus our requests in flight still showed room means the token
// is held below what the headers announce. The requests granted to us in that window become
// the bucket's learnt cap, paced to from then on like a smaller limit. Every
// kCapProbeWindows-th window the cap is probed upward one request at a time (each success
// past it raises it; the first 429 ends the probe), so a raised share or a quieter org is
// found again; a window whose announced budget is spent without such a 429 (the headers tell
// the truth) forgets the cap.
class RateGovernor {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  struct Decision {
    bool go = false;
    // When !go: when to ask again; TimePoint::max() = after some permit is released.
    TimePoint retry_at = TimePoint::max();
  };

  // What the governor knows about one bucket, for progress, reports and benches.
  struct BucketStats {
    std::optional<int64_t> limit;        // last X-Rate-Limit-Limit of the current window
    std::optional<int64_t> remaining;    // lowest X-Rate-Limit-Remaining of the window
    std::optional<int64_t> reset_epoch_s;  // server epoch seconds of the window's reset
    std::optional<TimePoint> reset_local;  // the same on the local steady clock (estimate)
    std::optional<std::chrono::milliseconds> window;  // learnt window length
    int in_flight = 0;
    int64_t sent = 0;
    int64_t responses = 0;
    int64_t rate_limited = 0;  // bucket 429s (not concurrency 429s)
    int64_t probes = 0;        // single requests sent to find out whether a window reset
    // Requests per window the token really gets, learnt from 429s that came while the
    // headers still showed room (a hidden per-token share); nullopt when none is known.
    std::optional<int64_t> learnt_cap;
    // With a learnt cap: what it leaves in the current window (cap - granted - in flight).
    std::optional<int64_t> cap_left;
    int64_t hidden_cap_429s = 0;  // bucket 429s that taught (or confirmed) a learnt cap
  };

  explicit RateGovernor(GovernorOptions options = {});

  // May a request in `bucket` be sent at `now`? On go, one permit is held (counted in flight
  // for the bucket and globally) until OnResponse/OnNoResponse.
  Decision TryAcquire(Bucket bucket, TimePoint now);

  // Releases the permit taken at `sent_at` and learns from the response: the bucket's limit,
  // remaining and reset (a 429 teaches "spent" at once), the server clock from Date, and the
  // concurrency limit from a 429 with X-Rate-Limit-Limit: 0.
  void OnResponse(Bucket bucket, int http_status, const RateLimitSnapshot& rl, TimePoint now,
                  TimePoint sent_at);

  // Releases the permit taken at `sent_at` after a transport failure (no response).
  void OnNoResponse(Bucket bucket, TimePoint now, TimePoint sent_at);

  // A short random pause (concurrency_pause_min..max) before retrying a request that met a
  // concurrency 429.
  Clock::duration ConcurrencyRetryDelay();

  // Observability.
  BucketStats Stats(Bucket bucket) const;
  int InFlight() const { return in_flight_; }
  int InFlightCap() const { return cap_; }
  // The --max-share in force (after clamping to (0, 1]).
  double MaxShare() const { return options_.max_share; }
  int64_t ConcurrencyLimited() const { return concurrency_429s_; }
  // Current bounds on (server epoch - local steady) in nanoseconds, learnt from Date; nullopt
  // before the first Date.
  std::optional<int64_t> ServerOffsetLowNs() const { return offset_lo_ns_; }
  std::optional<int64_t> ServerOffsetHighNs() const { return offset_hi_ns_; }
  // Converts a server epoch time to the local steady clock with the current offset estimate.
  std::optional<TimePoint> ServerToLocal(int64_t server_epoch_s) const;

 private:
  struct BucketState {
    // Window, as the server reports it. `known` once a full observation arrived.
    bool known = false;
    bool unmetered = false;  // answers came without rate-limit headers: global cap only
    int64_t limit = 0;
    int64_t remaining = 0;
    int64_t reset_epoch_s = 0;
    // Longest (reset - Date) seen: never more than the window for integral windows (Okta:
    // 60 s), and equal to it once a window's first answer has been seen.
    int64_t window_s = 0;
    // Local steady estimate of when the current window started, when one of our requests
    // opened it (its response said remaining == limit - 1): midpoint of send and receive.
    std::optional<TimePoint> window_start;
    TimePoint window_start_latest{};  // that request's receive time: the window began by then
    // Earliest local receive time of an answer in the current window: whoever opened the
    // window, it began before then.
    TimePoint first_seen{};
    int64_t window_start_reset = 0;  // the reset_epoch_s that window_start belongs to
    // Bounds on the window length (ns) from windows we opened, for lengths that are not
    // whole seconds (okta-mock --window 10.5).
    std::optional<int64_t> window_lo_ns;
    std::optional<int64_t> window_hi_ns;

    // Spent-bucket probing: when the bucket is spent, one request (the probe) may go at
    // probe_at; the rest wait for its answer.
    bool probe_scheduled = false;  // probe_at is valid for reset_epoch_s
    TimePoint probe_at{};
    bool probe_from_own_start = false;  // probe_at came from window_start (not the header)
    bool probe_outstanding = false;
    TimePoint probe_sent_at{};
    int failed_probes = 0;  // consecutive probes that met a 429
    Clock::duration probe_margin{};  // learnt extra wait after an own-start estimate

    // Hidden per-token cap (see the class comment). granted: our requests answered with a
    // success in the current window (its reset); cap: the learnt requests per window, 0 when
    // none is known.
    int64_t granted = 0;
    int64_t cap = 0;
    bool cap_hit = false;      // a hidden-cap 429 came in the current window
    bool cap_probing = false;  // the current window probes above the cap, one at a time
    int windows_since_cap_429 = 0;
    int64_t hidden_cap_429s = 0;

    int in_flight = 0;
    int64_t sent = 0;
    int64_t responses = 0;
    int64_t rate_limited = 0;
    int64_t probes = 0;
  };

  BucketState& State(Bucket b) { return buckets_[static_cast<std::size_t>(b)]; }
  const BucketState& State(Bucket b) const { return buckets_[static_cast<std::size_t>(b)]; }
  int64_t Reserve(const BucketState& s) const;
  bool Spent(const BucketState& s) const;
  bool CapSpent(const BucketState& s) const;
  bool CapPromised(const BucketState& s) const;
  void LearnCap(BucketState& s, bool rate_limited, int64_t room);
  void Release(BucketState& s);
  void LearnClock(const RateLimitSnapshot& rl, TimePoint now, TimePoint sent_at);
  void LearnBucket(BucketState& s, int http_status, const RateLimitSnapshot& rl, TimePoint now,
                   TimePoint sent_at);
  void ResolveProbe(BucketState& s, bool too_early, TimePoint now);
  void ScheduleProbe(BucketState& s, TimePoint now);
  std::optional<TimePoint> EstimateReset(const BucketState& s, bool* from_own_start) const;
  Clock::duration WindowLength(const BucketState& s, bool upper) const;
  void OnConcurrencyLimited(TimePoint sent_at, TimePoint now);
  void OnConcurrencyOk(TimePoint sent_at);
  Clock::duration Jitter(Clock::duration max);

  GovernorOptions options_;
  std::mt19937_64 rng_;
  std::array<BucketState, kBucketCount> buckets_{};

  // Server clock: bounds on (server epoch ns - local steady ns).
  std::optional<int64_t> offset_lo_ns_;
  std::optional<int64_t> offset_hi_ns_;

  // Global in-flight accounting and the adaptive concurrency cap (AIMD).
  int in_flight_ = 0;
  int cap_ = 1;
  int ceiling_ = 0;  // cap at the last concurrency 429 (0: none known); climb past it slowly
  int success_run_ = 0;
  TimePoint last_decrease_{TimePoint::min()};
  int64_t concurrency_429s_ = 0;
};

}  // namespace okta_bulk
