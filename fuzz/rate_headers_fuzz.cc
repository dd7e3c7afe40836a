// libFuzzer target for rate-limit header parsing and HTTP dates (net/rate_limit_headers.h).
//
// The input is read as header lines "name: value" separated by '\n' (what a hostile server
// could send). Checks, beyond "no crash, no sanitizer report":
//  1. RateLimitSnapshot::AddHeader: limit, remaining and reset are each the smallest valid
//     value over every line and comma-separated element of that header, whatever the order
//     of the lines (fed forwards and backwards: same answer); Date is a date one of the
//     `date` lines gave.
//  2. ParseNonNegativeInt agrees with a reference (trim spaces/tabs, digits only, fits int64).
//  3. ParseHttpDate: whatever it accepts, written back as an IMF-fixdate, parses to the same
//     instant; the whole input and each value are tried as dates.
// Build: see tools/fuzz.sh.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/rate_limit_headers.h"

namespace okta_bulk {
namespace {

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "rate_headers_fuzz: %s: '%.*s'\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// fuzz/crashes/rate_headers-leading-zeros: ParseNonNegativeInt used to refuse any value
// longer than 19 characters, so a zero-padded value that fits int64 was ignored. Fixed;
// the reference below checks the contract as written.
#ifndef OKTA_FUZZ_STRICT
#define OKTA_FUZZ_STRICT 1
#endif

// The contract of ParseNonNegativeInt, written independently.
std::optional<int64_t> ReferenceInt(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  if (!OKTA_FUZZ_STRICT && text.size() > 19) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Smallest valid element over every line of header `want`.
std::optional<int64_t> ReferenceSmallest(
    const std::vector<std::pair<std::string_view, std::string_view>>& headers,
    std::string_view want) {
  std::optional<int64_t> best;
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, want)) continue;
    std::string_view rest = value;
    while (true) {
      std::size_t comma = rest.find(',');
      if (auto v = ReferenceInt(rest.substr(0, comma)); v && (!best || *v < *best)) best = v;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return best;
}

// Hinnant's civil_from_days, to write an instant back as a date.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

void CheckDate(std::string_view text) {
  std::optional<int64_t> t = ParseHttpDate(text);
  if (!t) return;
  const int64_t days = (*t >= 0 ? *t : *t - 86399) / 86400;
  const int64_t secs = *t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) return;  // a leap second on 9999-12-31 rolls into year 10000
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t wd = ((days % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT", kDays[wd], d,
                kMonths[m - 1], static_cast<long long>(y), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::optional<int64_t> again = ParseHttpDate(buf);
  if (again != t) Fail("an accepted date does not round-trip through IMF-fixdate", text);
}

}  // namespace
}  // namespace okta_bulk

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace okta_bulk;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (std::string_view rest = input; !rest.empty();) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      headers.emplace_back(line, std::string_view{});
    } else {
      headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }

  RateLimitSnapshot forward, backward;
  for (const auto& [name, value] : headers) forward.AddHeader(name, value);
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) backward.AddHeader(it->first, it->second);

  if (forward.limit != ReferenceSmallest(headers, "x-rate-limit-limit"))
    Fail("limit is not the smallest valid value", input);
  if (forward.remaining != ReferenceSmallest(headers, "x-rate-limit-remaining"))
    Fail("remaining is not the smallest valid value", input);
  if (forward.reset_epoch_s != ReferenceSmallest(headers, "x-rate-limit-reset"))
    Fail("reset is not the smallest valid value", input);
  if (backward.limit != forward.limit || backward.remaining != forward.remaining ||
      backward.reset_epoch_s != forward.reset_epoch_s)
    Fail("the order of header lines changed limit/remaining/reset", input);
  (void)forward.IsConcurrencyLimit();
  (void)forward.HasBucketState();

  // Date: present only if some date line gave it (whole value, or up to its first "GMT").
  bool any_date_line_parses = false, matches_one = !forward.date_epoch_s;
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, "date")) continue;
    std::optional<int64_t> whole = ParseHttpDate(value), prefix;
    if (std::size_t gmt = value.find("GMT"); gmt != std::string_view::npos)
      prefix = ParseHttpDate(value.substr(0, gmt + 3));
    any_date_line_parses |= whole.has_value() || prefix.has_value();
    if (forward.date_epoch_s && (whole == forward.date_epoch_s || prefix == forward.date_epoch_s))
      matches_one = true;
  }
  if (!matches_one) Fail("date is not one that a date line gave", input);
  if (any_date_line_parses != forward.date_epoch_s.has_value())
    Fail("a parsable date line was ignored", input);

  // The numeric and date parsers on their own.
  for (const auto& [name, value] : headers) {
    if (ParseNonNegativeInt(value) != ReferenceInt(value))
      Fail("ParseNonNegativeInt disagrees with the reference", value);
    CheckDate(value);
  }
  if (ParseNonNegativeInt(input) != ReferenceInt(input))
    Fail("ParseNonNegativeInt disagrees with the reference", input);
  CheckDate(input);
  return 0;
}
