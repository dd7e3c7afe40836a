// Knowing the org before sending (issue 14), end to end against okta-mock: the org's user
// schema read once and every column checked before the first row, groups by name resolved
// (and created with --create-missing-groups) before the first user, group ids checked to
// exist, and a round trip between two orgs whose groups have other ids.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

// Custom attributes of the test org, in the shape of Okta's schema answer.
constexpr char kCustomSchema[] = R"({"definitions":{"custom":{"id":"#custom","type":"object",
  "properties":{
    "costCenterCode":{"title":"Cost center","type":"integer","mutability":"READ_WRITE"},
    "startYear":{"title":"Start year","type":"integer","required":true},
    "shirtSize":{"title":"Shirt","type":"string","enum":["S","M","L"],
                 "oneOf":[{"const":"S","title":"Small"},{"const":"M","title":"Medium"},{"const":"L","title":"Large"}]},
    "tags":{"title":"Tags","type":"array","items":{"type":"string"}}
  },"required":["startYear"]}}})";

int64_t Stat(const MockProcess& mock, const char* key) {
  return MockStats(mock).at(key).as_int64();
}

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) out.emplace(std::string(u.at("login").as_string()), u.as_object());
  return out;
}

std::set<std::string> GroupIdsOf(const json::object& user) {
  std::set<std::string> out;
  for (const auto& g : user.at("groupIds").as_array()) out.emplace(g.as_string());
  return out;
}

// The org's groups, name -> id, read from okta-mock directly (not through okta-bulk).
std::map<std::string, std::string> GroupsByName(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/api/v1/groups?limit=10000",
                            "", {{"Authorization", "SSWS test-token"}});
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> out;
  if (r.status != 200) return out;
  const json::value groups = json::parse(r.body);
  for (const auto& g : groups.as_array())
    out.emplace(std::string(g.at("profile").at("name").as_string()), std::string(g.at("id").as_string()));
  return out;
}

class OrgChecksTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_.Write("schema.json", kCustomSchema); }
  std::vector<std::string> MockArgs(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--schema", dir_.File("schema.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  TempDir dir_;
};

TEST_F(OrgChecksTest, ATypoColumnIsCaughtBeforeAnyRequestButTheSchemas) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv",
             "login,email,First Name,lastName,startYear\n"
             "a@example.com,a@example.com,Ann,Lee,2020\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("column 'First Name' is not in the org's user profile; did you mean firstName"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Stat(mock, "requests_total"), 1) << "only the schema may have been asked for";
  EXPECT_EQ(Stat(mock, "users_created"), 0);
}

TEST_F(OrgChecksTest, AColumnTakesTheSchemasTypeWithoutATypeInTheHeader) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,costCenterCode,tags,shirtSize\n"
             "a@example.com,a@example.com,Ann,Lee,2020,4711,red;blue,M\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("read the org's user profile schema"), std::string::npos) << r.err;
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 1u);
  const json::object& p = users.at("a@example.com").at("profile").as_object();
  EXPECT_EQ(p.at("startYear"), json::value(2020));
  EXPECT_EQ(p.at("costCenterCode"), json::value(4711));
  EXPECT_EQ(p.at("tags"), json::parse(R"(["red","blue"])"));
  EXPECT_EQ(p.at("shirtSize"), json::value("M"));
}

TEST_F(OrgChecksTest, ATypeThatDisagreesWithTheSchemaIsAUsageErrorNamingBoth) {
  MockProcess mock(MockArgs());
  // The README's old example: employeeNumber is a string in Okta's base profile.
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,employeeNumber:integer\n"
             "a@example.com,a@example.com,Ann,Lee,2020,1001\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("says integer but the org's profile types 'employeeNumber' as string"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Stat(mock, "users_created"), 0);
}

TEST_F(OrgChecksTest, ARowBreakingARuleOfTheSchemaIsInvalidAndTheOthersAreCreated) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,shirtSize\n"
             "a@example.com,a@example.com,Ann,Lee,2020,S\n"
             "b@example.com,b@example.com,Bob,Ray,,M\n"        // required custom attribute empty
             "c@example.com,c@example.com,Cid,Poe,2021,XXL\n"  // not in the enum
             "d@example.com,d@example.com,Dee,Fox,2022,L\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::map<std::string, ResultRow> by_login;
  for (auto& row : ReadCsvFile(dir_.File("r.csv"))) by_login[row["login"]] = row;
  EXPECT_EQ(by_login["a@example.com"]["outcome"], "created");
  EXPECT_EQ(by_login["d@example.com"]["outcome"], "created");
  EXPECT_EQ(by_login["b@example.com"]["outcome"], "invalid");
  EXPECT_NE(by_login["b@example.com"]["error"].find("row 2, field 'startYear': is empty, and the org's user profile requires it"),
            std::string::npos)
      << by_login["b@example.com"]["error"];
  EXPECT_EQ(by_login["c@example.com"]["outcome"], "invalid");
  EXPECT_NE(by_login["c@example.com"]["error"].find("field 'shirtSize': 'XXL' is not one of the values"),
            std::string::npos)
      << by_login["c@example.com"]["error"];
  EXPECT_EQ(Stat(mock, "users_created"), 2);
}

