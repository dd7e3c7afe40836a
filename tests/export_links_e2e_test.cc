// okta-bulk export against a hostile server's `link` headers (issue 13): merged relations are
// read, and a `next` link that loops, holds a space or a TAB, or leaves the org stops the
// export with exit status 3 after writing each user once.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"
#include "tests/testing/paging_server.h"

namespace okta_bulk::testing {
namespace {

using Page = PagingServer::Page;
constexpr const char* kFirst = "/api/v1/users?limit=200";

// A server answering the targets of `pages`; `pages` may name "{base}" in its link lines,
// replaced by the server's own base URL.
class Pages {
 public:
  explicit Pages(std::map<std::string, Page> pages)
      : pages_(std::move(pages)), server_([this](const std::string& target) { return Find(target); }) {}
  PagingServer& server() { return server_; }
  std::string base() const { return server_.base_url(); }

 private:
  std::optional<Page> Find(const std::string& target) {
    auto it = pages_.find(target);
    if (it == pages_.end()) return std::nullopt;
    Page p = it->second;
    for (std::string& line : p.link_lines)
      for (std::size_t at; (at = line.find("{base}")) != std::string::npos;)
        line.replace(at, 6, server_.base_url());
    return p;
  }
  std::map<std::string, Page> pages_;  // read only once the server runs
  PagingServer server_;
};

std::string Link(const std::string& target, const std::string& rel) {
  return "<{base}" + target + ">; rel=\"" + rel + "\"";
}

// The logins of the export, each with how many times it appears.
std::map<std::string, int> LoginCounts(const std::string& path) {
  std::map<std::string, int> counts;
  for (const auto& row : ReadCsvFile(path)) ++counts[row.at("login")];
  return counts;
}

std::map<std::string, int> Once(int first, int count) {
  std::map<std::string, int> m;
  for (int i = first; i < first + count; ++i) m["user" + std::to_string(i) + "@example.com"] = 1;
  return m;
}

TEST(ExportLinksEndToEndTest, MergedSelfAndNextLinksInOneFieldExportEveryUserExactlyOnce) {
  // A proxy that folds the `link` lines into one field: "<self>; rel=self, <next>; rel=next".
  Pages pages({
      {kFirst, {PagingServer::Users(1, 2), {Link(kFirst, "self") + ", " + Link("/api/v1/users?after=00u2&limit=200", "next")}}},
      {"/api/v1/users?after=00u2&limit=200",
       {PagingServer::Users(3, 2), {Link("/api/v1/users?after=00u2&limit=200", "self") + " , " +
                                    Link("/api/v1/users?after=00u4&limit=200", "next")}}},
      {"/api/v1/users?after=00u4&limit=200",
       {PagingServer::Users(5, 1), {Link("/api/v1/users?after=00u4&limit=200", "self")}}},
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv")}, pages.base());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Exported 5 users in 3 pages"), std::string::npos) << run.out;
  EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 5));
  EXPECT_EQ(pages.server().targets().size(), 3u);
}

TEST(ExportLinksEndToEndTest, ANextLinkToThePageItselfStopsWithExitThreeAfterWritingEachUserOnce) {
  Pages pages({
      {kFirst, {PagingServer::Users(1, 2), {Link("/api/v1/users?after=00u2&limit=200", "next")}}},
      {"/api/v1/users?after=00u2&limit=200",
       {PagingServer::Users(3, 2), {Link("/api/v1/users?after=00u2&limit=200", "next")}}},
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv")}, pages.base());
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("already fetched"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("<" + pages.base() + "/api/v1/users?after=00u2&limit=200>"), std::string::npos)
      << run.err;
  EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 4));
  EXPECT_EQ(pages.server().targets().size(), 2u);
}

