#include "pipeline/rows/user_row.h"

#include <gtest/gtest.h>

#include "pipeline/csv/csv_reader.h"

namespace okta_bulk {
namespace {

ColumnMap Columns(std::vector<std::string> header) {
  ColumnMap m;
  std::string error;
  EXPECT_TRUE(ColumnMap::FromHeader(header, &m, &error)) << error;
  return m;
}

CsvRecord Record(std::vector<std::string> fields, uint64_t line) {
  CsvRecord r;
  r.fields = std::move(fields);
  r.first_line = line;
  return r;
}

TEST(ColumnMapTest, KnownNamesMatchIgnoringCaseAndSpacesAndTheRestAreCustom) {
  ColumnMap m = Columns({" EMAIL ", "Login", "firstname", "LASTNAME", "Password", "GroupId", "costCenter"});
  EXPECT_EQ(m.login, 1);
  EXPECT_EQ(m.email, 0);
  EXPECT_EQ(m.first_name, 2);
  EXPECT_EQ(m.last_name, 3);
  EXPECT_EQ(m.password, 4);
  EXPECT_EQ(m.group_id, 5);
  ASSERT_EQ(m.custom.size(), 1u);
  EXPECT_EQ(m.custom[0].name, "costCenter");
}

TEST(ColumnMapTest, AHeaderWithoutLoginOrWithDuplicatesIsRejectedWithItsReason) {
  ColumnMap m;
  std::string error;
  EXPECT_FALSE(ColumnMap::FromHeader({"email", "firstName"}, &m, &error));
  EXPECT_NE(error.find("no 'login' column"), std::string::npos) << error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "Email", "email"}, &m, &error));
  EXPECT_NE(error.find("appears twice"), std::string::npos) << error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "", "email"}, &m, &error));
  EXPECT_NE(error.find("column 2"), std::string::npos) << error;
}

TEST(RowBuilderTest, BuildsTheCreateBodyWithProfileCredentialsAndGroups) {
  RowBuilder b(Columns({"login", "email", "firstName", "lastName", "password", "groupId", "dept", "empty"}),
               RowBuilderOptions{{"00gEXTRA"}});
  PreparedRow row;
  std::string error;
  ASSERT_TRUE(b.Build(Record({" a@b.co ", "a@b.co", "Ann \"A\"", "Lee", "S3cret!x", "00g1; 00g2;00g1", "R&D", ""}, 2),
                      1, &row, &error))
      << error;
  EXPECT_EQ(row.login, "a@b.co");
  EXPECT_EQ(row.group_ids, (std::vector<std::string>{"00g1", "00g2", "00gEXTRA"}));
  EXPECT_EQ(row.create_body,
            R"({"profile":{"login":"a@b.co","email":"a@b.co","firstName":"Ann \"A\"","lastName":"Lee","dept":"R&D"},)"
            R"("credentials":{"password":{"value":"S3cret!x"}},"groupIds":["00g1","00g2","00gEXTRA"]})");
}

TEST(RowBuilderTest, NoPasswordAndNoGroupsLeaveThoseOut) {
  RowBuilder b(Columns({"login", "password", "groupId"}), {});
  PreparedRow row;
  std::string error;
  ASSERT_TRUE(b.Build(Record({"a@b.co", "", ""}, 2), 1, &row, &error)) << error;
  EXPECT_EQ(row.create_body, R"({"profile":{"login":"a@b.co"}})");
}

struct BadRow {
  std::vector<std::string> fields;
  std::string expected;
};

