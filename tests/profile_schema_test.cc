// The org's user schema as the rows check against it (issue 14): reading Okta's answer,
// checking a header's columns and each row's cells, and finding groups by name.
#include <gtest/gtest.h>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/okta/group_directory.h"
#include "pipeline/okta/user_schema_json.h"
#include "pipeline/rows/profile_schema.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

// Shaped like GET /api/v1/meta/schemas/user/default (management OpenAPI 2026: UserSchema),
// trimmed to the attributes the tests use.
constexpr std::string_view kSchema = R"({
  "id": "https://example.okta.com/meta/schemas/user/default",
  "$schema": "http://json-schema.org/draft-04/schema#",
  "name": "user", "title": "User", "type": "object",
  "definitions": {
    "base": {
      "id": "#base", "type": "object",
      "properties": {
        "login": {"title": "Username", "type": "string", "required": true,
                  "minLength": 5, "maxLength": 100, "mutability": "READ_WRITE"},
        "email": {"title": "Primary email", "type": "string", "required": true,
                  "format": "email", "mutability": "READ_WRITE"},
        "firstName": {"title": "First name", "type": "string", "required": true,
                      "minLength": 1, "maxLength": 50, "mutability": "READ_WRITE"},
        "lastName": {"title": "Last name", "type": "string", "required": true,
                     "minLength": 1, "maxLength": 50, "mutability": "READ_WRITE"},
        "employeeNumber": {"title": "Employee number", "type": "string"},
        "department": {"title": "Department", "type": "string"},
        "countryCode": {"title": "Country code", "type": "string", "maxLength": 2}
      },
      "required": ["login", "firstName", "lastName", "email"]
    },
    "custom": {
      "id": "#custom", "type": "object",
      "properties": {
        "costCenterCode": {"title": "Cost center", "type": "integer"},
        "shirtSize": {"title": "Shirt", "type": "string", "enum": ["S", "M", "L"],
                      "oneOf": [{"const": "S", "title": "Small"}, {"const": "M", "title": "Medium"},
                                {"const": "L", "title": "Large"}]},
        "tags": {"title": "Tags", "type": "array", "items": {"type": "string"}},
        "badgeId": {"title": "Badge", "type": "string", "mutability": "READ_ONLY"},
        "startYear": {"title": "Start", "type": "integer", "required": true},
        "region": {"title": "Region", "type": "string", "required": true, "default": "EU"},
        "settings": {"title": "Settings", "type": "object"}
      },
      "required": []
    }
  },
  "properties": {"profile": {"allOf": [{"$ref": "#/definitions/custom"}, {"$ref": "#/definitions/base"}]}}
})";

ProfileSchema Org() {
  ProfileSchema schema;
  std::string error;
  EXPECT_TRUE(ParseUserSchema(kSchema, &schema, &error)) << error;
  return schema;
}

