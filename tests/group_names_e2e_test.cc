// Group names (groupName, --group-name) for assign, unassign and update, end to end against
// okta-mock on 127.0.0.1 port 0 (issues 14 and 15): one listing of the org's groups before
// the first row; a missing, ambiguous or app-group name stops the run (exit 2) naming its
// first row, before any user is touched; resolved names act like their ids.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

// Every group of the org: id -> name (one GET of okta-mock's listing, 10,000 a page).
std::map<std::string, std::string> GroupNamesById(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/api/v1/groups?limit=10000", "",
                            {{"Authorization", "SSWS test-token"}});
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> out;
  const json::value groups = json::parse(r.body);  // outlives the loop (as_array is a reference)
  for (const auto& g : groups.as_array())
    out[Str(g.at("id"))] = Str(g.at("profile").at("name"));
  return out;
}

// login -> the names of its groups (Everyone aside: okta-mock lists it apart).
std::map<std::string, std::set<std::string>> GroupNamesByLogin(const MockProcess& mock) {
  const auto names = GroupNamesById(mock);
  std::map<std::string, std::set<std::string>> out;
  for (const auto& u : MockUsers(mock)) {
    auto& s = out[Str(u.at("login"))];
    for (const auto& g : u.at("groupIds").as_array()) {
      auto it = names.find(Str(g));
      s.insert(it == names.end() ? "?" + Str(g) : it->second);
    }
  }
  return out;
}

int64_t Total(const MockProcess& mock) { return MockStats(mock).at("requests_total").as_int64(); }

void ImportUsers(const MockProcess& mock, const TempDir& dir, int n) {
  std::string csv = "login,email,firstName,lastName\n";
  for (int u = 0; u < n; ++u) {
    const std::string login = "u" + std::to_string(u) + "@example.com";
    csv += login + "," + login + ",U,N" + std::to_string(u) + "\n";
  }
  dir.Write("users.csv", csv);
  ProcessResult r = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("import.csv"),
                                 "--concurrency", "8"},
                                mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

