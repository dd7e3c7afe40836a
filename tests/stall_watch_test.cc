// StallWatch on a fake clock: when a run that finishes no row has waited long enough.
#include "pipeline/engine/stall_watch.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

using namespace std::chrono_literals;
using Clock = StallWatch::Clock;
const Clock::time_point kStart = Clock::time_point{} + 1000s;

TEST(StallWatchTest, WithoutAnyResetTheBoundIsMaxStall) {
  StallWatch w(900s, kStart);
  EXPECT_FALSE(w.Stalled(kStart + 899s));
  EXPECT_TRUE(w.Stalled(kStart + 900s));
}

TEST(StallWatchTest, ARowFinishingStartsTheWaitAgainAndForgetsTheAnswers) {
  StallWatch w(60s, kStart);
  w.OnAnswer(503, false);
  w.OnProgress(kStart + 50s);
  EXPECT_FALSE(w.Stalled(kStart + 100s));
  EXPECT_TRUE(w.Stalled(kStart + 110s));
  EXPECT_EQ(w.Describe(kStart + 110s).find("503"), std::string::npos) << w.Describe(kStart + 110s);
}

TEST(StallWatchTest, SeenResetsShortenTheBoundToThreeResetsAndThirtySecondsButNeverUnderAMinute) {
  StallWatch w(900s, kStart);
  w.OnResetWait(10s);
  EXPECT_EQ(w.Bound(), Clock::duration(60s));  // 3 x 10 + 30 = 60
  w.OnResetWait(60s);
  EXPECT_EQ(w.Bound(), Clock::duration(210s));
  w.OnResetWait(3600s);  // a reset an hour away: max_stall decides
  EXPECT_EQ(w.Bound(), Clock::duration(900s));
  StallWatch short_waits(900s, kStart);
  short_waits.OnResetWait(1s);
  EXPECT_EQ(short_waits.Bound(), Clock::duration(60s));
}

TEST(StallWatchTest, TheMessageSaysWhatTheServerKeptAnsweringMostFirst) {
  StallWatch w(30s, kStart);
  for (int i = 0; i < 1234; ++i) w.OnAnswer(429, true);
  for (int i = 0; i < 5; ++i) w.OnAnswer(503, false);
  w.OnAnswer(0, false);
  w.OnAnswer(429, false);
  EXPECT_EQ(w.Describe(kStart + 31s),
            "no row finished for 31 s; since the last one the server answered "
            "429 (concurrency limit) x 1,234, 503 x 5, no answer x 1, 429 x 1");
}

TEST(StallWatchTest, WithNoAnswerTheMessageNamesTheResetItWaitedFor) {
  StallWatch w(30s, kStart);
  w.OnResetWait(7200s);
  EXPECT_EQ(w.Describe(kStart + 30s),
            "no row finished for 30 s; every request waited for a rate-limit reset (the next one "
            "7,200 s away)");
  StallWatch silent(30s, kStart);
  EXPECT_EQ(silent.Describe(kStart + 30s), "no row finished for 30 s; no answer came from the server");
}

}  // namespace
}  // namespace okta_bulk