std::vector<std::string> Split(std::string_view header) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = header.find(',', start);
    out.emplace_back(header.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// ApplySchema on `header`; "" when it passes, else the error.
std::string HeaderError(const ProfileSchema& org, std::string_view header, ColumnMap* out = nullptr) {
  ColumnMap columns;
  std::string error;
  if (!ColumnMap::FromHeader(Split(header), &columns, &error)) return "FromHeader: " + error;
  if (!columns.ApplySchema(org, &error)) return error;
  if (out) *out = std::move(columns);
  return {};
}

CsvRecord Record(std::string_view line) {
  CsvRecord r;
  r.fields = Split(line);
  r.first_line = 2;
  return r;
}

TEST(UserSchemaJson, ReadsTypesRulesAndMutability) {
  ProfileSchema org = Org();
  const SchemaAttribute* login = org.Find("login");
  ASSERT_NE(login, nullptr);
  EXPECT_FALSE(login->custom);
  EXPECT_TRUE(login->required);
  EXPECT_EQ(login->max_length, 100u);
  const SchemaAttribute* cost = org.Find("costCenterCode");
  ASSERT_NE(cost, nullptr);
  EXPECT_TRUE(cost->custom);
  EXPECT_EQ(cost->type, AttributeType::kInteger);
  const SchemaAttribute* shirt = org.Find("shirtSize");
  ASSERT_NE(shirt, nullptr);
  EXPECT_EQ(shirt->enum_strings, (std::vector<std::string>{"S", "M", "L"}));
  EXPECT_EQ(org.Find("tags")->type, AttributeType::kStringArray);
  EXPECT_EQ(org.Find("badgeId")->mutability, SchemaAttribute::Mutability::kReadOnly);
  EXPECT_TRUE(org.Find("startYear")->required);
  EXPECT_TRUE(org.Find("region")->has_default);
  EXPECT_FALSE(org.Find("settings")->type_supported);
  // Property names are case-sensitive at Okta; a header's other case finds the one match.
  ASSERT_NE(org.Find("COSTCENTERCODE"), nullptr);
  EXPECT_EQ(org.Find("COSTCENTERCODE")->name, "costCenterCode");
  EXPECT_EQ(org.Find("nope"), nullptr);
}

TEST(UserSchemaJson, RefusesWhatIsNotASchema) {
  ProfileSchema org;
  std::string error;
  EXPECT_FALSE(ParseUserSchema("[]", &org, &error));
  EXPECT_NE(error.find("definitions"), std::string::npos) << error;
  EXPECT_FALSE(ParseUserSchema("{\"definitions\":{\"base\":{\"properties\":{\"a\":1}}}}", &org, &error));
  EXPECT_NE(error.find("definitions.base.properties.a"), std::string::npos) << error;
  EXPECT_FALSE(ParseUserSchema("not json", &org, &error));
}

TEST(ProfileSchemaColumns, TypoColumnNamedWithTheClosestNames) {
  ProfileSchema org = Org();
  std::string error = HeaderError(org, "login,email,First Name,lastName,startYear");
  EXPECT_NE(error.find("column 'First Name' is not in the org's user profile; did you mean firstName"),
            std::string::npos)
      << error;
  error = HeaderError(org, "login,E-mail,firstName,lastName,startYear");
  // "E-mail" is not a column okta-bulk maps itself: a custom attribute the org lacks.
  EXPECT_NE(error.find("'E-mail' is not in the org's user profile; did you mean email"),
            std::string::npos)
      << error;
  error = HeaderError(org, "login,email,firstName,lastName,startYear,favouriteColour");
  EXPECT_NE(error.find("'favouriteColour' is not in the org's user profile"), std::string::npos) << error;
  EXPECT_NE(error.find("Profile Editor"), std::string::npos) << error;
}

TEST(ProfileSchemaColumns, TypeComesFromTheSchemaAndMustAgreeWithTheHeader) {
  ProfileSchema org = Org();
  ColumnMap columns;
  ASSERT_EQ(HeaderError(org, "login,email,firstName,lastName,startYear,costcentercode", &columns), "");
  ASSERT_EQ(columns.custom.size(), 2u);
  EXPECT_EQ(columns.custom[1].name, "costCenterCode");  // Okta's spelling
  EXPECT_EQ(columns.custom[1].type, AttributeType::kInteger);
  // The README's old example: employeeNumber is a string in Okta's base profile.
  std::string error = HeaderError(org, "login,email,firstName,lastName,startYear,employeeNumber:integer");
  EXPECT_NE(error.find("says integer but the org's profile types 'employeeNumber' as string"),
            std::string::npos)
      << error;
  EXPECT_EQ(HeaderError(org, "login,email,firstName,lastName,startYear,costCenterCode:integer"), "");
  // An export writes every JSON number as `number`: it fits an integer attribute, read as one.
  ASSERT_EQ(HeaderError(org, "login,email,firstName,lastName,startYear,costCenterCode:number", &columns), "");
  EXPECT_EQ(columns.custom[1].type, AttributeType::kInteger);
  error = HeaderError(org, "login,email,firstName,lastName,startYear,costCenterCode:boolean");
  EXPECT_NE(error.find("says boolean but the org's profile types 'costCenterCode' as integer"),
            std::string::npos)
      << error;
  error = HeaderError(org, "login,email,firstName,lastName,startYear,settings");
  EXPECT_NE(error.find("as object, which okta-bulk cannot write"), std::string::npos) << error;
  // A header's integer on a number attribute reads the cells more strictly: allowed.
  ProfileSchema numbers;
  ASSERT_TRUE(ParseUserSchema(R"({"definitions":{"custom":{"properties":{"age":{"type":"number"}}}}})",
                              &numbers, &error));
  ASSERT_EQ(HeaderError(numbers, "login,age:integer", &columns), "");
  EXPECT_EQ(columns.custom[0].type, AttributeType::kInteger);
}

TEST(ProfileSchemaColumns, RequiredAttributeWithoutAColumnStopsTheRun) {
  ProfileSchema org = Org();
  std::string error = HeaderError(org, "login,email,firstName,lastName");
  EXPECT_NE(error.find("requires 'startYear' to create a user"), std::string::npos) << error;
  // Base attributes Okta requires are Okta's to refuse: a file of logins and a custom column.
  EXPECT_EQ(HeaderError(org, "login,startYear"), "");
  // region is required too, but has a default: Okta fills it in.
  EXPECT_EQ(error.find("region"), std::string::npos) << error;
}

TEST(ProfileSchemaRows, EachRuleMakesTheRowInvalidNamingRowColumnAndRule) {
  ProfileSchema org = Org();
  ColumnMap columns;
  ASSERT_EQ(HeaderError(org, "login,email,firstName,lastName,startYear,shirtSize,countryCode,badgeId,tags",
                        &columns),
            "");
  RowBuilder builder(std::move(columns), RowBuilderOptions{});
  PreparedRow out;
  std::string error;
  ASSERT_TRUE(builder.Build(Record("a@example.com,a@example.com,A,B,2020,M,DE,,x;y"), 1, &out, &error))
      << error;
  EXPECT_NE(out.create_body.find("\"startYear\":2020"), std::string::npos) << out.create_body;
  EXPECT_NE(out.create_body.find("\"tags\":[\"x\",\"y\"]"), std::string::npos) << out.create_body;

  EXPECT_FALSE(builder.Build(Record("a@example.com,a@example.com,A,B,2020,XL,DE,,"), 3, &out, &error));
  EXPECT_NE(error.find("row 3 (line 2), field 'shirtSize': 'XL' is not one of the values the org allows"),
            std::string::npos)
      << error;
  EXPECT_FALSE(builder.Build(Record("a@example.com,a@example.com,A,B,2020,S,DEU,,"), 4, &out, &error));
  EXPECT_NE(error.find("field 'countryCode': is longer than the org allows"), std::string::npos) << error;
  EXPECT_FALSE(builder.Build(Record("a@example.com,a@example.com,A,B,2020,S,DE,B-7,"), 5, &out, &error));
  EXPECT_NE(error.find("field 'badgeId': is read-only"), std::string::npos) << error;
  EXPECT_FALSE(builder.Build(Record("a@example.com,a@example.com,A,B,,S,DE,,"), 6, &out, &error));
  EXPECT_NE(error.find("field 'startYear': is empty, and the org's user profile requires it"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("okta-bulk assign or update"), std::string::npos) << error;
  // Okta's own required base attributes are left to Okta (and to the import's look-up of a
  // refused row: the user may exist already).
  EXPECT_TRUE(builder.Build(Record("a@example.com,a@example.com,,B,2020,S,DE,,"), 7, &out, &error)) << error;
  EXPECT_FALSE(builder.Build(Record("a@example.com,a@example.com,A,B,20x,S,DE,,"), 8, &out, &error));
  EXPECT_NE(error.find("field 'startYear'"), std::string::npos) << error;
}

TEST(ProfileSchemaRows, ArrayElementsAreCheckedAgainstItemsEnum) {
  ProfileSchema org;
  std::string error;
  ASSERT_TRUE(ParseUserSchema(R"({"definitions":{"custom":{"properties":{
      "levels":{"type":"array","items":{"type":"integer","enum":[1,2,3]}}}}}})",
                              &org, &error))
      << error;
  const SchemaAttribute* levels = org.Find("levels");
  ASSERT_NE(levels, nullptr);
  EXPECT_EQ(levels->type, AttributeType::kIntegerArray);
  EXPECT_EQ(CheckSchemaValue(*levels, "1; 3"), "");
  EXPECT_NE(CheckSchemaValue(*levels, "1;4").find("'4' is not one of the values"), std::string::npos);
}

