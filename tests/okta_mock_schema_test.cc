// okta-mock's user schema (tools/okta_mock/mock_schema.h): GET /api/v1/meta/schemas/user/{id},
// the --schema file, and the refusals of profiles that break it, driven through MockTenant
// on a fake clock; the flag and the 411 answer through a real okta-mock process.
#include "tools/okta_mock/mock_schema.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

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

const TimePoint kT0 = TimePoint(1'800'000'000s);
constexpr const char* kAuth = "SSWS test-token";
const std::string kExampleFile = std::string(TEST_DATA_DIR) + "/okta_mock_schema_example.json";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Header(const MockResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

class MockSchemaTest : public ::testing::Test {
 protected:
  void Start(std::string schema_json = "") {
    MockOptions o;
    o.schema_json = std::move(schema_json);
    tenant_ = std::make_unique<MockTenant>(o);
    tenant_->set_base_url("http://127.0.0.1:1234");
  }
  void SetUp() override { Start(); }

  MockResponse Call(std::string_view method, std::string_view target, std::string_view body = "",
                    std::string_view auth = kAuth) {
    MockRequest req;
    req.method = method;
    req.target = target;
    req.authorization = auth;
    req.body = body;
    MockResponse r = tenant_->Handle(req, kT0);
    if (r.in_flight) tenant_->Release();
    return r;
  }
  // A create whose profile is the four required base fields plus `extra` (",\"k\":v...").
  MockResponse Create(std::string_view login, std::string_view extra = "") {
    return Call("POST", "/api/v1/users",
                R"({"profile":{"login":")" + std::string(login) + R"(","email":")" +
                    std::string(login) + R"(","firstName":"Ada","lastName":"Lovelace")" +
                    std::string(extra) + "}}");
  }
  std::string CreatedId(std::string_view login, std::string_view extra = "") {
    MockResponse r = Create(login, extra);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(json::parse(r.body).at("id").as_string()) : "";
  }
  static json::object Body(const MockResponse& r) { return json::parse(r.body).as_object(); }
  static std::vector<std::string> Causes(const MockResponse& r) {
    std::vector<std::string> out;
    const json::object body = Body(r);
    for (const auto& c : body.at("errorCauses").as_array())
      out.emplace_back(c.at("errorSummary").as_string());
    return out;
  }
  // Expects 400 E0000001 with `summary` and exactly `causes`.
  static void ExpectRefused(const MockResponse& r, std::string_view summary,
                            const std::vector<std::string>& causes) {
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Body(r).at("errorCode"), "E0000001");
    EXPECT_EQ(std::string_view(Body(r).at("errorSummary").as_string()), summary);
    EXPECT_EQ(Causes(r), causes);
  }
  std::size_t UserCount() { return tenant_->user_count(); }

  std::unique_ptr<MockTenant> tenant_;
};

// ---- the schema served ---------------------------------------------------------------------

