// okta-bulk groups export, end to end: against okta-mock (127.0.0.1, port 0) every group once
// over several pages, usersCount from expand=stats, --search/--filter passed through, and a
// round trip into a second okta-mock through `groups create`; against a scripted paging
// server, a refused `next` link stops with exit 3 and leaves the output as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"
#include "tests/testing/paging_server.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

// The org's groups as okta-mock lists them (its own answer, not okta-bulk's), by name.
struct OrgGroup {
  std::string id, description, type;
  int64_t users = -1;
};
std::map<std::string, OrgGroup> OrgGroups(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/api/v1/groups?limit=10000&expand=stats", "",
                            {{"Authorization", "SSWS test-token"}});
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, OrgGroup> out;
  const json::value parsed = json::parse(r.body);  // kept: the loop reads into it
  for (const auto& g : parsed.as_array()) {
    const auto& o = g.as_object();
    OrgGroup og{Str(o.at("id")), Str(o.at("profile").at("description")), Str(o.at("type"))};
    og.users = o.at("_embedded").at("stats").at("usersCount").as_int64();
    EXPECT_TRUE(out.emplace(Str(o.at("profile").at("name")), og).second);
  }
  return out;
}

// The export's rows by name; fails the test when a name appears twice.
std::map<std::string, ResultRow> RowsByName(const std::string& path) {
  std::map<std::string, ResultRow> out;
  for (auto& row : ReadCsvFile(path)) {
    std::string name = row.at("name");
    EXPECT_TRUE(out.emplace(name, std::move(row)).second) << name << " exported twice";
  }
  return out;
}

TEST(GroupExportEndToEndTest, SeveralPagesExportEveryGroupExactlyOnceWithItsIdAndType) {
  std::vector<std::string> args;
  for (int i = 1; i <= 7; ++i) args.insert(args.end(), {"--group", "Team " + std::to_string(i)});
  MockProcess mock(args);
  TempDir dir;
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv"),
                                   "--page-size", "3"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // Everyone and 7 teams: pages of 3, 3 and 2.
  EXPECT_NE(run.out.find("Exported 8 groups in 3 pages"), std::string::npos) << run.out;
  EXPECT_EQ(dir.Read("groups.csv").substr(0, 36), "id,name,description,type,usersCount\n");
  auto rows = RowsByName(dir.File("groups.csv"));
  auto org = OrgGroups(mock);
  ASSERT_EQ(rows.size(), 8u);
  ASSERT_EQ(org.size(), 8u);
  for (const auto& [name, g] : org) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(rows.count(name));
    EXPECT_EQ(rows[name].at("id"), g.id);
    EXPECT_EQ(rows[name].at("type"), g.type);
    EXPECT_EQ(rows[name].at("description"), g.description);
    EXPECT_EQ(rows[name].at("usersCount"), "0");
  }
  EXPECT_EQ(rows["Everyone"].at("type"), "BUILT_IN");
  EXPECT_EQ(rows["Team 4"].at("type"), "OKTA_GROUP");
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("groups.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the export may name every group: private";
  // No temporary left beside it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(GroupExportEndToEndTest, UsersCountIsEachGroupsMembersRightAfterAssigningThem) {
  MockProcess mock({"--group", "Red", "--group", "Blue", "--group", "Empty"});
  TempDir dir;
  auto before = OrgGroups(mock);
  const std::string red = before["Red"].id, blue = before["Blue"].id;
  std::string users = "login,email,firstName,lastName\n", members = "login,groupId\n";
  for (int u = 0; u < 12; ++u) {
    const std::string login = "m" + std::to_string(u) + "@example.com";
    users += login + "," + login + ",M,N\n";
    // 12 users; Red: every user; Blue: every third (4).
    members += login + "," + red + (u % 3 == 0 ? ";" + blue : "") + "\n";
  }
  dir.Write("users.csv", users);
  dir.Write("members.csv", members);
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("i.csv")}, mock.base_url())
                .exit_code,
            0);
  ProcessResult assigned =
      RunOktaBulk({"assign", dir.File("members.csv"), "-o", dir.File("a.csv")}, mock.base_url());
  ASSERT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv"),
                                   "--page-size", "2", "--summary-json", dir.File("run.json")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto rows = RowsByName(dir.File("groups.csv"));
  EXPECT_EQ(rows["Red"].at("usersCount"), "12");
  EXPECT_EQ(rows["Blue"].at("usersCount"), "4");
  EXPECT_EQ(rows["Empty"].at("usersCount"), "0");
  EXPECT_EQ(rows["Everyone"].at("usersCount"), "12");
  json::object summary = json::parse(dir.Read("run.json")).as_object();
  EXPECT_EQ(Str(summary.at("command")), "groups export");
  EXPECT_EQ(Str(summary.at("unit")), "groups");
  EXPECT_EQ(summary.at("exitCode").as_int64(), 0);
}

