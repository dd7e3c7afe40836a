// okta-mock's optimistic concurrency on users (contract §4, SPEC getUser/updateUser/
// replaceUser): GET answers a weak ETag that changes with the user, an update with If-Match
// applies only to the state it names (else 412, nothing changed), the counts in /__stats, and
// the test-only /__change_on_get. MockTenant driven without sockets, on a fake clock.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(1'800'000'000s);
constexpr const char* kAuth = "SSWS test-token";

std::string ETag(const MockResponse& r) {
  for (const auto& [k, v] : r.headers)
    if (k == "ETag") return v;
  return "";
}

class MockETagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = std::make_unique<MockTenant>(MockOptions{});
    tenant_->set_base_url("http://127.0.0.1:1234");
    MockResponse r = Call("POST", "/api/v1/users",
                          R"({"profile":{"login":"ada@example.com","email":"ada@example.com",)"
                          R"("firstName":"Ada","lastName":"Lovelace","department":"R&D"},)"
                          R"("credentials":{"password":{"value":"Passw0rd!"}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    id_ = std::string(json::parse(r.body).at("id").as_string());
  }
  MockResponse Call(std::string_view method, std::string target, std::string_view body = "",
                    std::string_view if_match = "", std::string_view auth = kAuth) {
    MockRequest req;
    req.method = method;
    req.target = target;
    req.authorization = auth;
    req.body = body;
    req.if_match = if_match;
    MockResponse r = tenant_->Handle(req, now_ += 1s);
    if (r.in_flight) tenant_->Release();
    return r;
  }
  std::string Department() {
    return std::string(
        json::parse(Call("GET", "/api/v1/users/" + id_).body).at("profile").at("department").as_string());
  }
  int64_t Stat(const char* name) {
    return json::parse(Call("GET", "/__stats", "", "", "").body).at(name).as_int64();
  }
  std::unique_ptr<MockTenant> tenant_;
  std::string id_;
  TimePoint now_ = kT0;
};

TEST_F(MockETagTest, GetAnswersAWeakETagThatChangesWhenTheUserChanges) {
  const std::string first = ETag(Call("GET", "/api/v1/users/" + id_));
  EXPECT_TRUE(first.starts_with("W/\"") && first.ends_with("\"") && first.size() == 20u) << first;
  EXPECT_EQ(ETag(Call("GET", "/api/v1/users/ada%40example.com")), first) << "by login too";
  EXPECT_EQ(ETag(Call("GET", "/api/v1/users/" + id_)), first) << "a read changes nothing";

  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Ops"}})").status, 200);
  const std::string after_profile = ETag(Call("GET", "/api/v1/users/" + id_));
  EXPECT_NE(after_profile, first);
  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_ + "/lifecycle/suspend").status, 200);
  const std::string after_status = ETag(Call("GET", "/api/v1/users/" + id_));
  EXPECT_NE(after_status, after_profile);
  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_,
                 R"({"credentials":{"password":{"value":"An0ther-Passw0rd!"}}})").status, 200);
  EXPECT_NE(ETag(Call("GET", "/api/v1/users/" + id_)), after_status);
}

TEST_F(MockETagTest, AnUpdateWithTheCurrentETagAppliesAndAnswersTheNewOne) {
  const std::string etag = ETag(Call("GET", "/api/v1/users/" + id_));
  MockResponse r = Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Ops"}})", etag);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(ETag(r), "");
  EXPECT_NE(ETag(r), etag);
  EXPECT_EQ(ETag(r), ETag(Call("GET", "/api/v1/users/" + id_)));
  EXPECT_EQ(Department(), "Ops");
  // PUT takes it too, and `*` matches whatever the user's state.
  MockResponse put = Call("PUT", "/api/v1/users/" + id_,
                          R"({"profile":{"login":"ada@example.com","email":"ada@example.com",)"
                          R"("firstName":"Ada","lastName":"King","department":"Law"}})",
                          ETag(r));
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Any"}})", "*").status, 200);
  EXPECT_EQ(Department(), "Any");
  EXPECT_EQ(Stat("conditional_updates"), 3);
  EXPECT_EQ(Stat("precondition_failed"), 0);
}

TEST_F(MockETagTest, AStaleETagIs412InOktasErrorShapeAndChangesNothing) {
  const std::string stale = ETag(Call("GET", "/api/v1/users/" + id_));
  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Ops"}})").status, 200);
  for (std::string_view method : {"POST", "PUT"}) {
    MockResponse r = Call(method, "/api/v1/users/" + id_,
                          R"({"profile":{"login":"ada@example.com","email":"ada@example.com",)"
                          R"("firstName":"Ada","lastName":"Lovelace","department":"Mine"}})",
                          stale);
    EXPECT_EQ(r.status, 412) << method;
    json::object e = json::parse(r.body).as_object();
    for (const char* field : {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"})
      EXPECT_TRUE(e.contains(field)) << field << " in " << r.body;
    EXPECT_NE(std::string(e.at("errorSummary").as_string()).find("precondition failed"),
              std::string::npos);
    EXPECT_EQ(ETag(r), "") << "a refusal carries no ETag";
  }
  // The same ETag without its W/ is another value: compared exactly.
  const std::string current = ETag(Call("GET", "/api/v1/users/" + id_));
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Mine"}})",
                 current.substr(2)).status, 412);
  EXPECT_EQ(Department(), "Ops");
  EXPECT_EQ(ETag(Call("GET", "/api/v1/users/" + id_)), current) << "the refusals changed nothing";
  EXPECT_EQ(Stat("conditional_updates"), 3);
  EXPECT_EQ(Stat("precondition_failed"), 3);
}

TEST_F(MockETagTest, AnUpdateWithoutIfMatchIsUnconditionalAndNotCounted) {
  ASSERT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Ops"}})").status, 200);
  EXPECT_EQ(Department(), "Ops");
  EXPECT_EQ(Stat("conditional_updates"), 0);
}

TEST_F(MockETagTest, ChangeOnGetAnswersTheGetAsItWasThenChangesTheUser) {
  // skip=1: the first GET passes, the second triggers (after its answer).
  MockResponse reg = Call("POST", "/__change_on_get/ada%40example.com?skip=1",
                          R"({"profile":{"department":"Elsewhere"}})", "", "");
  ASSERT_EQ(reg.status, 200) << reg.body;
  MockResponse first = Call("GET", "/api/v1/users/" + id_);
  EXPECT_EQ(json::parse(first.body).at("profile").at("department"), "R&D");
  MockResponse second = Call("GET", "/api/v1/users/" + id_);
  EXPECT_EQ(json::parse(second.body).at("profile").at("department"), "R&D");
  EXPECT_EQ(ETag(second), ETag(first));
  EXPECT_EQ(Stat("changes_on_get"), 1);
  // The write that relied on the second read is refused; the edit stands.
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id_, R"({"profile":{"department":"Mine"}})",
                 ETag(second)).status, 412);
  EXPECT_EQ(Department(), "Elsewhere");  // this GET does not trigger again: once only
  EXPECT_EQ(Department(), "Elsewhere");
  EXPECT_EQ(Stat("changes_on_get"), 1);
  EXPECT_EQ(Call("POST", "/__change_on_get/nobody%40example.com", R"({"profile":{}})", "", "").status, 404);
  EXPECT_EQ(Call("POST", "/__change_on_get/" + id_, "[]", "", "").status, 400);
}

}  // namespace
}  // namespace okta_bulk::mock