// The schema's `pattern` (issue 14): a cell that does not match it makes its row invalid
// before it is sent, naming the row, the column and the pattern, for import and update;
// without the schema check okta-mock (its own regular expressions) refuses the same rows.
TEST_F(OrgChecksTest, ACellThatDoesNotMatchTheSchemasPatternIsInvalidNamingThePattern) {
  dir_.Write("pattern.json", R"({"definitions":{"custom":{"properties":{
      "employeeId":{"title":"Employee id","type":"string","pattern":"E[0-9]{5}"}}}}})");
  MockProcess mock({"--schema", dir_.File("pattern.json")});
  dir_.Write("users.csv",
             "login,email,firstName,lastName,employeeId\n"
             "a@example.com,a@example.com,Ann,Lee,E00001\n"
             "b@example.com,b@example.com,Bob,Ray,E1\n"
             "c@example.com,c@example.com,Cid,Poe,\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::map<std::string, ResultRow> by_login;
  for (auto& row : ReadCsvFile(dir_.File("r.csv"))) by_login[row["login"]] = row;
  EXPECT_EQ(by_login["a@example.com"]["outcome"], "created");
  EXPECT_EQ(by_login["c@example.com"]["outcome"], "created");  // an empty cell sends nothing
  EXPECT_EQ(by_login["b@example.com"]["outcome"], "invalid");
  EXPECT_NE(by_login["b@example.com"]["error"].find(
                "row 2, field 'employeeId': 'E1' does not match the pattern the org sets for "
                "'employeeId' (E[0-9]{5})"),
            std::string::npos)
      << by_login["b@example.com"]["error"];
  EXPECT_EQ(Stat(mock, "users_created"), 2);

  dir_.Write("changes.csv", "login,employeeId\na@example.com,12345\nc@example.com,E00003\n");
  ProcessResult u = RunOktaBulk({"update", dir_.File("changes.csv"), "-o", dir_.File("u.csv")}, mock.base_url());
  EXPECT_EQ(u.exit_code, 1) << u.out << u.err;
  auto updated = ReadCsvFile(dir_.File("u.csv"));
  ASSERT_EQ(updated.size(), 2u);
  EXPECT_EQ(updated[0].at("outcome"), "invalid");
  EXPECT_NE(updated[0].at("error").find("field 'employeeId': '12345' does not match the pattern"),
            std::string::npos)
      << updated[0].at("error");
  EXPECT_EQ(updated[1].at("outcome"), "updated") << updated[1].at("error");

  // The oracle: sent anyway (no schema check), okta-mock refuses the row itself.
  ProcessResult unchecked = RunOktaBulk({"update", dir_.File("changes.csv"), "-o", dir_.File("u2.csv"),
                                         "--no-schema-check"},
                                        mock.base_url());
  EXPECT_EQ(unchecked.exit_code, 1) << unchecked.out << unchecked.err;
  auto sent = ReadCsvFile(dir_.File("u2.csv"));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("outcome"), "failed");
  EXPECT_EQ(sent[0].at("errorCode"), "E0000001");
  EXPECT_NE(sent[0].at("error").find("Does not match required pattern"), std::string::npos)
      << sent[0].at("error");
  for (const auto& user : MockUsers(mock))
    if (user.at("login") == "a@example.com") {
      EXPECT_EQ(user.at("profile").at("employeeId"), "E00001");
    }
}

TEST_F(OrgChecksTest, ARequiredColumnMissingFromTheFileStopsTheRun) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv", "login,email,firstName,lastName\na@example.com,a@example.com,Ann,Lee\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("requires 'startYear' to create a user"), std::string::npos) << r.err;
  EXPECT_EQ(Stat(mock, "users_created"), 0);
}

