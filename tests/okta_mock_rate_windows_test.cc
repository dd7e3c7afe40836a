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

}  // namespace
}  // namespace okta_bulk::mock
