// okta-mock's group endpoints (tools/okta_mock/mock_groups.h) driven without sockets.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(1'800'000'000s);
constexpr const char* kAuth = "SSWS test-token";

std::vector<std::string> Links(const MockResponse& r) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers)
    if (k == "link") out.push_back(v);
  return out;
}

class MockGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MockOptions o;
    o.groups = {"00gmock0000000000001"};
    o.group_names = {"Sales"};
    tenant_ = std::make_unique<MockTenant>(o);
    tenant_->set_base_url("http://127.0.0.1:1234");
  }
  MockResponse Call(std::string_view method, std::string_view target, std::string_view body = "") {
    MockRequest req;
    req.method = method;
    req.target = target;
    req.authorization = kAuth;
    req.body = body;
    MockResponse r = tenant_->Handle(req, kT0);
    if (r.in_flight) tenant_->Release();
    return r;
  }
  json::value Get(std::string_view target) {
    MockResponse r = Call("GET", target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    return json::parse(r.body);
  }
  std::string CreateGroup(std::string_view name) {
    MockResponse r = Call("POST", "/api/v1/groups",
                          R"({"profile":{"name":")" + std::string(name) + R"("}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(json::parse(r.body).at("id").as_string());
  }
  std::string CreateUser(std::string_view login) {
    MockResponse r = Call("POST", "/api/v1/users?activate=true",
                          R"({"profile":{"login":")" + std::string(login) + R"(","email":")" +
                              std::string(login) + R"(","firstName":"A","lastName":"B"}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(json::parse(r.body).at("id").as_string());
  }
  std::unique_ptr<MockTenant> tenant_;
};

