// The org's size for sync's choice of how to read it (pipeline/jobs/org_size.h): the Everyone
// group's member count in Okta's groups page, and every way the page can fail to tell it.
#include "pipeline/jobs/org_size.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

TEST(OrgSizeTest, TheEveryoneGroupsUsersCountIsTheOrgsSize) {
  uint64_t users = 0;
  std::string why;
  // A BUILT_IN group of another name comes first: only Everyone counts.
  ASSERT_TRUE(EveryoneUsersCount(
      R"([{"id":"00g1","type":"BUILT_IN","profile":{"name":"Okta Administrators"},)"
      R"("_embedded":{"stats":{"usersCount":3}}},)"
      R"({"id":"00g2","type":"BUILT_IN","profile":{"name":"Everyone","description":"All users"},)"
      R"("_embedded":{"stats":{"usersCount":123456,"appsCount":2}}}])",
      &users, &why))
      << why;
  EXPECT_EQ(users, 123456u);
}

TEST(OrgSizeTest, APageThatDoesNotTellTheSizeSaysWhy) {
  uint64_t users = 0;
  std::string why;
  EXPECT_FALSE(EveryoneUsersCount(R"([{"id":"00g2","type":"BUILT_IN","profile":{"name":"Everyone"}}])",
                                  &users, &why));
  EXPECT_NE(why.find("without its member count"), std::string::npos) << why;
  EXPECT_FALSE(EveryoneUsersCount("[]", &users, &why));
  EXPECT_NE(why.find("no Everyone group"), std::string::npos) << why;
  // An OKTA_GROUP named Everyone is not the org's.
  EXPECT_FALSE(EveryoneUsersCount(
      R"([{"id":"00g3","type":"OKTA_GROUP","profile":{"name":"Everyone"},"_embedded":{"stats":{"usersCount":5}}}])",
      &users, &why));
  EXPECT_FALSE(EveryoneUsersCount("<html>", &users, &why));
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(users, 0u);
}

}  // namespace
}  // namespace okta_bulk