TEST_F(MockSchemaTest, DefaultSchemaIsServedInOktasShapeWithTheBaseProfile) {
  MockResponse r = Call("GET", "/api/v1/meta/schemas/user/default");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  json::object s = Body(r);
  std::string id(s.at("id").as_string());
  EXPECT_TRUE(id.starts_with("http://127.0.0.1:1234/meta/schemas/user/osc")) << id;
  EXPECT_EQ(s.at("$schema"), "http://json-schema.org/draft-04/schema#");
  EXPECT_EQ(s.at("name"), "user");
  EXPECT_EQ(s.at("type"), "object");
  EXPECT_EQ(s.at("properties"), json::parse(R"({"profile":{"allOf":[{"$ref":"#/definitions/custom"},
                                                                 {"$ref":"#/definitions/base"}]}})"));
  const json::object& base = s.at("definitions").at("base").as_object();
  EXPECT_EQ(base.at("id"), "#base");
  EXPECT_EQ(base.at("type"), "object");
  EXPECT_EQ(base.at("required"), json::parse(R"(["login","email","firstName","lastName"])"));
  const json::object& props = base.at("properties").as_object();
  const std::vector<std::string> names = {
      "login", "email", "firstName", "lastName", "middleName", "honorificPrefix",
      "honorificSuffix", "title", "displayName", "nickName", "profileUrl", "secondEmail",
      "mobilePhone", "primaryPhone", "streetAddress", "city", "state", "zipCode", "countryCode",
      "postalAddress", "preferredLanguage", "locale", "timezone", "userType", "employeeNumber",
      "costCenter", "organization", "division", "department", "managerId", "manager"};
  ASSERT_EQ(props.size(), names.size());
  for (const std::string& n : names) {
    ASSERT_TRUE(props.contains(n)) << n;
    EXPECT_EQ(props.at(n).at("type"), "string") << n;
    EXPECT_EQ(props.at(n).at("mutability"), "READ_WRITE") << n;
  }
  EXPECT_EQ(props.at("login").at("minLength"), 5);
  EXPECT_EQ(props.at("login").at("maxLength"), 100);
  EXPECT_EQ(props.at("email").at("format"), "email");
  EXPECT_EQ(props.at("firstName").at("maxLength"), 50);
  EXPECT_EQ(props.at("countryCode").at("maxLength"), 2);
  EXPECT_EQ(props.at("login").at("required"), true);
  EXPECT_FALSE(props.at("title").as_object().contains("required"));
  const json::object& custom = s.at("definitions").at("custom").as_object();
  EXPECT_EQ(custom.at("id"), "#custom");
  EXPECT_EQ(custom.at("type"), "object");
  EXPECT_TRUE(custom.at("properties").as_object().empty());
  EXPECT_TRUE(custom.at("required").as_array().empty());
}

TEST_F(MockSchemaTest, CustomAttributesOfTheSchemaFileAreServedAsGiven) {
  const std::string text = ReadFile(kExampleFile);
  ASSERT_FALSE(text.empty()) << kExampleFile;
  Start(text);
  MockResponse r = Call("GET", "/api/v1/meta/schemas/user/default");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::object served = Body(r);
  const json::object& custom = served.at("definitions").at("custom").as_object();
  json::value file = json::parse(text);
  EXPECT_EQ(custom.at("properties"), file.at("definitions").at("custom").at("properties"));
  EXPECT_EQ(custom.at("required"), json::parse(R"(["badgeNumber"])"));
  // The base profile is still there.
  EXPECT_EQ(served.at("definitions").at("base").at("properties").as_object().size(), 31u);
}

