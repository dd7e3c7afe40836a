#include "net/rate_limit_headers.h"

#include <array>
#include <limits>

#include "net/ascii.h"

namespace okta_bulk {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu",
                                                       "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDayNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonthNames = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}

// A forward-only reader over the date text.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool AtEnd() const { return s_.empty(); }
  bool Literal(char c) {
    if (s_.empty() || s_.front() != c) return false;
    s_.remove_prefix(1);
    return true;
  }
  // Exactly `n` decimal digits.
  std::optional<unsigned> Digits(std::size_t n) {
    if (s_.size() < n) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = s_[i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    s_.remove_prefix(n);
    return v;
  }
  // Letters up to the next non-letter.
  std::string_view Word() {
    std::size_t n = 0;
    while (n < s_.size() && ((s_[n] >= 'a' && s_[n] <= 'z') || (s_[n] >= 'A' && s_[n] <= 'Z')))
      ++n;
    std::string_view w = s_.substr(0, n);
    s_.remove_prefix(n);
    return w;
  }

 private:
  std::string_view s_;
};

std::optional<unsigned> MonthFromName(std::string_view name) {
  for (std::size_t i = 0; i < kMonthNames.size(); ++i)
    if (EqualsIgnoreCase(name, kMonthNames[i])) return static_cast<unsigned>(i + 1);
  return std::nullopt;
}

template <std::size_t N>
bool IsOneOf(std::string_view word, const std::array<std::string_view, N>& names) {
  for (std::string_view n : names)
    if (EqualsIgnoreCase(word, n)) return true;
  return false;
}

// "HH:MM:SS" into seconds of the day; ":60" is allowed for a leap second.
std::optional<int64_t> TimeOfDay(Cursor& c) {
  auto h = c.Digits(2);
  if (!h || !c.Literal(':')) return std::nullopt;
  auto m = c.Digits(2);
  if (!m || !c.Literal(':')) return std::nullopt;
  auto s = c.Digits(2);
  if (!s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  return int64_t{*h} * 3600 + int64_t{*m} * 60 + int64_t{*s};
}

std::optional<int64_t> Combine(int64_t year, unsigned month, unsigned day, int64_t secs) {
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  return DaysFromCivil(year, month, day) * 86400 + secs;
}

// After the day name: ", 06 Nov 1994 08:49:37 GMT" or ", 06-Nov-94 08:49:37 GMT".
std::optional<int64_t> ParseAfterComma(Cursor& c, bool rfc850) {
  if (!c.Literal(',') || !c.Literal(' ')) return std::nullopt;
  auto day = c.Digits(2);
  const char sep = rfc850 ? '-' : ' ';
  if (!day || !c.Literal(sep)) return std::nullopt;
  auto month = MonthFromName(c.Word());
  if (!month || !c.Literal(sep)) return std::nullopt;
  int64_t year;
  if (rfc850) {
    auto yy = c.Digits(2);
    if (!yy) return std::nullopt;
    year = *yy < 70 ? 2000 + *yy : 1900 + *yy;
  } else {
    auto yyyy = c.Digits(4);
    if (!yyyy) return std::nullopt;
    year = *yyyy;
  }
  if (!c.Literal(' ')) return std::nullopt;
  auto secs = TimeOfDay(c);
  if (!secs || !c.Literal(' ') || c.Word() != "GMT" || !c.AtEnd()) return std::nullopt;
  return Combine(year, *month, *day, *secs);
}

// After the day name: " Nov  6 08:49:37 1994" (asctime).
std::optional<int64_t> ParseAsctimeRest(Cursor& c) {
  if (!c.Literal(' ')) return std::nullopt;
  auto month = MonthFromName(c.Word());
  if (!month || !c.Literal(' ')) return std::nullopt;
  std::optional<unsigned> day;
  if (c.Literal(' ')) {
    day = c.Digits(1);
  } else {
    day = c.Digits(2);
  }
  if (!day || !c.Literal(' ')) return std::nullopt;
  auto secs = TimeOfDay(c);
  if (!secs || !c.Literal(' ')) return std::nullopt;
  auto year = c.Digits(4);
  if (!year || !c.AtEnd()) return std::nullopt;
  return Combine(*year, *month, *day, *secs);
}

bool HeaderIs(std::string_view name, std::string_view want) { return EqualsIgnoreCase(name, want); }

// Applies `fn` to each comma-separated element of `value`.
template <typename Fn>
void ForEachListElement(std::string_view value, Fn fn) {
  while (true) {
    std::size_t comma = value.find(',');
    fn(value.substr(0, comma));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

void KeepSmallest(std::optional<int64_t>& slot, std::string_view value) {
  ForEachListElement(value, [&slot](std::string_view element) {
    if (auto v = ParseNonNegativeInt(element); v && (!slot || *v < *slot)) slot = *v;
  });
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                      // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  Cursor c(Trim(text));
  std::string_view day_name = c.Word();
  if (IsOneOf(day_name, kDayNames)) {
    // IMF-fixdate has ", "; asctime has " ".
    Cursor probe = c;
    if (probe.Literal(',')) return ParseAfterComma(c, /*rfc850=*/false);
    return ParseAsctimeRest(c);
  }
  if (IsOneOf(day_name, kLongDayNames)) return ParseAfterComma(c, /*rfc850=*/true);
  return std::nullopt;
}

std::optional<int64_t> ParseNonNegativeInt(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;  // leading zeros are fine: overflow is checked below
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    const int64_t digit = ch - '0';
    if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

void RateLimitSnapshot::AddHeader(std::string_view name, std::string_view value) {
  // Cheap reject: every header we want is at least 4 characters and starts with x or d.
  if (name.size() < 4) return;
  const char first = AsciiLower(name.front());
  if (first == 'x') {
    if (HeaderIs(name, "x-rate-limit-reset")) {
      KeepSmallest(reset_epoch_s, value);
    } else if (HeaderIs(name, "x-rate-limit-remaining")) {
      KeepSmallest(remaining, value);
    } else if (HeaderIs(name, "x-rate-limit-limit")) {
      KeepSmallest(limit, value);
    }
  } else if (first == 'd' && !date_epoch_s && HeaderIs(name, "date")) {
    // A Date contains a comma itself, so it is never split; a duplicated Date line keeps
    // the first valid one.
    date_epoch_s = ParseHttpDate(value);
    if (!date_epoch_s) {
      // A comma-joined duplicate ("<date>, <date>"): take the first one.
      if (std::size_t gmt = value.find("GMT"); gmt != std::string_view::npos)
        date_epoch_s = ParseHttpDate(value.substr(0, gmt + 3));
    }
  }
}

}  // namespace okta_bulk
