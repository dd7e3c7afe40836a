#include "pipeline/okta/okta_requests.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(OktaRequestsTest, CreateAsksForAPasswordChangeAtNextLoginOnlyWhenTold) {
  EXPECT_EQ(CreateUserRequest(true, "{}").http.target, "/api/v1/users?activate=true");
  EXPECT_EQ(CreateUserRequest(false, "{}").http.target, "/api/v1/users?activate=false");
  TaskRequest r = CreateUserRequest(true, "{}", true);
  EXPECT_EQ(r.http.target, "/api/v1/users?activate=true&nextLogin=changePassword");
  EXPECT_EQ(r.bucket, Bucket::kUsers);
}

}  // namespace
}  // namespace okta_bulk
