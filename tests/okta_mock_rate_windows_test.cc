#include "tools/okta_mock/rate_windows.h"

#include <gtest/gtest.h>

namespace okta_bulk::mock {
namespace {

using namespace std::chrono_literals;

// 1,800,000,000.250 s after the epoch: not on a second boundary, so floors show.
const TimePoint kT0 = TimePoint(1'800'000'000s) + 250ms;

std::array<int64_t, kBucketCount> Limits(Bucket b, int64_t n) {
  std::array<int64_t, kBucketCount> limits{};
  limits[static_cast<std::size_t>(b)] = n;
  return limits;
}

TEST(RateWindowsTest, WindowStartsAtFirstRequestAndResetIsItsFlooredEnd) {
  RateWindows w(Limits(Bucket::kUsers, 3), 60s);
  RateDecision d = w.Admit(Bucket::kUsers, kT0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 3);
  EXPECT_EQ(d.remaining, 2);
  EXPECT_EQ(d.reset, 1'800'000'060);
  // Later requests in the same window report the same reset.
  d = w.Admit(Bucket::kUsers, kT0 + 30s);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(d.reset, 1'800'000'060);
}

TEST(RateWindowsTest, RequestsOverTheLimitAreRejectedAndNotCounted) {
  RateWindows w(Limits(Bucket::kUsers, 2), 60s);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0 + 1s).allowed);
  for (int i = 0; i < 3; ++i) {
    RateDecision d = w.Admit(Bucket::kUsers, kT0 + 2s);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.remaining, 0);
    EXPECT_EQ(d.limit, 2);
    EXPECT_EQ(d.reset, 1'800'000'060);
  }
}

TEST(RateWindowsTest, NewWindowOpensAtFirstRequestAfterTheOldOneEnds) {
  RateWindows w(Limits(Bucket::kUsers, 1), 60s);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_FALSE(w.Admit(Bucket::kUsers, kT0 + 59s + 999ms).allowed);
  RateDecision d = w.Admit(Bucket::kUsers, kT0 + 75s);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.reset, 1'800'000'135);  // floor(75.25 + 60)
}

TEST(RateWindowsTest, ClientTrustingResetToTheSubSecondCanBeEarly) {
  // The window really ends at .250, the header says .000: a request at the header's second
  // is still inside the old window (real Okta behaves so).
  RateWindows w(Limits(Bucket::kUsers, 1), 60s);
  RateDecision d = w.Admit(Bucket::kUsers, kT0);
  TimePoint at_reset = TimePoint(std::chrono::seconds(d.reset));
  EXPECT_FALSE(w.Admit(Bucket::kUsers, at_reset).allowed);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, at_reset + 250ms).allowed);
}

TEST(RateWindowsTest, FractionalWindowsWork) {
  RateWindows w(Limits(Bucket::kUsers, 1), std::chrono::duration<double>(0.5));
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_FALSE(w.Admit(Bucket::kUsers, kT0 + 400ms).allowed);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0 + 500ms).allowed);
}

TEST(RateWindowsTest, BucketsAreCountedSeparately) {
  std::array<int64_t, kBucketCount> limits{};
  limits[static_cast<std::size_t>(Bucket::kUsers)] = 1;
  limits[static_cast<std::size_t>(Bucket::kGroups)] = 1;
  RateWindows w(limits, 60s);
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_TRUE(w.Admit(Bucket::kGroups, kT0).allowed);
  EXPECT_FALSE(w.Admit(Bucket::kUsers, kT0).allowed);
}

TEST(RateWindowsTest, UnlimitedBucketReportsPlausibleHeadersAndNeverRejects) {
  RateWindows w({}, 60s);
  for (int i = 0; i < 20000; ++i) {
    RateDecision d = w.Admit(Bucket::kUserGet, kT0 + std::chrono::milliseconds(i));
    ASSERT_TRUE(d.allowed);
    ASSERT_EQ(d.limit, RateWindows::kUnlimitedLimit);
    ASSERT_EQ(d.remaining, RateWindows::kUnlimitedRemaining);
    ASSERT_EQ(d.reset, 1'800'000'060);
  }
}


TEST(RateWindowsTest, TokenShareRefusesPastItsPartWhileHeadersShowTheOrgsView) {
  // Okta's default: the token may use half of each bucket (contract §1.6). The headers show
  // the org's limit and what the org has left, as if the token were alone.
  RateWindows w(Limits(Bucket::kUsers, 10), 60s, 0.5);
  EXPECT_EQ(w.token_budget(Bucket::kUsers), 5);
  for (int i = 0; i < 5; ++i) {
    RateDecision d = w.Admit(Bucket::kUsers, kT0 + std::chrono::seconds(i));
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.limit, 10);
    EXPECT_EQ(d.remaining, 9 - i);
  }
  RateDecision d = w.Admit(Bucket::kUsers, kT0 + 10s);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.limit, 10);
  EXPECT_EQ(d.remaining, 5);  // the header still shows room: the lie the client must see through
  EXPECT_EQ(d.reset, 1'800'000'060);
  // Refused requests are not counted; the next window gives the token its share again.
  EXPECT_FALSE(w.Admit(Bucket::kUsers, kT0 + 59s).allowed);
  d = w.Admit(Bucket::kUsers, kT0 + 60s);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 9);
}

TEST(RateWindowsTest, TokenShareRoundsDownButLeavesAtLeastOneRequest) {
  std::array<int64_t, kBucketCount> limits{};
  limits[static_cast<std::size_t>(Bucket::kUsers)] = 3;
  limits[static_cast<std::size_t>(Bucket::kGroups)] = 1;
  RateWindows w(limits, 60s, 0.5);
  EXPECT_EQ(w.token_budget(Bucket::kUsers), 1);
  EXPECT_EQ(w.token_budget(Bucket::kGroups), 1);
  EXPECT_EQ(w.token_budget(Bucket::kOther), 0);  // unlimited
  EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_FALSE(w.Admit(Bucket::kUsers, kT0).allowed);
  EXPECT_TRUE(w.Admit(Bucket::kGroups, kT0).allowed);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(w.Admit(Bucket::kOther, kT0).allowed);
}

TEST(RateWindowsTest, FullTokenShareIsTheOrgLimit) {
  RateWindows w(Limits(Bucket::kUsers, 7), 60s, 1.0);
  EXPECT_EQ(w.token_budget(Bucket::kUsers), 7);
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(w.Admit(Bucket::kUsers, kT0).allowed);
  RateDecision d = w.Admit(Bucket::kUsers, kT0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
}

}  // namespace
}  // namespace okta_bulk::mock
