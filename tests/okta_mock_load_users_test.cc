// okta-mock --load-users: an org that starts with users (the sync benchmark's 100,000).
#include "tools/okta_mock/mock_load_users.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"
#include "tests/testing/subprocess.h"
#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using okta_bulk::testing::HttpCall;
using okta_bulk::testing::MockProcess;
using okta_bulk::testing::ProcessResult;
using okta_bulk::testing::RunProcess;
using okta_bulk::testing::TempDir;

const TimePoint kT0 = TimePoint(1'800'000'000s) + 250ms;  // 2027-01-15T08:00:00.250Z

MockResponse Get(MockTenant& t, std::string_view target) {
  MockRequest req;
  req.method = "GET";
  req.target = target;
  req.authorization = "SSWS test-token";
  MockResponse r = t.Handle(req, kT0 + 1s);
  t.Release();
  return r;
}

// Loads `csv` into a tenant with two seeded groups; "" on success, else the error.
std::string Load(MockTenant& tenant, std::string_view csv) {
  std::vector<SeedUser> users;
  std::string error;
  if (!ReadSeedUsers(csv, &users, &error) || !tenant.LoadUsers(users, kT0, &error)) return error;
  return "";
}

MockOptions TwoGroups() {
  MockOptions o;
  o.groups = {"00gmock0000000000001", "00gmock0000000000002"};
  return o;
}

TEST(MockLoadUsersTest, GenUsersColumnsBecomeActiveUsersWithGroupsAndTypedAttributes) {
  MockOptions o = TwoGroups();
  o.schema_json = R"({"definitions":{"custom":{"properties":{"age":{"type":"integer"},)"
                  R"("tags":{"type":"array","items":{"type":"string"}}}}}})";
  MockTenant tenant(o);
  tenant.set_base_url("http://127.0.0.1:1");
  ASSERT_EQ(Load(tenant,
                 "\xEF\xBB\xBFlogin,email,firstName,lastName,password,groupId,department,"
                 "employeeNumber,age:integer,tags\r\n"
                 "user1@example.com,user1@example.com,Ada,Lovelace,Pw1-secret-Ab9,"
                 "00gmock0000000000001;00gmock0000000000002,\"R&D, Europe\",1,36,a;b\r\n"
                 "user2@example.com,user2@example.com,Grace,Hopper,,,,2,,\r\n"),
            "");
  EXPECT_EQ(tenant.user_count(), 2u);

  json::array list = json::parse(Get(tenant, "/api/v1/users?limit=200").body).as_array();
  ASSERT_EQ(list.size(), 2u);
  const json::object& u1 = list[0].as_object();
  EXPECT_EQ(u1.at("status"), "ACTIVE");
  EXPECT_TRUE(u1.at("id").as_string().starts_with("00u"));
  EXPECT_EQ(u1.at("id").as_string().size(), 20u);
  EXPECT_EQ(u1.at("created"), "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(u1.at("lastUpdated"), "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(u1.at("activated"), "2027-01-15T08:00:00.250Z");
  const json::object& p1 = u1.at("profile").as_object();
  EXPECT_EQ(p1.at("login"), "user1@example.com");
  EXPECT_EQ(p1.at("department"), "R&D, Europe");
  EXPECT_EQ(p1.at("employeeNumber"), "1");  // a string attribute of the base profile
  EXPECT_EQ(p1.at("age"), 36);               // typed by the header
  EXPECT_EQ(p1.at("tags"), json::array({"a", "b"}));  // typed by the schema
  EXPECT_TRUE(u1.at("credentials").as_object().contains("password"));
  const json::object& p2 = list[1].as_object().at("profile").as_object();
  EXPECT_FALSE(p2.contains("department"));  // an empty cell sets nothing
  EXPECT_FALSE(list[1].as_object().at("credentials").as_object().contains("password"));

  // Memberships, and the user found by login.
  json::array members = json::parse(Get(tenant, "/api/v1/groups/00gmock0000000000002/users").body).as_array();
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].at("profile").at("login"), "user1@example.com");
  EXPECT_EQ(json::parse(Get(tenant, "/api/v1/users/USER2@example.com").body).at("id"), list[1].at("id"));

  // Outside every bucket: the statistics count only the requests above (1 list, 1 group
  // members, 1 get, and this one is not counted).
  json::object stats = json::parse(Get(tenant, "/__stats").body).as_object();
  EXPECT_EQ(stats.at("users_created"), 0);
  EXPECT_EQ(stats.at("requests_total"), 3);
}