TEST_F(MockSchemaTest, SchemaIsServedUnderItsOwnIdTooAndOtherIdsAre404) {
  json::object s = Body(Call("GET", "/api/v1/meta/schemas/user/default"));
  std::string id(s.at("id").as_string());
  std::string schema_id = id.substr(id.rfind('/') + 1);
  EXPECT_EQ(s.at("_links").at("self").at("href"),
            json::value("http://127.0.0.1:1234/api/v1/meta/schemas/user/" + schema_id));
  MockResponse by_id = Call("GET", "/api/v1/meta/schemas/user/" + schema_id);
  ASSERT_EQ(by_id.status, 200);
  EXPECT_EQ(Body(by_id), s);
  MockResponse other = Call("GET", "/api/v1/meta/schemas/user/oscNoSuchSchema00001");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(Body(other).at("errorCode"), "E0000007");
  EXPECT_EQ(Call("DELETE", "/api/v1/meta/schemas/user/default").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/meta/schemas/user/default", "", "").status, 403);
}

// The contract names no bucket of /api/v1/meta/schemas: it counts in "most other" (/api/v1).
TEST_F(MockSchemaTest, SchemaRequestCountsInTheOtherBucket) {
  auto other = [&] {
    return Body(Call("GET", "/__stats", "", "")).at("requests").at("other").as_int64();
  };
  const int64_t before = other();
  Call("GET", "/api/v1/meta/schemas/user/default");
  EXPECT_EQ(other(), before + 1);
}

// ---- the --schema text ----------------------------------------------------------------------

TEST(MockSchemaFileTest, ExampleFileIsAValidSchema) {
  std::string error;
  std::optional<UserSchema> s = UserSchema::FromJson(ReadFile(kExampleFile), &error);
  ASSERT_TRUE(s) << error;
  const SchemaAttribute* badge = s->Find("badgeNumber");
  ASSERT_NE(badge, nullptr);
  EXPECT_TRUE(badge->custom);
  EXPECT_TRUE(badge->required);
  EXPECT_EQ(badge->type, AttributeType::kInteger);
  ASSERT_NE(s->Find("floors"), nullptr);
  EXPECT_EQ(s->Find("floors")->item_type, AttributeType::kInteger);
  EXPECT_EQ(s->Find("floors")->allowed, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(s->Find("hrSystemId")->mutability, Mutability::kReadOnly);
  EXPECT_EQ(s->Find("Badgenumber"), nullptr);  // names are case-sensitive
}

TEST(MockSchemaFileTest, BadSchemaTextSaysWhatIsWrongAndWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not valid JSON"},
      {"[]", "expected a JSON object"},
      {R"({"definitions":{}})", "definitions.custom: missing or not an object"},
      {R"({"definitions":{"custom":{"properties":[]}}})", "definitions.custom.properties: missing"},
      {R"({"definitions":{"custom":{"properties":{"size":{"type":"text"}}}}})",
       "definitions.custom.properties.size.type: \"text\" is not one of string, integer, number, boolean, array"},
      {R"({"definitions":{"custom":{"properties":{"size":{}}}}})",
       "definitions.custom.properties.size.type: missing"},
      {R"({"definitions":{"custom":{"properties":{"t":{"type":"array"}}}}})",
       "definitions.custom.properties.t.items: an array needs"},
      {R"({"definitions":{"custom":{"properties":{"t":{"type":"array","items":{"type":"date"}}}}}})",
       "definitions.custom.properties.t.items.type: expected one of"},
      {R"({"definitions":{"custom":{"properties":{"n":{"type":"integer","enum":[1,"2"]}}}}})",
       "definitions.custom.properties.n.enum: \"2\" is not an integer"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string","enum":["S","M"],
           "oneOf":[{"const":"M","title":"m"},{"const":"S","title":"s"}]}}}}})",
       "definitions.custom.properties.s.oneOf: its const values must be the enum's values"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string","minLength":-1}}}}})",
       "definitions.custom.properties.s.minLength: expected an integer >= 0"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string","minLength":5,"maxLength":2}}}}})",
       "definitions.custom.properties.s: minLength is greater than maxLength"},
      {R"({"definitions":{"custom":{"properties":{"n":{"type":"integer","maxLength":2}}}}})",
       "definitions.custom.properties.n.maxLength: applies to a string property only"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string","mutability":"RW"}}}}})",
       "definitions.custom.properties.s.mutability: expected one of READ_WRITE"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string","scope":"ALL"}}}}})",
       "definitions.custom.properties.s.scope: expected NONE or SELF"},
      {R"({"definitions":{"custom":{"properties":{"FirstName":{"type":"string"}}}}})",
       "definitions.custom.properties.FirstName: collides with the base property 'firstName'"},
      {R"({"definitions":{"custom":{"properties":{"dept":{"type":"string"},"Dept":{"type":"string"}}}}})",
       "definitions.custom.properties.Dept: collides with the custom property 'dept'"},
      {R"({"definitions":{"custom":{"properties":{"s":{"type":"string"}},"required":["t"]}}})",
       "definitions.custom.required: \"t\" is not a property of definitions.custom.properties"},
      {R"({"definitions":{"custom":{"properties":{},"required":["login"]}}})",
       "definitions.custom.required: \"login\" is not a property"},
  };
  for (const auto& [text, want] : cases) {
    std::string error;
    EXPECT_FALSE(UserSchema::FromJson(text, &error)) << text;
    EXPECT_NE(error.find(want), std::string::npos) << text << "\n  got: " << error << "\n want: " << want;
  }
}

