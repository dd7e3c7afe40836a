#include "net/rate_limit_headers.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <string>

namespace okta_bulk {
namespace {

constexpr int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(ParseHttpDateTest, ImfFixdateIsParsed) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Wed, 26 Jan 2022 17:56:38 GMT"), 1643219798);
}

TEST(ParseHttpDateTest, ObsoleteRfc850AndAsctimeFormsAreAccepted) {
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov 16 08:49:37 1994"), kRfcExample + 10 * 86400);
  // Two-digit years below 70 are this century.
  EXPECT_EQ(ParseHttpDate("Friday, 01-Jan-21 00:00:00 GMT"), 1609459200);
}

TEST(ParseHttpDateTest, SurroundingWhitespaceIsAllowed) {
  EXPECT_EQ(ParseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT\t"), kRfcExample);
}

TEST(ParseHttpDateTest, LeapDaysAndCenturyRulesAreExact) {
  EXPECT_EQ(ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400);
  EXPECT_EQ(ParseHttpDate("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000);
  EXPECT_FALSE(ParseHttpDate("Thu, 29 Feb 2100 12:00:00 GMT"));  // not a leap year
  EXPECT_FALSE(ParseHttpDate("Sat, 29 Feb 2025 12:00:00 GMT"));
  EXPECT_FALSE(ParseHttpDate("Thu, 31 Apr 2025 12:00:00 GMT"));
  EXPECT_EQ(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT"), 253402300799);
}

TEST(ParseHttpDateTest, AgreesWithTheCLibraryForManyRandomDates) {
  // timegm is the reference here only; the parser itself never calls it.
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int64_t> dist(0, 4'102'444'800);  // up to 2100
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 2000; ++i) {
    const time_t t = static_cast<time_t>(dist(rng));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    ASSERT_EQ(ParseHttpDate(buf), static_cast<int64_t>(t)) << buf;
  }
}

TEST(ParseHttpDateTest, GarbageIsRejected) {
  for (const char* bad : {
           "", "GMT", "yesterday", "Sun, 06 Nov 1994 08:49:37",  // no zone
           "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 GMT junk",
           "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
           "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 8:49:37 GMT", "Sun,06 Nov 1994 08:49:37 GMT",
           "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
           "Sun Nov  6 08:49:37 94", "1700000000"}) {
    EXPECT_FALSE(ParseHttpDate(bad)) << bad;
  }
  EXPECT_FALSE(ParseHttpDate(std::string_view("Sun, 06 Nov 1994 08:49:37 GMT\0", 30)));
}

TEST(ParseHttpDateTest, LeapSecondCountsAsTheNextSecond) {
  EXPECT_EQ(ParseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228800);
}

TEST(DaysFromCivilTest, MatchesKnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1600, 1, 1), -135140);
}

TEST(RateLimitSnapshotTest, HeaderNamesMatchInAnyCase) {
  RateLimitSnapshot a;
  a.AddHeader("X-Rate-Limit-Limit", "600");
  a.AddHeader("X-RATE-LIMIT-REMAINING", "598");
  a.AddHeader("x-rate-limit-reset", "1643219858");
  a.AddHeader("date", "Wed, 26 Jan 2022 17:56:38 GMT");
  EXPECT_EQ(a.limit, 600);
  EXPECT_EQ(a.remaining, 598);
  EXPECT_EQ(a.reset_epoch_s, 1643219858);
  EXPECT_EQ(a.date_epoch_s, 1643219798);
  EXPECT_TRUE(a.HasBucketState());
  EXPECT_FALSE(a.IsConcurrencyLimit());
}

TEST(RateLimitSnapshotTest, SeveralResetValuesKeepTheSmallest) {
  RateLimitSnapshot lines;
  lines.AddHeader("X-Rate-Limit-Reset", "1643219870");
  lines.AddHeader("X-Rate-Limit-Reset", "1643219858");
  lines.AddHeader("X-Rate-Limit-Reset", "1643219899");
  EXPECT_EQ(lines.reset_epoch_s, 1643219858);
  RateLimitSnapshot joined;
  joined.AddHeader("x-rate-limit-reset", "1643219870, 1643219858,1643219899");
  EXPECT_EQ(joined.reset_epoch_s, 1643219858);
}

TEST(RateLimitSnapshotTest, SeveralLimitAndRemainingValuesKeepTheSmallest) {
  RateLimitSnapshot s;
  s.AddHeader("x-rate-limit-limit", "1200, 600");
  s.AddHeader("x-rate-limit-remaining", "40");
  s.AddHeader("x-rate-limit-remaining", "7");
  EXPECT_EQ(s.limit, 600);
  EXPECT_EQ(s.remaining, 7);
}

TEST(RateLimitSnapshotTest, GarbageValuesAreIgnoredAndValidOnesKept) {
  RateLimitSnapshot s;
  s.AddHeader("x-rate-limit-reset", "soon");
  s.AddHeader("x-rate-limit-reset", "-5");
  s.AddHeader("x-rate-limit-reset", "99999999999999999999");  // overflows int64
  s.AddHeader("x-rate-limit-reset", "1.5e9");
  s.AddHeader("x-rate-limit-reset", "");
  s.AddHeader("x-rate-limit-reset", ",,,");
  s.AddHeader("x-rate-limit-reset", "+12");
  EXPECT_FALSE(s.reset_epoch_s);
  s.AddHeader("x-rate-limit-reset", "garbage, 1643219858 ,-1");
  EXPECT_EQ(s.reset_epoch_s, 1643219858);
  s.AddHeader("x-rate-limit-remaining", "0x10");
  EXPECT_FALSE(s.remaining);
  EXPECT_FALSE(s.HasBucketState());
}

TEST(RateLimitSnapshotTest, LargestInt64IsAcceptedAndOneMoreIsNot) {
  RateLimitSnapshot s;
  s.AddHeader("x-rate-limit-limit", "9223372036854775808");
  EXPECT_FALSE(s.limit);
  s.AddHeader("x-rate-limit-limit", "9223372036854775807");
  EXPECT_EQ(s.limit, INT64_MAX);
}

TEST(RateLimitSnapshotTest, ConcurrencyLimitIsRecognisedByLimitZero) {
  RateLimitSnapshot s;
  s.AddHeader("X-Rate-Limit-Limit", "0");
  s.AddHeader("X-Rate-Limit-Remaining", "0");
  s.AddHeader("X-Rate-Limit-Reset", "1643219799");
  EXPECT_TRUE(s.IsConcurrencyLimit());
  RateLimitSnapshot none;
  EXPECT_FALSE(none.IsConcurrencyLimit());
}

TEST(RateLimitSnapshotTest, UnrelatedHeadersAreIgnored) {
  RateLimitSnapshot s;
  s.AddHeader("X-Rate-Limit-Resets", "5");
  s.AddHeader("X-Rate-Limit", "5");
  s.AddHeader("Dates", "Wed, 26 Jan 2022 17:56:38 GMT");
  s.AddHeader("Content-Length", "12");
  s.AddHeader("", "");
  EXPECT_FALSE(s.limit || s.remaining || s.reset_epoch_s || s.date_epoch_s);
}

TEST(RateLimitSnapshotTest, DateKeepsTheFirstValidValueEvenWhenCommaJoined) {
  RateLimitSnapshot s;
  s.AddHeader("Date", "nonsense");
  s.AddHeader("Date", "Wed, 26 Jan 2022 17:56:38 GMT, Wed, 26 Jan 2022 17:56:39 GMT");
  EXPECT_EQ(s.date_epoch_s, 1643219798);
  s.AddHeader("Date", "Wed, 26 Jan 2022 17:56:50 GMT");
  EXPECT_EQ(s.date_epoch_s, 1643219798);
}

TEST(RateLimitSnapshotTest, RandomBytesNeverCrash) {
  std::mt19937 rng(11);
  const char* names[] = {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset",
                         "date"};
  for (int i = 0; i < 20000; ++i) {
    std::string value(rng() % 40, '\0');
    for (char& c : value) c = static_cast<char>(rng() % 256);
    RateLimitSnapshot s;
    s.AddHeader(names[i % 4], value);
    EXPECT_GE(s.limit.value_or(0), 0);
    EXPECT_GE(s.remaining.value_or(0), 0);
    EXPECT_GE(s.reset_epoch_s.value_or(0), 0);
  }
}

TEST(RateLimitHeadersTest, ZeroPaddedNumbersThatFitAreAccepted) {
  EXPECT_EQ(ParseNonNegativeInt("000000000001643219858"), 1643219858);
  EXPECT_EQ(ParseNonNegativeInt("0000000000000000000000000007"), 7);
  EXPECT_EQ(ParseNonNegativeInt("99999999999999999999"), std::nullopt);  // overflows int64
  RateLimitSnapshot s;
  s.AddHeader("X-Rate-Limit-Reset", "000000000001643219858");
  EXPECT_EQ(s.reset_epoch_s, 1643219858);
}

}  // namespace
}  // namespace okta_bulk
