// The progress line as pure functions: rendering, ETA, the bottleneck, the recent rate on a
// fake clock, and the pre-count of CSV records. No terminal, no sockets.
#include "pipeline/report/progress.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/report/run_monitor.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk {
namespace {

BucketNow Create(std::size_t queued, int64_t usable, double reset_in = 20) {
  BucketNow b;
  b.bucket = Bucket::kUsers;
  b.queued = queued;
  b.limit = 600;
  b.per_window = 600;
  b.usable = usable;
  b.reset_in_s = reset_in;
  b.window_s = 60;
  return b;
}

ProgressState Busy() {
  ProgressState s;
  s.done = 1234;
  s.total = 10000;
  s.elapsed_s = 65;
  s.rate = 205;
  s.eta_s = 42;
  s.outcomes[static_cast<std::size_t>(Outcome::kCreated)] = 1200;
  s.outcomes[static_cast<std::size_t>(Outcome::kFailed)] = 34;
  s.rate_limited = 3;
  s.in_flight = 8;
  s.in_flight_cap = 8;
  s.bottleneck = {Bottleneck::kBucket, Bucket::kUsers};
  s.bottleneck_bucket = Create(500, 12, 23);
  return s;
}

TEST(ProgressLineTest, ShowsDonePercentRateEtaOutcomes429sInFlightAndTheBottleneck) {
  std::string line = RenderProgressLine(Busy());
  EXPECT_NE(line.find("1,234/10,000 rows (12.3%)"), std::string::npos) << line;
  EXPECT_NE(line.find("205 rows/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 42s"), std::string::npos) << line;
  EXPECT_NE(line.find("elapsed 1m05s"), std::string::npos) << line;
  EXPECT_NE(line.find("created 1,200 failed 34"), std::string::npos) << line;
  EXPECT_EQ(line.find("existed"), std::string::npos) << "outcomes at 0 are left out: " << line;
  EXPECT_NE(line.find("429s 3"), std::string::npos) << line;
  EXPECT_NE(line.find("in flight 8/8"), std::string::npos) << line;
  EXPECT_NE(line.find("limit: create bucket 12/600 left, reset in 23s"), std::string::npos) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << "no colour unless asked";
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(ProgressLineTest, AnUnknownTotalShowsNoPercentageAndExportShowsPages) {
  ProgressState s;
  s.unit = "users";
  s.done = 4200;
  s.pages = 21;
  s.has_outcomes = false;
  std::string line = RenderProgressLine(s);
  EXPECT_NE(line.find("4,200/? users, 21 pages"), std::string::npos) << line;
  EXPECT_EQ(line.find('%'), std::string::npos) << line;
  EXPECT_NE(line.find("ETA ?"), std::string::npos) << line;
  s.done = 200;
  s.pages = 1;
  line = RenderProgressLine(s);
  EXPECT_NE(line.find("200/? users, 1 page "), std::string::npos) << line;
}

TEST(ProgressLineTest, ColourMarksFailuresAnd429sAndIsDroppedWhenTheLineIsCut) {
  const std::string coloured = RenderProgressLine(Busy(), 0, /*colour=*/true);
  EXPECT_NE(coloured.find("\x1b[31mfailed 34\x1b[0m"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[33m429s 3\x1b[0m"), std::string::npos) << coloured;
  EXPECT_EQ(coloured.find("\x1b[31mcreated"), std::string::npos) << "successes stay plain";
  // Narrower, whole fields are left out: the colour of those kept stays whole.
  const std::string narrow = RenderProgressLine(Busy(), 60, /*colour=*/true);
  EXPECT_LE(VisibleColumns(narrow), 60u) << narrow;
  EXPECT_NE(narrow.find("\x1b[33m429s 3\x1b[0m"), std::string::npos) << narrow;
  // Only when not even the count fits is the text cut.
  const std::string cut = RenderProgressLine(Busy(), 10, /*colour=*/true);
  EXPECT_EQ(cut, "1,234/1...");
  EXPECT_EQ(cut.find('\x1b'), std::string::npos) << "a cut line must not split an escape";
}

TEST(ProgressLineTest, ConcurrencyBottleneckIsNamed) {
  ProgressState s = Busy();
  s.bottleneck = {Bottleneck::kConcurrency, {}};
  EXPECT_NE(RenderProgressLine(s).find("limit: concurrency"), std::string::npos);
  s.bottleneck = {};
  EXPECT_EQ(RenderProgressLine(s).find("limit:"), std::string::npos);
}

TEST(ProgressNumbersTest, DigitsAreGroupedAndDurationsAreShort) {
  EXPECT_EQ(GroupDigits(0), "0");
  EXPECT_EQ(GroupDigits(999), "999");
  EXPECT_EQ(GroupDigits(1000), "1,000");
  EXPECT_EQ(GroupDigits(1234567), "1,234,567");
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(59.4), "59s");
  EXPECT_EQ(FormatDuration(187), "3m07s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(EtaTest, ASpentBucketIsWaitedOutWindowByWindow) {
  // 1,500 rows at one create each, none left now, 600 per 60 s window, reset in 20 s:
  // 600 at +20 s, 600 at +80 s, the last 300 at +140 s.
  BucketNow b = Create(100, 0, 20);
  auto eta = EstimateEta(1500, /*recent_rate=*/0, &b, 1.0);
  ASSERT_TRUE(eta);
  EXPECT_DOUBLE_EQ(*eta, 140);
  // Two requests per row (say, a lookup and a create in the same bucket) need twice the windows.
  eta = EstimateEta(1500, 0, &b, 2.0);
  ASSERT_TRUE(eta);
  EXPECT_DOUBLE_EQ(*eta, 20 + 4 * 60);
}

TEST(EtaTest, ASpentBucketThatResetsNowStillNeedsTimeForTheLastWindowsRows) {
  // 2,000 rows left, 600 per 10 s window, spent, resetting now, 600 rows/s recently: the
  // permits are free at once but the rows take 2,000 / 600 s more, not zero.
  BucketNow b = Create(600, 0, 0);
  b.window_s = 10;
  auto eta = EstimateEta(2000, 600, &b, 1.0);
  ASSERT_TRUE(eta);
  // 600 permits at +0, +10 and +20 s, the last 200 at +30 s, then sent at the recent rate.
  EXPECT_NEAR(*eta, 30 + 200.0 / 600, 1e-9);
  // The part after the last reset never counts for more than a window.
  eta = EstimateEta(100, 1, &b, 1.0);
  ASSERT_TRUE(eta);
  EXPECT_DOUBLE_EQ(*eta, 10);
}

TEST(EtaTest, WhatIsLeftOfTheWindowGoesFirstAndTheRecentRateBoundsIt) {
  BucketNow b = Create(100, 500, 30);
  // 400 rows fit in what is left: the recent rate decides.
  auto eta = EstimateEta(400, 100, &b, 1.0);
  ASSERT_TRUE(eta);
  EXPECT_DOUBLE_EQ(*eta, 4);
  // 700 do not: 500 now, 200 at the reset in 30 s.
  eta = EstimateEta(700, 1000, &b, 1.0);
  ASSERT_TRUE(eta);
  EXPECT_DOUBLE_EQ(*eta, 30);
}

TEST(EtaTest, WithoutARateOrABudgetItIsUnknownAndNothingLeftIsZero) {
  EXPECT_FALSE(EstimateEta(10, 0, nullptr, 1.0));
  ASSERT_TRUE(EstimateEta(10, 5, nullptr, 1.0));
  EXPECT_DOUBLE_EQ(*EstimateEta(10, 5, nullptr, 1.0), 2);
  EXPECT_DOUBLE_EQ(*EstimateEta(0, 0, nullptr, 1.0), 0);
}

TEST(BottleneckTest, TheSpentBucketWithWaitingTasksWinsOverBusySlots) {
  BucketNow create = Create(50, 0);
  BucketNow get;
  get.bucket = Bucket::kUserGet;
  get.queued = 80;
  get.usable = 900;
  std::array<BucketNow, 2> buckets{create, get};
  Bottleneck b = PickBottleneck(buckets, 8, 8);
  EXPECT_EQ(b.kind, Bottleneck::kBucket);
  EXPECT_EQ(b.bucket, Bucket::kUsers);
}

TEST(BottleneckTest, AllSlotsBusyWithNothingSpentIsTheConcurrencyLimit) {
  std::array<BucketNow, 1> buckets{Create(50, 300)};
  EXPECT_EQ(PickBottleneck(buckets, 8, 8).kind, Bottleneck::kConcurrency);
  // Free slots: the bucket with the most waiting tasks.
  Bottleneck b = PickBottleneck(buckets, 3, 8);
  EXPECT_EQ(b.kind, Bottleneck::kBucket);
  EXPECT_EQ(b.bucket, Bucket::kUsers);
}

TEST(BottleneckTest, NothingWaitingMeansNoBottleneck) {
  std::array<BucketNow, 1> buckets{Create(0, 0)};
  EXPECT_EQ(PickBottleneck(buckets, 8, 8).kind, Bottleneck::kNone);
}

TEST(RecentRateTest, CountsOnlyTheLastTenSecondsOnAFakeClock) {
  RecentRate rate;
  EXPECT_EQ(rate.Rate(), 0);
  rate.Add(0, 0);
  EXPECT_EQ(rate.Rate(), 0) << "one sample is no rate";
  // A burst of 6,000 in the first second, then nothing for 10 s.
  rate.Add(1, 6000);
  EXPECT_DOUBLE_EQ(rate.Rate(), 6000);
  for (int t = 2; t <= 11; ++t) rate.Add(t, 6000);
  EXPECT_DOUBLE_EQ(rate.Rate(), 0) << "the burst has left the window";
  for (int t = 12; t <= 21; ++t) rate.Add(t, 6000 + 10 * static_cast<uint64_t>(t - 11));
  EXPECT_DOUBLE_EQ(rate.Rate(), 10);
}

TEST(CountCsvRecordsTest, QuotedFieldsSpanningLinesCountOnceAndTheHeaderNotAtAll) {
  testing::TempDir dir;
  dir.Write("u.csv",
            "login,title\r\n"
            "a@example.com,\"line1\r\nline2\"\r\n"
            "\r\n"  // an empty line is no record
            "b@example.com,\"x\ny\nz\"\n"
            "c@example.com,plain");  // no final newline
  auto n = CountCsvRecords(dir.File("u.csv"));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3u);
  dir.Write("header-only.csv", "login\n");
  EXPECT_EQ(CountCsvRecords(dir.File("header-only.csv")), 0u);
}

TEST(CountCsvRecordsTest, APipeOrAMissingFileHasNoKnownTotal) {
  testing::TempDir dir;
  EXPECT_FALSE(CountCsvRecords(dir.File("missing.csv")));
  ASSERT_EQ(::mkfifo(dir.File("fifo").c_str(), 0600), 0);
  EXPECT_FALSE(CountCsvRecords(dir.File("fifo"))) << "reading a pipe would consume it";
  EXPECT_FALSE(CountCsvRecords("/dev/null"));
}

TEST(DetectTerminalTest, APipeIsNoTerminalAndNoColourAndATerminalHonoursNoColor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  MonitorOptions o;
  DetectTerminal(fds[1], &o);
  EXPECT_FALSE(o.tty);
  EXPECT_FALSE(o.colour);
  ::close(fds[0]);
  ::close(fds[1]);

  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
    GTEST_SKIP() << "no pseudo-terminal available here";
  int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  const char* old = std::getenv("NO_COLOR");
  std::string saved = old ? old : "";
  ::unsetenv("NO_COLOR");
  DetectTerminal(slave, &o);
  EXPECT_TRUE(o.tty);
  EXPECT_TRUE(o.colour);
  ::setenv("NO_COLOR", "1", 1);
  DetectTerminal(slave, &o);
  EXPECT_TRUE(o.tty);
  EXPECT_FALSE(o.colour) << "NO_COLOR set and non-empty: no colour";
  ::setenv("NO_COLOR", "", 1);
  DetectTerminal(slave, &o);
  EXPECT_TRUE(o.colour) << "an empty NO_COLOR does not count (no-color.org)";
  if (old) ::setenv("NO_COLOR", saved.c_str(), 1); else ::unsetenv("NO_COLOR");
  ::close(slave);
  ::close(master);
}

TEST(DetectTerminalTest, TheWidthFollowsTheTerminalWhenItIsResized) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
    GTEST_SKIP() << "no pseudo-terminal available here";
  int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = 80;
  ASSERT_EQ(::ioctl(master, TIOCSWINSZ, &ws), 0);
  MonitorOptions o;
  DetectTerminal(slave, &o);
  EXPECT_EQ(o.tty_fd, slave);
  EXPECT_EQ(o.width, 79u) << "the last column is left free";
  ws.ws_col = 40;
  ASSERT_EQ(::ioctl(master, TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(TerminalWidth(o.tty_fd, o.width), 39u);
  ws.ws_col = 0;  // a terminal that does not say: keep what we had
  ASSERT_EQ(::ioctl(master, TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(TerminalWidth(o.tty_fd, 39), 39u);
  EXPECT_EQ(TerminalWidth(-1, 7), 7u);
  ::close(slave);
  ::close(master);
}

}  // namespace
}  // namespace okta_bulk