TEST(RowBuilderTest, EachBadRowGetsAMessageNamingRowAndField) {
  RowBuilder b(Columns({"login", "email", "firstName", "password", "groupId"}), {});
  const std::vector<BadRow> cases = {
      {{"", "a@b.co", "A", "", ""}, "row 7, field 'login': is empty"},
      {{"   ", "a@b.co", "A", "", ""}, "field 'login': is empty"},
      {{"bob", "a@b.co", "A", "", ""}, "field 'login': must be 5 to 100"},
      {{"bob.smith", "a@b.co", "A", "", ""}, "field 'login': must be an email address"},
      {{"a@b.co", "not email", "A", "", ""}, "field 'email': is not an email address"},
      {{"a@b.co", "a@b.co", std::string(51, 'x'), "", ""}, "field 'firstName': is longer than Okta's 50"},
      {{"a@b.co", "a@b.co", "A", std::string(73, 'p'), ""}, "field 'password': is longer than Okta's 72"},
      {{"a@b.co", "a@b.co", "\xF0\x9F\x98\x80", "", ""}, "field 'firstName': contains a 4-byte UTF-8"},
      {{"a@b.co", "a@b.co", "\xC3", "", ""}, "not valid UTF-8: save the file as 'CSV UTF-8'"},
      {{"a@b.co", "a@b.co", "\xC0\xAF", "", ""}, "not valid UTF-8"},
      {{"a@b.co", "a@b.co", "A", "", "00g1,00g2"}, "field 'groupId': '00g1,00g2' is not a group id"},
      {{"a@b.co", "a@b.co", "A", ""}, "has 4 fields but the header has 5 (too few fields)"},
      {{"a@b.co", "a@b.co", "A", "", "", "x"}, "has 6 fields but the header has 5 (too many"},
  };
  for (const auto& c : cases) {
    PreparedRow row;
    std::string error;
    EXPECT_FALSE(b.Build(Record(c.fields, 8), 7, &row, &error)) << c.expected;
    EXPECT_NE(error.find(c.expected), std::string::npos) << "got: " << error;
    EXPECT_EQ(error.rfind("row 7", 0), 0u) << error;
  }
}

TEST(RowBuilderTest, MoreThanTwentyGroupsIsInvalidBeforeOktaSaysSo) {
  RowBuilder b(Columns({"login", "groupId"}), {});
  std::string groups;
  for (int i = 0; i < 21; ++i) groups += "00g" + std::to_string(i) + ";";
  PreparedRow row;
  std::string error;
  EXPECT_FALSE(b.Build(Record({"a@b.co", groups}, 2), 1, &row, &error));
  EXPECT_NE(error.find("at most 20"), std::string::npos) << error;
}

TEST(RowBuilderTest, CsvProblemsBecomeInvalidRowsWithTheLine) {
  RowBuilder b(Columns({"login"}), {});
  CsvRecord r = Record({"a@b.co"}, 12);
  r.problem = CsvProblem::kUnterminatedQuote;
  PreparedRow row;
  std::string error;
  EXPECT_FALSE(b.Build(r, 3, &row, &error));
  EXPECT_NE(error.find("row 3 (line 12)"), std::string::npos) << error;
  EXPECT_NE(error.find(std::string(CsvProblemMessage(CsvProblem::kUnterminatedQuote))), std::string::npos);
}

TEST(RowBuilderTest, HashColumnsBecomeCredentialsAndAreNeverProfileAttributes) {
  RowBuilder b(Columns({"login", "PasswordHash", "HASHALGORITHM", "passwordSalt", "saltOrder"}), {});
  PreparedRow row;
  std::string error;
  ASSERT_TRUE(b.Build(Record({"a@b.co", "$2b$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna", "", "", ""}, 2),
                      1, &row, &error))
      << error;
  EXPECT_EQ(row.create_body,
            R"({"profile":{"login":"a@b.co"},"credentials":{"password":{"hash":{"algorithm":"BCRYPT",)"
            R"("workFactor":10,"salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}}}})");
  EXPECT_FALSE(b.Build(Record({"a@b.co", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "SHA-256", "c2FsdA==", ""}, 3),
                       2, &row, &error));
  EXPECT_EQ(error, "row 2, field 'saltOrder': is empty; a salted hash needs PREFIX or POSTFIX");
}

TEST(RowBuilderTest, ARowWithBothAPasswordAndAHashIsInvalidNamingThePassword) {
  RowBuilder b(Columns({"login", "password", "passwordHash"}), {});
  PreparedRow row;
  std::string error;
  EXPECT_FALSE(b.Build(Record({"a@b.co", "S3cret!x", "$2b$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}, 2),
                       1, &row, &error));
  EXPECT_EQ(error.substr(0, 26), "row 1, field 'password': a") << error;
}

TEST(ColumnMapTest, HashColumnsNeedAPasswordHashColumnAndBuiltInColumnsTakeNoType) {
  ColumnMap m;
  std::string error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "workFactor"}, &m, &error));
  EXPECT_NE(error.find("no 'passwordHash' column"), std::string::npos) << error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "email:boolean"}, &m, &error));
  EXPECT_NE(error.find("takes no type"), std::string::npos) << error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "age", "Age:integer"}, &m, &error));
  EXPECT_NE(error.find("appears twice"), std::string::npos) << error;
  EXPECT_FALSE(ColumnMap::FromHeader({"login", "age:int"}, &m, &error));
  EXPECT_NE(error.find("'int'"), std::string::npos) << error;
}