TEST(MockLoadUsersTest, BadRowsAreRefusedNamingTheRowAndTheFieldAndNothingIsLoaded) {
  const std::string head = "login,email,firstName,lastName,groupId\n";
  const std::string ok = "a@example.com,a@example.com,A,A,\n";
  struct Case {
    std::string rows, want;
  } cases[] = {
      {ok + "b@example.com,b@example.com,B,B,00gnope\n", "row 2: groupIds: no group 00gnope"},
      {ok + "A@EXAMPLE.com,x@example.com,B,B,\n", "row 2: login: A@EXAMPLE.com is taken by row 1"},
      {ok + ",b@example.com,B,B,\n", "row 2: login: empty"},
      {ok + "b@example.com,b@example.com,,B,\n", "row 2: firstName:"},
      {ok + "c@example.com,not-an-email,C,C,\n", "row 2: email:"},
      {ok + "d@example.com,d@example.com,D,\"D\"x,\n", "row 2: a quote out of place"},
      {ok + "e@example.com,e@example.com,E,E,,extra\n", "row 2: 6 cells, the header has 5"},
  };
  for (const Case& c : cases) {
    MockTenant tenant(TwoGroups());
    std::string error = Load(tenant, head + c.rows);
    EXPECT_NE(error.find(c.want), std::string::npos) << "got: " << error << "\nwant: " << c.want;
    EXPECT_EQ(tenant.user_count(), 0u) << c.want;
  }
  // A typed cell that is not of its type; an attribute the org does not define.
  MockTenant tenant(TwoGroups());
  EXPECT_EQ(Load(tenant, "login,email,firstName,lastName,age:integer\na@example.com,a@example.com,A,A,x\n"),
            "row 1: age: 'x' is not an integer");
  EXPECT_EQ(Load(tenant, "login,email,firstName,lastName,shoeSize\na@example.com,a@example.com,A,A,9\n"),
            "row 1: shoeSize: not an attribute of the org's profile (give its definition with --schema)");
  std::vector<SeedUser> users;
  std::string error;
  EXPECT_FALSE(ReadSeedUsers("email,firstName\nx@example.com,X\n", &users, &error));
  EXPECT_EQ(error, "header: no login column");
  EXPECT_EQ(tenant.user_count(), 0u);
}

TEST(MockLoadUsersTest, OktaMockStartsWithTheFileOrStopsNamingTheRow) {
  TempDir dir;
  dir.Write("users.csv", "login,email,firstName,lastName,groupId\n"
                         "a@example.com,a@example.com,A,A,00gmock0000000000001\n"
                         "b@example.com,b@example.com,B,B,\n");
  {
    MockProcess mock({"--groups-count", "1", "--load-users", dir.File("users.csv")});
    ASSERT_NE(mock.port(), 0);
    auto r = HttpCall(mock.port(), "GET", "/api/v1/users?limit=200", "",
                      {{"Authorization", "SSWS test-token"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body).as_array().size(), 2u);
  }
  ProcessResult bad = RunProcess({OKTA_MOCK_PATH, "--port", "0", "--load-users", dir.File("users.csv")}, {}, 30);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("users.csv: row 1: groupIds: no group 00gmock0000000000001"), std::string::npos)
      << bad.err;
  EXPECT_EQ(bad.out, "");  // it never listened
}

}  // namespace
}  // namespace okta_bulk::mock