// ---- refusals ---------------------------------------------------------------------------------

TEST_F(MockSchemaTest, UnknownPropertyOnCreateIsRefusedWithOktasWording) {
  ExpectRefused(Create("ada@example.com", R"(,"First Name":"Ada","E-mail":"x")"),
                "Api validation failed: newUser",
                {"Property name 'First Name' is not defined in profile",
                 "Property name 'E-mail' is not defined in profile"});
  EXPECT_EQ(UserCount(), 0u);
  // Names are case-sensitive: "FirstName" is not firstName.
  ExpectRefused(Create("ada@example.com", R"(,"FirstName":"Ada")"), "Api validation failed: newUser",
                {"Property name 'FirstName' is not defined in profile"});
}

TEST_F(MockSchemaTest, UnknownPropertyOnUpdateNamesTheUserBody) {
  std::string id = CreatedId("ada@example.com");
  for (std::string_view method : {"POST", "PUT"}) {
    ExpectRefused(Call(method, "/api/v1/users/" + id,
                       R"({"profile":{"login":"ada@example.com","email":"ada@example.com",)"
                       R"("firstName":"Ada","lastName":"L","dept":"R&D"}})"),
                  "Api validation failed: user",
                  {"Property name 'dept' is not defined in profile"});
  }
  EXPECT_FALSE(Body(Call("GET", "/api/v1/users/" + id)).at("profile").as_object().contains("dept"));
}

TEST_F(MockSchemaTest, MissingRequiredFieldsAreReportedBeforeUnknownProperties) {
  ExpectRefused(Call("POST", "/api/v1/users", R"({"profile":{"login":"ada@example.com","Nope":1}})"),
                "Api validation failed: email",
                {"email: The field cannot be left blank", "firstName: The field cannot be left blank",
                 "lastName: The field cannot be left blank"});
}

TEST_F(MockSchemaTest, WrongJsonTypeIsRefusedNamingTheExpectedType) {
  // The base profile is all strings: the README's employeeNumber:integer sends a number.
  ExpectRefused(Create("a@example.com", R"(,"employeeNumber":42)"), "Api validation failed: employeeNumber",
                {"employeeNumber: The value must be a string, not an integer"});
  ExpectRefused(Create("a@example.com", R"(,"title":7.5,"mobilePhone":true)"),
                "Api validation failed: title",
                {"title: The value must be a string, not a number",
                 "mobilePhone: The value must be a string, not a boolean"});
  Start(ReadFile(kExampleFile));
  const std::string badge = R"(,"badgeNumber":7)";
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":"7")"), "Api validation failed: badgeNumber",
                {"badgeNumber: The value must be an integer, not a string"});
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":7.5)"), "Api validation failed: badgeNumber",
                {"badgeNumber: The value must be an integer, not a number"});
  ExpectRefused(Create("a@example.com", badge + R"(,"vip":"true")"), "Api validation failed: vip",
                {"vip: The value must be a boolean, not a string"});
  ExpectRefused(Create("a@example.com", badge + R"(,"score":"1")"), "Api validation failed: score",
                {"score: The value must be a number, not a string"});
  ExpectRefused(Create("a@example.com", badge + R"(,"tags":"a;b")"), "Api validation failed: tags",
                {"tags: The value must be an array of strings, not a string"});
  ExpectRefused(Create("a@example.com", badge + R"(,"tags":["a",1])"), "Api validation failed: tags",
                {"tags: The value must be an array of strings, not an array holding an integer"});
  EXPECT_EQ(UserCount(), 0u);
  // The right types pass; a number takes an integer too.
  MockResponse ok = Create("a@example.com", badge + R"(,"vip":true,"score":3,"tags":["a","b"],"floors":[1,3])");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok).at("profile").at("floors"), json::parse("[1,3]"));
  EXPECT_EQ(Create("b@example.com", badge + R"(,"score":2.5)").status, 200);
}