TEST(RowBuilderTest, PasswordHookAppliesOnlyToRowsWithoutTheirOwnPasswordOrHash) {
  RowBuilderOptions options;
  options.password_hook = true;
  RowBuilder b(Columns({"login", "password"}), options);
  PreparedRow row;
  std::string error;
  ASSERT_TRUE(b.Build(Record({"a@b.co", ""}, 2), 1, &row, &error)) << error;
  EXPECT_EQ(row.create_body, R"({"profile":{"login":"a@b.co"},"credentials":{"password":{"hook":{"type":"default"}}}})");
  EXPECT_EQ(row.credential, PreparedRow::Credential::kHook);
  ASSERT_TRUE(b.Build(Record({"c@b.co", "S3cret!x"}, 3), 2, &row, &error)) << error;
  EXPECT_EQ(row.create_body, R"({"profile":{"login":"c@b.co"},"credentials":{"password":{"value":"S3cret!x"}}})");
  EXPECT_EQ(row.credential, PreparedRow::Credential::kPassword);
}

TEST(RowBuilderTest, RequiredPasswordMakesARowWithoutOneInvalidNamingThePasswordColumn) {
  RowBuilderOptions options;
  options.require_password = true;
  RowBuilder b(Columns({"login", "Password"}), options);
  PreparedRow row;
  std::string error;
  EXPECT_FALSE(b.Build(Record({"a@b.co", ""}, 2), 1, &row, &error));
  EXPECT_EQ(error.substr(0, 34), "row 1, field 'Password': is empty;") << error;
  EXPECT_TRUE(b.Build(Record({"a@b.co", "S3cret!x"}, 2), 1, &row, &error)) << error;
}

TEST(RowBuilderTest, TypedColumnsAreSentAsTheirJsonTypeInCreateAndUpdateBodies) {
  RowBuilderOptions options;
  options.build_update_body = true;
  RowBuilder b(Columns({"login", "age:integer", "score:number", "vip:boolean", "tags:string[]", "note"}), options);
  PreparedRow row;
  std::string error;
  ASSERT_TRUE(b.Build(Record({"a@b.co", "42", "1.5", "TRUE", "x; y", "7"}, 2), 1, &row, &error)) << error;
  EXPECT_EQ(row.create_body,
            R"({"profile":{"login":"a@b.co","age":42,"score":1.5,"vip":true,"tags":["x","y"],"note":"7"}})");
  EXPECT_EQ(row.update_body, R"({"profile":{"age":42,"score":1.5,"vip":true,"tags":["x","y"],"note":"7"}})");
  ASSERT_TRUE(b.Build(Record({"a@b.co", " ", "", "", "", ""}, 2), 1, &row, &error)) << error;
  EXPECT_EQ(row.create_body, R"({"profile":{"login":"a@b.co"}})");
  EXPECT_FALSE(b.Build(Record({"a@b.co", "4x", "", "", "", ""}, 5), 3, &row, &error));
  EXPECT_EQ(error, "row 3 (line 5), field 'age:integer': '4x' is not an integer (digits, optionally after '-')");
}

TEST(EmailTest, AcceptsOrdinaryAddressesAndRejectsTheRest) {
  for (const char* ok : {"a@b.co", "first.last+tag@sub.example.org", "o'neil@x.ie", "jose@xn--mnchen-3ya.de"})
    EXPECT_TRUE(LooksLikeEmail(ok)) << ok;
  for (const char* bad : {"", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@@b.co", "a@b..co", ".a@b.co", "a@b.co.", "a@.b.co"})
    EXPECT_FALSE(LooksLikeEmail(bad)) << bad;
}

}  // namespace
}  // namespace okta_bulk
