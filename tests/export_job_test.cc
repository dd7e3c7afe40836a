// export's pure parts: the Link header cursor and writing users pages as CSV.
#include "pipeline/export_job.h"

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

TEST(ExportJobTest, NextLinkTargetPicksTheNextRelationAndKeepsOnlyPathAndQuery) {
  HttpResponse r;
  r.headers = {{"link", "<https://acme.okta.com/api/v1/users?limit=200>; rel=\"self\""},
               {"link", "<https://acme.okta.com/api/v1/users?after=00u5&limit=200>; rel=\"next\""}};
  EXPECT_EQ(NextLinkTarget(r), "/api/v1/users?after=00u5&limit=200");
  r.headers.pop_back();
  EXPECT_EQ(NextLinkTarget(r), "");  // the last page
  r.headers = {{"link", "<http://evil.example.com/api/v1/users?after=x>; rel=\"next\""}};
  EXPECT_EQ(NextLinkTarget(r), "/api/v1/users?after=x");  // always our org
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
            "login,email,firstName,lastName,dept,n,ok,tags,gone\n"
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
