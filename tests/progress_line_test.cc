// The progress line's field priority as the terminal narrows (pure: RenderProgressLine on
// a fixed state), and the redraw prefix that clears a line the terminal re-wrapped.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/report/progress.h"
#include "pipeline/report/run_monitor.h"

namespace okta_bulk {
namespace {

ProgressState Busy() {
  ProgressState s;
  s.done = 1234;
  s.total = 10000;
  s.elapsed_s = 65;
  s.rate = 205;
  s.eta_s = 42;
  s.outcomes[static_cast<std::size_t>(Outcome::kCreated)] = 1200;
  s.outcomes[static_cast<std::size_t>(Outcome::kExisted)] = 20;
  s.outcomes[static_cast<std::size_t>(Outcome::kFailed)] = 34;
  s.rate_limited = 3;
  s.in_flight = 8;
  s.in_flight_cap = 8;
  s.bottleneck = {Bottleneck::kBucket, Bucket::kUsers};
  BucketNow b;
  b.bucket = Bucket::kUsers;
  b.queued = 500;
  b.limit = 600;
  b.per_window = 600;
  b.usable = 12;
  b.reset_in_s = 23;
  b.window_s = 60;
  s.bottleneck_bucket = b;
  return s;
}

bool Has(const std::string& line, const char* text) { return line.find(text) != std::string::npos; }

TEST(ProgressLinePriorityTest, UnlimitedTheLineShowsEveryFieldInPriorityOrder) {
  const std::string line = RenderProgressLine(Busy());
  EXPECT_EQ(line,
            "1,234/10,000 rows (12.3%) | 205 rows/s | ETA 42s | 429s 3 | "
            "limit: create bucket 12/600 left, reset in 23s | in flight 8/8 | "
            "created 1,200 existed 20 failed 34 | elapsed 1m05s");
}

TEST(ProgressLinePriorityTest, At120ColumnsTheCoreFieldsStayAndTheOutcomesKeepTheFailures) {
  const std::string line = RenderProgressLine(Busy(), 119);
  EXPECT_LE(line.size(), 119u);
  EXPECT_EQ(line,
            "1,234/10,000 rows (12.3%) | 205 rows/s | ETA 42s | 429s 3 | "
            "limit: create 12/600, reset 23s | in flight 8/8 | failed 34");
}

TEST(ProgressLinePriorityTest, At80ColumnsEveryCoreFieldStaysInAShortForm) {
  const std::string line = RenderProgressLine(Busy(), 79);
  EXPECT_LE(line.size(), 79u) << line;
  EXPECT_EQ(line, "1,234/10,000 (12.3%) | 205/s | ETA 42s | 429s 3 | limit: create | in flight 8/8");
}

TEST(ProgressLinePriorityTest, At60ColumnsInFlightIsTheFirstToGo) {
  const std::string line = RenderProgressLine(Busy(), 59);
  EXPECT_LE(line.size(), 59u) << line;
  EXPECT_EQ(line, "1,234/10,000 | 205/s | ETA 42s | 429s 3 | limit: create");
}

TEST(ProgressLinePriorityTest, NarrowerStillTheLeastUsefulEndGoesFirst) {
  EXPECT_EQ(RenderProgressLine(Busy(), 40), "1,234/10,000 | 205/s | ETA 42s | 429s 3");
  EXPECT_EQ(RenderProgressLine(Busy(), 20), "1,234/10,000 | 205/s");
  EXPECT_EQ(RenderProgressLine(Busy(), 14), "1,234/10,000");
}

TEST(ProgressLinePriorityTest, WithoutABottleneckInFlightMovesUp) {
  ProgressState s = Busy();
  s.bottleneck = {};
  EXPECT_EQ(RenderProgressLine(s, 59), "1,234/10,000 | 205/s | ETA 42s | 429s 3 | in flight 8/8");
}

TEST(ProgressLinePriorityTest, EveryWidthKeepsAPrefixOfThePriorityOrder) {
  const char* order[] = {"/10,000", "/s", "ETA", "429s", "limit:", "in flight", "failed", "elapsed"};
  for (std::size_t width = 14; width <= 220; ++width) {
    const std::string line = RenderProgressLine(Busy(), width);
    ASSERT_LE(line.size(), width);
    bool gone = false;
    for (const char* field : order) {
      const bool has = Has(line, field);
      EXPECT_FALSE(has && gone) << width << ": '" << field << "' shown after a more useful field "
                                << "was left out: " << line;
      gone |= !has;
    }
  }
}

TEST(ProgressRedrawTest, AShrunkTerminalGoesUpTheRowsTheOldLineNowTakes) {
  EXPECT_EQ(ProgressRedrawPrefix(0, 80), "\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(79, 80), "\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(80, 80), "\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(81, 80), "\x1b[1A\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(119, 60), "\x1b[1A\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(119, 40), "\x1b[2A\r\x1b[J");
  EXPECT_EQ(ProgressRedrawPrefix(119, 0), "\r\x1b[J") << "an unknown width: nothing to go up";
}

TEST(ProgressRedrawTest, VisibleColumnsSkipColourEscapes) {
  EXPECT_EQ(VisibleColumns("429s 3"), 6u);
  EXPECT_EQ(VisibleColumns("\x1b[33m429s 3\x1b[0m | x"), 10u);
}

}  // namespace
}  // namespace okta_bulk