TEST(ProfileSchemaRows, LengthsCountCharactersNotBytes) {
  SchemaAttribute a;
  a.name = "city";
  a.max_length = 3;
  EXPECT_EQ(CheckSchemaValue(a, "Köö"), "");  // 3 characters, 5 bytes
  EXPECT_NE(CheckSchemaValue(a, "Kööl"), "");
  a.min_length = 2;
  EXPECT_NE(CheckSchemaValue(a, "K").find("shorter"), std::string::npos);
}

// A string attribute's `pattern`: compiled once when the schema is read, matched against the
// whole cell; Java's leading "(?i)" ignores case; a pattern std::regex cannot read is a
// warning and is not checked (Okta still is).
TEST(ProfileSchemaRows, ACellMustMatchTheWholePatternOfItsAttribute) {
  ProfileSchema org;
  std::string error;
  ASSERT_TRUE(ParseUserSchema(R"({"definitions":{"custom":{"properties":{
      "employeeId":{"type":"string","pattern":"E[0-9]{5}"},
      "code":{"type":"string","pattern":"(?i)[a-z]{3}"},
      "broken":{"type":"string","pattern":"(?<=x)[a-"},
      "plain":{"type":"string"}}}}})",
                              &org, &error))
      << error;
  const SchemaAttribute* id = org.Find("employeeId");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->pattern, "E[0-9]{5}");
  ASSERT_NE(id->compiled, nullptr);
  EXPECT_EQ(CheckSchemaValue(*id, "E12345"), "");
  EXPECT_EQ(CheckSchemaValue(*id, "E123"),
            "'E123' does not match the pattern the org sets for 'employeeId' (E[0-9]{5})");
  EXPECT_NE(CheckSchemaValue(*id, "xE12345"), "") << "the whole value must match";
  EXPECT_NE(CheckSchemaValue(*id, "E123456"), "") << "the whole value must match";
  const SchemaAttribute* code = org.Find("code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(CheckSchemaValue(*code, "AbC"), "");
  EXPECT_NE(CheckSchemaValue(*code, "abcd"), "");
  const SchemaAttribute* broken = org.Find("broken");
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->compiled, nullptr);
  EXPECT_EQ(CheckSchemaValue(*broken, "anything"), "");
  ASSERT_EQ(org.warnings().size(), 1u);
  EXPECT_NE(org.warnings()[0].find("'broken' the pattern (?<=x)[a-"), std::string::npos)
      << org.warnings()[0];
  EXPECT_EQ(CheckSchemaValue(*org.Find("plain"), "anything"), "");

  // Through the row checks: the row is invalid naming row, column and pattern.
  ColumnMap columns;
  ASSERT_EQ(HeaderError(org, "login,employeeId", &columns), "");
  RowBuilder builder(std::move(columns), RowBuilderOptions{});
  PreparedRow out;
  EXPECT_TRUE(builder.Build(Record("a@example.com,E00001"), 1, &out, &error)) << error;
  EXPECT_FALSE(builder.Build(Record("a@example.com,E1"), 2, &out, &error));
  EXPECT_NE(error.find("row 2 (line 2), field 'employeeId': 'E1' does not match the pattern the org "
                       "sets for 'employeeId' (E[0-9]{5})"),
            std::string::npos)
      << error;
}

