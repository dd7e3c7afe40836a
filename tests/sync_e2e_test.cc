// okta-bulk sync (issue 17), end to end against okta-mock: the org is seeded through
// okta-mock's own API (import), then sync is run and okta-mock's request counts per bucket and
// its users say what was sent and what landed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <functional>
#include <memory>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

constexpr char kSchema[] = R"({"definitions":{"custom":{"id":"#custom","type":"object",
  "properties":{
    "level":{"title":"Level","type":"integer","mutability":"READ_WRITE"},
    "badge":{"title":"Badge","type":"string","mutability":"READ_WRITE"}
  }}}})";

constexpr char kGroupA[] = "00gsyncA000000000001";
constexpr char kGroupB[] = "00gsyncB000000000002";
constexpr char kGroupC[] = "00gsyncC000000000003";

// Requests okta-mock counted in `bucket` ("create", "get", "update", "groups", ...).
int64_t Bucket(const MockProcess& mock, const char* bucket) {
  return MockStats(mock).at("requests").at(bucket).as_int64();
}

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) out.emplace(std::string(u.at("login").as_string()), u.as_object());
  return out;
}

std::set<std::string> GroupsOf(const json::object& user) {
  std::set<std::string> out;
  for (const auto& g : user.at("groupIds").as_array()) out.emplace(g.as_string());
  return out;
}

// n users: login uN@example.com, department D<N % 3>, level N, badge "B<N>".
std::string Users(int n, const std::map<int, std::string>& department = {}, const char* extra_header = "",
                  std::function<std::string(int)> extra = nullptr) {
  std::string csv = std::string("login,email,firstName,lastName,department,level,badge") + extra_header + "\n";
  for (int i = 1; i <= n; ++i) {
    const std::string login = "u" + std::to_string(i) + "@example.com";
    auto d = department.find(i);
    csv += login + "," + login + ",First" + std::to_string(i) + ",Last," +
           (d != department.end() ? d->second : "D" + std::to_string(i % 3)) + "," +
           std::to_string(i) + ",B" + std::to_string(i) + (extra ? "," + extra(i) : "") + "\n";
  }
  return csv;
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_.Write("schema.json", kSchema); }
  std::unique_ptr<MockProcess> StartMock() {
    return std::make_unique<MockProcess>(std::vector<std::string>{
        "--schema", dir_.File("schema.json"), "--groups",
        std::string(kGroupA) + "," + kGroupB + "," + kGroupC});
  }
  void Seed(const MockProcess& mock, const std::string& csv) {
    dir_.Write("seed.csv", csv);
    ProcessResult r = RunOktaBulk({"import", dir_.File("seed.csv"), "-o", dir_.File("seed-results.csv"),
                                   "--overwrite"},
                                  mock.base_url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  ProcessResult Sync(const MockProcess& mock, const std::string& csv,
                     std::vector<std::string> flags = {}, const std::string& results = "sync.csv") {
    dir_.Write("users.csv", csv);
    std::vector<std::string> args = {"sync", dir_.File("users.csv"), "-o", dir_.File(results)};
    args.insert(args.end(), flags.begin(), flags.end());
    return RunOktaBulk(args, mock.base_url());
  }
  std::map<std::string, int> Outcomes(const std::string& results = "sync.csv") {
    std::map<std::string, int> out;
    for (auto& row : ReadCsvFile(dir_.File(results))) ++out[row["outcome"]];
    return out;
  }
  TempDir dir_;
};

TEST_F(SyncTest, AFileIdenticalToTheOrgSendsNoWrite) {
  auto mock = StartMock();
  Seed(*mock, Users(50));
  const int64_t updates = Bucket(*mock, "update"), creates = MockStats(*mock).at("users_created").as_int64();
  ProcessResult r = Sync(*mock, Users(50));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"unchanged", 50}})) << r.out << r.err;
  EXPECT_EQ(Bucket(*mock, "update"), updates);
  EXPECT_EQ(MockStats(*mock).at("users_created").as_int64(), creates);
  // The org's 50 users are one listing page, cheaper than 50 lookups, and it says so.
  EXPECT_NE(r.err.find("reading the org: listing its users, 200 a page (GET /api/v1/users?limit=200) "
                       "(the org holds 50 users (its Everyone group): a listing costs 1 request, "
                       "looking up the file's 50 rows 50; --read-org lookup forces the other)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Bucket(*mock, "get"), 0) << "no lookup";
}

TEST_F(SyncTest, OneChangedAttributeSendsOnlyThosePartialUpdatesAndTheirValuesLand) {
  auto mock = StartMock();
  Seed(*mock, Users(250));
  std::map<int, std::string> moved;
  for (int i = 1; i <= 250; i += 5) moved[i] = "Moved";  // 50 users change department
  const int64_t updates = Bucket(*mock, "update"), gets = Bucket(*mock, "get");
  ProcessResult r = Sync(*mock, Users(250, moved));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"updated", 50}, {"unchanged", 200}}));
  EXPECT_EQ(Bucket(*mock, "update") - updates, 50);
  EXPECT_EQ(Bucket(*mock, "get"), gets) << "250 rows: a listing, no per-user lookups";
  EXPECT_NE(r.err.find("reading the org: listing its users"), std::string::npos) << r.err;
  auto users = UsersByLogin(*mock);
  for (int i = 1; i <= 250; ++i) {
    const json::object& p = users.at("u" + std::to_string(i) + "@example.com").at("profile").as_object();
    EXPECT_EQ(p.at("department").as_string(), moved.count(i) ? "Moved" : "D" + std::to_string(i % 3)) << i;
    EXPECT_EQ(p.at("level"), json::value(i));  // untouched, still typed
  }
}