TEST_F(MockSchemaTest, WrongTypeOnUpdateIsRefused) {
  std::string id = CreatedId("ada@example.com");
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"department":["R&D"]}})"),
                "Api validation failed: department",
                {"department: The value must be a string, not an array"});
}

TEST_F(MockSchemaTest, ValuesOutsideEnumOrOneOfAreRefused) {
  Start(ReadFile(kExampleFile));
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":1,"shirtSize":"XXL")"),
                "Api validation failed: shirtSize",
                {"shirtSize: The value \"XXL\" is not one of the allowed values: \"S\", \"M\", \"L\", \"XL\""});
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":1,"floors":[1,4])"),
                "Api validation failed: floors",
                {"floors: The value 4 is not one of the allowed values: 1, 2, 3"});
  EXPECT_EQ(Create("a@example.com", R"(,"badgeNumber":1,"shirtSize":"XL")").status, 200);
  // oneOf alone restricts the values too.
  Start(R"({"definitions":{"custom":{"properties":{"size":{"type":"string",
      "oneOf":[{"const":"S","title":"Small"}]}}}}})");
  EXPECT_EQ(Create("a@example.com", R"(,"size":"M")").status, 400);
  EXPECT_EQ(Create("a@example.com", R"(,"size":"S")").status, 200);
}

// A string attribute's `pattern` must match the whole value (okta-mock reads it as Perl/Java
// syntax, so Okta's "(?i)" works); a create or update that breaks it is refused naming the
// attribute, and a schema file whose pattern is no regular expression is refused.
TEST_F(MockSchemaTest, AValueThatDoesNotMatchThePatternIsRefused) {
  Start(R"({"definitions":{"custom":{"properties":{
      "employeeId":{"type":"string","pattern":"E[0-9]{5}"},
      "code":{"type":"string","pattern":"(?i)[a-z]{3}"}}}}})");
  ExpectRefused(Create("a@example.com", R"(,"employeeId":"E123")"),
                "Api validation failed: employeeId",
                {"employeeId: Does not match required pattern"});
  // The whole value, not a part of it.
  EXPECT_EQ(Create("a@example.com", R"(,"employeeId":"xE12345")").status, 400);
  EXPECT_EQ(Create("a@example.com", R"(,"employeeId":"E123456")").status, 400);
  EXPECT_EQ(Create("a@example.com", R"(,"code":"abcd")").status, 400);
  const std::string id = CreatedId("a@example.com", R"(,"employeeId":"E12345","code":"AbC")");
  ASSERT_FALSE(id.empty());
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"employeeId":"12345"}})"),
                "Api validation failed: employeeId",
                {"employeeId: Does not match required pattern"});
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id, R"({"profile":{"employeeId":"E00001"}})").status, 200);
  // Served as given.
  json::object schema = Body(Call("GET", "/api/v1/meta/schemas/user/default"));
  EXPECT_EQ(schema.at("definitions").at("custom").at("properties").at("employeeId").at("pattern"),
            "E[0-9]{5}");
  std::string error;
  EXPECT_FALSE(UserSchema::FromJson(R"({"definitions":{"custom":{"properties":{
      "s":{"type":"string","pattern":"[a-"}}}}})", &error));
  EXPECT_NE(error.find("definitions.custom.properties.s.pattern: not a regular expression"),
            std::string::npos)
      << error;
  EXPECT_FALSE(UserSchema::FromJson(R"({"definitions":{"custom":{"properties":{
      "n":{"type":"integer","pattern":"[0-9]+"}}}}})", &error));
  EXPECT_NE(error.find("pattern: applies to a string property only"), std::string::npos) << error;
}

