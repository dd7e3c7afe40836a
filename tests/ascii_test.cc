// ASCII case folding (net/ascii.h), the one copy the client uses for column names, group
// names, hash field names, header names and link relations: only A-Z change, never a byte of
// UTF-8 or anything the locale would fold.
#include "net/ascii.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

TEST(AsciiTest, LowerAsciiLowersOnlyAToZ) {
  EXPECT_EQ(LowerAscii("GroupId"), "groupid");
  EXPECT_EQ(LowerAscii("X-Rate-Limit-Reset: 12@[`{"), "x-rate-limit-reset: 12@[`{");
  EXPECT_EQ(LowerAscii(""), "");
  // "ÉQUIPE" in UTF-8: the two bytes of É stay as they are; only the ASCII letters fold.
  EXPECT_EQ(LowerAscii("\xC3\x89QUIPE"), "\xC3\x89quipe");
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('['), '[');
  EXPECT_EQ(AsciiLower('@'), '@');
}

TEST(AsciiTest, EqualsIgnoreCaseComparesWholeStringsFoldingOnlyAToZ) {
  EXPECT_TRUE(EqualsIgnoreCase("Engineering", "eNGINEERING"));
  EXPECT_FALSE(EqualsIgnoreCase("Engineering", "Engineerin"));
  EXPECT_FALSE(EqualsIgnoreCase("\xC3\x89quipe", "\xC3\xA9quipe"));  // É and é differ
  EXPECT_FALSE(EqualsIgnoreCase("a[", "A{"));  // '[' and '{' are 32 apart but not letters
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
}

}  // namespace
}  // namespace okta_bulk