TEST_F(SyncTest, APartialUpdateCarriesOnlyTheChangedAttribute) {
  auto mock = StartMock();
  Seed(*mock, Users(3));
  // Okta's partial update keeps what the body omits; the mock's oracle is the same. Change the
  // user's firstName behind sync's back: a sync changing only the department must not put
  // firstName back (it is in the file, so it would if the whole row were sent).
  std::map<int, std::string> moved = {{2, "Moved"}};
  ProcessResult plan = Sync(*mock, Users(3, moved), {"--plan", "--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(dir_.Read("plan.csv"),
            "login,action,attribute,oldValue,newValue\n"
            "u2@example.com,update,department,D2,Moved\n");
}

TEST_F(SyncTest, ThePlanListsExactlyTheChangesAndSendsNothing) {
  auto mock = StartMock();
  Seed(*mock, Users(20));
  std::map<int, std::string> moved = {{3, "\"Ops, North\""}, {7, "Support"}};
  std::string csv = Users(20, moved);
  csv += "new@example.com,new@example.com,New,User,Sales,99,B99\n";
  const int64_t total = MockStats(*mock).at("requests_total").as_int64();
  ProcessResult r = Sync(*mock, csv, {"--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(dir_.Read("plan.csv"),
            "login,action,attribute,oldValue,newValue\n"
            "u3@example.com,update,department,D0,\"Ops, North\"\n"
            "u7@example.com,update,department,D1,Support\n"
            "new@example.com,create,email,,new@example.com\n"
            "new@example.com,create,firstName,,New\n"
            "new@example.com,create,lastName,,User\n"
            "new@example.com,create,department,,Sales\n"
            "new@example.com,create,level,,99\n"
            "new@example.com,create,badge,,B99\n");
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("plan.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(r.out.find("Plan: 1 to create, 2 to update (2 attribute changes, 0 group adds, 0 group "
                       "removes), 18 unchanged, 0 to deactivate: 3 requests to send"),
            std::string::npos)
      << r.out;
  // Only reads: the schema, the org's size, and its 20 users in one listing page (cheaper than
  // 21 lookups).
  EXPECT_EQ(MockStats(*mock).at("requests_total").as_int64() - total, 1 + 1 + 1);
  EXPECT_EQ(Bucket(*mock, "update"), 0);
  EXPECT_EQ(UsersByLogin(*mock).count("new@example.com"), 0u);
}

TEST_F(SyncTest, TypesComeFromTheOrgsSchemaSoANumberEqualsItsCell) {
  auto mock = StartMock();
  Seed(*mock, Users(5));
  // level is an integer in the schema: "3" in the file is 3 in the org, unchanged; badge is a
  // string: "B3" stays a string.
  ProcessResult r = Sync(*mock, Users(5), {"--read-org", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"unchanged", 5}}));
}

