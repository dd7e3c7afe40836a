// ProfileAlreadyHolds: whether a looked-up user already has what a partial update would set.
#include "pipeline/okta/profile_match.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(ProfileMatchTest, ChangesNameEachDifferingAttributeWithBothValues) {
  std::vector<ProfileChange> changes;
  ASSERT_TRUE(ProfileChanges(
      kUser, R"({"profile":{"department":"Sales","level":4,"tags":["a"],"costCenter":"CC"}})",
      &changes));
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].name, "level");
  EXPECT_EQ(changes[0].old_json, "3");
  EXPECT_EQ(changes[0].new_json, "4");
  EXPECT_EQ(changes[1].name, "tags");
  EXPECT_EQ(changes[1].old_json, R"(["a","b"])");
  EXPECT_EQ(changes[2].name, "costCenter");
  EXPECT_EQ(changes[2].old_json, "");  // absent
  EXPECT_EQ(changes[2].new_json, R"("CC")");
  changes.clear();
  EXPECT_FALSE(ProfileChanges("not json", R"({"profile":{"a":1}})", &changes));
  EXPECT_TRUE(changes.empty());
}

}  // namespace
}  // namespace okta_bulk
