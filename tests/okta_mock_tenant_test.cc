// MockTenant driven without sockets, on a fake clock.
#include "tools/okta_mock/mock_tenant.h"

#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace okta_bulk::mock {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(1'800'000'000s) + 250ms;  // 2027-01-15T08:00:00.250Z
constexpr const char* kAuth = "SSWS test-token";

std::string Header(const MockResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

std::vector<std::string> Headers(const MockResponse& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers)
    if (k == name) out.push_back(v);
  return out;
}

json::value Body(const MockResponse& r) { return json::parse(r.body); }

std::string UserBody(std::string_view login, std::string_view extra_profile = "",
                     std::string_view rest = R"(,"credentials":{"password":{"value":"Passw0rd!"}})") {
  std::string b = R"({"profile":{"login":")" + std::string(login) + R"(","email":")" +
                  std::string(login) + R"(","firstName":"Ada","lastName":"Lovelace")";
  b += extra_profile;
  b += "}";
  b += rest;
  b += "}";
  return b;
}

class MockTenantTest : public ::testing::Test {
 protected:
  void Start(MockOptions o = {}) {
    o.groups.insert(o.groups.end(), {"00gmock0000000000001", "00gmock0000000000002"});
    tenant_ = std::make_unique<MockTenant>(o);
    tenant_->set_base_url("http://127.0.0.1:1234");
  }
  void SetUp() override { Start(); }

  // One request; in-flight slots are released at once unless `keep` is set.
  MockResponse Call(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view auth = kAuth, TimePoint now = kT0, bool keep = false) {
    MockRequest req;
    req.method = method;
    req.target = target;
    req.authorization = auth;
    req.body = body;
    MockResponse r = tenant_->Handle(req, now);
    if (r.in_flight && !keep) tenant_->Release();
    return r;
  }
  MockResponse Create(std::string_view login, TimePoint now = kT0) {
    return Call("POST", "/api/v1/users", UserBody(login), kAuth, now);
  }
  std::vector<std::string> Causes(const MockResponse& r) {
    std::vector<std::string> out;
    json::value body = Body(r);
    for (const auto& c : body.at("errorCauses").as_array())
      out.emplace_back(c.at("errorSummary").as_string());
    return out;
  }
  json::array DumpUsers() { return Body(Call("GET", "/__users", "", "")).as_array(); }

  std::unique_ptr<MockTenant> tenant_;
};

