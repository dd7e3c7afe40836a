// okta-bulk groups create / assign / unassign against okta-mock, end to end (okta-mock on
// 127.0.0.1, port 0): the org's groups and memberships are exactly what the files say, and a
// second run changes nothing.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::map<std::string, std::set<std::string>> GroupsByLogin(const MockProcess& mock) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& u : MockUsers(mock)) {
    auto& s = out[Str(u.at("login"))];
    for (const auto& g : u.at("groupIds").as_array()) s.insert(Str(g));
  }
  return out;
}

std::map<std::string, ResultRow> ResultsByRow(const std::string& path) {
  std::map<std::string, ResultRow> out;
  for (auto& r : ReadCsvFile(path)) out.emplace(r.at("row"), std::move(r));
  return out;
}

TEST(GroupOpsEndToEndTest, GroupsCreateTwiceCreatesOnceAndTheRerunIsExistedWithTheSameIds) {
  TempDir dir;
  MockProcess mock({"--group", "Sales"});
  dir.Write("groups.csv",
            "name,description,costCenter:integer\n"
            "Engineering,Builds things,42\n"
            "sales,,\n"
            ",no name,\n"
            "Support,Helps,notanumber\n");
  ProcessResult r = RunOktaBulk({"groups", "create", dir.File("groups.csv"), "-o",
                                 dir.File("r1.csv")},
                                mock.base_url());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto first = ResultsByRow(dir.File("r1.csv"));
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first["1"].at("outcome"), "created") << first["1"].at("error");
  EXPECT_TRUE(first["1"].at("userId").starts_with("00g"));
  EXPECT_EQ(first["2"].at("outcome"), "existed");  // --group Sales, ignoring case
  EXPECT_FALSE(first["2"].at("userId").empty());
  EXPECT_EQ(first["3"].at("outcome"), "invalid");
  EXPECT_NE(first["3"].at("error").find("field 'name'"), std::string::npos);
  EXPECT_EQ(first["4"].at("outcome"), "invalid");
  EXPECT_NE(first["4"].at("error").find("costCenter"), std::string::npos);

  ProcessResult again = RunOktaBulk({"groups", "create", dir.File("groups.csv"), "-o",
                                     dir.File("r2.csv")},
                                    mock.base_url());
  auto second = ResultsByRow(dir.File("r2.csv"));
  EXPECT_EQ(second["1"].at("outcome"), "existed");
  EXPECT_EQ(second["1"].at("userId"), first["1"].at("userId"));
  EXPECT_EQ(second["2"].at("userId"), first["2"].at("userId"));
  EXPECT_EQ(MockStats(mock).at("requests").at("groups").as_int64() > 0, true);
}

// groups create of N groups, assign of users to them by id, unassign of half: every
// membership is what the files say; unassign again is `unchanged` for every row.
TEST(GroupOpsEndToEndTest, CreateAssignThenUnassignHalfLeavesExactlyTheFilesMemberships) {
  constexpr int kGroups = 200, kUsers = 1000;  // smaller than the 1,000 / 10,000: ASan time
  TempDir dir;
  MockProcess mock;
  std::string groups_csv = "name,description\n";
  for (int g = 0; g < kGroups; ++g)
    groups_csv += "Group " + std::to_string(g) + ",group number " + std::to_string(g) + "\n";
  dir.Write("groups.csv", groups_csv);
  ProcessResult created = RunOktaBulk({"groups", "create", dir.File("groups.csv"), "-o",
                                       dir.File("groups-results.csv"), "--concurrency", "8"},
                                      mock.base_url());
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  std::vector<std::string> ids(kGroups);
  for (const auto& row : ReadCsvFile(dir.File("groups-results.csv"))) {
    ASSERT_EQ(row.at("outcome"), "created");
    ids[std::stoi(row.at("row")) - 1] = row.at("userId");
  }
  std::string users_csv = "login,email,firstName,lastName\n";
  for (int u = 0; u < kUsers; ++u) {
    std::string login = "u" + std::to_string(u) + "@example.com";
    users_csv += login + "," + login + ",U,N" + std::to_string(u) + "\n";
  }
  dir.Write("users.csv", users_csv);
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("import.csv")},
                        mock.base_url())
                .exit_code,
            0);
  // User u joins groups u % N and (u * 7 + 3) % N.
  std::map<std::string, std::set<std::string>> want;
  std::string assign_csv = "login,groupId\n", unassign_csv = "login,groupId\n";
  for (int u = 0; u < kUsers; ++u) {
    std::string login = "u" + std::to_string(u) + "@example.com";
    const std::string a = ids[u % kGroups], b = ids[(u * 7 + 3) % kGroups];
    assign_csv += login + "," + a + ";" + b + "\n";
    want[login] = {a, b};
    if (u % 2 == 0) {  // half leave group a
      unassign_csv += login + "," + a + "\n";
      if (a != b) want[login].erase(a);
      else want[login].clear();
    }
  }
  dir.Write("assign.csv", assign_csv);
  dir.Write("unassign.csv", unassign_csv);
  ProcessResult assigned = RunOktaBulk({"assign", dir.File("assign.csv"), "-o",
                                        dir.File("assign-results.csv"), "--concurrency", "8"},
                                       mock.base_url());
  ASSERT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  ProcessResult removed = RunOktaBulk({"unassign", dir.File("unassign.csv"), "-o",
                                       dir.File("unassign-results.csv"), "--concurrency", "8"},
                                      mock.base_url());
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  for (const auto& row : ReadCsvFile(dir.File("unassign-results.csv")))
    EXPECT_EQ(row.at("outcome"), "unassigned") << row.at("row") << " " << row.at("error");
  EXPECT_EQ(GroupsByLogin(mock), want);

  ProcessResult again = RunOktaBulk({"unassign", dir.File("unassign.csv"), "-o",
                                     dir.File("unassign-again.csv")},
                                    mock.base_url());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const auto& row : ReadCsvFile(dir.File("unassign-again.csv")))
    EXPECT_EQ(row.at("outcome"), "unchanged") << row.at("row");
  EXPECT_EQ(GroupsByLogin(mock), want);
}

TEST(GroupOpsEndToEndTest, UnassignNamesAMissingUserAndNeedsAGroup) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("m.csv", "login\nghost@example.com\n");
  ProcessResult no_group = RunOktaBulk({"unassign", dir.File("m.csv"), "-o", dir.File("r.csv")},
                                       mock.base_url());
  EXPECT_EQ(no_group.exit_code, 2);
  EXPECT_NE(no_group.err.find("unassign needs a 'groupId' or 'groupName' column, or --group ID"),
            std::string::npos)
      << no_group.err;
  ProcessResult run = RunOktaBulk({"unassign", dir.File("m.csv"), "-o", dir.File("r.csv"),
                                   "--group", "00gmock0000000000001"},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1);
  auto results = ResultsByRow(dir.File("r.csv"));
  EXPECT_EQ(results["1"].at("outcome"), "failed");
  EXPECT_NE(results["1"].at("error").find("no user with login ghost@example.com"),
            std::string::npos)
      << results["1"].at("error");
}

}  // namespace
}  // namespace okta_bulk::testing
