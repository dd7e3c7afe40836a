// The group request builders and the Group reader (pipeline/okta/group_requests.h).
#include "pipeline/okta/group_requests.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(GroupRequestsTest, ListGroupsEncodesEachParameterAndCountsInTheGroupsBucket) {
  GroupListQuery q;
  q.search = GroupNameSearch("Sales \"EU\"");
  q.after = "00g1";
  q.limit = 200;
  q.expand_stats = true;
  TaskRequest r = ListGroupsRequest(q);
  EXPECT_EQ(r.http.method, "GET");
  EXPECT_EQ(r.http.target,
            "/api/v1/groups?search=profile.name%20eq%20%22Sales%20%5C%22EU%5C%22%22&after=00g1"
            "&limit=200&expand=stats");
  EXPECT_EQ(r.bucket, Bucket::kGroups);
  EXPECT_EQ(ListGroupsRequest({}).http.target, "/api/v1/groups");
}

TEST(GroupRequestsTest, CreateRemoveAndUserGroupsUseTheirPathsAndBuckets) {
  TaskRequest c = CreateGroupRequest(R"({"profile":{"name":"x"}})");
  EXPECT_EQ(c.http.method, "POST");
  EXPECT_EQ(c.http.target, "/api/v1/groups");
  EXPECT_EQ(c.bucket, Bucket::kGroups);
  TaskRequest d = RemoveFromGroupRequest("00g1", "00u2");
  EXPECT_EQ(d.http.method, "DELETE");
  EXPECT_EQ(d.http.target, "/api/v1/groups/00g1/users/00u2");
  EXPECT_EQ(d.bucket, Bucket::kGroups);
  TaskRequest u = ListUserGroupsRequest("a+b@x.com");
  EXPECT_EQ(u.http.target, "/api/v1/users/a%2Bb%40x.com/groups");
  EXPECT_EQ(u.bucket, Bucket::kUsers);
}

TEST(GroupRequestsTest, ReadsGroupsWithStatsAndRefusesWhatIsNotAGroup) {
  std::vector<GroupSummary> groups;
  std::string error;
  ASSERT_TRUE(ReadGroupList(
      R"([{"id":"00g1","type":"OKTA_GROUP","profile":{"name":"A","description":"d"},)"
      R"("_embedded":{"stats":{"usersCount":7}}},{"id":"00g2","profile":{"name":"B","description":null}}])",
      &groups, &error))
      << error;
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "A");
  EXPECT_EQ(groups[0].description, "d");
  EXPECT_EQ(groups[0].users_count, 7);
  EXPECT_EQ(groups[1].description, "");
  EXPECT_EQ(groups[1].users_count, -1);
  GroupSummary g;
  EXPECT_FALSE(ReadGroup(R"({"profile":{}})", &g, &error));
  EXPECT_FALSE(ReadGroupList(R"({"id":"00g1"})", &groups, &error));
  EXPECT_TRUE(SameGroupName("Sales EU", "sales eu"));
  EXPECT_FALSE(SameGroupName("Sales", "Sales "));
}

}  // namespace
}  // namespace okta_bulk
