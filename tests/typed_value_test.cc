#include "pipeline/rows/typed_value.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

std::string Value(AttributeType type, std::string_view cell) {
  std::string out, problem;
  if (!AppendTypedValue(&out, type, cell, &problem)) return "ERROR " + problem;
  return out;
}

TEST(TypedValueTest, HeaderNamesSplitIntoAttributeAndTypeIgnoringCase) {
  std::string name, error;
  AttributeType type;
  ASSERT_TRUE(SplitTypedName("age:integer", &name, &type, &error));
  EXPECT_EQ(name, "age");
  EXPECT_EQ(type, AttributeType::kInteger);
  ASSERT_TRUE(SplitTypedName("tags : String[]", &name, &type, &error));
  EXPECT_EQ(name, "tags");
  EXPECT_EQ(type, AttributeType::kStringArray);
  ASSERT_TRUE(SplitTypedName("department", &name, &type, &error));
  EXPECT_EQ(type, AttributeType::kString);
  EXPECT_FALSE(SplitTypedName("age:int", &name, &type, &error));
  EXPECT_NE(error.find("'int'"), std::string::npos) << error;
  EXPECT_FALSE(SplitTypedName(":integer", &name, &type, &error));
}

TEST(TypedValueTest, IntegersAreSafeJsonIntegersWrittenCanonically) {
  EXPECT_EQ(Value(AttributeType::kInteger, " 42 "), "42");
  EXPECT_EQ(Value(AttributeType::kInteger, "-7"), "-7");
  EXPECT_EQ(Value(AttributeType::kInteger, "007"), "7");
  EXPECT_EQ(Value(AttributeType::kInteger, "9007199254740991"), "9007199254740991");
  EXPECT_NE(Value(AttributeType::kInteger, "9007199254740992").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kInteger, "99999999999999999999999").find("ERROR"), std::string::npos);
  EXPECT_EQ(Value(AttributeType::kInteger, "1.5"), "ERROR '1.5' is not an integer (digits, optionally after '-')");
  EXPECT_NE(Value(AttributeType::kInteger, "+1").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kInteger, "-").find("ERROR"), std::string::npos);
}

TEST(TypedValueTest, NumbersFollowJsonSyntaxAndAreSentAsWritten) {
  EXPECT_EQ(Value(AttributeType::kNumber, "1.50"), "1.50");
  EXPECT_EQ(Value(AttributeType::kNumber, "-0.5e-3"), "-0.5e-3");
  EXPECT_EQ(Value(AttributeType::kNumber, "12"), "12");
  EXPECT_NE(Value(AttributeType::kNumber, ".5").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kNumber, "1,5").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kNumber, "NaN").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kNumber, "1e999").find("too large"), std::string::npos);
}

TEST(TypedValueTest, BooleansAreTrueOrFalseInAnyCaseAndNothingElse) {
  EXPECT_EQ(Value(AttributeType::kBoolean, "TRUE"), "true");
  EXPECT_EQ(Value(AttributeType::kBoolean, " False"), "false");
  EXPECT_NE(Value(AttributeType::kBoolean, "1").find("ERROR"), std::string::npos);
  EXPECT_NE(Value(AttributeType::kBoolean, "yes").find("ERROR"), std::string::npos);
}

TEST(TypedValueTest, ArraysSplitOnSemicolonsTrimEachElementAndCheckItsType) {
  EXPECT_EQ(Value(AttributeType::kStringArray, "a; b c ;;d"), R"(["a","b c","d"])");
  EXPECT_EQ(Value(AttributeType::kIntegerArray, "1;2; 3"), "[1,2,3]");
  EXPECT_EQ(Value(AttributeType::kNumberArray, "1.5"), "[1.5]");
  EXPECT_EQ(Value(AttributeType::kIntegerArray, "1;x"), "ERROR element 'x' is not an integer (digits, optionally after '-')");
  EXPECT_EQ(Value(AttributeType::kString, " keeps spaces \""), R"(" keeps spaces \"")");
}

}  // namespace
}  // namespace okta_bulk
