// ProfileAlreadyHolds: whether a looked-up user already has what a partial update would set.
#include "pipeline/okta/profile_match.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

const std::string kUser =
    R"({"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com","email":"a@example.com",)"
    R"("department":"Sales","level":3,"ratio":1.5,"vip":false,"tags":["a","b"],"note":null}})";

TEST(ProfileMatchTest, EqualValuesOfEveryTypeHold) {
  EXPECT_TRUE(ProfileAlreadyHolds(kUser, R"({"profile":{"department":"Sales"}})"));
  EXPECT_TRUE(ProfileAlreadyHolds(
      kUser, R"({"profile":{"level":3,"ratio":1.50,"vip":false,"tags":["a","b"]}})"));
  EXPECT_TRUE(ProfileAlreadyHolds(kUser, R"({"profile":{"level":3.0}})"));  // numbers by value
  EXPECT_TRUE(ProfileAlreadyHolds(kUser, R"({"profile":{}})"));
}

TEST(ProfileMatchTest, ANullHoldsForAnAbsentOrNullAttributeOnly) {
  EXPECT_TRUE(ProfileAlreadyHolds(kUser, R"({"profile":{"costCenter":null}})"));
  EXPECT_TRUE(ProfileAlreadyHolds(kUser, R"({"profile":{"note":null}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"department":null}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"costCenter":"CC-1"}})"));
}

TEST(ProfileMatchTest, AnyDifferenceMeansTheUpdateIsNeeded) {
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"department":"sales"}})"));  // case
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"department":"Sales","level":4}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"level":"3"}})"));  // type
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"vip":true}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"tags":["b","a"]}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"profile":{"tags":["a"]}})"));
}

TEST(ProfileMatchTest, UnreadableBodiesNeverHold) {
  EXPECT_FALSE(ProfileAlreadyHolds("not json", R"({"profile":{}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(R"({"id":"00u1"})", R"({"profile":{}})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, R"({"department":"Sales"})"));
  EXPECT_FALSE(ProfileAlreadyHolds(kUser, ""));
}

}  // namespace
}  // namespace okta_bulk