TEST_F(SyncTest, MissingUsersAreCreatedAndGroupsAddedOnlyWhereMissing) {
  auto mock = StartMock();
  Seed(*mock, Users(3, {}, ",groupId", [](int i) { return i == 1 ? std::string(kGroupA) : std::string(); }));
  // u1 stays in A, u2 joins B, new u4 is created in C.
  std::string csv = Users(4, {}, ",groupId", [](int i) {
    return i == 1 ? std::string(kGroupA) : i == 2 ? std::string(kGroupB) : i == 4 ? std::string(kGroupC) : std::string();
  });
  const int64_t groups_before = Bucket(*mock, "groups");
  ProcessResult r = Sync(*mock, csv);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::map<std::string, ResultRow> by_login;
  for (auto& row : ReadCsvFile(dir_.File("sync.csv"))) by_login[row["login"]] = row;
  EXPECT_EQ(by_login["u1@example.com"]["outcome"], "unchanged");
  EXPECT_EQ(by_login["u2@example.com"]["outcome"], "updated");
  EXPECT_EQ(by_login["u3@example.com"]["outcome"], "unchanged");
  EXPECT_EQ(by_login["u4@example.com"]["outcome"], "created");
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(GroupsOf(users.at("u2@example.com")), std::set<std::string>{kGroupB});
  EXPECT_EQ(GroupsOf(users.at("u4@example.com")), std::set<std::string>{kGroupC});
  // The member lists of the 3 groups, the groups listing that checks the ids (and gives the
  // org's size through Everyone's count, to weigh the three rows in no group), one PUT.
  EXPECT_EQ(Bucket(*mock, "groups") - groups_before, 3 + 1 + 1);
}

TEST_F(SyncTest, TheGroupsMembersCarryTheirUsersSoOnlyTheRestIsLookedUp) {
  auto mock = StartMock();
  // 400 users, more than a listing page, each in A or B; the file adds two new users (in C)
  // and changes 20 departments.
  auto group = [](int i) { return i > 400 ? std::string(kGroupC) : i % 2 ? std::string(kGroupA) : std::string(kGroupB); };
  Seed(*mock, Users(400, {}, ",groupId", group));
  std::map<int, std::string> moved;
  for (int i = 1; i <= 400; i += 20) moved[i] = "Moved";
  const int64_t lists = Bucket(*mock, "create"), gets = Bucket(*mock, "get"),
                groups = Bucket(*mock, "groups");
  ProcessResult r = Sync(*mock, Users(402, moved, ",groupId", group));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"created", 2}, {"updated", 20}, {"unchanged", 380}}))
      << r.err;
  EXPECT_EQ(Bucket(*mock, "create") - lists, 2) << "the two creates; no users listing";
  EXPECT_EQ(Bucket(*mock, "get") - gets, 2) << "one lookup for each row not among the members";
  // The groups listing (the ids' check) and one members page per group.
  EXPECT_EQ(Bucket(*mock, "groups") - groups, 1 + 3);
  EXPECT_NE(r.err.find("reading the org: the members of 3 groups first"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reading the org: one lookup per row (GET /api/v1/users/{login}), 2 (the 2 rows "
                       "not among the members"),
            std::string::npos)
      << r.err;
  auto users = UsersByLogin(*mock);
  for (int i = 1; i <= 402; ++i) {
    const json::object& u = users.at("u" + std::to_string(i) + "@example.com");
    EXPECT_EQ(u.at("profile").at("department").as_string(), moved.count(i) ? "Moved" : "D" + std::to_string(i % 3)) << i;
    EXPECT_EQ(GroupsOf(u), std::set<std::string>{group(i)}) << i;
  }
}

