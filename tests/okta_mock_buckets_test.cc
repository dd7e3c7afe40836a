// okta-mock's own classification (tools/okta_mock/mock_buckets) against the contract's table
// (tests/testing/contract_buckets.h), the same table tests/okta_buckets_test.cc runs against
// the client's; and the two classifications against each other on generated requests.
#include "tools/okta_mock/mock_buckets.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/testing/contract_buckets.h"

namespace okta_bulk::mock {
namespace {

std::string NameOf(std::optional<Bucket> bucket) {
  return bucket ? std::string(BucketName(*bucket)) : std::string("(none)");
}

TEST(OktaMockBucketsTest, EveryEndpointTheClientCallsCountsInTheContractsBucket) {
  for (const testing::ContractBucketRow& row : testing::kClientEndpoints) {
    EXPECT_EQ(NameOf(MockBucket(row.method, row.target)), BucketName(row.bucket))
        << row.method << " " << row.target << " (" << row.why << ")";
  }
}

TEST(OktaMockBucketsTest, TheContractsOtherRowsCountInTheirBuckets) {
  for (const testing::ContractBucketRow& row : testing::kOtherContractRows) {
    EXPECT_EQ(NameOf(MockBucket(row.method, row.target)), BucketName(row.bucket))
        << row.method << " " << row.target << " (" << row.why << ")";
  }
}

TEST(OktaMockBucketsTest, TargetsOutsideTheManagementApiHaveNoBucket) {
  EXPECT_EQ(MockBucket("POST", "/oauth2/v1/token"), std::nullopt);
  EXPECT_EQ(MockBucket("GET", "/__stats"), std::nullopt);
  EXPECT_EQ(MockBucket("GET", "/"), std::nullopt);
  EXPECT_EQ(MockBucket("GET", "/api/v2/users"), std::nullopt);
  EXPECT_EQ(NameOf(MockBucket("GET", "/api/v1")), "other");
}

// Both classifiers on every method crossed with paths of every shape; a request the contract
// table misses still has to land in the same bucket on both sides.
TEST(OktaMockBucketsTest, MockAndClientClassifyEveryGeneratedRequestAlike) {
  const char* methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
  const char* paths[] = {
      "/api/v1", "/api/v1/", "/api/v1/users", "/api/v1/users/", "/api/v1/users?q=a",
      "/api/v1/users/me", "/api/v1/users/00u1", "/api/v1/users/00u1/",
      "/api/v1/users/a%40b.c?expand=blocks", "/api/v1/users/00u1/lifecycle",
      "/api/v1/users/00u1/lifecycle/suspend", "/api/v1/users/00u1/factors/f1/verify",
      "/api/v1/usersX", "/api/v1/groups", "/api/v1/groups/", "/api/v1/groups/00g1",
      "/api/v1/groups/00g1?expand=stats", "/api/v1/groups/00g1/users",
      "/api/v1/groups/00g1/users/00u1", "/api/v1/groups/rules",
      "/api/v1/groups/00g1/roles/r1/targets/groups/00g2", "/api/v1/groupsX",
      "/api/v1/meta/schemas/user/default", "/api/v1/apps/0oa1", "/api/v1/logs?since=x"};
  for (const char* method : methods) {
    for (const char* path : paths) {
      EXPECT_EQ(NameOf(MockBucket(method, path)), BucketName(ClassifyRequest(method, path)))
          << method << " " << path;
    }
  }
}

}  // namespace
}  // namespace okta_bulk::mock