TEST(GroupDirectory, FindsGroupsByNameAsOktaMatchesThem) {
  GroupDirectory dir;
  std::vector<OrgGroup> page;
  std::string error;
  ASSERT_TRUE(ReadGroupList(R"([
    {"id":"00g1","type":"OKTA_GROUP","profile":{"name":"Engineering","description":"eng"}},
    {"id":"00g2","type":"OKTA_GROUP","profile":{"name":"engineering"}},
    {"id":"00g3","type":"OKTA_GROUP","profile":{"name":"Sales"}},
    {"id":"00g4","type":"APP_GROUP","profile":{"name":"AD Admins"}},
    {"id":"00g5","type":"OKTA_GROUP","profile":{"name":"Ops"}},
    {"id":"00g6","type":"OKTA_GROUP","profile":{"name":"ops"}},
    {"id":"00g7","type":"BUILT_IN","profile":{"name":"Everyone"}}])",
                             &page, &error))
      << error;
  for (OrgGroup& g : page) dir.Add(std::move(g));
  auto m = dir.ByName("Sales");
  ASSERT_EQ(m.kind, GroupDirectory::Match::kFound);
  EXPECT_EQ(m.group->id, "00g3");
  m = dir.ByName("SALES");  // Okta's name search ignores case
  ASSERT_EQ(m.kind, GroupDirectory::Match::kFound);
  EXPECT_EQ(m.group->id, "00g3");
  m = dir.ByName("Engineering");  // the exact spelling wins over another case
  ASSERT_EQ(m.kind, GroupDirectory::Match::kFound);
  EXPECT_EQ(m.group->id, "00g1");
  m = dir.ByName("OPS");  // two groups, neither spelt so: ambiguous
  ASSERT_EQ(m.kind, GroupDirectory::Match::kAmbiguous);
  EXPECT_EQ(m.several.size(), 2u);
  EXPECT_EQ(dir.ByName("AD Admins").kind, GroupDirectory::Match::kNotAssignable);
  EXPECT_EQ(dir.ByName("Everyone").kind, GroupDirectory::Match::kNotAssignable);
  EXPECT_EQ(dir.ByName("Marketing").kind, GroupDirectory::Match::kMissing);
  ASSERT_NE(dir.ById("00g5"), nullptr);
  EXPECT_EQ(dir.ById("00g5")->name, "Ops");
  EXPECT_EQ(dir.ById("00g9"), nullptr);
}

TEST(GroupDirectory, GroupNameColumnResolvesThroughTheMap) {
  ColumnMap columns;
  std::string error;
  ASSERT_TRUE(ColumnMap::FromHeader(Split("login,groupName"), &columns, &error)) << error;
  std::unordered_map<std::string, std::string> ids{{GroupNameKey("Sales"), "00g3"},
                                                   {GroupNameKey("Engineering"), "00g1"}};
  RowBuilderOptions options;
  options.group_ids_by_name = &ids;
  RowBuilder builder(std::move(columns), options);
  PreparedRow out;
  ASSERT_TRUE(builder.Build(Record("a@example.com,sales; Engineering ;Sales"), 1, &out, &error)) << error;
  EXPECT_EQ(out.group_ids, (std::vector<std::string>{"00g3", "00g1"}));
  EXPECT_FALSE(builder.Build(Record("a@example.com,Marketing"), 2, &out, &error));
  EXPECT_NE(error.find("field 'groupName': group 'Marketing' is not a group of the org"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace okta_bulk