TEST_F(MockSchemaTest, LengthsOutsideMinAndMaxAreRefused) {
  ExpectRefused(Create("a@example.com", R"(,"countryCode":"USA")"), "Api validation failed: countryCode",
                {"countryCode: The field is too long"});
  EXPECT_EQ(Create("a@example.com", R"(,"countryCode":"US")").status, 200);
  Start(ReadFile(kExampleFile));
  ExpectRefused(Create("b@example.com", R"(,"badgeNumber":1,"nickname2":"A")"),
                "Api validation failed: nickname2", {"nickname2: The field is too short"});
  ExpectRefused(Create("b@example.com", R"(,"badgeNumber":1,"nickname2":"ABCDEFGHI")"),
                "Api validation failed: nickname2", {"nickname2: The field is too long"});
  // Characters, not bytes: 8 two-byte characters fit.
  EXPECT_EQ(Create("b@example.com", R"(,"badgeNumber":1,"nickname2":"éééééééé")").status, 200);
}

TEST_F(MockSchemaTest, FormatEmailIsCheckedOnSecondEmail) {
  ExpectRefused(Create("a@example.com", R"(,"secondEmail":"not-an-email")"),
                "Api validation failed: secondEmail", {"secondEmail: Does not match required pattern"});
  EXPECT_EQ(Create("a@example.com", R"(,"secondEmail":"a.other@example.com")").status, 200);
}

TEST_F(MockSchemaTest, RequiredCustomAttributeMissingOrNullIsBlank) {
  Start(ReadFile(kExampleFile));
  ExpectRefused(Create("a@example.com"), "Api validation failed: badgeNumber",
                {"badgeNumber: The field cannot be left blank"});
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":null)"), "Api validation failed: badgeNumber",
                {"badgeNumber: The field cannot be left blank"});
  std::string id = CreatedId("a@example.com", R"(,"badgeNumber":1)");
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"badgeNumber":null}})"),
                "Api validation failed: badgeNumber", {"badgeNumber: The field cannot be left blank"});
  // A full replace that leaves it out removes it: blank too.
  ExpectRefused(Call("PUT", "/api/v1/users/" + id,
                     R"({"profile":{"login":"a@example.com","email":"a@example.com","firstName":"A","lastName":"B"}})"),
                "Api validation failed: badgeNumber", {"badgeNumber: The field cannot be left blank"});
}

TEST_F(MockSchemaTest, NullClearsAnAttributeThatIsNotRequired) {
  EXPECT_EQ(Create("a@example.com", R"(,"department":null)").status, 200);
  std::string id = CreatedId("b@example.com", R"(,"department":"R&D","title":"Dr")");
  MockResponse r = Call("POST", "/api/v1/users/" + id, R"({"profile":{"department":null}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(Body(r).at("profile").as_object().contains("department"));
  EXPECT_EQ(Body(r).at("profile").at("title"), "Dr");
  // But a required base field cannot be cleared.
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"firstName":null}})"),
                "Api validation failed: firstName", {"firstName: The field cannot be left blank"});
}

TEST_F(MockSchemaTest, ReadOnlyAttributeCannotBeSet) {
  Start(ReadFile(kExampleFile));
  ExpectRefused(Create("a@example.com", R"(,"badgeNumber":1,"hrSystemId":"HR-1")"),
                "Api validation failed: hrSystemId",
                {"hrSystemId: The property is read-only and cannot be set"});
  std::string id = CreatedId("a@example.com", R"(,"badgeNumber":1)");
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"hrSystemId":"HR-1"}})"),
                "Api validation failed: hrSystemId",
                {"hrSystemId: The property is read-only and cannot be set"});
  // Sending null for a value it does not have changes nothing: accepted.
  EXPECT_EQ(Call("POST", "/api/v1/users/" + id, R"({"profile":{"hrSystemId":null}})").status, 200);
}