TEST_F(OrgChecksTest, ADryRunWithCredentialsReadsTheSchemaAndOfflineDoesNot) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv", "login,email,firstName,lastName,startYear,Surname\na@example.com,a@example.com,A,B,1,C\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("'Surname' is not in the org's user profile; did you mean lastName"), std::string::npos)
      << r.err;
  EXPECT_EQ(Stat(mock, "requests_total"), 1);
  ProcessResult offline = RunOktaBulk({"import", dir_.File("users.csv"), "--dry-run", "--offline"}, mock.base_url());
  EXPECT_EQ(offline.exit_code, 0) << offline.out << offline.err;
  EXPECT_EQ(Stat(mock, "requests_total"), 1) << "--offline asks nothing";
}

TEST_F(OrgChecksTest, UpdateChecksColumnsAndClearsOnlyWhatTheSchemaLetsClear) {
  MockProcess mock(MockArgs());
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,department\n"
             "a@example.com,a@example.com,Ann,Lee,2020,Sales\n");
  ASSERT_EQ(RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url()).exit_code, 0);
  dir_.Write("typo.csv", "login,Departement\na@example.com,Ops\n");
  ProcessResult typo = RunOktaBulk({"update", dir_.File("typo.csv"), "-o", dir_.File("u1.csv")}, mock.base_url());
  EXPECT_EQ(typo.exit_code, 2) << typo.err;
  EXPECT_NE(typo.err.find("did you mean department"), std::string::npos) << typo.err;
  // firstName is required by the base profile: --empty-cells clear leaves it, clears department.
  dir_.Write("clear.csv", "login,firstName,department\na@example.com,,\n");
  ProcessResult clear = RunOktaBulk({"update", dir_.File("clear.csv"), "-o", dir_.File("u2.csv"), "--empty-cells", "clear"},
                                    mock.base_url());
  ASSERT_EQ(clear.exit_code, 0) << clear.out << clear.err;
  EXPECT_NE(clear.err.find("never clears firstName"), std::string::npos) << clear.err;
  const auto users = UsersByLogin(mock);
  const json::object& p = users.at("a@example.com").at("profile").as_object();
  EXPECT_EQ(p.at("firstName"), json::value("Ann"));
  EXPECT_TRUE(!p.contains("department") || p.at("department").is_null()) << json::serialize(p);
}

TEST_F(OrgChecksTest, GroupsByNameResolveAndMissingOnesStopTheRunBeforeAnyUser) {
  MockProcess mock(MockArgs({"--group", "Engineering", "--group", "Sales"}));
  auto groups = GroupsByName(mock);
  ASSERT_TRUE(groups.count("Engineering") && groups.count("Sales")) << "okta-mock --group";
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,groupName\n"
             "a@example.com,a@example.com,Ann,Lee,2020,engineering\n"
             "b@example.com,b@example.com,Bob,Ray,2021,Sales; Engineering\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv"), "--group-name", "Sales"},
                                mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto users = UsersByLogin(mock);
  EXPECT_EQ(GroupIdsOf(users.at("a@example.com")),
            (std::set<std::string>{groups["Engineering"], groups["Sales"]}));
  EXPECT_EQ(GroupIdsOf(users.at("b@example.com")),
            (std::set<std::string>{groups["Engineering"], groups["Sales"]}));

  dir_.Write("missing.csv",
             "login,email,firstName,lastName,startYear,groupName\n"
             "c@example.com,c@example.com,Cid,Poe,2020,Marketing\n"
             "d@example.com,d@example.com,Dee,Fox,2020,Sales;Legal\n");
  ProcessResult missing = RunOktaBulk({"import", dir_.File("missing.csv"), "-o", dir_.File("m.csv")}, mock.base_url());
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_NE(missing.err.find("group 'Marketing' (first on row 1) is not a group of the org"), std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("group 'Legal' (first on row 2)"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("--create-missing-groups"), std::string::npos) << missing.err;
  EXPECT_EQ(Stat(mock, "users_created"), 2) << "no user of missing.csv was created";

  ProcessResult created = RunOktaBulk({"import", dir_.File("missing.csv"), "-o", dir_.File("m2.csv"),
                                       "--create-missing-groups"},
                                      mock.base_url());
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  EXPECT_NE(created.err.find("created group 'Marketing'"), std::string::npos) << created.err;
  groups = GroupsByName(mock);
  ASSERT_TRUE(groups.count("Marketing") && groups.count("Legal"));
  users = UsersByLogin(mock);
  EXPECT_EQ(GroupIdsOf(users.at("c@example.com")), (std::set<std::string>{groups["Marketing"]}));
  EXPECT_EQ(GroupIdsOf(users.at("d@example.com")), (std::set<std::string>{groups["Sales"], groups["Legal"]}));
}