TEST_F(SyncTest, ExactGroupsRemovesOnlyFromGroupsTheFileManages) {
  auto mock = StartMock();
  // u1 in A and C, u2 in B.
  Seed(*mock, Users(2, {}, ",groupId", [](int i) {
    return i == 1 ? std::string(kGroupA) + ";" + kGroupC : std::string(kGroupB);
  }));
  // The file puts u1 in B and says nothing of C; u2 stays in B.
  std::string csv = Users(2, {}, ",groupId", [](int) { return std::string(kGroupB); });
  ProcessResult r = Sync(*mock, csv, {"--exact-groups", "--group-scope", kGroupA});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto users = UsersByLogin(*mock);
  // A is managed (--group-scope) and left; C is no business of the file and stays.
  EXPECT_EQ(GroupsOf(users.at("u1@example.com")), (std::set<std::string>{kGroupB, kGroupC}));
  EXPECT_EQ(GroupsOf(users.at("u2@example.com")), std::set<std::string>{kGroupB});
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"updated", 1}, {"unchanged", 1}}));
}

TEST_F(SyncTest, ExactGroupsWithoutAGroupColumnSaysItRemovesNothing) {
  auto mock = StartMock();
  Seed(*mock, Users(2, {}, ",groupId", [](int) { return std::string(kGroupA); }));
  ProcessResult r = Sync(*mock, Users(2), {"--exact-groups"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: --exact-groups: " + dir_.File("users.csv") +
                       " has no groupId or groupName column (and no --group): no membership is "
                       "read, added or removed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(GroupsOf(UsersByLogin(*mock).at("u1@example.com")), std::set<std::string>{kGroupA});
}

TEST_F(SyncTest, EmptyCellsAreIgnoredUnlessClearIsAsked) {
  auto mock = StartMock();
  Seed(*mock, Users(2));
  std::string csv =
      "login,email,firstName,lastName,department,level,badge\n"
      "u1@example.com,u1@example.com,First1,Last,D1,1,\n"
      "u2@example.com,u2@example.com,First2,Last,D2,2,B2\n";
  ProcessResult keep = Sync(*mock, csv, {}, "keep.csv");
  ASSERT_EQ(keep.exit_code, 0) << keep.out << keep.err;
  EXPECT_EQ(Outcomes("keep.csv"), (std::map<std::string, int>{{"unchanged", 2}}));
  ProcessResult clear = Sync(*mock, csv, {"--empty-cells", "clear"}, "clear.csv");
  ASSERT_EQ(clear.exit_code, 0) << clear.out << clear.err;
  EXPECT_EQ(Outcomes("clear.csv"), (std::map<std::string, int>{{"updated", 1}, {"unchanged", 1}}));
  EXPECT_EQ(UsersByLogin(*mock).at("u1@example.com").at("profile").as_object().count("badge"), 0u);
}

TEST_F(SyncTest, ARowOutsideTheScopedListingIsLookedUpNotCreated) {
  auto mock = StartMock();
  Seed(*mock, Users(300));
  std::map<int, std::string> moved = {{2, "Moved"}};  // u2 is in D2, outside the scope
  const int64_t created = MockStats(*mock).at("users_created").as_int64();
  ProcessResult r = Sync(*mock, Users(300, moved), {"--scope", "profile.department eq \"D0\""});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto outcomes = Outcomes();
  EXPECT_EQ(outcomes["updated"], 1);
  EXPECT_EQ(outcomes["unchanged"], 299);
  EXPECT_EQ(MockStats(*mock).at("users_created").as_int64(), created);
  EXPECT_EQ(Bucket(*mock, "create"), 300 + 1) << "the seed's creates and one scoped page";
  EXPECT_EQ(UsersByLogin(*mock).at("u2@example.com").at("profile").at("department").as_string(), "Moved");
  EXPECT_NE(r.err.find("200 rows not in --scope looked up one by one"), std::string::npos) << r.err;
}

TEST_F(SyncTest, AUserTheListingLeavesOutIsFoundWhenItsCreateMeetsIt) {
  auto mock = StartMock();
  Seed(*mock, Users(3));
  // A deactivated user is not in a listing without filter (contract: DEPROVISIONED users
  // are left out): its row is planned as a create, which meets the login and looks it up.
  dir_.Write("gone.csv", "login\nu2@example.com\n");
  ProcessResult d = RunOktaBulk({"deactivate", dir_.File("gone.csv"), "-o", dir_.File("d.csv"), "--yes"},
                                mock->base_url());
  ASSERT_EQ(d.exit_code, 0) << d.out << d.err;
  ProcessResult r = Sync(*mock, Users(3), {"--read-org", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::map<std::string, ResultRow> by_login;
  for (auto& row : ReadCsvFile(dir_.File("sync.csv"))) by_login[row["login"]] = row;
  EXPECT_EQ(by_login["u2@example.com"]["outcome"], "unchanged");
  EXPECT_EQ(by_login["u2@example.com"]["userStatus"], "DEPROVISIONED");
  EXPECT_EQ(MockUsers(*mock).size(), 3u);
}

TEST_F(SyncTest, DeactivateMissingNeverTouchesAUserOutsideTheScope) {
  auto mock = StartMock();
  Seed(*mock, Users(30));  // department D<i % 3>: the scope D0 is u3, u6, ..., u30
  // The file drops u3 and u6 (in the scope) and u1 (outside it); u9's row is invalid (its
  // email is not one) but still names u9.
  std::string csv;
  std::istringstream all(Users(30));
  for (std::string line; std::getline(all, line);) {
    if (line.starts_with("u3@") || line.starts_with("u6@") || line.starts_with("u1@")) continue;
    if (line.starts_with("u9@")) line = "u9@example.com,not-an-email,First9,Last,D0,9,B9";
    csv += line + "\n";
  }
  const std::vector<std::string> scope = {"--deactivate-missing", "--scope", "profile.department eq \"D0\"",
                                          "--yes"};
  std::vector<std::string> plan_flags = scope;
  plan_flags.insert(plan_flags.end(), {"--plan-out", dir_.File("plan.csv")});
  ProcessResult plan = Sync(*mock, csv, plan_flags);
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;  // the invalid row
  EXPECT_NE(plan.out.find("2 to deactivate"), std::string::npos) << plan.out;
  const std::string plan_file = dir_.Read("plan.csv");
  EXPECT_NE(plan_file.find("u3@example.com,deactivate,status,PROVISIONED,DEPROVISIONED\n"), std::string::npos) << plan_file;
  EXPECT_NE(plan_file.find("u6@example.com,deactivate,status,PROVISIONED,DEPROVISIONED\n"), std::string::npos) << plan_file;
  EXPECT_EQ(UsersByLogin(*mock).at("u3@example.com").at("status").as_string(), "PROVISIONED") << "--plan sent it";
  // Rows outside the scope are looked up, not taken for new users.
  EXPECT_EQ(plan_file.find(",create,"), std::string::npos) << plan_file;

  ProcessResult r = Sync(*mock, csv, scope);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u3@example.com").at("status").as_string(), "DEPROVISIONED");
  EXPECT_EQ(users.at("u6@example.com").at("status").as_string(), "DEPROVISIONED");
  EXPECT_EQ(users.at("u1@example.com").at("status").as_string(), "PROVISIONED") << "outside the scope";
  EXPECT_EQ(users.at("u9@example.com").at("status").as_string(), "PROVISIONED") << "its row is invalid, not gone";
  int deprovisioned = 0;
  for (const auto& [login, u] : users) deprovisioned += u.at("status").as_string() == "DEPROVISIONED";
  EXPECT_EQ(deprovisioned, 2);
  auto outcomes = Outcomes();
  EXPECT_EQ(outcomes["deactivated"], 2);
  EXPECT_EQ(outcomes["invalid"], 1);
  EXPECT_EQ(outcomes["unchanged"], 26);

  // Again: they are DEPROVISIONED now, and nothing is sent for them.
  const int64_t lifecycle = Bucket(*mock, "create"), gets = Bucket(*mock, "get");
  ProcessResult again = Sync(*mock, csv, scope, "again.csv");
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_EQ(Outcomes("again.csv")["deactivated"], 0);
  EXPECT_EQ(Bucket(*mock, "create") - lifecycle, 1) << "only the scope's listing page";
  EXPECT_EQ(Bucket(*mock, "get") - gets, 19) << "the 19 valid rows outside the scope, looked up";
}

TEST_F(SyncTest, DeactivateMissingNeverTakesAGroupsMemberForAUserOfTheScope) {
  auto mock = StartMock();
  // Everyone in group A; the scope D0 is u3, u6, ..., u30. The file drops u1 (outside the
  // scope, but a member of A, whose members the sync reads) and u3 (in the scope).
  auto group = [](int) { return std::string(kGroupA); };
  Seed(*mock, Users(30, {}, ",groupId", group));
  std::string csv;
  std::istringstream all(Users(30, {}, ",groupId", group));
  for (std::string line; std::getline(all, line);)
    if (!line.starts_with("u1@") && !line.starts_with("u3@")) csv += line + "\n";
  ProcessResult r = Sync(*mock, csv, {"--deactivate-missing", "--scope", "profile.department eq \"D0\"", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u3@example.com").at("status").as_string(), "DEPROVISIONED");
  EXPECT_EQ(users.at("u1@example.com").at("status").as_string(), "PROVISIONED") << "outside the scope";
  EXPECT_EQ(Outcomes(), (std::map<std::string, int>{{"deactivated", 1}, {"unchanged", 28}})) << r.err;
}

TEST_F(SyncTest, DeactivateMissingAsksFirstAndStopsPastItsLimitBeforeAnyWrite) {
  auto mock = StartMock();
  Seed(*mock, Users(300));  // the scope D0: u3, u6, ..., u300 (100 users)
  // A truncated export: rows 1-240 only, and u2 changed. 20 of the scope are missing: 20%.
  std::map<int, std::string> moved = {{2, "Moved"}};
  const std::string truncated = Users(240, moved);
  const std::vector<std::string> scope = {"--deactivate-missing", "--scope", "profile.department eq \"D0\""};
  auto status_of = [&](const char* login) {
    return std::string(UsersByLogin(*mock).at(login).at("status").as_string());
  };
  auto department_of_u2 = [&] {
    return std::string(UsersByLogin(*mock).at("u2@example.com").at("profile").at("department").as_string());
  };
  const int64_t updates = Bucket(*mock, "update");

  // No terminal to ask, no --yes: exit 2 once the count is known, nothing sent.
  std::vector<std::string> flags = scope;
  flags.insert(flags.end(), {"--max-deactivate", "50"});
  ProcessResult unasked = Sync(*mock, truncated, flags, "unasked.csv");
  EXPECT_EQ(unasked.exit_code, 2) << unasked.out << unasked.err;
  EXPECT_NE(unasked.err.find("--deactivate-missing would deactivate 20 users of --scope"), std::string::npos)
      << unasked.err;
  EXPECT_NE(unasked.err.find("pass --yes"), std::string::npos) << unasked.err;

  // The default limit (10% of the scope's 100 users): stopped, even with --yes.
  flags = scope;
  flags.push_back("--yes");
  ProcessResult limited = Sync(*mock, truncated, flags, "limited.csv");
  EXPECT_EQ(limited.exit_code, 2) << limited.out << limited.err;
  EXPECT_NE(limited.err.find("20 deactivations (20% of the scope's 100 users not deactivated) is more "
                             "than the default, 10% of the scope's 100 users not deactivated, at least "
                             "10: 10; stopped before any write"),
            std::string::npos)
      << limited.err;
  EXPECT_NE(limited.err.find("--max-deactivate 20"), std::string::npos) << limited.err;
  // --plan shows it as a warning and the counts.
  flags = scope;
  flags.push_back("--plan");
  ProcessResult plan = Sync(*mock, truncated, flags, "plan.csv");
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("warning: --deactivate-missing: 20 deactivations"), std::string::npos) << plan.out;
  EXPECT_EQ(Bucket(*mock, "update"), updates) << "u2's update was sent";
  EXPECT_EQ(department_of_u2(), "D2");
  EXPECT_EQ(status_of("u300@example.com"), "PROVISIONED");

  // Allowed: the 20 go, and u2's change.
  flags = scope;
  flags.insert(flags.end(), {"--yes", "--max-deactivate", "20%"});
  ProcessResult allowed = Sync(*mock, truncated, flags, "allowed.csv");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_EQ(Outcomes("allowed.csv")["deactivated"], 20) << allowed.err;
  EXPECT_EQ(status_of("u300@example.com"), "DEPROVISIONED");
  EXPECT_EQ(status_of("u243@example.com"), "DEPROVISIONED");
  EXPECT_EQ(status_of("u241@example.com"), "PROVISIONED") << "outside the scope";
  EXPECT_EQ(department_of_u2(), "Moved");
}

// What a test compares between two orgs: each user's profile, status and groups, by login.
std::map<std::string, std::string> OrgContents(const MockProcess& mock) {
  std::map<std::string, std::string> out;
  for (const auto& [login, u] : UsersByLogin(mock)) {
    std::string groups;
    for (const std::string& g : GroupsOf(u)) groups += g + ";";
    out[login] = json::serialize(u.at("profile")) + " " + std::string(u.at("status").as_string()) + " " + groups;
  }
  return out;
}

TEST_F(SyncTest, PlanThenApplyEqualsADirectSync) {
  auto planned = StartMock();
  auto direct = StartMock();
  auto seed = [](int i) { return i % 4 == 0 ? std::string(kGroupA) : std::string(); };
  Seed(*planned, Users(40, {}, ",groupId", seed));
  Seed(*direct, Users(40, {}, ",groupId", seed));
  std::map<int, std::string> moved = {{5, "Moved"}, {9, "Moved"}};
  std::string csv = Users(41, moved, ",groupId", [](int i) {
    return i % 5 == 0 ? std::string(kGroupB) : i % 4 == 0 ? std::string(kGroupA) : std::string();
  });
  ProcessResult plan = Sync(*planned, csv, {"--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  ProcessResult apply = Sync(*planned, csv, {"--apply", dir_.File("plan.csv")}, "apply.csv");
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  ProcessResult sync = Sync(*direct, csv, {}, "direct.csv");
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  // User ids differ between the orgs; everything else must not.
  const auto planned_org = OrgContents(*planned), direct_org = OrgContents(*direct);
  EXPECT_EQ(planned_org.size(), 41u);
  EXPECT_TRUE(planned_org == direct_org) << "the orgs differ after plan+apply and a direct sync";
  EXPECT_EQ(Outcomes("apply.csv"), Outcomes("direct.csv"));
  EXPECT_EQ(Outcomes("apply.csv")["created"], 1);
  EXPECT_EQ(Bucket(*planned, "update"), Bucket(*direct, "update"));
  EXPECT_EQ(Bucket(*planned, "update"), 2);
}

TEST_F(SyncTest, ARowChangedInTheOrgBetweenPlanAndApplyIsReportedNotOverwritten) {
  auto mock = StartMock();
  Seed(*mock, Users(10));
  std::map<int, std::string> moved = {{2, "Moved"}, {3, "Moved"}};
  const std::string csv = Users(10, moved);
  ProcessResult plan = Sync(*mock, csv, {"--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  // Someone changes u2 in the org after the plan was reviewed.
  dir_.Write("meddle.csv", "login,department\nu2@example.com,Elsewhere\n");
  ProcessResult meddle = RunOktaBulk({"update", dir_.File("meddle.csv"), "-o", dir_.File("m.csv")},
                                     mock->base_url());
  ASSERT_EQ(meddle.exit_code, 0) << meddle.out << meddle.err;
  ProcessResult apply = Sync(*mock, csv, {"--apply", dir_.File("plan.csv")}, "apply.csv");
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  std::map<std::string, ResultRow> by_login;
  for (auto& row : ReadCsvFile(dir_.File("apply.csv"))) by_login[row["login"]] = row;
  EXPECT_EQ(by_login["u2@example.com"]["outcome"], "failed");
  EXPECT_NE(by_login["u2@example.com"]["error"].find(
                "refused: the org changed since the plan (the plan: update department 'D2' -> "
                "'Moved'; now: update department 'Elsewhere' -> 'Moved')"),
            std::string::npos)
      << by_login["u2@example.com"]["error"];
  EXPECT_EQ(by_login["u3@example.com"]["outcome"], "updated");
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u2@example.com").at("profile").at("department").as_string(), "Elsewhere");
  EXPECT_EQ(users.at("u3@example.com").at("profile").at("department").as_string(), "Moved");
}

TEST_F(SyncTest, APlansChangesForUsersTheFileLacksAreNamedAndNotSent) {
  auto mock = StartMock();
  Seed(*mock, Users(10));
  std::map<int, std::string> moved = {{2, "Moved"}, {8, "Moved"}};
  ProcessResult plan = Sync(*mock, Users(10, moved), {"--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  // Applied with another file: its first 5 rows only.
  ProcessResult apply = Sync(*mock, Users(5, moved), {"--apply", dir_.File("plan.csv")}, "apply.csv");
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.err.find("warning: --apply: the plan changes 1 user that " + dir_.File("users.csv") +
                           " does not name (u8@example.com): nothing is sent for them"),
            std::string::npos)
      << apply.err;
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u2@example.com").at("profile").at("department").as_string(), "Moved");
  EXPECT_EQ(users.at("u8@example.com").at("profile").at("department").as_string(), "D2");
  EXPECT_EQ(Outcomes("apply.csv"), (std::map<std::string, int>{{"updated", 1}, {"unchanged", 4}}));
}

TEST_F(SyncTest, AResumedSyncSendsNoUpdateTwice) {
  // 60 changes against an update bucket of 20 per 3 s: the first run is interrupted while
  // it waits for the bucket, the resumed one re-reads the org and sends only what is left.
  MockProcess mock({"--schema", dir_.File("schema.json"), "--limits", "update=20", "--window", "3"});
  Seed(mock, Users(60));
  std::map<int, std::string> moved;
  for (int i = 1; i <= 60; ++i) moved[i] = "Moved";
  dir_.Write("users.csv", Users(60, moved));
  const std::vector<std::string> args = {"sync", dir_.File("users.csv"), "-o", dir_.File("sync.csv"),
                                         "--concurrency", "4"};
  ProcessResult first = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGINT, 1200}},
                                               dir_.path().string());
  EXPECT_EQ(first.exit_code, 130) << first.out << first.err;
  const int64_t sent_first = Bucket(mock, "update") - MockStats(mock).at("rate_limited").at("update").as_int64();
  EXPECT_GT(sent_first, 0);
  EXPECT_LT(sent_first, 60);
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ProcessResult second = RunOktaBulk(resume, mock.base_url());
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const int64_t admitted = Bucket(mock, "update") - MockStats(mock).at("rate_limited").at("update").as_int64();
  EXPECT_EQ(admitted, 60) << "an update was sent twice (or one was never sent)";
  auto outcomes = Outcomes();
  EXPECT_EQ(outcomes["updated"] + outcomes["unchanged"], 60) << second.out << second.err;
  for (const auto& [login, user] : UsersByLogin(mock))
    EXPECT_EQ(user.at("profile").at("department").as_string(), "Moved") << login;
}

}  // namespace
}  // namespace okta_bulk::testing
