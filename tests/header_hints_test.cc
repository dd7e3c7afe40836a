#include "pipeline/rows/header_hints.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(HeaderHintsTest, SpreadsheetSpellingsOfBaseAttributesGetTheirOktaName) {
  EXPECT_EQ(SuggestColumn("First Name"), "firstName");
  EXPECT_EQ(SuggestColumn("Last name"), "lastName");
  EXPECT_EQ(SuggestColumn("E-mail"), "email");
  EXPECT_EQ(SuggestColumn("e-mail address"), "email");
  EXPECT_EQ(SuggestColumn("Username"), "login");
  EXPECT_EQ(SuggestColumn("mobile_phone"), "mobilePhone");
  EXPECT_EQ(SuggestColumn("City"), "city");  // Okta's names are case-sensitive
  EXPECT_EQ(SuggestColumn("Employee ID"), "employeeNumber");
}

TEST(HeaderHintsTest, SmallTyposAreCaughtInLongerNames) {
  EXPECT_EQ(SuggestColumn("frstName"), "firstName");
  EXPECT_EQ(SuggestColumn("departement"), "department");
  EXPECT_EQ(SuggestColumn("titel"), "title");
  EXPECT_EQ(SuggestColumn("pasword"), "password");
  EXPECT_EQ(SuggestColumn("group id"), "groupId");
  EXPECT_EQ(SuggestColumn("password_hash"), "passwordHash");
}

TEST(HeaderHintsTest, NamesOktaBulkAlreadyMapsGetNoHint) {
  for (const char* name : {"login", "Login", " EMAIL ", "firstname", "LastName", "Password",
                           "groupIds", "id", "status", "passwordHash", "city", "managerId",
                           "manager", "firstName:string"})
    EXPECT_EQ(SuggestColumn(name), "") << name;
}

TEST(HeaderHintsTest, CustomAttributesFarFromEveryKnownNameGetNoHint) {
  for (const char* name : {"favouriteColour", "badgeNumber", "tile", "date", "age:integer",
                           "skills:string[]", "x", ""})
    EXPECT_EQ(SuggestColumn(name), "") << name;
}

TEST(HeaderHintsTest, ATypeSuffixIsIgnored) {
  EXPECT_EQ(SuggestColumn("Cost Center:string"), "costCenter");
}

TEST(HeaderHintsTest, HintsNameTheColumnAsWrittenAndTheSuggestion) {
  EXPECT_EQ(HeaderHints({"login", " First Name ", "E-mail", "badge"}),
            (std::vector<std::string>{
                "column 'First Name' is not a known base attribute; did you mean firstName?",
                "column 'E-mail' is not a known base attribute; did you mean email?"}));
  EXPECT_TRUE(HeaderHints({"login", "email", "firstName"}).empty());
}

}  // namespace
}  // namespace okta_bulk
