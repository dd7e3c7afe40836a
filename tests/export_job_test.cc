// export's pure parts: the Link header cursor and writing users pages as CSV.
#include "pipeline/jobs/export_job.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace okta_bulk {
namespace {

// Runs `write` with an ExportWriter on a temporary file and returns what it wrote.
template <typename F>
std::string Written(std::vector<std::string> columns, F write) {
  std::FILE* f = std::tmpfile();
  {
    ExportWriter writer(f, std::move(columns));
    write(writer);
  }
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

OrgUrl Org(const std::string& url) {
  OrgUrl org;
  std::string error;
  EXPECT_TRUE(OrgUrl::Parse(url, &org, &error)) << error;
  return org;
}

TEST(ExportJobTest, NextLinkTargetPicksTheNextRelationAndKeepsOnlyPathAndQuery) {
  const OrgUrl org = Org("https://acme.okta.com");
  HttpResponse r;
  r.headers = {{"link", "<https://acme.okta.com/api/v1/users?limit=200>; rel=\"self\""},
               {"link", "<https://acme.okta.com/api/v1/users?after=00u5&limit=200>; rel=\"next\""}};
  NextLink next = NextLinkTarget(r, org, {"/api/v1/users?limit=200"});
  EXPECT_EQ(next.target, "/api/v1/users?after=00u5&limit=200");
  EXPECT_EQ(next.error, "");
  r.headers.pop_back();
  next = NextLinkTarget(r, org, {});
  EXPECT_EQ(next.target, "");  // the last page
  EXPECT_EQ(next.error, "");
}

TEST(ExportJobTest, NextLinkTargetFindsNextInAFieldWhereAProxyMergedTheLinks) {
  HttpResponse r;
  r.headers = {{"link", "<https://acme.okta.com/api/v1/users?limit=200>; rel=\"self\", "
                        "<https://acme.okta.com/api/v1/users?after=00u5&limit=200>; rel=\"next\""}};
  NextLink next = NextLinkTarget(r, Org("https://acme.okta.com"), {"/api/v1/users?limit=200"});
  EXPECT_EQ(next.target, "/api/v1/users?after=00u5&limit=200");
  EXPECT_EQ(next.error, "");
}

TEST(ExportJobTest, NextLinkTargetRefusesAnotherHostAndNamesTheLink) {
  HttpResponse r;
  r.headers = {{"link", "<http://evil.example.com/api/v1/users?after=x>; rel=\"next\""}};
  NextLink next = NextLinkTarget(r, Org("https://acme.okta.com"), {});
  EXPECT_EQ(next.target, "");
  EXPECT_NE(next.error.find("<http://evil.example.com/api/v1/users?after=x>"), std::string::npos)
      << next.error;
}

TEST(ExportJobTest, NextLinkTargetRefusesAPageAlreadyFetched) {
  const OrgUrl org = Org("http://127.0.0.1:8080");
  HttpResponse r;
  r.headers = {{"link", "<http://127.0.0.1:8080/api/v1/users?limit=200>; rel=\"next\""}};
  NextLink next = NextLinkTarget(r, org, {"/api/v1/users?limit=200"});
  EXPECT_EQ(next.target, "");
  EXPECT_NE(next.error.find("already fetched"), std::string::npos) << next.error;
  next = NextLinkTarget(r, org, {"/api/v1/users?limit=100"});
  EXPECT_EQ(next.target, "/api/v1/users?limit=200");
}

TEST(ExportJobTest, NextLinkTargetRefusesSpacesAndTabsAndEscapesThemInTheMessage) {
  const OrgUrl org = Org("https://acme.okta.com");
  HttpResponse r;
  r.headers = {{"link", "<https://acme.okta.com/api/v1/users?after=a\tb c>; rel=next"}};
  NextLink next = NextLinkTarget(r, org, {});
  EXPECT_EQ(next.target, "");
  EXPECT_NE(next.error.find("after=a\\tb c"), std::string::npos) << next.error;
  EXPECT_EQ(next.error.find('\t'), std::string::npos) << next.error;
}

TEST(ExportJobTest, DefaultColumnsAreTheBaseFourThenTheFirstPagesAttributes) {
  std::string out = Written({}, [](ExportWriter& w) {
    std::string page1 = R"([{"id":"00u1","status":"ACTIVE","profile":{"login":"a@x.com","email":"a@x.com",)"
                        R"("firstName":"A, \"Jr\"","lastName":"L","dept":"Sales","n":7,"ok":true,"tags":["x","y"],"gone":null}}])";
    std::string error;
    ASSERT_TRUE(w.WritePage(page1, &error)) << error;
    std::string page2 = R"([{"id":"00u2","status":"ACTIVE","profile":{"login":"b@x.com","late":"z"}}])";
    ASSERT_TRUE(w.WritePage(page2, &error)) << error;
    ASSERT_TRUE(w.Finish(&error)) << error;
    EXPECT_EQ(w.users(), 2u);
    EXPECT_EQ(w.left_out(), std::set<std::string>{"late"});
  });
  EXPECT_EQ(out,
            "login,email,firstName,lastName,dept,n:number,ok:boolean,tags:string[],gone\n"
            "a@x.com,a@x.com,\"A, \"\"Jr\"\"\",L,Sales,7,true,x;y,\n"
            "b@x.com,,,,,,,,\n");
}