TEST(GroupExportEndToEndTest, SearchAndFilterArePassedThroughToOkta) {
  MockProcess mock({"--group", "Sales West", "--group", "Sales East", "--group", "Support"});
  TempDir dir;
  ProcessResult search = RunOktaBulk({"groups", "export", "-o", dir.File("s.csv"), "--search",
                                      "profile.name sw \"sales\""},
                                     mock.base_url());
  ASSERT_EQ(search.exit_code, 0) << search.out << search.err;
  auto s = RowsByName(dir.File("s.csv"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.count("Sales West") && s.count("Sales East"));

  ProcessResult filter = RunOktaBulk({"groups", "export", "-o", dir.File("f.csv"), "--filter",
                                      "type eq \"BUILT_IN\""},
                                     mock.base_url());
  ASSERT_EQ(filter.exit_code, 0) << filter.out << filter.err;
  auto f = RowsByName(dir.File("f.csv"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f.count("Everyone"));

  // Okta's own refusal of an expression fails the run (exit 1) and names it.
  ProcessResult bad = RunOktaBulk({"groups", "export", "-o", dir.File("b.csv"), "--filter",
                                   "profile.name eq \"x\""},
                                  mock.base_url());
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("E0000031"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("b.csv")));
}

TEST(GroupExportEndToEndTest, BadUsageIsExitTwoAndHelpIsExitZero) {
  TempDir dir;
  MockProcess mock;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"groups", "export"},
                                             {"groups", "export", "-o", "g.csv", "--page-size", "10001"},
                                             {"groups", "export", "-o", "g.csv", "--page-size", "0"},
                                             {"groups", "export", "-o", "g.csv", "--resume"},
                                             {"groups", "export", "-o", "g.csv", "in.csv"},
                                             {"groups", "export", "-o", "g.csv", "--search", "a",
                                              "--filter", "b"},
                                             {"groups"}}) {
    ProcessResult r = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
  }
  ProcessResult groups_help = RunOktaBulk({"groups", "--help"}, mock.base_url());
  EXPECT_EQ(groups_help.exit_code, 0) << groups_help.err;
  EXPECT_NE(groups_help.out.find("groups export"), std::string::npos) << groups_help.out;
  EXPECT_NE(groups_help.out.find("groups create"), std::string::npos) << groups_help.out;
  ProcessResult export_help = RunOktaBulk({"groups", "export", "--help"}, mock.base_url());
  EXPECT_EQ(export_help.exit_code, 0) << export_help.err;
  EXPECT_NE(export_help.out.find("--page-size N"), std::string::npos) << export_help.out;
  ProcessResult page_size = RunOktaBulk({"groups", "export", "-o", dir.File("g.csv"), "--page-size",
                                         "10000"},
                                        mock.base_url());
  EXPECT_EQ(page_size.exit_code, 0) << "10000 is Okta's largest page: " << page_size.err;
}

// ---- a scripted server's `next` links ------------------------------------------------------

constexpr const char* kFirst = "/api/v1/groups?limit=200&expand=stats";

std::string Groups(int first, int count) {
  std::string b = "[";
  for (int i = first; i < first + count; ++i) {
    if (i != first) b += ",";
    b += R"({"id":"00g)" + std::to_string(i) + R"(","type":"OKTA_GROUP","profile":{"name":"G)" +
         std::to_string(i) + R"(","description":null},"_embedded":{"stats":{"usersCount":)" +
         std::to_string(i) + "}}}";
  }
  return b + "]";
}

TEST(GroupExportEndToEndTest, ANextLinkBackToAnEarlierPageStopsWithExitThreeAndLeavesTheFile) {
  const std::string second = "/api/v1/groups?after=00g2&limit=200&expand=stats";
  std::string base;
  PagingServer server([&](const std::string& target) -> std::optional<PagingServer::Page> {
    if (target == kFirst) return PagingServer::Page{Groups(1, 2), {"<" + base + second + ">; rel=\"next\""}};
    if (target == second) return PagingServer::Page{Groups(3, 2), {"<" + base + kFirst + ">; rel=\"next\""}};
    return std::nullopt;
  });
  base = server.base_url();
  TempDir dir;
  dir.Write("groups.csv", "an earlier export\n");
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv")}, base);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("already fetched"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("<" + base + kFirst + ">"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("was not written"), std::string::npos) << run.err;
  EXPECT_EQ(server.targets(), (std::vector<std::string>{kFirst, second}));
  EXPECT_EQ(dir.Read("groups.csv"), "an earlier export\n") << "left as it was";
}