// Two groups named Sales (okta-mock's --duplicate-group): every subcommand that reads group
// names refuses the name before any user, and costs one listing (update: and the schema).
TEST(GroupNamesEndToEndTest, AnAmbiguousOrMissingNameStopsAssignUnassignAndUpdateBeforeAnyUser) {
  TempDir dir;
  MockProcess mock({"--group", "Sales", "--duplicate-group", "Sales", "--group", "Engineering"});
  ImportUsers(mock, dir, 3);
  const auto before = GroupNamesByLogin(mock);
  dir.Write("members.csv",
            "login,groupName\n"
            "u0@example.com,Engineering\n"
            "u1@example.com,Sales;Engineering\n"
            "u2@example.com,Nope\n");
  dir.Write("changes.csv",
            "login,firstName,groupName\n"
            "u0@example.com,Ann,Engineering\n"
            "u1@example.com,Bob,SALES\n");
  struct Case {
    std::vector<std::string> args;
    int64_t lookups;  // requests okta-mock should see: the listing (update: and the schema)
    bool names_missing;
  };
  const std::vector<Case> cases = {
      {{"assign", dir.File("members.csv")}, 1, true},
      {{"unassign", dir.File("members.csv")}, 1, true},
      {{"update", dir.File("changes.csv")}, 2, false},
      {{"assign", dir.File("changes.csv"), "--group-name", "sales"}, 1, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0] + " " + c.args[1]);
    const int64_t total = Total(mock);
    std::vector<std::string> args = c.args;
    const std::string summary_path = dir.File("s-" + c.args[0] + ".json");
    std::filesystem::remove(summary_path);
    args.insert(args.end(), {"-o", dir.File("r-" + c.args[0] + ".csv"), "--overwrite",
                             "--summary-json", summary_path});
    ProcessResult r = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    {  // the refused run's summary counts the look-ups it did send
      const json::value summary = json::parse(dir.Read("s-" + c.args[0] + ".json"));
      EXPECT_EQ(summary.at("exitCode").as_int64(), 2);
      EXPECT_EQ(summary.at("requests").as_int64(), c.lookups);
      EXPECT_EQ(summary.at("orgRequests").as_int64(), c.lookups);
    }
    EXPECT_NE(r.err.find("group problem"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("found before any user was sent"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("matches 2 groups"), std::string::npos) << r.err;
    if (c.args.size() > 2) {
      EXPECT_NE(r.err.find("group name 'sales' (a command-line flag) matches 2 groups"),
                std::string::npos)
          << r.err;
    } else {
      EXPECT_NE(r.err.find("(first on row 2) matches 2 groups"), std::string::npos) << r.err;
    }
    if (c.names_missing) {
      EXPECT_NE(r.err.find("group 'Nope' (first on row 3) is not a group of the org"),
                std::string::npos)
          << r.err;
      // assign may create a missing name (--create-missing-groups) and says so; unassign
      // has nothing to create a group for.
      if (c.args[0] == "assign")
        EXPECT_NE(r.err.find(". --create-missing-groups creates the missing ones first"),
                  std::string::npos)
            << r.err;
      else
        EXPECT_EQ(r.err.find("--create-missing-groups"), std::string::npos) << r.err;
    }
    EXPECT_EQ(Total(mock) - total, c.lookups);  // no user looked up, changed or assigned
    EXPECT_EQ(GroupNamesByLogin(mock), before);
  }

  // The same subcommands with names that find one group each do their work.
  dir.Write("ok.csv", "login,firstName,groupName\nu0@example.com,Ann,engineering\n");
  ProcessResult updated = RunOktaBulk({"update", dir.File("ok.csv"), "-o", dir.File("u.csv")},
                                      mock.base_url());
  ASSERT_EQ(updated.exit_code, 0) << updated.out << updated.err;
  dir.Write("ok2.csv", "login\nu1@example.com\nu2@example.com\n");
  ProcessResult assigned = RunOktaBulk({"assign", dir.File("ok2.csv"), "-o", dir.File("a.csv"),
                                        "--group-name", "Engineering"},
                                       mock.base_url());
  ASSERT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  auto after = GroupNamesByLogin(mock);
  EXPECT_EQ(after["u0@example.com"], std::set<std::string>{"Engineering"});
  EXPECT_EQ(after["u1@example.com"], std::set<std::string>{"Engineering"});
  EXPECT_EQ(after["u2@example.com"], std::set<std::string>{"Engineering"});
  for (const auto& u : MockUsers(mock))
    if (Str(u.at("login")) == "u0@example.com") {
      EXPECT_EQ(Str(u.at("profile").at("firstName")), "Ann");
    }
}

// assign and update --create-missing-groups: a name the org lacks is created once before the
// first row (a dry run only says it would be), then its users go in like any group's.
TEST(GroupNamesEndToEndTest, AssignAndUpdateCreateTheMissingGroupsWhenAsked) {
  TempDir dir;
  MockProcess mock({"--group", "Engineering"});
  ImportUsers(mock, dir, 3);
  dir.Write("members.csv",
            "login,groupName\n"
            "u0@example.com,Engineering;New Hires\n"
            "u1@example.com,new hires\n");
  ProcessResult dry = RunOktaBulk({"assign", dir.File("members.csv"), "--create-missing-groups",
                                   "--dry-run"},
                                  mock.base_url());
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would create group 'New Hires' (--create-missing-groups)"), std::string::npos)
      << dry.out;
  EXPECT_EQ(GroupNamesById(mock).size(), 2u) << "a dry run created a group";  // Everyone, Engineering

  ProcessResult assigned = RunOktaBulk({"assign", dir.File("members.csv"), "-o", dir.File("a.csv"),
                                        "--create-missing-groups"},
                                       mock.base_url());
  ASSERT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  EXPECT_NE(assigned.err.find("created group 'New Hires' (00g"), std::string::npos) << assigned.err;
  dir.Write("changes.csv", "login,firstName\nu2@example.com,Cy\n");
  ProcessResult updated = RunOktaBulk({"update", dir.File("changes.csv"), "-o", dir.File("u.csv"),
                                       "--group-name", "Contractors", "--create-missing-groups"},
                                      mock.base_url());
  ASSERT_EQ(updated.exit_code, 0) << updated.out << updated.err;
  auto after = GroupNamesByLogin(mock);
  EXPECT_EQ(after["u0@example.com"], (std::set<std::string>{"Engineering", "New Hires"}));
  EXPECT_EQ(after["u1@example.com"], std::set<std::string>{"New Hires"});
  EXPECT_EQ(after["u2@example.com"], std::set<std::string>{"Contractors"});
  std::multiset<std::string> names;
  for (const auto& [id, name] : GroupNamesById(mock)) names.insert(name);
  EXPECT_EQ(names.count("New Hires"), 1u) << "one group for both spellings";
  EXPECT_EQ(names.count("Contractors"), 1u);
}

// Issue 15's scale scenario at a size CI affords (the is 1,000 groups and 10,000
// users): 2,000 users assigned to 100 groups by groupName, half of them then unassigned
// from one group by name; every membership is what the files say, and each run listed the
// org's groups once.
TEST(GroupNamesEndToEndTest, AssignTwoThousandUsersToAHundredGroupsByNameThenUnassignHalf) {
  constexpr int kGroups = 100, kUsers = 2000;
  std::vector<std::string> mock_args;
  for (int g = 0; g < kGroups; ++g) mock_args.insert(mock_args.end(), {"--group", "Team " + std::to_string(g)});
  TempDir dir;
  MockProcess mock(mock_args);
  ImportUsers(mock, dir, kUsers);
  std::map<std::string, std::set<std::string>> want;
  std::string assign_csv = "login,groupName\n", unassign_csv = "login,groupName\n";
  for (int u = 0; u < kUsers; ++u) {
    const std::string login = "u" + std::to_string(u) + "@example.com";
    const std::string a = "Team " + std::to_string(u % kGroups);
    const std::string b = "Team " + std::to_string((u * 7 + 3) % kGroups);
    // Names as an admin types them: any case, spaces around the ';'.
    assign_csv += login + "," + (u % 3 == 0 ? "team " + std::to_string(u % kGroups) : a) + " ; " + b + "\n";
    want[login] = {a, b};
    if (u % 2 == 0) {  // half leave group a
      unassign_csv += login + "," + a + "\n";
      want[login].erase(a);
      if (a == b) want[login].clear();
    }
  }
  dir.Write("assign.csv", assign_csv);
  dir.Write("unassign.csv", unassign_csv);
  const int64_t total_before = Total(mock);
  ProcessResult assigned = RunOktaBulk({"assign", dir.File("assign.csv"), "-o",
                                        dir.File("assign-results.csv"), "--concurrency", "8"},
                                       mock.base_url());
  ASSERT_EQ(assigned.exit_code, 0) << assigned.out << assigned.err;
  for (const auto& row : ReadCsvFile(dir.File("assign-results.csv")))
    EXPECT_EQ(row.at("outcome"), "assigned") << row.at("row") << " " << row.at("error");
  // One groups page (1,000 a page) for the whole file, not one look-up per row or per name:
  // then per row a lookup by login and one PUT per group (a and b always differ here).
  EXPECT_EQ(Total(mock) - total_before, 1 + kUsers * 3);
  ProcessResult removed = RunOktaBulk({"unassign", dir.File("unassign.csv"), "-o",
                                       dir.File("unassign-results.csv"), "--concurrency", "8"},
                                      mock.base_url());
  ASSERT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  for (const auto& row : ReadCsvFile(dir.File("unassign-results.csv")))
    EXPECT_EQ(row.at("outcome"), "unassigned") << row.at("row") << " " << row.at("error");
  auto got = GroupNamesByLogin(mock);
  got.erase("okta-mock.admin@example.com");
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace okta_bulk::testing
