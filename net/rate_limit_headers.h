// Parsing of Okta's rate-limit response headers (contract §1.1, §1.5) and of HTTP dates.
// Pure functions and a plain value type: no I/O, no allocation, no locale, no time zone.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace okta_bulk {

// Parses an HTTP-date (RFC 9110 §5.6.7) into seconds since the Unix epoch (UTC).
// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is the form senders must use; the obsolete
// RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms
// are accepted too. Surrounding whitespace is allowed; anything else malformed (bad names,
// out-of-range fields, a day that does not exist in its month) yields nullopt. The weekday
// name must be a valid one but is not checked against the date. Two-digit RFC 850 years are
// read as 1970-2069. A leap second (":60") is accepted and counted as the next second.
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Days from 1970-01-01 to the given proleptic Gregorian date (may be negative).
// REQUIRES: 1 <= month <= 12, 1 <= day <= 31.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// What one response said about its rate-limit bucket. Fed every response header through
// AddHeader; headers it does not know are ignored. A plain value: copy it freely.
struct RateLimitSnapshot {
  std::optional<int64_t> limit;          // X-Rate-Limit-Limit (0 on a concurrency 429)
  std::optional<int64_t> remaining;      // X-Rate-Limit-Remaining
  std::optional<int64_t> reset_epoch_s;  // X-Rate-Limit-Reset: server epoch seconds
  std::optional<int64_t> date_epoch_s;   // Date: the server's clock when it answered

  // Matches `name` case-insensitively. A header may come on several lines or as one
  // comma-joined value; for limit, remaining and reset the smallest valid value wins (the
  // Go and Java SDKs take the smallest reset, contract §1.1). Values that are not plain
  // non-negative decimal integers fitting in int64 are ignored. For Date the first valid
  // value wins. Never throws.
  void AddHeader(std::string_view name, std::string_view value);

  // True when the headers carry Okta's concurrency-limit signature, `X-Rate-Limit-Limit: 0`
  // (contract §1.5). Only meaningful on a 429.
  bool IsConcurrencyLimit() const { return limit.has_value() && *limit == 0; }

  // True when limit, remaining and reset are all present (a usable bucket observation).
  bool HasBucketState() const {
    return limit.has_value() && remaining.has_value() && reset_epoch_s.has_value();
  }
};

// Parses a plain non-negative decimal integer (digits only, optional surrounding spaces and
// tabs). Returns nullopt on anything else, including overflow of int64.
std::optional<int64_t> ParseNonNegativeInt(std::string_view text);

}  // namespace okta_bulk