// sync reads the org through the same cursor: a listing whose next link loops stops the
// sync before any write, the looping page never asked for twice.
TEST(ExportLinksEndToEndTest, ASyncWhoseUsersListingLoopsStopsBeforeAnyWrite) {
  Pages pages({
      {kFirst, {PagingServer::Users(1, 2), {Link(kFirst, "next")}}},
  });
  TempDir dir;
  dir.Write("users.csv", "login,firstName\nuser1@example.com,Ada\nuser9@example.com,New\n");
  ProcessResult run = RunOktaBulk({"sync", dir.File("users.csv"), "-o", dir.File("sync.csv"),
                                   "--read-org", "list", "--no-schema-check"},
                                  pages.base());
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("already fetched"), std::string::npos) << run.err;
  EXPECT_EQ(pages.server().targets(), std::vector<std::string>{kFirst});
}

TEST(ExportLinksEndToEndTest, ANextLinkBackToAnEarlierPageStopsWithExitThreeAfterWritingEachUserOnce) {
  Pages pages({
      {kFirst, {PagingServer::Users(1, 2), {Link("/api/v1/users?after=00u2&limit=200", "next")}}},
      {"/api/v1/users?after=00u2&limit=200",
       {PagingServer::Users(3, 2), {Link("/api/v1/users?after=00u4&limit=200", "next")}}},
      {"/api/v1/users?after=00u4&limit=200", {PagingServer::Users(5, 2), {Link(kFirst, "next")}}},
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv")}, pages.base());
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("already fetched"), std::string::npos) << run.err;
  EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 6));
  EXPECT_EQ(pages.server().targets().size(), 3u);

  // --resume asks for the refused page again (the state still names it), and stops again:
  // the file never holds a user twice.
  ProcessResult resumed = RunOktaBulk({"export", "-o", dir.File("out.csv"), "--resume"}, pages.base());
  EXPECT_EQ(resumed.exit_code, 3) << resumed.out << resumed.err;
  EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 6));
}

TEST(ExportLinksEndToEndTest, ANextLinkWithASpaceOrATabStopsWithExitThreeAndIsNeverSent) {
  for (const std::string bad : {"/api/v1/users?after=00u2 x&limit=200", "/api/v1/users?after=00u2\tx&limit=200"}) {
    SCOPED_TRACE(bad);
    Pages pages({
        {kFirst, {PagingServer::Users(1, 2), {Link(bad, "next")}}},
        {bad, {PagingServer::Users(3, 2), {}}},
    });
    TempDir dir;
    ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv")}, pages.base());
    EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
    EXPECT_NE(run.err.find("cannot hold"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find('\t'), std::string::npos) << run.err;  // escaped in the message
    EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 2));
    EXPECT_EQ(pages.server().targets(), std::vector<std::string>{kFirst});
  }
}

TEST(ExportLinksEndToEndTest, ANextLinkToAnotherHostOrPortStopsWithExitThree) {
  const std::string next = "/api/v1/users?after=00u2&limit=200";
  for (const std::string other : {"http://evil.example.com", "http://127.0.0.1:1", "https://127.0.0.1"}) {
    SCOPED_TRACE(other);
    Pages pages({
        {kFirst, {PagingServer::Users(1, 2), {"<" + other + next + ">; rel=\"next\""}}},
        {next, {PagingServer::Users(3, 2), {}}},
    });
    TempDir dir;
    ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv")}, pages.base());
    EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
    EXPECT_NE(run.err.find("<" + other + next + ">"), std::string::npos) << run.err;
    EXPECT_EQ(LoginCounts(dir.File("out.csv")), Once(1, 2));
    EXPECT_EQ(pages.server().targets(), std::vector<std::string>{kFirst});
  }
}

TEST(ExportLinksEndToEndTest, AGroupsListWhoseNextLinkLoopsStopsWithExitThreeBeforeAnyUser) {
  // --groups follows `next` on the groups list and the member lists under the same rules.
  const std::string groups = "/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22";
  Pages pages({
      {groups, {R"([{"id":"00g1","type":"OKTA_GROUP"}])", {Link(groups, "self") + ", " + Link(groups, "next")}}},
      {kFirst, {PagingServer::Users(1, 2), {}}},
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv"), "--groups"}, pages.base());
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("already fetched"), std::string::npos) << run.err;
  EXPECT_EQ(pages.server().targets(), std::vector<std::string>{groups});
}

}  // namespace
}  // namespace okta_bulk::testing