TEST_F(MockGroupsTest, CreateReturnsAnOktaGroupWithStringDescriptionAndCustomAttributes) {
  MockResponse r = Call("POST", "/api/v1/groups",
                        R"({"profile":{"name":"West Coast","description":"All of them","costCenter":42}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object g = json::parse(r.body).as_object();
  std::string id(g.at("id").as_string());
  EXPECT_TRUE(id.starts_with("00g")) << id;
  EXPECT_EQ(id.size(), 20u);
  EXPECT_EQ(g.at("type").as_string(), "OKTA_GROUP");
  EXPECT_EQ(g.at("objectClass").as_array().at(0).as_string(), "okta:user_group");
  EXPECT_EQ(g.at("profile").at("description").as_string(), "All of them");
  EXPECT_EQ(g.at("profile").at("costCenter").as_int64(), 42);
  EXPECT_TRUE(g.contains("created") && g.contains("lastUpdated") &&
              g.contains("lastMembershipUpdated"));
  EXPECT_EQ(g.at("_links").at("self").at("href").as_string(),
            "http://127.0.0.1:1234/api/v1/groups/" + id);
  // Without a description it is still a string; the seeded groups too.
  json::value seeded = Get("/api/v1/groups/00gmock0000000000001");
  EXPECT_EQ(seeded.at("profile").at("name").as_string(), "Mock group 1");
  EXPECT_TRUE(seeded.at("profile").at("description").is_string());
}

TEST_F(MockGroupsTest, ATakenNameIsRefusedIgnoringCaseAndANamelessGroupToo) {
  CreateGroup("Engineering");
  MockResponse dup = Call("POST", "/api/v1/groups", R"({"profile":{"name":"ENGINEERING"}})");
  EXPECT_EQ(dup.status, 400);
  json::value e = json::parse(dup.body);
  EXPECT_EQ(e.at("errorCode").as_string(), "E0000001");
  EXPECT_EQ(e.at("errorSummary").as_string(), "Api validation failed: name");
  EXPECT_EQ(e.at("errorCauses").at(0).at("errorSummary").as_string(),
            "name: An object with this field already exists in the current organization");
  // --group NAME made "Sales".
  EXPECT_EQ(Call("POST", "/api/v1/groups", R"({"profile":{"name":"sales"}})").status, 400);
  MockResponse blank = Call("POST", "/api/v1/groups", R"({"profile":{"description":"x"}})");
  EXPECT_EQ(blank.status, 400);
  EXPECT_NE(blank.body.find("name: The field cannot be left blank"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/groups", "{not json").status, 400);
}

TEST_F(MockGroupsTest, ListPagesByLinkAndSearchesAndQueriesByName) {
  for (int i = 0; i < 5; ++i) CreateGroup("Team " + std::to_string(i));
  // Everyone, Mock group 1, Sales, Team 0..4: 8 groups, 3 per page.
  std::vector<std::string> names;
  std::string target = "/api/v1/groups?limit=3";
  int pages = 0;
  while (!target.empty()) {
    MockResponse r = Call("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    ++pages;
    const json::value page = json::parse(r.body);  // kept: the loop reads into it
    for (const auto& g : page.as_array())
      names.emplace_back(g.at("profile").at("name").as_string());
    target.clear();
    std::vector<std::string> links = Links(r);
    ASSERT_FALSE(links.empty());
    EXPECT_NE(links[0].find("rel=\"self\""), std::string::npos);
    for (const std::string& l : links)
      if (l.find("rel=\"next\"") != std::string::npos)
        target = l.substr(l.find("/api/v1/"), l.find('>') - l.find("/api/v1/"));
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"Everyone", "Mock group 1", "Sales", "Team 0",
                                             "Team 1", "Team 2", "Team 3", "Team 4"}));

  json::array found = Get("/api/v1/groups?search=profile.name%20eq%20%22team%202%22").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("profile").at("name").as_string(), "Team 2");
  EXPECT_EQ(Get("/api/v1/groups?search=type%20eq%20%22BUILT_IN%22").as_array().size(), 1u);
  EXPECT_EQ(Get("/api/v1/groups?search=profile.name%20sw%20%22Team%22%20and%20"
                "type%20eq%20%22OKTA_GROUP%22")
                .as_array()
                .size(),
            5u);
  EXPECT_EQ(Get("/api/v1/groups?q=tea").as_array().size(), 5u);
  EXPECT_EQ(Call("GET", "/api/v1/groups?search=type%20zz%20%22x%22").status, 400);
  // filter knows id, type and the dates only.
  EXPECT_EQ(Call("GET", "/api/v1/groups?filter=profile.name%20eq%20%22x%22").status, 400);
  EXPECT_EQ(Get("/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22").as_array().size(), 7u);
  EXPECT_EQ(Call("GET", "/api/v1/groups?after=00gNoSuch").status, 400);
}

TEST_F(MockGroupsTest, StatsCountMembersAndEveryoneHoldsAllAndCannotBeChanged) {
  const std::string g = CreateGroup("Members");
  const std::string a = CreateUser("a@example.com"), b = CreateUser("b@example.com");
  EXPECT_EQ(Call("PUT", "/api/v1/groups/" + g + "/users/" + a).status, 204);
  EXPECT_EQ(Call("PUT", "/api/v1/groups/" + g + "/users/" + b).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/groups/" + g + "/users/" + b).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/groups/" + g + "/users/" + b).status, 204);  // not a member
  std::map<std::string, int64_t> counts;
  std::string everyone;
  const json::value listed = Get("/api/v1/groups?expand=stats");
  for (const auto& x : listed.as_array()) {
    counts[std::string(x.at("profile").at("name").as_string())] =
        x.at("_embedded").at("stats").at("usersCount").as_int64();
    if (x.at("type").as_string() == "BUILT_IN") everyone = std::string(x.at("id").as_string());
  }
  EXPECT_EQ(counts["Members"], 1);
  EXPECT_EQ(counts["Everyone"], 2);
  EXPECT_EQ(counts["Sales"], 0);
  EXPECT_FALSE(Get("/api/v1/groups").as_array().at(0).as_object().contains("_embedded"));

  json::array of_a = Get("/api/v1/users/" + a + "/groups").as_array();
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_EQ(of_a[0].at("profile").at("name").as_string(), "Everyone");
  EXPECT_EQ(of_a[1].at("id").as_string(), g);
  EXPECT_EQ(Get("/api/v1/users/" + b + "/groups").as_array().size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/users/00uNoSuch/groups").status, 404);

  MockResponse put = Call("PUT", "/api/v1/groups/" + everyone + "/users/" + a);
  EXPECT_EQ(put.status, 403);
  EXPECT_NE(put.body.find("E0000006"), std::string::npos);
  EXPECT_EQ(Call("DELETE", "/api/v1/groups/" + everyone + "/users/" + a).status, 403);
  EXPECT_EQ(Get("/api/v1/groups/" + everyone + "/users").as_array().size(), 2u);
  EXPECT_EQ(Call("DELETE", "/api/v1/groups/00gNoSuch/users/" + a).status, 404);
}

}  // namespace
}  // namespace okta_bulk::mock