TEST_F(MockTenantTest, CreateReturns200WithTheFullUser) {
  MockOptions o;  // tags is a custom attribute: the org's schema must define it
  o.schema_json = R"({"definitions":{"custom":{"properties":{"tags":{"type":"array","items":{"type":"string"}}}}}})";
  Start(o);
  MockResponse r = Call("POST", "/api/v1/users",
                        UserBody("ada@example.com", R"(,"costCenter":"42","tags":["a","b"])"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  json::object u = Body(r).as_object();
  std::string id(u.at("id").as_string());
  EXPECT_EQ(id.size(), 20u);
  EXPECT_TRUE(id.starts_with("00u"));
  EXPECT_EQ(u.at("status"), "ACTIVE");
  EXPECT_EQ(u.at("created"), "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(u.at("lastUpdated"), "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(u.at("passwordChanged"), "2027-01-15T08:00:00.250Z");
  EXPECT_TRUE(u.at("lastLogin").is_null());
  EXPECT_TRUE(u.at("type").as_object().contains("id"));
  EXPECT_EQ(u.at("profile"), json::parse(R"({"login":"ada@example.com","email":"ada@example.com",
      "firstName":"Ada","lastName":"Lovelace","costCenter":"42","tags":["a","b"]})"));
  EXPECT_EQ(u.at("credentials"),
            json::parse(R"({"password":{},"provider":{"type":"OKTA","name":"OKTA"}})"));
  EXPECT_EQ(u.at("_links").at("self").at("href"), json::value("http://127.0.0.1:1234/api/v1/users/" + id));
  EXPECT_EQ(r.body.find("Passw0rd!"), std::string::npos);
}

TEST_F(MockTenantTest, StatusFollowsCredentialAndActivate) {
  auto status = [&](std::string_view target, std::string_view login, std::string_view creds) {
    MockResponse r = Call("POST", target, UserBody(login, "", creds));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Body(r).at("status").as_string());
  };
  EXPECT_EQ(status("/api/v1/users?activate=true", "a1@example.com",
                   R"(,"credentials":{"password":{"value":"Passw0rd!"}})"), "ACTIVE");
  EXPECT_EQ(status("/api/v1/users", "a2@example.com", ""), "PROVISIONED");
  EXPECT_EQ(status("/api/v1/users?activate=false", "a3@example.com",
                   R"(,"credentials":{"password":{"value":"Passw0rd!"}})"), "STAGED");
  EXPECT_EQ(status("/api/v1/users?activate=false", "a4@example.com", ""), "STAGED");
  EXPECT_EQ(status("/api/v1/users", "a5@example.com",
                   R"(,"credentials":{"password":{"hook":{"type":"default"}}})"), "ACTIVE");
  MockResponse r = Call("POST", "/api/v1/users", UserBody("a6@example.com", "",
      R"(,"credentials":{"password":{"hash":{"algorithm":"BCRYPT","workFactor":10,
          "salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("status"), "ACTIVE");
  EXPECT_EQ(Body(r).at("credentials").at("provider"),
            json::parse(R"({"type":"IMPORT","name":"IMPORT"})"));
}

TEST_F(MockTenantTest, NextLoginChangePasswordNeedsActivateAndAPasswordAndExpiresIt) {
  const std::string password = R"(,"credentials":{"password":{"value":"Passw0rd!"}})";
  MockResponse staged = Call("POST", "/api/v1/users?activate=false&nextLogin=changePassword",
                             UserBody("n1@example.com", "", password));
  EXPECT_EQ(staged.status, 400) << staged.body;
  EXPECT_EQ(Body(staged).at("errorCode"), "E0000125");
  EXPECT_NE(std::string(Body(staged).at("errorSummary").as_string()).find("\"activate\" must be true"),
            std::string::npos) << staged.body;
  for (std::string_view creds : {std::string_view(""), std::string_view(R"(,"credentials":{"password":{"hook":{"type":"default"}}})")}) {
    MockResponse none = Call("POST", "/api/v1/users?activate=true&nextLogin=changePassword",
                             UserBody("n2@example.com", "", creds));
    EXPECT_EQ(none.status, 400) << none.body;
    EXPECT_EQ(Body(none).at("errorCode"), "E0000124") << creds;
    EXPECT_NE(std::string(Body(none).at("errorSummary").as_string()).find("a password must be specified"),
              std::string::npos) << none.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/users/n1@example.com").status, 404) << "a refused create creates nothing";
  EXPECT_EQ(Call("GET", "/api/v1/users/n2@example.com").status, 404);
  // activate defaults to true.
  MockResponse ok = Call("POST", "/api/v1/users?nextLogin=changePassword", UserBody("n3@example.com", "", password));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok).at("status"), "PASSWORD_EXPIRED");
  EXPECT_FALSE(Body(ok).at("activated").is_null());
  EXPECT_EQ(Body(Call("GET", "/api/v1/users/n3@example.com")).at("status"), "PASSWORD_EXPIRED");
  MockResponse hashed = Call("POST", "/api/v1/users?activate=true&nextLogin=changePassword",
      UserBody("n4@example.com", "", R"(,"credentials":{"password":{"hash":{"algorithm":"BCRYPT","workFactor":10,
          "salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}}})"));
  ASSERT_EQ(hashed.status, 200) << hashed.body;
  EXPECT_EQ(Body(hashed).at("status"), "PASSWORD_EXPIRED");
  // Without nextLogin nothing changes.
  MockResponse plain = Call("POST", "/api/v1/users?activate=true", UserBody("n5@example.com", "", password));
  EXPECT_EQ(Body(plain).at("status"), "ACTIVE");
}

TEST_F(MockTenantTest, MissingAuthorizationIsForbiddenInvalidSession) {
  for (std::string_view auth : {"", "Bearer abc", "SSWS ", "ssws test-token"}) {
    MockResponse r = Call("POST", "/api/v1/users", UserBody("x@example.com"), auth);
    EXPECT_EQ(r.status, 403) << auth;
    EXPECT_EQ(Body(r).at("errorCode"), "E0000005");
    EXPECT_EQ(Body(r).at("errorSummary"), "Invalid session");
  }
  EXPECT_EQ(DumpUsers().size(), 0u);
}

TEST_F(MockTenantTest, WrongTokenIsUnauthorizedInvalidToken) {
  MockResponse r = Call("GET", "/api/v1/users/x@example.com", "", "SSWS wrong");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000011");
  EXPECT_EQ(Body(r).at("errorSummary"), "Invalid token provided");
}

TEST_F(MockTenantTest, ErrorBodyHasOktaShape) {
  MockResponse r = Call("GET", "/api/v1/users/nobody@example.com");
  ASSERT_EQ(r.status, 404);
  json::object e = Body(r).as_object();
  EXPECT_EQ(e.size(), 5u);
  EXPECT_EQ(e.at("errorCode"), "E0000007");
  EXPECT_EQ(e.at("errorLink"), "E0000007");
  EXPECT_EQ(e.at("errorSummary"), "Not found: Resource not found: nobody@example.com (User)");
  std::string id(e.at("errorId").as_string());
  EXPECT_EQ(id.size(), 25u);
  EXPECT_TRUE(id.starts_with("oae"));
  EXPECT_TRUE(e.at("errorCauses").is_array());
}

TEST_F(MockTenantTest, DuplicateLoginIgnoringCaseAndDiacriticsIsRejected) {
  ASSERT_EQ(Create("Isaac.Brock@example.com").status, 200);
  for (std::string_view dup : {"isaac.brock@example.com", "isáàc.bröck@EXAMPLE.com"}) {
    MockResponse r = Create(dup);
    EXPECT_EQ(r.status, 400) << dup;
    EXPECT_EQ(Body(r).at("errorCode"), "E0000001");
    EXPECT_EQ(Body(r).at("errorSummary"), "Api validation failed: login");
    EXPECT_EQ(Causes(r), std::vector<std::string>{
        "login: An object with this field already exists in the current organization"});
  }
  EXPECT_EQ(DumpUsers().size(), 1u);
}

TEST_F(MockTenantTest, BlankRequiredFieldsGiveOneCauseEach) {
  MockResponse r = Call("POST", "/api/v1/users", R"({"profile":{"email":" ","lastName":"X"}})");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(Body(r).at("errorSummary"), "Api validation failed: login");
  EXPECT_EQ(Causes(r), (std::vector<std::string>{"login: The field cannot be left blank",
                                                 "email: The field cannot be left blank",
                                                 "firstName: The field cannot be left blank"}));
}

TEST_F(MockTenantTest, LoginThatIsNoEmailIsRejected) {
  MockResponse r = Call("POST", "/api/v1/users",
                        R"({"profile":{"login":"ada","email":"ada@example.com","firstName":"A","lastName":"L"}})");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(Causes(r), std::vector<std::string>{"login: Username must be in the form of an email address"});
}

TEST_F(MockTenantTest, BadEmailAndLongNamesAreRejected) {
  std::string long_name(51, 'n');
  MockResponse r = Call("POST", "/api/v1/users",
                        R"({"profile":{"login":"ada@example.com","email":"not an email","firstName":")" +
                            long_name + R"(","lastName":"L"}})");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(Body(r).at("errorSummary"), "Api validation failed: email");
  EXPECT_EQ(Causes(r), (std::vector<std::string>{"email: Does not match required pattern",
                                                 "firstName: The field is too long"}));
  std::string ok_name(50, 'n');
  EXPECT_EQ(Call("POST", "/api/v1/users", R"({"profile":{"login":"ada@example.com","email":"ada@example.com","firstName":")" +
                                              ok_name + R"(","lastName":"L"}})").status, 200);
}

TEST_F(MockTenantTest, LoginLongerThanHundredCharactersIsRejected) {
  std::string login = std::string(89, 'a') + "@example.com";  // 101
  MockResponse r = Create(login);
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(Causes(r)[0], "login: The field is too long");
  EXPECT_EQ(Create(login.substr(1)).status, 200);
}

TEST_F(MockTenantTest, FourByteUtf8InAnyProfileValueIsRejected) {
  MockResponse r = Call("POST", "/api/v1/users", UserBody("ada@example.com", R"(,"nickName":"Ada 😀")"));
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(Body(r).at("errorSummary"), "Api validation failed: nickName");
  ASSERT_EQ(Causes(r).size(), 1u);
  EXPECT_TRUE(Causes(r)[0].starts_with("nickName: ")) << Causes(r)[0];
  // Three-byte characters are fine.
  EXPECT_EQ(Call("POST", "/api/v1/users", UserBody("ada@example.com", R"(,"nickName":"日本")")).status, 200);
}

