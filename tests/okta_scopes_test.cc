// RequiredScope / MissingScopeAdvice: the OAuth scope each request okta-bulk sends needs
// (from the management OpenAPI description's `security: oauth2`), and the advice of a 403.
#include "pipeline/okta/okta_scopes.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(OktaScopesTest, UserRequestsNeedUsersReadOrManage) {
  EXPECT_EQ(RequiredScope("GET", "/api/v1/users?limit=200"), "okta.users.read");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/users/a%40example.com"), "okta.users.read");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/users/00u1/groups"), "okta.users.read");
  EXPECT_EQ(RequiredScope("POST", "/api/v1/users?activate=true"), "okta.users.manage");
  EXPECT_EQ(RequiredScope("POST", "/api/v1/users/00u1"), "okta.users.manage");
  EXPECT_EQ(RequiredScope("DELETE", "/api/v1/users/00u1"), "okta.users.manage");
  EXPECT_EQ(RequiredScope("POST", "/api/v1/users/00u1/lifecycle/deactivate"), "okta.users.manage");
}

TEST(OktaScopesTest, GroupAndSchemaRequestsNeedTheirOwnScopes) {
  EXPECT_EQ(RequiredScope("GET", "/api/v1/groups?filter=type"), "okta.groups.read");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/groups/00g1/users"), "okta.groups.read");
  EXPECT_EQ(RequiredScope("PUT", "/api/v1/groups/00g1/users/00u1"), "okta.groups.manage");
  EXPECT_EQ(RequiredScope("DELETE", "/api/v1/groups/00g1/users/00u1"), "okta.groups.manage");
  EXPECT_EQ(RequiredScope("POST", "/api/v1/groups"), "okta.groups.manage");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/meta/schemas/user/default"), "okta.schemas.read");
}

TEST(OktaScopesTest, PathsOutsideTheTableNeedNoNamedScope) {
  EXPECT_EQ(RequiredScope("GET", "/api/v1/users/00u1/roles"), "");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/groups/00g1/roles"), "");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/apps"), "");
  EXPECT_EQ(RequiredScope("GET", "/api/v1/usersx"), "");
}

TEST(OktaScopesTest, AdviceNamesTheScopeAndTheAdminConsolePathWithoutTheLogin) {
  std::string a = MissingScopeAdvice("GET", "/api/v1/groups?filter=type%20eq");
  EXPECT_EQ(a, "GET /api/v1/groups needs the OAuth scope okta.groups.read (or okta.groups.manage): "
               "grant it to the service app (Admin Console: Applications > the app > Okta API Scopes), "
               "then include it in --scopes");
  std::string b = MissingScopeAdvice("GET", "/api/v1/users/a%40example.com");
  EXPECT_EQ(b.find("a%40example.com"), std::string::npos) << b;
  EXPECT_NE(b.find("GET /api/v1/users/{id} needs the OAuth scope okta.users.read"), std::string::npos) << b;
  std::string c = MissingScopeAdvice("PUT", "/api/v1/groups/00g1/users/00u1");
  EXPECT_NE(c.find("PUT /api/v1/groups/{groupId}/users/{userId} needs the OAuth scope "
                   "okta.groups.manage: grant"), std::string::npos) << c;
  std::string d = MissingScopeAdvice("GET", "/api/v1/apps");
  EXPECT_NE(d.find("needs an OAuth scope the app's token does not have"), std::string::npos) << d;
  EXPECT_NE(d.find("Okta API Scopes"), std::string::npos) << d;
}

}  // namespace
}  // namespace okta_bulk
