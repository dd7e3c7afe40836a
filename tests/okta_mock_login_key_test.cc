#include "tools/okta_mock/mock_login_key.h"

#include <string>

#include <gtest/gtest.h>

#include "pipeline/rows/login_fold.h"

namespace okta_bulk::mock {
namespace {

std::string Utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

TEST(OktaMockLoginKeyTest, TheContractsExampleLoginsCollide) {
  // okta-api-contract.md §2: `Isaac.Brock@…`, `isaac.brock@…` and `isáàc.bröck@…` collide.
  EXPECT_EQ(LoginKey("Isaac.Brock@example.com"), "isaac.brock@example.com");
  EXPECT_EQ(LoginKey("isaac.brock@example.com"), "isaac.brock@example.com");
  EXPECT_EQ(LoginKey("isáàc.bröck@example.com"), "isaac.brock@example.com");
}

TEST(OktaMockLoginKeyTest, AsciiLosesItsCaseAndNothingElse) {
  EXPECT_EQ(LoginKey("Isaac.Brock+Tag@Example.COM"), "isaac.brock+tag@example.com");
  EXPECT_EQ(LoginKey("AZaz09!#$%&'*+-/=?^_`{|}~.@"), "azaz09!#$%&'*+-/=?^_`{|}~.@");
  EXPECT_EQ(LoginKey(""), "");
}

TEST(OktaMockLoginKeyTest, LatinOneLettersLoseCaseAndDiacritics) {
  EXPECT_EQ(LoginKey("áàäâãåçéèêëíìîïñóòöôõøúùüûýÿ"), "aaaaaaceeeeiiiinoooooouuuuyy");
  EXPECT_EQ(LoginKey("ÁÀÄÂÃÅÇÉÈÊËÍÌÎÏÑÓÒÖÔÕØÚÙÜÛÝ"), "aaaaaaceeeeiiiinoooooouuuuy");
}

TEST(OktaMockLoginKeyTest, LatinExtendedALettersLoseCaseAndDiacritics) {
  EXPECT_EQ(LoginKey("Łódź"), "lodz");
  EXPECT_EQ(LoginKey("ŠťěpÁn.Dvořák"), "stepan.dvorak");
  EXPECT_EQ(LoginKey("ĀăĄćĈċČďĐēĞġĦĩİĵĶĺĽŀńŇŌőŕŘśŞšţŤũŪůűŲŵŶŸźŻž"),
            "aaaccccddegghiijklllnnoorrsssttuuuuuwyyzzz");
  EXPECT_EQ(LoginKey("ŦŧĿ"), "ttl");
}

TEST(OktaMockLoginKeyTest, FullCaseFoldingExpandsSharpSAndFoldsLongS) {
  // Upper case of "ß" is "SS", so ignoring case makes "Straße" and "STRASSE" one login.
  EXPECT_EQ(LoginKey("Straße"), "strasse");
  EXPECT_EQ(LoginKey("STRASSE"), "strasse");
  EXPECT_EQ(LoginKey("ſam"), "sam");
  EXPECT_EQ(LoginKey("İsaac"), "isaac");  // "İ" folds to "i" + combining dot above
}

TEST(OktaMockLoginKeyTest, LigaturesAndLettersOfTheirOwnOnlyLoseTheirCase) {
  // Neither case nor diacritic: the contract does not say these collide with "ae", "th", ...
  EXPECT_EQ(LoginKey("Æsir"), "æsir");
  EXPECT_EQ(LoginKey("Œuvre"), "œuvre");
  EXPECT_EQ(LoginKey("Þór"), "þor");
  EXPECT_EQ(LoginKey("Ĳssel"), "ĳssel");
  EXPECT_EQ(LoginKey("ÐŊĸı"), "ðŋĸı");
}

TEST(OktaMockLoginKeyTest, SymbolsOtherScriptsAndMalformedBytesAreCopied) {
  EXPECT_EQ(LoginKey("a×b÷c"), "a×b÷c");
  EXPECT_EQ(LoginKey("Ωmega日本µ"), "Ωmega日本µ");
  EXPECT_EQ(LoginKey("Ǆ"), "Ǆ");  // U+01C4, past Latin Extended-A
  EXPECT_EQ(LoginKey(std::string("A\xC3", 2)), std::string("a\xC3", 2));
  EXPECT_EQ(LoginKey(std::string("\xC3(B", 3)), std::string("\xC3(b", 3));
  EXPECT_EQ(LoginKey(std::string("\xC5", 1)), std::string("\xC5", 1));
}

// The client folds logins for its duplicate scan (pipeline/rows/login_fold) on its own; the
// two must agree wherever the contract decides. They differ only on the letters the contract
// is silent on (neither case nor diacritic), where the client expands or strips further:
// a change on either side shows up here.
TEST(OktaMockLoginKeyTest, AgreesWithTheClientsFoldExceptWhereTheContractIsSilent) {
  const std::u32string kSilent = U"ÆÐÞæðþıĲĳĸŉŊŋŒœ";
  std::u32string differ;
  for (char32_t cp = 0; cp <= 0x17F; ++cp) {
    const std::string s = Utf8(cp);
    if (LoginKey(s) != FoldLogin(s)) differ.push_back(cp);
  }
  std::string listed;
  for (char32_t cp : differ) listed += Utf8(cp) + "→mock:" + LoginKey(Utf8(cp)) + "/client:" +
                                       FoldLogin(Utf8(cp)) + " ";
  EXPECT_EQ(differ, kSilent) << listed;
}

TEST(OktaMockLoginKeyTest, AgreesWithTheClientOnTheClientsOwnCases) {
  // tests/login_fold_test.cc, less the letters of the test above.
  for (const char* login :
       {"Isaac.Brock+Tag@Example.COM", "isáàc.bröck@example.com", "áàäâãåçéèêëíìîïñóòöôõøúùüûýÿ",
        "ÁÀÄÂÃÅÇÉÈÊËÍÌÎÏÑÓÒÖÔÕØÚÙÜÛÝ", "Łódź", "ŠťěpÁn.Dvořák", "Straße", "a×b÷c", "Ωmega日本",
        "Ǆ", "A\xC3", "\xC3(B"}) {
    EXPECT_EQ(LoginKey(login), FoldLogin(login)) << login;
  }
}

}  // namespace
}  // namespace okta_bulk::mock