TEST_F(MockTenantTest, MalformedJsonIsE0000003) {
  for (std::string_view body : {"{", "[]", "", R"({"profile":"x"})"}) {
    MockResponse r = Call("POST", "/api/v1/users", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(Body(r).at("errorCode"), "E0000003") << body;
  }
}

TEST_F(MockTenantTest, WeakPasswordFailsOktaPolicy) {
  for (std::string_view pw : {"short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere"}) {
    MockResponse r = Call("POST", "/api/v1/users",
                          UserBody("ada@example.com", "",
                                   R"(,"credentials":{"password":{"value":")" + std::string(pw) + R"("}})"));
    EXPECT_EQ(r.status, 400) << pw;
    EXPECT_EQ(Body(r).at("errorCode"), "E0000001");
    EXPECT_EQ(Body(r).at("errorSummary"), "Api validation failed: password");
    EXPECT_EQ(Causes(r), std::vector<std::string>{
        "password: Password requirements: at least 8 characters, a lowercase letter, an "
        "uppercase letter, a number."});
  }
}

TEST_F(MockTenantTest, PasswordPolicyNoneAcceptsWeakPasswords) {
  MockOptions o;
  o.password_policy = false;
  Start(o);
  MockResponse r = Call("POST", "/api/v1/users",
                        UserBody("ada@example.com", "", R"(,"credentials":{"password":{"value":"weak"}})"));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(MockTenantTest, MoreThanTwentyGroupIdsIsE0000093) {
  std::string ids;
  for (int i = 0; i < 21; ++i) ids += std::string(i ? "," : "") + "\"00gmock0000000000001\"";
  MockResponse r = Call("POST", "/api/v1/users", UserBody("ada@example.com", "", ",\"groupIds\":[" + ids + "]"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000093");
}

TEST_F(MockTenantTest, UnknownGroupIdIs404AndCreatesNothing) {
  MockResponse r = Call("POST", "/api/v1/users",
                        UserBody("ada@example.com", "", R"(,"groupIds":["00gmock0000000000001","00gnope"])"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000007");
  EXPECT_EQ(Body(r).at("errorSummary"), "Not found: Resource not found: 00gnope (UserGroup)");
  EXPECT_EQ(DumpUsers().size(), 0u);
  EXPECT_EQ(Create("ada@example.com").status, 200);  // the login was not taken
}

TEST_F(MockTenantTest, GroupIdsGivenOnCreateAreRecorded) {
  ASSERT_EQ(Call("POST", "/api/v1/users", UserBody("ada@example.com", "",
                 R"(,"groupIds":["00gmock0000000000002","00gmock0000000000001"])")).status, 200);
  EXPECT_EQ(DumpUsers()[0].at("groupIds"),
            json::parse(R"(["00gmock0000000000002","00gmock0000000000001"])"));
}

TEST_F(MockTenantTest, GetFindsUserByIdOrByFoldedUrlEncodedLogin) {
  MockResponse created = Create("Ada.Love@example.com");
  std::string id(Body(created).at("id").as_string());
  for (std::string target : {"/api/v1/users/" + id, std::string("/api/v1/users/ada.love%40example.com"),
                             std::string("/api/v1/users/%C3%A0da.love@example.com")}) {
    MockResponse r = Call("GET", target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(Body(r).at("id"), json::value(id)) << target;
  }
  MockResponse missing = Call("GET", "/api/v1/users/00unope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing).at("errorSummary"), "Not found: Resource not found: 00unope (User)");
}

TEST_F(MockTenantTest, GroupMembershipPutIs204EvenWhenRepeated) {
  std::string id(Body(Create("ada@example.com")).at("id").as_string());
  for (int i = 0; i < 2; ++i) {
    MockResponse r = Call("PUT", "/api/v1/groups/00gmock0000000000001/users/" + id);
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(DumpUsers()[0].at("groupIds"), json::parse(R"(["00gmock0000000000001"])"));
  MockResponse no_group = Call("PUT", "/api/v1/groups/00gnope/users/" + id);
  EXPECT_EQ(no_group.status, 404);
  EXPECT_EQ(Body(no_group).at("errorSummary"), "Not found: Resource not found: 00gnope (UserGroup)");
  MockResponse no_user = Call("PUT", "/api/v1/groups/00gmock0000000000001/users/00unope");
  EXPECT_EQ(no_user.status, 404);
  EXPECT_EQ(Body(no_user).at("errorSummary"), "Not found: Resource not found: 00unope (User)");
}

TEST_F(MockTenantTest, GroupsAreListedAndFetchedAsOktaGroups) {
  MockResponse list = Call("GET", "/api/v1/groups");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(Body(list).as_array().size(), 3u);  // the built-in Everyone first
  EXPECT_EQ(Body(list).as_array()[2].at("id"), "00gmock0000000000002");
  MockResponse one = Call("GET", "/api/v1/groups/00gmock0000000000001");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Body(one).at("type"), "OKTA_GROUP");
  EXPECT_EQ(Call("GET", "/api/v1/groups/00gnope").status, 404);
}

TEST_F(MockTenantTest, EveryApiResponseCarriesDateRequestIdAndRateHeaders) {
  std::vector<MockResponse> responses = {Create("ada@example.com"), Call("GET", "/api/v1/users/x"),
                                         Call("GET", "/api/v1/users/x", "", ""),
                                         Call("GET", "/api/v1/nothing-here")};
  std::set<std::string> ids;
  for (const MockResponse& r : responses) {
    EXPECT_EQ(Header(r, "Date"), "Fri, 15 Jan 2027 08:00:00 GMT");
    EXPECT_FALSE(Header(r, "x-okta-request-id").empty());
    ids.insert(Header(r, "x-okta-request-id"));
    EXPECT_EQ(Header(r, "x-rate-limit-limit"), "10000");
    EXPECT_EQ(Header(r, "x-rate-limit-remaining"), "9999");
    EXPECT_EQ(Header(r, "x-rate-limit-reset"), "1800000060");
  }
  EXPECT_EQ(ids.size(), responses.size());
}

TEST_F(MockTenantTest, BucketLimitGives429AfterLimitAndResetsAfterWindow) {
  MockOptions o;
  o.limits[static_cast<std::size_t>(Bucket::kUsers)] = 2;
  Start(o);
  MockResponse first = Create("a1@example.com", kT0);
  EXPECT_EQ(Header(first, "x-rate-limit-limit"), "2");
  EXPECT_EQ(Header(first, "x-rate-limit-remaining"), "1");
  // Reset - Date on the window's first request is the window length.
  EXPECT_EQ(Header(first, "x-rate-limit-reset"), "1800000060");
  // Auth failures count too.
  MockResponse unauth = Call("POST", "/api/v1/users", UserBody("a2@example.com"), "", kT0 + 1s);
  EXPECT_EQ(unauth.status, 403);
  EXPECT_EQ(Header(unauth, "x-rate-limit-remaining"), "0");
  MockResponse limited = Create("a3@example.com", kT0 + 2s);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(Body(limited).at("errorCode"), "E0000047");
  EXPECT_EQ(Body(limited).at("errorSummary"), "API call exceeded rate limit due to too many requests.");
  EXPECT_EQ(Header(limited, "x-rate-limit-limit"), "2");
  EXPECT_EQ(Header(limited, "x-rate-limit-remaining"), "0");
  EXPECT_EQ(Header(limited, "x-rate-limit-reset"), "1800000060");
  // Other buckets are unaffected.
  EXPECT_EQ(Call("GET", "/api/v1/users/a1@example.com", "", kAuth, kT0 + 2s).status, 200);
  // A new window opens at the first request after the old one ends.
  MockResponse later = Create("a3@example.com", kT0 + 61s);
  EXPECT_EQ(later.status, 200);
  EXPECT_EQ(Header(later, "x-rate-limit-remaining"), "1");
  EXPECT_EQ(Header(later, "x-rate-limit-reset"), "1800000121");
  EXPECT_EQ(DumpUsers().size(), 2u);
  json::value stats = Body(Call("GET", "/__stats", "", ""));
  EXPECT_EQ(stats.at("requests").at("create"), 4);
  EXPECT_EQ(stats.at("rate_limited").at("create"), 1);
  EXPECT_EQ(stats.at("requests").at("get"), 1);
  EXPECT_EQ(stats.at("users_created"), 2);
  EXPECT_EQ(stats.at("requests_total"), 5);
}

TEST_F(MockTenantTest, TokenShareGives429WhileTheHeadersStillShowRoom) {
  MockOptions o;
  o.limits[static_cast<std::size_t>(Bucket::kUsers)] = 4;
  o.token_share = 0.5;
  Start(o);
  EXPECT_EQ(Create("a1@example.com", kT0).status, 200);
  MockResponse second = Create("a2@example.com", kT0 + 1s);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(Header(second, "x-rate-limit-limit"), "4");
  EXPECT_EQ(Header(second, "x-rate-limit-remaining"), "2");
  MockResponse limited = Create("a3@example.com", kT0 + 2s);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(Body(limited).at("errorCode"), "E0000047");
  EXPECT_EQ(Header(limited, "x-rate-limit-limit"), "4");
  EXPECT_EQ(Header(limited, "x-rate-limit-remaining"), "2");
  EXPECT_EQ(Header(limited, "x-rate-limit-reset"), "1800000060");
  EXPECT_EQ(Create("a3@example.com", kT0 + 60s).status, 200);
  json::value stats = Body(Call("GET", "/__stats", "", ""));
  EXPECT_EQ(stats.at("rate_limited").at("create"), 1);
  EXPECT_EQ(stats.at("users_created"), 3);
}

TEST_F(MockTenantTest, ConcurrencyLimitRejectsWithZeroLimitHeadersAndCountsNothing) {
  MockOptions o;
  o.concurrency = 2;
  o.limits[static_cast<std::size_t>(Bucket::kUsers)] = 100;
  Start(o);
  MockResponse a = Call("POST", "/api/v1/users", UserBody("a1@example.com"), kAuth, kT0, true);
  MockResponse b = Call("POST", "/api/v1/users", UserBody("a2@example.com"), kAuth, kT0, true);
  EXPECT_TRUE(a.in_flight && b.in_flight);
  EXPECT_EQ(tenant_->in_flight(), 2);
  MockResponse c = Call("POST", "/api/v1/users", UserBody("a3@example.com"), kAuth, kT0, true);
  EXPECT_EQ(c.status, 429);
  EXPECT_FALSE(c.in_flight);
  EXPECT_EQ(c.delay.count(), 0);
  EXPECT_EQ(Body(c).at("errorCode"), "E0000047");
  EXPECT_EQ(Header(c, "x-rate-limit-limit"), "0");
  EXPECT_EQ(Header(c, "x-rate-limit-remaining"), "0");
  EXPECT_EQ(Header(c, "x-rate-limit-reset"), "1800000001");
  tenant_->Release();
  MockResponse d = Call("POST", "/api/v1/users", UserBody("a3@example.com"));
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(Header(d, "x-rate-limit-remaining"), "97");  // the rejected one was not counted
  json::value stats = Body(Call("GET", "/__stats", "", ""));
  EXPECT_EQ(stats.at("concurrency_rejected"), 1);
  EXPECT_EQ(stats.at("max_in_flight"), 2);
}

TEST_F(MockTenantTest, ClockSkewShiftsDateAndReset) {
  MockOptions o;
  o.clock_skew_s = -90;
  Start(o);
  MockResponse r = Create("ada@example.com");
  EXPECT_EQ(Header(r, "Date"), "Fri, 15 Jan 2027 07:58:30 GMT");
  EXPECT_EQ(Header(r, "x-rate-limit-reset"), "1799999970");
  EXPECT_EQ(Body(r).at("created"), "2027-01-15T07:58:30.250Z");
}

TEST_F(MockTenantTest, LatencyIsWithinJitterAndTestEndpointsHaveNone) {
  MockOptions o;
  o.latency_ms = 100;
  o.jitter_ms = 20;
  o.seed = 7;
  Start(o);
  for (int i = 0; i < 50; ++i) {
    MockResponse r = Call("GET", "/api/v1/users/x");
    EXPECT_GE(r.delay, 80ms);
    EXPECT_LE(r.delay, 120ms);
  }
  EXPECT_EQ(Call("GET", "/__stats", "", "").delay.count(), 0);
}

TEST_F(MockTenantTest, Fault500And503DoNotApply) {
  MockOptions o;
  o.fault_500 = 1;
  Start(o);
  MockResponse r = Create("ada@example.com");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000009");
  EXPECT_EQ(DumpUsers().size(), 0u);
  o.fault_500 = 0;
  o.fault_503 = 1;
  Start(o);
  r = Create("ada@example.com");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000010");
  EXPECT_EQ(DumpUsers().size(), 0u);
}

TEST_F(MockTenantTest, FaultResetAppliesAndFaultHangDoesNot) {
  MockOptions o;
  o.fault_reset = 1;
  Start(o);
  MockResponse r = Create("ada@example.com");
  EXPECT_EQ(r.action, MockAction::kReset);
  EXPECT_TRUE(r.in_flight);
  EXPECT_EQ(DumpUsers().size(), 1u);
  o.fault_reset = 0;
  o.fault_hang = 1;
  Start(o);
  r = Create("ada@example.com");
  EXPECT_EQ(r.action, MockAction::kHang);
  EXPECT_TRUE(r.in_flight);
  EXPECT_EQ(DumpUsers().size(), 0u);
}

TEST_F(MockTenantTest, FaultsAreReproducibleWithASeed) {
  auto run = [&] {
    MockOptions o;
    o.fault_500 = 0.3;
    o.seed = 42;
    Start(o);
    std::string pattern;
    for (int i = 0; i < 40; ++i)
      pattern += Create("u" + std::to_string(i) + "@example.com").status == 500 ? 'x' : '.';
    return pattern;
  };
  std::string first = run();
  EXPECT_EQ(first, run());
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

TEST_F(MockTenantTest, EventuallyConsistentUserIsInvisibleAtFirst) {
  MockOptions o;
  o.eventual_ms = 500;
  Start(o);
  std::string id(Body(Create("ada@example.com")).at("id").as_string());
  EXPECT_EQ(Call("GET", "/api/v1/users/" + id, "", kAuth, kT0 + 100ms).status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/groups/00gmock0000000000001/users/" + id, "", kAuth, kT0 + 100ms).status, 404);
  EXPECT_EQ(Create("ADA@example.com", kT0 + 100ms).status, 400);  // still unique
  EXPECT_EQ(Call("GET", "/api/v1/users/ada@example.com", "", kAuth, kT0 + 500ms).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/groups/00gmock0000000000001/users/" + id, "", kAuth, kT0 + 500ms).status, 204);
}

TEST_F(MockTenantTest, UsersDumpShowsCredentialKindAndHashParamsButNoSecrets) {
  ASSERT_EQ(Create("p@example.com").status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/users", UserBody("h@example.com", "",
      R"(,"credentials":{"password":{"hash":{"algorithm":"SHA-256","salt":"c2FsdA==","saltOrder":"PREFIX",
          "value":"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}}})")).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/users?activate=false", UserBody("n@example.com", "", "")).status, 200);
  MockResponse dump = Call("GET", "/__users", "", "");
  EXPECT_EQ(dump.body.find("Passw0rd!"), std::string::npos);
  EXPECT_EQ(dump.body.find("n4bQgYhMfWWaL"), std::string::npos);
  json::array users = Body(dump).as_array();
  ASSERT_EQ(users.size(), 3u);
  json::object p = users[0].as_object();
  EXPECT_EQ(p.at("login"), "p@example.com");
  EXPECT_EQ(p.at("status"), "ACTIVE");
  EXPECT_EQ(p.at("credential"), "password");
  EXPECT_EQ(p.at("created"), "2027-01-15T08:00:00.250Z");
  EXPECT_TRUE(p.at("groupIds").as_array().empty());
  EXPECT_EQ(p.at("profile").at("firstName"), "Ada");
  EXPECT_FALSE(p.contains("hash"));
  EXPECT_EQ(users[1].at("credential"), "hash");
  EXPECT_EQ(users[1].at("hash"),
            json::parse(R"({"algorithm":"SHA-256","salt":"c2FsdA==","saltOrder":"PREFIX"})"));
  EXPECT_EQ(users[2].at("credential"), "none");
  EXPECT_EQ(users[2].at("status"), "STAGED");
}

TEST_F(MockTenantTest, InvalidHashParametersNameTheField) {
  struct Case {
    const char* hash;
    const char* field;
  } cases[] = {
      {R"({"algorithm":"BCRYPT","workFactor":21,"salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"})", "password.hash.workFactor"},
      {R"({"algorithm":"BCRYPT","workFactor":10,"salt":"short","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"})", "password.hash.salt"},
      {R"({"algorithm":"SHA-256","value":"c2FsdA=="})", "password.hash.value"},
      {R"({"algorithm":"SHA-1","salt":"c2FsdA==","value":"2jmj7l5rSw0yVb/vlWAYkK/YBwk="})", "password.hash.saltOrder"},
      {R"({"algorithm":"PBKDF2","salt":"c2FsdA==","iterationCount":1000,"keySize":4,"digestAlgorithm":"SHA256_HMAC","value":"AAAAAA=="})", "password.hash.iterationCount"},
      {R"({"algorithm":"PBKDF2","salt":"c2FsdA==","iterationCount":5000,"keySize":4,"digestAlgorithm":"SHA1","value":"AAAAAA=="})", "password.hash.digestAlgorithm"},
      {R"({"algorithm":"ROT13","value":"x"})", "password.hash.algorithm"},
  };
  for (const Case& c : cases) {
    MockResponse r = Call("POST", "/api/v1/users", UserBody("ada@example.com", "",
        std::string(R"(,"credentials":{"password":{"hash":)") + c.hash + "}}"));
    EXPECT_EQ(r.status, 400) << c.hash;
    EXPECT_EQ(Body(r).at("errorSummary"), json::value(std::string("Api validation failed: ") + c.field)) << r.body;
  }
  MockResponse ok = Call("POST", "/api/v1/users", UserBody("ada@example.com", "",
      R"(,"credentials":{"password":{"hash":{"algorithm":"PBKDF2","salt":"c2FsdA==","iterationCount":4096,
          "keySize":4,"digestAlgorithm":"SHA512_HMAC","value":"AAAAAA=="}}})"));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(MockTenantTest, PartialUpdateMergesAndNullRemovesAttribute) {
  MockResponse created = Call("POST", "/api/v1/users", UserBody("ada@example.com", R"(,"title":"Dr","city":"London")"));
  std::string id(Body(created).at("id").as_string());
  MockResponse r = Call("POST", "/api/v1/users/" + id, R"({"profile":{"title":null,"city":"Paris"}})", kAuth, kT0 + 1s);
  ASSERT_EQ(r.status, 200) << r.body;
  json::object profile = Body(r).at("profile").as_object();
  EXPECT_FALSE(profile.contains("title"));
  EXPECT_EQ(profile.at("city"), "Paris");
  EXPECT_EQ(profile.at("firstName"), "Ada");
  EXPECT_EQ(Body(r).at("lastUpdated"), "2027-01-15T08:00:01.250Z");
}

TEST_F(MockTenantTest, FullReplaceDropsAttributesLeftOut) {
  std::string id(Body(Call("POST", "/api/v1/users", UserBody("ada@example.com", R"(,"title":"Dr")"))).at("id").as_string());
  MockResponse r = Call("PUT", "/api/v1/users/" + id,
                        R"({"profile":{"login":"ada2@example.com","email":"ada@example.com","firstName":"Ada","lastName":"King"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(Body(r).at("profile").as_object().contains("title"));
  EXPECT_EQ(Call("GET", "/api/v1/users/ada2@example.com").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/users/ada@example.com").status, 404);
  EXPECT_EQ(Create("ada@example.com").status, 200);  // the old login is free again
  MockResponse bad = Call("PUT", "/api/v1/users/" + id, R"({"profile":{"login":"ada2@example.com"}})");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(MockTenantTest, ListUsersPagesInCreationOrderWithLinkHeaders) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.emplace_back(Body(Create("u" + std::to_string(i) + "@example.com")).at("id").as_string());
  MockResponse p1 = Call("GET", "/api/v1/users?limit=2");
  ASSERT_EQ(p1.status, 200);
  ASSERT_EQ(Body(p1).as_array().size(), 2u);
  EXPECT_EQ(Body(p1).as_array()[0].at("id"), json::value(ids[0]));
  EXPECT_EQ(Headers(p1, "link"), (std::vector<std::string>{
      "<http://127.0.0.1:1234/api/v1/users?limit=2>; rel=\"self\"",
      "<http://127.0.0.1:1234/api/v1/users?after=" + ids[1] + "&limit=2>; rel=\"next\""}));
  MockResponse p3 = Call("GET", "/api/v1/users?after=" + ids[3] + "&limit=2");
  ASSERT_EQ(Body(p3).as_array().size(), 1u);
  EXPECT_EQ(Body(p3).as_array()[0].at("id"), json::value(ids[4]));
  EXPECT_EQ(Headers(p3, "link").size(), 1u);
  // limit is capped at 200.
  EXPECT_EQ(Headers(Call("GET", "/api/v1/users?limit=1000"), "link")[0],
            "<http://127.0.0.1:1234/api/v1/users?limit=200>; rel=\"self\"");
}

TEST_F(MockTenantTest, ListUsersFiltersAndSearches) {
  Call("POST", "/api/v1/users", UserBody("a@example.com", R"(,"department":"R&D")"));
  Call("POST", "/api/v1/users?activate=false", UserBody("b@example.com", R"(,"department":"R&D")", ""));
  Call("POST", "/api/v1/users", UserBody("c@example.com", R"(,"department":"Sales")"));
  auto logins = [&](std::string target) {
    MockResponse r = Call("GET", target);
    EXPECT_EQ(r.status, 200) << target << r.body;
    std::vector<std::string> out;
    json::value body = Body(r);
    for (const auto& u : body.as_array()) out.emplace_back(u.at("profile").at("login").as_string());
    return out;
  };
  EXPECT_EQ(logins("/api/v1/users?search=profile.department%20eq%20%22R%26D%22"),
            (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(logins("/api/v1/users?filter=status+eq+%22ACTIVE%22+and+profile.department+eq+%22r%26d%22"),
            std::vector<std::string>{"a@example.com"});
  EXPECT_EQ(logins("/api/v1/users?filter=profile.login+eq+%22c%40example.com%22+or+status+eq+%22STAGED%22"),
            (std::vector<std::string>{"b@example.com", "c@example.com"}));
  EXPECT_EQ(Call("GET", "/api/v1/users?filter=status+eq").status, 400);
}

TEST_F(MockTenantTest, LifecycleAndDeleteFollowOkta) {
  std::string id(Body(Create("ada@example.com")).at("id").as_string());
  MockResponse d = Call("POST", "/api/v1/users/" + id + "/lifecycle/deactivate");
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(d.body, "{}");
  EXPECT_EQ(Body(Call("GET", "/api/v1/users/" + id)).at("status"), "DEPROVISIONED");
  EXPECT_TRUE(Body(Call("GET", "/api/v1/users")).as_array().empty());  // list hides DEPROVISIONED
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id + "/lifecycle/activate").status, 200);
  EXPECT_EQ(Body(Call("GET", "/api/v1/users/" + id)).at("status"), "ACTIVE");
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id + "/lifecycle/activate").status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/users/" + id).status, 204);
  EXPECT_EQ(Body(Call("GET", "/api/v1/users/" + id)).at("status"), "DEPROVISIONED");
  EXPECT_EQ(Call("DELETE", "/api/v1/users/" + id).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/users/" + id).status, 404);
  EXPECT_EQ(DumpUsers().size(), 0u);
  EXPECT_EQ(Create("ada@example.com").status, 200);
}

// Enough users to grow the tenant's indexes, then deletes and renames among them: every user
// is still found by id and by login, and only by its current login.
TEST_F(MockTenantTest, ManyUsersStayFoundByIdAndLoginThroughDeletesAndRenames) {
  constexpr int kUsers = 70000;
  std::vector<std::string> ids;
  for (int i = 0; i < kUsers; ++i) {
    MockResponse r = Create("u" + std::to_string(i) + "@example.com");
    ASSERT_EQ(r.status, 200) << r.body;
    ids.emplace_back(Body(r).at("id").as_string());
  }
  for (int i = 0; i < kUsers; i += 3) {  // deleted: deactivate, then delete
    ASSERT_EQ(Call("DELETE", "/api/v1/users/" + ids[i]).status, 204);
    ASSERT_EQ(Call("DELETE", "/api/v1/users/" + ids[i]).status, 204);
  }
  for (int i = 1; i < kUsers; i += 30) {  // renamed
    MockResponse r = Call("POST", "/api/v1/users/" + ids[i],
                          R"({"profile":{"login":"renamed)" + std::to_string(i) + R"(@example.com"}})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  for (int i = 0; i < kUsers; ++i) {
    const std::string login = "u" + std::to_string(i) + "@example.com";
    if (i % 3 == 0) {
      EXPECT_EQ(Call("GET", "/api/v1/users/" + login).status, 404) << login;
      continue;
    }
    EXPECT_EQ(Call("GET", "/api/v1/users/" + ids[i]).status, 200) << ids[i];
    if (i % 30 == 1) {
      EXPECT_EQ(Call("GET", "/api/v1/users/" + login).status, 404) << login;
      MockResponse r = Call("GET", "/api/v1/users/renamed" + std::to_string(i) + "@example.com");
      EXPECT_EQ(Body(r).at("id").as_string(), ids[i]);
    } else {
      MockResponse r = Call("GET", "/api/v1/users/" + login);
      ASSERT_EQ(r.status, 200) << login;
      EXPECT_EQ(Body(r).at("id").as_string(), ids[i]);
    }
  }
  // A deleted login is free again; a renamed one's old login too; a live one is not.
  EXPECT_EQ(Create("U0@example.com").status, 200);
  EXPECT_EQ(Create("u1@example.com").status, 200);
  EXPECT_EQ(Create("u2@example.com").status, 400);
}

TEST_F(MockTenantTest, TestEndpointsNeedNoAuthAndAreNotCounted) {
  MockOptions o;
  o.limits.fill(1);
  Start(o);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call("GET", "/__stats", "", "").status, 200);
    EXPECT_EQ(Call("GET", "/__users", "", "").status, 200);
  }
  EXPECT_EQ(Body(Call("GET", "/__stats", "", "")).at("requests_total"), 0);
}

TEST_F(MockTenantTest, GroupMembersArePagedThroughLinkHeadersLikeTheUsersList) {
  for (int i = 0; i < 5; ++i) {
    std::string login = "m" + std::to_string(i) + "@example.com";
    std::string groups = i % 2 ? R"(,"groupIds":["00gmock0000000000001"])" : "";
    ASSERT_EQ(Call("POST", "/api/v1/users", UserBody(login, "", groups)).status, 200);
  }
  MockResponse page = Call("GET", "/api/v1/groups/00gmock0000000000001/users?limit=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(Body(page).as_array().size(), 1u);
  EXPECT_EQ(Body(page).as_array()[0].at("profile").at("login"), "m1@example.com");
  std::vector<std::string> links = Headers(page, "link");
  ASSERT_EQ(links.size(), 2u);
  std::string next = links[1].substr(links[1].find("/api/v1/"), links[1].find('>') - links[1].find("/api/v1/"));
  EXPECT_NE(links[1].find("rel=\"next\""), std::string::npos);
  MockResponse last = Call("GET", next);
  ASSERT_EQ(last.status, 200);
  ASSERT_EQ(Body(last).as_array().size(), 1u);
  EXPECT_EQ(Body(last).as_array()[0].at("profile").at("login"), "m3@example.com");
  EXPECT_EQ(Headers(last, "link").size(), 1u);  // no rel="next": the end
  EXPECT_EQ(Call("GET", "/api/v1/groups/00gNOPE/users").status, 404);
}

TEST(MockOptionsTest, GroupsCountCreatesZeroPaddedIds) {
  std::string error;
  auto o = ParseMockOptions({"--port", "0", "--groups", "00gA,00gB", "--groups-count", "2"}, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->groups, (std::vector<std::string>{"00gA", "00gB", "00gmock0000000000001",
                                                 "00gmock0000000000002"}));
}

TEST(MockOptionsTest, LimitsAbsentFromTheFlagStayUnlimited) {
  std::string error;
  auto o = ParseMockOptions({"--port=0", "--limits", "create=600,get=1000", "--window", "0.5"}, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->limits[static_cast<std::size_t>(Bucket::kUsers)], 600);
  EXPECT_EQ(o->limits[static_cast<std::size_t>(Bucket::kUserGet)], 1000);
  EXPECT_EQ(o->limits[static_cast<std::size_t>(Bucket::kGroups)], 0);
  EXPECT_DOUBLE_EQ(o->window_s, 0.5);
}

TEST(MockOptionsTest, BadFlagsAreRejectedWithAMessage) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--port", "0", "--bogus", "1"}, {"--port", "x"}, {"--port", "0", "--limits", "nope=1"},
           {"--port", "0", "--fault-500", "2"}, {"--port", "0", "--tls-cert", "c.pem"},
           {"--port", "0", "--window", "0"}, {"--port", "0", "--password-policy", "strict"}, {}}) {
    std::string error;
    EXPECT_FALSE(ParseMockOptions(args, &error));
    EXPECT_FALSE(error.empty());
  }
}


TEST(MockOptionsTest, TokenShareIsAFractionOfOneOrLess) {
  std::string error;
  auto o = ParseMockOptions({"--port", "0", "--token-share", "0.5"}, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_DOUBLE_EQ(o->token_share, 0.5);
  EXPECT_DOUBLE_EQ(ParseMockOptions({"--port", "0"}, &error)->token_share, 1.0);
  for (const char* bad : {"0", "-0.5", "1.01", "half", ""}) {
    error.clear();
    EXPECT_FALSE(ParseMockOptions({"--port", "0", "--token-share", bad}, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

// The user lifecycle calls, per status.

class MockLifecycleTest : public MockTenantTest {
 protected:
  // A user in `status`, reached through the API as a client would (and /__lock).
  std::string UserIn(std::string_view status) {
    const std::string login = "u" + std::to_string(++n_) + "@example.com";
    const bool staged = status == "STAGED";
    const bool no_password = status == "PROVISIONED";
    MockResponse r = Call("POST", staged ? "/api/v1/users?activate=false" : "/api/v1/users",
                          no_password ? UserBody(login, "", "") : UserBody(login));
    EXPECT_EQ(r.status, 200) << r.body;
    std::string id(Body(r).at("id").as_string());
    auto post = [&](std::string_view target) {
      MockResponse p = Call("POST", target);
      EXPECT_EQ(p.status, 200) << target << ": " << p.body;
    };
    const std::string base = "/api/v1/users/" + id;
    if (status == "SUSPENDED") post(base + "/lifecycle/suspend");
    if (status == "DEPROVISIONED") post(base + "/lifecycle/deactivate");
    if (status == "LOCKED_OUT") post("/__lock/" + id);
    if (status == "PASSWORD_EXPIRED") post(base + "/lifecycle/expire_password");
    if (status == "RECOVERY") post(base + "/lifecycle/reset_password?sendEmail=true");
    EXPECT_EQ(StatusOf(id), status);
    return id;
  }
  std::string StatusOf(const std::string& id) {
    return std::string(Body(Call("GET", "/api/v1/users/" + id)).at("status").as_string());
  }
  // Calls `op` on a user in `from`; returns the HTTP status and the user's status after it.
  std::pair<int, std::string> Apply(std::string_view op, std::string_view from,
                                    std::string_view query = "") {
    std::string id = UserIn(from);
    MockResponse r = Call("POST", "/api/v1/users/" + id + "/lifecycle/" + std::string(op) +
                                      std::string(query));
    last_ = r;
    return {r.status, StatusOf(id)};
  }
  std::string ErrorCode() { return std::string(Body(last_).at("errorCode").as_string()); }

  int n_ = 0;
  MockResponse last_;
};

using Result = std::pair<int, std::string>;
const std::vector<std::string> kStatuses = {"STAGED",    "PROVISIONED",      "ACTIVE",   "SUSPENDED",
                                            "LOCKED_OUT", "PASSWORD_EXPIRED", "RECOVERY", "DEPROVISIONED"};

TEST_F(MockLifecycleTest, SuspendTakesOnlyActiveUsersAndRefusesOthersWithE0000001) {
  EXPECT_EQ(Apply("suspend", "ACTIVE"), Result(200, "SUSPENDED"));
  for (const auto& s : kStatuses) {
    if (s == "ACTIVE") continue;
    EXPECT_EQ(Apply("suspend", s), Result(400, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000001") << s;
  }
}

TEST_F(MockLifecycleTest, UnsuspendTakesOnlySuspendedUsersBackToActive) {
  EXPECT_EQ(Apply("unsuspend", "SUSPENDED"), Result(200, "ACTIVE"));
  for (const auto& s : kStatuses) {
    if (s == "SUSPENDED") continue;
    EXPECT_EQ(Apply("unsuspend", s), Result(400, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000001") << s;
  }
}

TEST_F(MockLifecycleTest, UnlockFreesALockedOutUserLeavesAnActiveOneAndRefusesTheRest) {
  EXPECT_EQ(Apply("unlock", "LOCKED_OUT"), Result(200, "ACTIVE"));
  EXPECT_EQ(Apply("unlock", "ACTIVE"), Result(200, "ACTIVE"));
  for (const auto& s : {"STAGED", "PROVISIONED", "SUSPENDED", "PASSWORD_EXPIRED", "RECOVERY",
                        "DEPROVISIONED"}) {
    EXPECT_EQ(Apply("unlock", s), Result(403, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000038") << s;
  }
}

TEST_F(MockLifecycleTest, ActivateTakesStagedOrDeprovisionedAndSaysWhenAlreadyActive) {
  EXPECT_EQ(Apply("activate", "STAGED", "?sendEmail=false"), Result(200, "ACTIVE"));
  EXPECT_NE(last_.body.find("activationToken"), std::string::npos) << last_.body;
  EXPECT_EQ(Apply("activate", "DEPROVISIONED", "?sendEmail=true"), Result(200, "ACTIVE"));
  EXPECT_EQ(last_.body, "{}");
  EXPECT_EQ(Apply("activate", "ACTIVE"), Result(403, "ACTIVE"));
  EXPECT_EQ(ErrorCode(), "E0000016");
  for (const auto& s : {"PROVISIONED", "SUSPENDED", "LOCKED_OUT", "PASSWORD_EXPIRED", "RECOVERY"}) {
    EXPECT_EQ(Apply("activate", s), Result(403, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000038") << s;
  }
}

TEST_F(MockLifecycleTest, ReactivateRestartsActivationOfProvisionedOrRecoveryUsers) {
  EXPECT_EQ(Apply("reactivate", "PROVISIONED"), Result(200, "PROVISIONED"));
  EXPECT_NE(last_.body.find("activationUrl"), std::string::npos) << last_.body;  // sendEmail default false
  EXPECT_EQ(Apply("reactivate", "RECOVERY", "?sendEmail=true"), Result(200, "PROVISIONED"));
  EXPECT_EQ(last_.body, "{}");
  for (const auto& s : {"STAGED", "ACTIVE", "SUSPENDED", "LOCKED_OUT", "PASSWORD_EXPIRED",
                        "DEPROVISIONED"}) {
    EXPECT_EQ(Apply("reactivate", s), Result(403, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000038") << s;
  }
}

TEST_F(MockLifecycleTest, ExpirePasswordReturnsTheUserAndTheTempVariantReturnsOnlyThePassword) {
  EXPECT_EQ(Apply("expire_password", "ACTIVE"), Result(200, "PASSWORD_EXPIRED"));
  EXPECT_EQ(Body(last_).at("status"), "PASSWORD_EXPIRED");
  EXPECT_EQ(Apply("expire_password_with_temp_password", "ACTIVE"), Result(200, "PASSWORD_EXPIRED"));
  EXPECT_EQ(Body(last_).as_object().size(), 1u);
  EXPECT_TRUE(Body(last_).at("tempPassword").is_string());
  for (const auto& s : {"STAGED", "PROVISIONED", "SUSPENDED", "DEPROVISIONED"}) {
    EXPECT_EQ(Apply("expire_password", s), Result(403, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000038") << s;
  }
}

TEST_F(MockLifecycleTest, ResetPasswordNeedsSendEmailAndPutsTheUserInRecovery) {
  EXPECT_EQ(Apply("reset_password", "ACTIVE"), Result(400, "ACTIVE"));
  EXPECT_EQ(ErrorCode(), "E0000028");
  EXPECT_EQ(Apply("reset_password", "ACTIVE", "?sendEmail=false"), Result(200, "RECOVERY"));
  EXPECT_NE(std::string(Body(last_).at("resetPasswordUrl").as_string()).find("/signin/reset-password/"),
            std::string::npos);
  EXPECT_EQ(Apply("reset_password", "LOCKED_OUT", "?sendEmail=true"), Result(200, "RECOVERY"));
  EXPECT_EQ(last_.body, "{}");
  for (const auto& s : {"STAGED", "SUSPENDED", "DEPROVISIONED"}) {
    EXPECT_EQ(Apply("reset_password", s, "?sendEmail=true"), Result(403, s)) << s;
    EXPECT_EQ(ErrorCode(), "E0000038") << s;
  }
}

TEST_F(MockLifecycleTest, LockEndpointNeedsNoAuthAndLocksOnlyActiveUsers) {
  std::string id = UserIn("ACTIVE");
  EXPECT_EQ(Call("POST", "/__lock/" + id, "", "").status, 200);
  EXPECT_EQ(StatusOf(id), "LOCKED_OUT");
  EXPECT_EQ(Call("POST", "/__lock/" + id, "", "").status, 409);
  EXPECT_EQ(Call("POST", "/__lock/00unobody", "", "").status, 404);
}

TEST_F(MockLifecycleTest, UnknownUserIs404AndUnknownActionIsE0000008) {
  EXPECT_EQ(Call("POST", "/api/v1/users/00unobody/lifecycle/suspend").status, 404);
  std::string id = UserIn("ACTIVE");
  MockResponse r = Call("POST", "/api/v1/users/" + id + "/lifecycle/levitate");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r).at("errorCode"), "E0000008");
}

}  // namespace
}  // namespace okta_bulk::mock