TEST(ExportJobTest, GivenColumnsMayNameIdAndStatusAndAnEmptyOrgStillGetsAHeader) {
  std::string out = Written({"id", "status", "login"}, [](ExportWriter& w) {
    std::string page = R"([{"id":"00u1","status":"STAGED","profile":{"login":"a@x.com","dept":"S"}}])";
    std::string error;
    ASSERT_TRUE(w.WritePage(page, &error)) << error;
    ASSERT_TRUE(w.Finish(&error));
  });
  EXPECT_EQ(out, "id,status,login\n00u1,STAGED,a@x.com\n");
  EXPECT_EQ(Written({}, [](ExportWriter& w) {
              std::string error;
              ASSERT_TRUE(w.Finish(&error));
            }),
            "login,email,firstName,lastName\n");
}

TEST(ExportJobTest, ValuesThatWouldNotReimportAsTheyAreAreNamed) {
  Written({}, [](ExportWriter& w) {
    std::string page1 = R"([{"id":"00u1","profile":{"login":"a@x.com","n":7,"tags":["x"],"s":"t"}}])";
    std::string page2 = R"([{"id":"00u2","profile":{"login":"b@x.com","n":"seven","tags":["a;b"],"s":"u"}}])";
    std::string error;
    ASSERT_TRUE(w.WritePage(page1, &error)) << error;
    ASSERT_TRUE(w.WritePage(page2, &error)) << error;
    EXPECT_EQ(w.type_changed(), (std::set<std::string>{"n", "tags"}));
    EXPECT_EQ(w.columns(), (std::vector<std::string>{"login", "email", "firstName", "lastName", "n:number",
                                                     "tags:string[]", "s"}));
  });
}

TEST(ExportJobTest, GivenColumnsMayCarryTheirTypeAndNumberArraysAreTyped) {
  std::string out = Written({"login", "n:integer", "scores"}, [](ExportWriter& w) {
    std::string page = R"([{"id":"00u1","profile":{"login":"a@x.com","n":7,"scores":[1,2.5]}}])";
    std::string error;
    ASSERT_TRUE(w.WritePage(page, &error)) << error;
  });
  EXPECT_EQ(out, "login,n:integer,scores:number[]\na@x.com,7,1;2.5\n");
}

TEST(ExportJobTest, GroupMembershipsGiveEachUserItsGroupsInGroupOrder) {
  GroupMemberships m;
  uint32_t a = m.AddGroup("00gA", "Admins"), b = m.AddGroup("00gB", "Big Team");
  m.Add("00u2", a);
  m.Add("00u1", a);
  m.Add("00u2", b);
  m.Add("00u2", b);  // listed twice (a page retried): counted once
  m.Freeze();
  std::string cell;
  m.GroupsOf("00u2", &cell);
  EXPECT_EQ(cell, "00gA;00gB");
  m.GroupsOf("00u1", &cell);
  EXPECT_EQ(cell, "00gA");
  m.GroupsOf("00u3", &cell);
  EXPECT_EQ(cell, "");
  EXPECT_EQ(m.size(), 3u);

  std::FILE* f = std::tmpfile();
  ExportWriter w(f, {}, &m);
  std::string page = R"([{"id":"00u2","profile":{"login":"a@x.com"}},{"id":"00u9","profile":{"login":"b@x.com"}}])";
  std::string error;
  ASSERT_TRUE(w.WritePage(page, &error)) << error;
  // groupId, then the same groups by name (so the file imports into another org).
  EXPECT_EQ(w.columns()[w.columns().size() - 2], "groupId");
  EXPECT_EQ(w.columns().back(), "groupName");
  std::rewind(f);
  char buf[256] = {};
  std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n),
            "login,email,firstName,lastName,groupId,groupName\n"
            "a@x.com,,,,00gA;00gB,Admins;Big Team\nb@x.com,,,,,\n");
}

TEST(ExportJobTest, ExportStateSurvivesASaveAndLoadAndRefusesOtherFiles) {
  std::string path = ::testing::TempDir() + "/export_state_test.export";
  ExportState s;
  s.options = "/api/v1/users?limit=200 groups=1 columns=";
  s.columns = {"login", "age:number", "groupId"};
  s.bytes = 1234;
  s.users = 10;
  s.pages = 2;
  s.next = "/api/v1/users?after=00u9&limit=200";
  std::string error;
  ASSERT_TRUE(s.Save(path, &error)) << error;
  ExportState t;
  ASSERT_TRUE(t.Load(path, &error)) << error;
  EXPECT_EQ(t.options, s.options);
  EXPECT_EQ(t.columns, s.columns);
  EXPECT_EQ(t.bytes, 1234u);
  EXPECT_EQ(t.users, 10u);
  EXPECT_EQ(t.pages, 2u);
  EXPECT_EQ(t.next, s.next);
  EXPECT_FALSE(t.done);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("login,email\n", f);
  std::fclose(f);
  EXPECT_FALSE(t.Load(path, &error));
  EXPECT_NE(error.find("not an okta-bulk export state"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(ExportJobTest, APageThatIsNotAUsersArrayIsAnError) {
  Written({}, [](ExportWriter& w) {
    std::string body = R"({"errorCode":"E0000031"})";
    std::string error;
    EXPECT_FALSE(w.WritePage(body, &error));
    EXPECT_NE(error.find("not a JSON array"), std::string::npos) << error;
  });
}

}  // namespace
}  // namespace okta_bulk
