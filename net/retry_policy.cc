#include "net/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace okta_bulk {
namespace {

using std::chrono::milliseconds;

RetryDecision Final(RetryVerdict verdict, std::string_view reason) {
  RetryDecision d;
  d.verdict = verdict;
  d.reason = reason;
  return d;
}

// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in
// [0, min(cap, base * 2^(n-1))). Spreads retries of many rows that failed together.
milliseconds FullJitter(int attempt_number, const RetryOptions& options, double random01) {
  const double base = static_cast<double>(std::max<int64_t>(0, options.backoff_base.count()));
  const double cap = static_cast<double>(std::max<int64_t>(0, options.backoff_cap.count()));
  const int exponent = std::clamp(attempt_number - 1, 0, 62);
  const double ceiling = std::min(cap, base * std::ldexp(1.0, exponent));
  const double u = std::clamp(random01, 0.0, 1.0);
  return milliseconds(static_cast<int64_t>(ceiling * u));
}

std::string_view TransportReason(TransportError e) {
  switch (e) {
    case TransportError::kNone: return "no error";
    case TransportError::kConnectFailed: return "connect failed";
    case TransportError::kReset: return "connection reset";
    case TransportError::kClosedBeforeResponse: return "connection closed before response";
    case TransportError::kTimeout: return "request timed out";
    case TransportError::kTls: return "tls error";
  }
  return "transport error";
}

std::string_view StatusReason(int status) {
  switch (status) {
    case 404: return "http 404";
    case 408: return "http 408";
    case 500: return "http 500";
    case 502: return "http 502";
    case 503: return "http 503";
    case 504: return "http 504";
    default: return status >= 500 ? "http 5xx" : "http 4xx";
  }
}

}  // namespace

RetryDecision DecideRetry(const Attempt& attempt, int attempt_number,
                          const RetryOptions& options, double random01) {
  bool retryable = false;
  std::string_view reason;
  if (attempt.transport != TransportError::kNone) {
    // A create whose answer was lost may have succeeded; the caller's duplicate handling
    // (issue 4) makes the retry safe.
    retryable = true;
    reason = TransportReason(attempt.transport);
  } else {
    const int status = attempt.http_status;
    if (status >= 100 && status < 400) {
      return Final(RetryVerdict::kSuccess, "ok");
    }
    if (status == 429) {
      RetryDecision d;
      d.verdict = RetryVerdict::kRetry;
      d.counts_as_attempt = false;
      if (attempt.concurrency_limited) {
        d.pace = RetryPace::kConcurrencyPause;
        d.reason = "concurrency limit";
      } else {
        d.pace = RetryPace::kGovernor;
        d.reason = "rate limit";
      }
      return d;
    }
    if (status == 401 && attempt.error_code != "E0000015") {
      return Final(RetryVerdict::kAbortRun, "authentication failed (401)");
    }
    if (status == 403 && attempt.error_code == "E0000005") {
      return Final(RetryVerdict::kAbortRun, "invalid session (403 E0000005)");
    }
    switch (status) {
      case 408: case 500: case 502: case 503: case 504:
        retryable = true;
        break;
      case 404:
        retryable = attempt.not_found_may_be_transient;
        break;
      default:
        retryable = false;
    }
    reason = StatusReason(status);
    if (status < 100 || status > 599) reason = "unexpected http status";
  }
  if (!retryable) return Final(RetryVerdict::kFail, reason);
  if (attempt_number >= options.max_attempts) return Final(RetryVerdict::kFail, reason);
  RetryDecision d;
  d.verdict = RetryVerdict::kRetry;
  d.pace = RetryPace::kBackoff;
  d.delay = FullJitter(attempt_number, options, random01);
  d.reason = reason;
  return d;
}

}  // namespace okta_bulk
