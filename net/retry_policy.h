// Whether and when to retry a request, as a pure function of what happened (issue 4,
// contract §1.8 and §3). No clock, no randomness of its own: the caller passes a uniform
// random number, so every decision is reproducible in tests.
#pragma once
#include <chrono>
#include <string_view>

namespace okta_bulk {

// How a request failed before any HTTP response was read.
enum class TransportError : unsigned char {
  kNone,                  // an HTTP response arrived (see Attempt::http_status)
  kConnectFailed,         // DNS, TCP connect refused or timed out
  kReset,                 // connection reset while sending or waiting
  kClosedBeforeResponse,  // peer closed (EOF) before a complete response
  kTimeout,               // a phase exceeded --request-timeout
  kTls,                   // TLS failure mid-stream (not certificate verification; see below)
};

// What happened to one attempt.
struct Attempt {
  TransportError transport = TransportError::kNone;
  int http_status = 0;              // when transport == kNone
  std::string_view error_code;      // Okta errorCode of an error body, "" when absent
  bool concurrency_limited = false;  // a 429 carried X-Rate-Limit-Limit: 0 (contract §1.5)
  // The request is a group assignment or lookup right after this run created the user, so
  // a 404 may be Okta's eventual consistency and is worth a few retries (issue 4).
  bool not_found_may_be_transient = false;
};

struct RetryOptions {
  int max_attempts = 5;  // --max-attempts: counted attempts per request, the first included
  std::chrono::milliseconds backoff_base{300};  // as the Java SDK (contract §1.8)
  std::chrono::milliseconds backoff_cap{20'000};
};

enum class RetryVerdict : unsigned char {
  kSuccess,   // 1xx-3xx: nothing to retry
  kRetry,     // send again after `delay` (and the governor's permission)
  kFail,      // final for this row: not retryable, or attempts exhausted
  kAbortRun,  // every row would fail the same way (bad token): stop the run, exit status 3
};

// How long a retry waits before asking the rate governor again.
enum class RetryPace : unsigned char {
  kNone,              // not a retry
  kBackoff,           // wait `delay` (exponential backoff, full jitter)
  kGovernor,          // bucket 429: no own delay; the governor's TryAcquire waits for the reset
  kConcurrencyPause,  // concurrency 429: wait RateGovernor::ConcurrencyRetryDelay()
};

struct RetryDecision {
  RetryVerdict verdict = RetryVerdict::kFail;
  RetryPace pace = RetryPace::kNone;
  std::chrono::milliseconds delay{0};  // for kBackoff; 0 otherwise
  // False for rate-limit 429s: they are the org's doing, never the row's, so they do not
  // use up max_attempts.
  bool counts_as_attempt = true;
  std::string_view reason;  // short, static text for logs and results ("http 503", ...)
};

// Decides what to do after `attempt`. `attempt_number` is how many counted attempts have
// been made including this one (1 for the first). `random01` is uniform in [0, 1) and picks
// the backoff: delay = random01 * min(backoff_cap, backoff_base * 2^(attempt_number - 1)).
//
// Retryable: 408, 429, 500, 502, 503, 504 and every transport error; a 404 only when
// `not_found_may_be_transient`. Final: other 4xx and 5xx. Fatal to the run: 401 (except
// E0000015, a missing feature) and 403 E0000005 (contract §3, ISS-401, ISS-403).
// A certificate-verification failure is not a kTls transport error: callers treat it as
// fatal configuration before any row is sent.
RetryDecision DecideRetry(const Attempt& attempt, int attempt_number,
                          const RetryOptions& options, double random01);

}  // namespace okta_bulk