TEST_F(MockSchemaTest, ImmutableAttributeIsSetOnceAndNeverChanged) {
  Start(ReadFile(kExampleFile));
  std::string id = CreatedId("a@example.com", R"(,"badgeNumber":1,"startDate":"2026-01-05")");
  ExpectRefused(Call("POST", "/api/v1/users/" + id, R"({"profile":{"startDate":"2026-02-01"}})"),
                "Api validation failed: startDate",
                {"startDate: The property is immutable and cannot be changed once set"});
  // The same value again (a full replace of the fetched profile) is no change.
  MockResponse same = Call("POST", "/api/v1/users/" + id, R"({"profile":{"startDate":"2026-01-05"}})");
  EXPECT_EQ(same.status, 200) << same.body;
  // A user without one may get one.
  std::string other = CreatedId("b@example.com", R"(,"badgeNumber":2)");
  EXPECT_EQ(Call("POST", "/api/v1/users/" + other, R"({"profile":{"startDate":"2026-03-01"}})").status, 200);
}

// ---- q search, /users/me, 411 ---------------------------------------------------------------------

TEST_F(MockSchemaTest, QSearchStartsWithOnNamesEmailAndLoginIgnoringCase) {
  auto create = [&](std::string login, std::string first, std::string last) {
    return Call("POST", "/api/v1/users",
                R"({"profile":{"login":")" + login + R"(","email":")" + login +
                    R"(","firstName":")" + first + R"(","lastName":")" + last + R"("}})");
  };
  ASSERT_EQ(create("ada@example.com", "Ada", "Lovelace").status, 200);
  ASSERT_EQ(create("grace@example.com", "Grace", "Hopper").status, 200);
  ASSERT_EQ(create("alan@example.com", "Alan", "Turing").status, 200);
  ASSERT_EQ(create("zed@example.com", "Zed", "Adams").status, 200);
  auto logins = [&](std::string target) {
    MockResponse r = Call("GET", target);
    EXPECT_EQ(r.status, 200) << target << r.body;
    std::vector<std::string> out;
    const json::value body = json::parse(r.body);
    for (const auto& u : body.as_array()) out.emplace_back(u.at("profile").at("login").as_string());
    return out;
  };
  EXPECT_EQ(logins("/api/v1/users?q=ad"), (std::vector<std::string>{"ada@example.com", "zed@example.com"}));
  EXPECT_EQ(logins("/api/v1/users?q=HOP"), std::vector<std::string>{"grace@example.com"});
  EXPECT_EQ(logins("/api/v1/users?q=alan%40"), std::vector<std::string>{"alan@example.com"});
  EXPECT_TRUE(logins("/api/v1/users?q=ring").empty());  // starts-with, not contains
  std::string zed(Body(Call("GET", "/api/v1/users/zed@example.com")).at("id").as_string());
  Call("POST", "/api/v1/users/" + zed + "/lifecycle/deactivate", "{}");
  EXPECT_EQ(logins("/api/v1/users?q=ad"), std::vector<std::string>{"ada@example.com"});
}

TEST_F(MockSchemaTest, QSearchDefaultsToTenResultsAndHasNoNextLink) {
  for (int i = 0; i < 12; ++i) ASSERT_EQ(Create("user" + std::to_string(i) + "@example.com").status, 200);
  MockResponse r = Call("GET", "/api/v1/users?q=user");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).as_array().size(), 10u);
  std::vector<std::string> links;
  for (const auto& [k, v] : r.headers)
    if (k == "link") links.push_back(v);
  EXPECT_EQ(links, std::vector<std::string>{"<http://127.0.0.1:1234/api/v1/users?limit=10&q=user>; rel=\"self\""});
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/users?q=user&limit=11").body).as_array().size(), 11u);
}

