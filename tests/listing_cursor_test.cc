// A paged listing's cursor (pipeline/jobs/listing_cursor.h), shared by export, groups export
// and the org look-ups: the request it builds for a page, and the pages it will not go back to.
#include "pipeline/jobs/listing_cursor.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

OrgUrl Org(const std::string& url) {
  OrgUrl org;
  std::string error;
  EXPECT_TRUE(OrgUrl::Parse(url, &org, &error)) << error;
  return org;
}

HttpResponse PageWithNext(const std::string& next_url) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"link", "<" + next_url + ">; rel=\"next\""}};
  return r;
}

TEST(ListingCursorTest, APageIsAPlainGetInTheBucketOktaCountsIt) {
  const OrgUrl org = Org("https://acme.okta.com");
  ListingCursor cursor(org);
  TaskRequest users = cursor.Get("/api/v1/users?limit=200");
  EXPECT_EQ(users.http.method, "GET");
  EXPECT_EQ(users.http.target, "/api/v1/users?limit=200");
  EXPECT_TRUE(users.http.body.empty());
  EXPECT_EQ(users.bucket, Bucket::kUsers);
  EXPECT_EQ(cursor.Get("/api/v1/groups?limit=1000").bucket, Bucket::kGroups);
}

TEST(ListingCursorTest, TheNextLinkIsFollowedUntilItPointsBackToAPageAskedFor) {
  const OrgUrl org = Org("https://acme.okta.com");
  ListingCursor cursor(org);
  (void)cursor.Get("/api/v1/users?limit=200");
  NextLink next = cursor.NextAfter(PageWithNext("https://acme.okta.com/api/v1/users?after=00u5&limit=200"));
  EXPECT_TRUE(next.error.empty()) << next.error;
  EXPECT_EQ(next.target, "/api/v1/users?after=00u5&limit=200");
  (void)cursor.Get(next.target);
  NextLink back = cursor.NextAfter(PageWithNext("https://acme.okta.com/api/v1/users?limit=200"));
  EXPECT_TRUE(back.target.empty());
  EXPECT_NE(back.error.find("already fetched"), std::string::npos) << back.error;
}

TEST(ListingCursorTest, ARememberedPageCountsAsAskedForAndTheLastPageHasNoNext) {
  const OrgUrl org = Org("https://acme.okta.com");
  ListingCursor cursor(org);
  cursor.Remember("/api/v1/users?limit=200");  // a resumed export's first page
  NextLink back = cursor.NextAfter(PageWithNext("https://acme.okta.com/api/v1/users?limit=200"));
  EXPECT_NE(back.error.find("already fetched"), std::string::npos) << back.error;
  HttpResponse last;
  last.status = 200;
  NextLink none = cursor.NextAfter(last);
  EXPECT_TRUE(none.target.empty());
  EXPECT_TRUE(none.error.empty());
}

TEST(ListingCursorTest, ALinkOffTheOrgIsRefused) {
  const OrgUrl org = Org("https://acme.okta.com");
  ListingCursor cursor(org);
  NextLink away = cursor.NextAfter(PageWithNext("https://evil.example.com/api/v1/users?after=x"));
  EXPECT_TRUE(away.target.empty());
  EXPECT_NE(away.error.find("refusing to follow"), std::string::npos) << away.error;
}

}  // namespace
}  // namespace okta_bulk