TEST(GroupExportEndToEndTest, ANextLinkToAnotherHostIsNeverFollowed) {
  const std::string next = "/api/v1/groups?after=00g2&limit=200&expand=stats";
  PagingServer server([&](const std::string& target) -> std::optional<PagingServer::Page> {
    if (target == kFirst)
      return PagingServer::Page{Groups(1, 2), {"<http://127.0.0.1:1" + next + ">; rel=\"next\""}};
    if (target == next) return PagingServer::Page{Groups(3, 2), {}};
    return std::nullopt;
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv")}, server.base_url());
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("<http://127.0.0.1:1" + next + ">"), std::string::npos) << run.err;
  EXPECT_EQ(server.targets(), std::vector<std::string>{kFirst});
  EXPECT_FALSE(std::filesystem::exists(dir.File("groups.csv")));
}

TEST(GroupExportEndToEndTest, AnAnswerWithoutStatsLeavesUsersCountEmptyAndSaysSo) {
  PagingServer server([&](const std::string& target) -> std::optional<PagingServer::Page> {
    if (target == kFirst)
      return PagingServer::Page{
          R"([{"id":"00ga","type":"OKTA_GROUP","profile":{"name":"A, \"quoted\"","description":"x"}},)"
          R"({"id":"00gb","type":"APP_GROUP","profile":{"name":"B"},"_embedded":{"stats":{"usersCount":7}}}])",
          {}};
    return std::nullopt;
  });
  TempDir dir;
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv")}, server.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("1 group has no member count"), std::string::npos) << run.out;
  EXPECT_EQ(dir.Read("groups.csv"),
            "id,name,description,type,usersCount\n"
            "00ga,\"A, \"\"quoted\"\"\",x,OKTA_GROUP,\n"
            "00gb,B,,APP_GROUP,7\n");
}

// ---- round trip ----------------------------------------------------------------------------

TEST(GroupExportEndToEndTest, ExportThenGroupsCreateIntoASecondOrgCreatesTheSameNames) {
  MockProcess a;
  TempDir dir;
  std::string groups = "name,description\n";
  for (int i = 0; i < 25; ++i)
    groups += "Dept " + std::to_string(i) + ",\"Department " + std::to_string(i) + ", floor " +
              std::to_string(i % 4) + "\"\n";
  dir.Write("in.csv", groups);
  ProcessResult created = RunOktaBulk({"groups", "create", dir.File("in.csv"), "-o",
                                       dir.File("created-a.csv")},
                                      a.base_url());
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;

  ProcessResult exported = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv"),
                                        "--page-size", "7"},
                                       a.base_url());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;

  MockProcess b;
  ProcessResult copied = RunOktaBulk({"groups", "create", dir.File("groups.csv"), "-o",
                                      dir.File("created-b.csv")},
                                     b.base_url());
  ASSERT_EQ(copied.exit_code, 0) << copied.out << copied.err;
  for (const auto& row : ReadCsvFile(dir.File("created-b.csv")))
    EXPECT_EQ(row.at("outcome"), row.at("login") == "Everyone" ? "existed" : "created")
        << row.at("login") << " " << row.at("error");

  auto in_a = OrgGroups(a), in_b = OrgGroups(b);
  ASSERT_EQ(in_a.size(), 26u);  // Everyone and 25
  ASSERT_EQ(in_b.size(), in_a.size());
  for (const auto& [name, g] : in_a) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(in_b.count(name));
    EXPECT_EQ(in_b[name].description, g.description);
    EXPECT_EQ(in_b[name].type, g.type);
    if (name != "Everyone") {
      EXPECT_NE(in_b[name].id, g.id) << "a new org's own ids";
    }
  }
}

TEST(GroupExportEndToEndTest, GroupsCreateCallsANameRepeatedInTheFileTheSameGroup) {
  MockProcess mock;
  TempDir dir;
  dir.Write("g.csv", "name\nSales\nsales\n");
  ProcessResult run = RunOktaBulk({"groups", "create", dir.File("g.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto rows = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(rows.size(), 2u);
  const ResultRow& dup = rows[0].at("row") == "2" ? rows[0] : rows[1];
  EXPECT_EQ(dup.at("outcome"), "invalid");
  EXPECT_NE(dup.at("error").find("is the same group name"), std::string::npos) << dup.at("error");
  EXPECT_NE(dup.at("error").find("as row 1"), std::string::npos) << dup.at("error");
  EXPECT_EQ(dup.at("error").find("user"), std::string::npos) << dup.at("error");
}

}  // namespace
}  // namespace okta_bulk::testing