TEST_F(MockSchemaTest, UsersMeIsTheTokensOwnerAndNotListed) {
  MockResponse me = Call("GET", "/api/v1/users/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Body(me).at("profile").at("login"), "okta-mock.admin@example.com");
  EXPECT_EQ(Body(me).at("status"), "ACTIVE");
  EXPECT_TRUE(std::string(Body(me).at("id").as_string()).starts_with("00u"));
  EXPECT_EQ(Call("GET", "/api/v1/users/me", "", "SSWS wrong").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/users").body, "[]");
  EXPECT_EQ(UserCount(), 0u);
}

TEST_F(MockSchemaTest, LengthRequiredIsOktasJsonErrorWithTheUsualHeaders) {
  MockResponse r = tenant_->LengthRequired(kT0);
  EXPECT_EQ(r.status, 411);
  EXPECT_FALSE(r.in_flight);
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_FALSE(Header(r, "Date").empty());
  EXPECT_FALSE(Header(r, "x-okta-request-id").empty());
  json::object b = Body(r);
  EXPECT_EQ(b.at("errorCode"), "E0000002");
  EXPECT_EQ(b.at("errorLink"), "E0000002");
  EXPECT_TRUE(b.at("errorCauses").as_array().empty());
  EXPECT_TRUE(std::string(b.at("errorId").as_string()).starts_with("oae"));
}

}  // namespace
}  // namespace okta_bulk::mock

// ---- okta-mock as a process --------------------------------------------------------------------

namespace okta_bulk::testing {
namespace {

TEST(OktaMockSchemaProcessTest, SchemaFlagServesTheFilesCustomAttributes) {
  MockProcess mock({"--schema", std::string(TEST_DATA_DIR) + "/okta_mock_schema_example.json"});
  ASSERT_NE(mock.port(), 0);
  TestResponse r = HttpCall(mock.port(), "GET", "/api/v1/meta/schemas/user/default", "",
                            {{"Authorization", "SSWS test-token"}});
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::value s = boost::json::parse(r.body);
  EXPECT_TRUE(s.at("definitions").at("custom").at("properties").as_object().contains("badgeNumber"));
  EXPECT_EQ(s.at("id").as_string().find("http://127.0.0.1:" + std::to_string(mock.port()) +
                                         "/meta/schemas/user/osc"),
            0u);
}

TEST(OktaMockSchemaProcessTest, BadSchemaFileStopsOktaMockNamingTheFileAndTheProblem) {
  TempDir dir;
  dir.Write("bad.json", R"({"definitions":{"custom":{"properties":{"size":{"type":"text"}}}}})");
  ProcessResult r = RunProcess({OKTA_MOCK_PATH, "--port", "0", "--schema", dir.File("bad.json")}, {}, 30);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.File("bad.json")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("definitions.custom.properties.size.type"), std::string::npos) << r.err;
  ProcessResult missing = RunProcess({OKTA_MOCK_PATH, "--port", "0", "--schema", dir.File("none.json")}, {}, 30);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json': cannot read the file"), std::string::npos) << missing.err;
}

TEST(OktaMockSchemaProcessTest, PutWithoutLengthGets411WithJsonBodyAndHeaders) {
  MockProcess mock;
  ASSERT_NE(mock.port(), 0);
  // A raw request: HttpCall always sends a length.
  std::string bare = "PUT /api/v1/users/00u1 HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS test-token\r\n"
                     "Connection: close\r\n\r\n";
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(mock.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(write(fd, bare.data(), bare.size()), static_cast<ssize_t>(bare.size()));
  std::string wire;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) wire.append(buf, static_cast<std::size_t>(n));
  close(fd);
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 411 Length Required\r\n")) << wire;
  EXPECT_NE(wire.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << wire;
  EXPECT_NE(wire.find("\r\nDate: "), std::string::npos) << wire;
  EXPECT_NE(wire.find("\r\nx-okta-request-id: "), std::string::npos) << wire;
  std::size_t body = wire.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(boost::json::parse(wire.substr(body + 4)).at("errorCode"), "E0000002") << wire;
}

}  // namespace
}  // namespace okta_bulk::testing