TEST_F(OrgChecksTest, AMissingGroupIdStopsTheRunBeforeAnyUserIsCreated) {
  MockProcess mock(MockArgs({"--groups-count", "1"}));
  dir_.Write("users.csv",
             "login,email,firstName,lastName,startYear,groupId\n"
             "a@example.com,a@example.com,Ann,Lee,2020,00gmock0000000000001\n"
             "b@example.com,b@example.com,Bob,Ray,2021,00gNOPE000000000000X\n");
  ProcessResult r = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("group id 00gNOPE000000000000X (first on row 2) is not a group of the org"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Stat(mock, "users_created"), 0);
}

// Issue 14's round trip: 10,000 users with typed custom attributes and two groups each,
// exported from one org and imported into another whose groups do not exist yet (created
// by name), compared field by field and membership by membership.
TEST_F(OrgChecksTest, ARoundTripBetweenTwoOrgsKeepsEveryValueAndMembership) {
  constexpr int kUsers = 10000;
  const std::vector<std::string> names = {"Engineering", "Sales", "Support", "Finance"};
  MockProcess source(MockArgs({"--group", names[0], "--group", names[1], "--group", names[2], "--group", names[3],
                               "--limits", "create=100000,get=100000,update=100000,groups=100000,group=100000,other=100000"}));
  std::string csv = "login,email,firstName,lastName,startYear,costCenterCode,tags,shirtSize,groupName\n";
  static const char* kSizes[] = {"S", "M", "L"};
  for (int i = 0; i < kUsers; ++i) {
    const std::string login = "user" + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",First" + std::to_string(i) + ",Last" + std::to_string(i) + "," +
           std::to_string(1990 + i % 30) + "," + std::to_string(i * 7) + ",t" + std::to_string(i % 5) + ";x," +
           kSizes[i % 3] + "," + names[i % 4] + ";" + names[(i + 1) % 4] + "\n";
  }
  dir_.Write("users.csv", csv);
  ProcessResult seed = RunOktaBulk({"import", dir_.File("users.csv"), "-o", dir_.File("seed.csv"), "--concurrency", "32"},
                                   source.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.err;
  ProcessResult exported = RunOktaBulk({"export", "-o", dir_.File("export.csv"), "--groups"}, source.base_url());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;

  MockProcess target(MockArgs({"--limits", "create=100000,get=100000,update=100000,groups=100000,group=100000,other=100000"}));
  ProcessResult moved = RunOktaBulk({"import", dir_.File("export.csv"), "-o", dir_.File("moved.csv"), "--concurrency",
                                     "32", "--create-missing-groups"},
                                    target.base_url());
  ASSERT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_NE(moved.err.find("groups are found by name"), std::string::npos) << moved.err;

  auto source_groups = GroupsByName(source), target_groups = GroupsByName(target);
  std::map<std::string, std::string> source_name_of, target_name_of;
  for (const auto& [n, id] : source_groups) source_name_of[id] = n;
  for (const auto& [n, id] : target_groups) target_name_of[id] = n;
  for (const std::string& n : names) {
    ASSERT_TRUE(target_groups.count(n)) << n;
    EXPECT_NE(target_groups[n], source_groups[n]) << "the orgs' ids differ";
  }
  auto before = UsersByLogin(source), after = UsersByLogin(target);
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kUsers));
  ASSERT_EQ(after.size(), static_cast<std::size_t>(kUsers));
  int compared = 0;
  for (const auto& [login, user] : before) {
    auto it = after.find(login);
    ASSERT_NE(it, after.end()) << login;
    EXPECT_EQ(user.at("profile"), it->second.at("profile")) << login;
    std::set<std::string> a, b;
    for (const std::string& id : GroupIdsOf(user)) a.insert(source_name_of[id]);
    for (const std::string& id : GroupIdsOf(it->second)) b.insert(target_name_of[id]);
    EXPECT_EQ(a.size(), 2u) << login;
    EXPECT_EQ(a, b) << login;
    ++compared;
  }
  EXPECT_EQ(compared, kUsers);
  // The look-ups cost a handful of requests: the schema, one groups page, four creates.
  EXPECT_LE(MockStats(target).at("requests").at("other").as_int64(), 2);
}

}  // namespace
}  // namespace okta_bulk::testing
