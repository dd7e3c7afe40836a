#include "pipeline/rows/login_fold.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(LoginFoldTest, AsciiIsLowercasedAndOtherwiseKept) {
  EXPECT_EQ(FoldLogin("Isaac.Brock+Tag@Example.COM"), "isaac.brock+tag@example.com");
  EXPECT_EQ(FoldLogin(""), "");
}

TEST(LoginFoldTest, OktaDocumentedDiacriticLoginsCollide) {
  EXPECT_EQ(FoldLogin("isáàc.bröck@example.com"), FoldLogin("Isaac.Brock@example.com"));
  EXPECT_EQ(FoldLogin("isáàc.bröck@example.com"), "isaac.brock@example.com");
}

TEST(LoginFoldTest, LatinOneLowercaseLettersFoldToBaseLetters) {
  EXPECT_EQ(FoldLogin("áàäâãåçéèêëíìîïñóòöôõøúùüûýÿ"), "aaaaaaceeeeiiiinoooooouuuuyy");
}

TEST(LoginFoldTest, LatinOneUppercaseLettersFoldToLowercaseBaseLetters) {
  EXPECT_EQ(FoldLogin("ÁÀÄÂÃÅÇÉÈÊËÍÌÎÏÑÓÒÖÔÕØÚÙÜÛÝ"), "aaaaaaceeeeiiiinoooooouuuuy");
}

TEST(LoginFoldTest, LatinExtendedALettersFold) {
  EXPECT_EQ(FoldLogin("Łódź"), "lodz");
  EXPECT_EQ(FoldLogin("ŠťěpÁn.Dvořák"), "stepan.dvorak");
  EXPECT_EQ(FoldLogin("ĀăĄćĈċČďĐēĞġĦĩİıĵĶĺĽŀńŇŌőŕŘśŞšţŤũŪůűŲŵŶŸźŻž"),
            "aaaccccddegghiiijklllnnoorrsssttuuuuuwyyzzz");
}

TEST(LoginFoldTest, SharpSAndLigaturesExpandToTwoLetters) {
  EXPECT_EQ(FoldLogin("Straße"), "strasse");
  EXPECT_EQ(FoldLogin("Æsir"), "aesir");
  EXPECT_EQ(FoldLogin("Œuvre"), "oeuvre");
  EXPECT_EQ(FoldLogin("Þór"), "thor");
  EXPECT_EQ(FoldLogin("Ĳssel"), "ijssel");
}

TEST(LoginFoldTest, SymbolsAndOtherScriptsAreUnchanged) {
  EXPECT_EQ(FoldLogin("a×b÷c"), "a×b÷c");
  EXPECT_EQ(FoldLogin("Ωmega日本"), "Ωmega日本");
  EXPECT_EQ(FoldLogin("Ǆ"), "Ǆ");  // U+01C4, outside Latin Extended-A
}

TEST(LoginFoldTest, MalformedUtf8BytesAreCopied) {
  EXPECT_EQ(FoldLogin(std::string("A\xC3", 2)), std::string("a\xC3", 2));
  EXPECT_EQ(FoldLogin(std::string("\xC3(B", 3)), std::string("\xC3(b", 3));
}

}  // namespace
}  // namespace okta_bulk
