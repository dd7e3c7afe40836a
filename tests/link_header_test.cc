#include "net/link_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/http_transport.h"

namespace okta_bulk {
namespace {

std::vector<std::string> Targets(const std::vector<LinkValue>& links) {
  std::vector<std::string> out;
  for (const LinkValue& l : links) out.push_back(l.target);
  return out;
}

using Strings = std::vector<std::string>;

TEST(LinkHeaderTest, OneLinkPerFieldAsOktaSendsIt) {
  auto links = ParseLinkHeader("<https://acme.okta.com/api/v1/users?after=00u5&limit=200>; rel=\"next\"");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].target, "https://acme.okta.com/api/v1/users?after=00u5&limit=200");
  EXPECT_EQ(links[0].rels, Strings{"next"});
  EXPECT_TRUE(links[0].HasRel("next"));
}

TEST(LinkHeaderTest, MergedRelationsInOneFieldAreAllFound) {
  auto links = ParseLinkHeader(
      "<https://acme.okta.com/api/v1/users?limit=200>; rel=\"self\", "
      "<https://acme.okta.com/api/v1/users?after=00u5&limit=200>; rel=\"next\"");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_TRUE(links[0].HasRel("self"));
  EXPECT_TRUE(links[1].HasRel("next"));
  EXPECT_EQ(links[1].target, "https://acme.okta.com/api/v1/users?after=00u5&limit=200");
}

TEST(LinkHeaderTest, NextIsFoundAcrossSeveralFieldsAndInsideAMergedOne) {
  HttpResponse r;
  r.headers = {{"date", "Thu, 01 Jan 1970 00:00:00 GMT"},
               {"link", "<https://a/1>; rel=self"},
               {"link", "<https://a/0>; rel=prev, <https://a/2>; rel=next"}};
  EXPECT_EQ(FindLinkTarget(r, "next"), "https://a/2");
  EXPECT_EQ(FindLinkTarget(r, "self"), "https://a/1");
  EXPECT_EQ(FindLinkTarget(r, "last"), std::nullopt);
  r.headers = {{"link", "<https://a/1>; rel=self"}};
  EXPECT_EQ(FindLinkTarget(r, "next"), std::nullopt);  // the last page
}

TEST(LinkHeaderTest, ParametersMayComeInAnyOrderQuotedOrNot) {
  auto links = ParseLinkHeader(
      "<https://a/2>; title=\"Page; two, of many\"; rel=next; type=\"application/json\","
      "<https://a/1>;rel=\"self\";title=one");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_TRUE(links[0].HasRel("next"));
  EXPECT_EQ(links[0].Param("title"), "Page; two, of many");
  EXPECT_EQ(links[0].Param("type"), "application/json");
  EXPECT_TRUE(links[1].HasRel("self"));
  EXPECT_EQ(links[1].Param("title"), "one");
}

TEST(LinkHeaderTest, RelMayHoldSeveralTypesComparedWithoutCase) {
  auto links = ParseLinkHeader("<https://a/2>; REL=\"Self  NEXT\tstart\"");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].rels, (Strings{"self", "next", "start"}));
  EXPECT_TRUE(links[0].HasRel("next"));
}

TEST(LinkHeaderTest, OnlyTheFirstRelParameterCounts) {
  auto links = ParseLinkHeader("<https://a/2>; rel=self; rel=next");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_FALSE(links[0].HasRel("next"));
  EXPECT_TRUE(links[0].HasRel("self"));
}

TEST(LinkHeaderTest, CommasInsideQuotesAndInsideTheUriDoNotSplitLinks) {
  auto links = ParseLinkHeader(
      "<https://a/x?f=a,b;c>; title=\"a, <b>; rel=next\"; rel=\"self\" , <https://a/y>; rel=next");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].target, "https://a/x?f=a,b;c");
  EXPECT_EQ(links[0].rels, Strings{"self"});
  EXPECT_EQ(links[0].Param("title"), "a, <b>; rel=next");
  EXPECT_EQ(links[1].target, "https://a/y");
}

TEST(LinkHeaderTest, WhitespaceAroundSeparatorsAndEmptyElementsAreAllowed) {
  auto links = ParseLinkHeader(" ,\t<https://a/1> \t;\trel = \"self\" ;, ,<https://a/2>;rel= next ,");
  EXPECT_EQ(Targets(links), (Strings{"https://a/1", "https://a/2"}));
  ASSERT_EQ(links.size(), 2u);
  EXPECT_TRUE(links[0].HasRel("self"));
  EXPECT_TRUE(links[1].HasRel("next"));
}

TEST(LinkHeaderTest, QuotedPairsAreUndone) {
  auto links = ParseLinkHeader(R"(<https://a/1>; title="say \"hi\" \\ ok"; rel=next)");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].Param("title"), R"(say "hi" \ ok)");
  EXPECT_TRUE(links[0].HasRel("next"));
}

TEST(LinkHeaderTest, TheTargetIsKeptAsWrittenSpacesIncluded) {
  // The parser reports what the server sent; TargetOnOrigin decides whether it may be used.
  auto links = ParseLinkHeader("<https://a/x y\tz>; rel=next");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].target, "https://a/x y\tz");
}

TEST(LinkHeaderTest, MalformedLinksAreSkippedAndTheOthersKept) {
  EXPECT_EQ(Targets(ParseLinkHeader("garbage, <https://a/2>; rel=next")), Strings{"https://a/2"});
  EXPECT_EQ(Targets(ParseLinkHeader("<https://a/1> junk; rel=next, <https://a/2>; rel=next")),
            Strings{"https://a/2"});
  EXPECT_EQ(Targets(ParseLinkHeader("<https://a/1; rel=next, <https://a/2>; rel=next")),
            Strings{"https://a/2"});  // an unclosed '<'
  EXPECT_EQ(Targets(ParseLinkHeader("<https://a/1>; title=\"never closed, <https://a/2>; rel=next")),
            Strings{});  // an unterminated quote runs to the end of the field
  EXPECT_EQ(Targets(ParseLinkHeader("<https://a/1>; =x; rel=next")), Strings{"https://a/1"});
  auto no_rel = ParseLinkHeader("<https://a/1>");
  ASSERT_EQ(no_rel.size(), 1u);
  EXPECT_TRUE(no_rel[0].rels.empty());
}

TEST(LinkHeaderTest, GarbageNeverCrashesOrYieldsALink) {
  for (std::string_view bad : {"", ",", ";", "<", ">", "\"", "<>", "rel=next", ";rel=next",
                               "\"<https://a/1>; rel=next\"", "<<<<", ">>>,<<", "\\", "\0\0"}) {
    auto links = ParseLinkHeader(bad);
    for (const LinkValue& l : links) EXPECT_FALSE(l.HasRel("next")) << bad;
  }
  EXPECT_EQ(ParseLinkHeader("<>; rel=next").size(), 1u);  // empty target: TargetOnOrigin refuses it
}

TEST(LinkHeaderTest, AnchoredLinksAreNotAboutThisResponse) {
  HttpResponse r;
  r.headers = {{"link", "<https://a/9>; rel=next; anchor=\"https://a/other\", <https://a/2>; rel=next"}};
  EXPECT_EQ(FindLinkTarget(r, "next"), "https://a/2");
}

// ---- TargetOnOrigin ------------------------------------------------------------------------

const LinkOrigin kOrg{true, "acme.okta.com", "443"};
const LinkOrigin kMock{false, "127.0.0.1", "8080"};

std::optional<std::string> On(std::string_view url, const LinkOrigin& o, std::string* why = nullptr) {
  std::string ignored;
  return TargetOnOrigin(url, o, why ? why : &ignored);
}

TEST(LinkHeaderTargetTest, AnAbsoluteUrlOnTheOrgGivesItsPathAndQuery) {
  EXPECT_EQ(On("https://acme.okta.com/api/v1/users?after=00u5&limit=200", kOrg),
            "/api/v1/users?after=00u5&limit=200");
  EXPECT_EQ(On("HTTPS://ACME.okta.COM:443/api/v1/users", kOrg), "/api/v1/users");
  EXPECT_EQ(On("https://acme.okta.com:/x#frag", kOrg), "/x");
  EXPECT_EQ(On("https://acme.okta.com?after=1", kOrg), "/?after=1");
  EXPECT_EQ(On("https://acme.okta.com/a%2Fb?q=%41", kOrg), "/a%2Fb?q=%41");
  EXPECT_EQ(On("http://127.0.0.1:8080/api/v1/users?after=x", kMock), "/api/v1/users?after=x");
  EXPECT_EQ(On("http://[::1]:9/p", LinkOrigin{false, "::1", "9"}), "/p");
}

TEST(LinkHeaderTargetTest, AnotherHostPortOrSchemeIsRefused) {
  std::string why;
  EXPECT_EQ(On("https://evil.example.com/api/v1/users?after=x", kOrg, &why), std::nullopt);
  EXPECT_NE(why.find("another host"), std::string::npos) << why;
  EXPECT_EQ(On("https://acme.okta.com:8443/api/v1/users", kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com.evil.com/api/v1/users", kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com@evil.com/api/v1/users", kOrg), std::nullopt);
  EXPECT_EQ(On("https://x@acme.okta.com/api/v1/users", kOrg), std::nullopt);
  EXPECT_EQ(On("http://acme.okta.com/api/v1/users", kOrg, &why), std::nullopt);  // a downgrade
  EXPECT_NE(why.find("http://"), std::string::npos) << why;
  EXPECT_EQ(On("https://127.0.0.1:8080/x", kMock), std::nullopt);
  EXPECT_EQ(On("http://127.0.0.1:8081/x", kMock), std::nullopt);
  EXPECT_EQ(On("http://127.0.0.1/x", kMock), std::nullopt);  // port 80
  EXPECT_EQ(On("http://localhost:8080/x", kMock), std::nullopt);
}

TEST(LinkHeaderTargetTest, RelativeOrNonHttpLinksAreRefused) {
  std::string why;
  EXPECT_EQ(On("/api/v1/users?after=x", kOrg, &why), std::nullopt);
  EXPECT_NE(why.find("absolute"), std::string::npos) << why;
  EXPECT_EQ(On("//acme.okta.com/api/v1/users", kOrg), std::nullopt);
  EXPECT_EQ(On("ftp://acme.okta.com/x", kOrg), std::nullopt);
  EXPECT_EQ(On("https:/acme.okta.com/x", kOrg), std::nullopt);
  EXPECT_EQ(On("", kOrg), std::nullopt);
  EXPECT_EQ(On("https://", kOrg), std::nullopt);
}

TEST(LinkHeaderTargetTest, SpacesControlsAndNonAsciiAreRefused) {
  std::string why;
  EXPECT_EQ(On("https://acme.okta.com/api/v1/users?after=a b", kOrg, &why), std::nullopt);
  EXPECT_NE(why.find("space"), std::string::npos) << why;
  EXPECT_EQ(On("https://acme.okta.com/api/v1/users?after=a\tb", kOrg, &why), std::nullopt);
  EXPECT_NE(why.find("TAB"), std::string::npos) << why;
  EXPECT_EQ(On("https://acme.okta.com/x\r\nHost: evil", kOrg), std::nullopt);
  EXPECT_EQ(On(std::string_view("https://acme.okta.com/x\0y", 24), kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com/caf\xc3\xa9", kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com/x?a=\"b\"", kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com/x%2", kOrg), std::nullopt);
  EXPECT_EQ(On("https://acme.okta.com/x%zz", kOrg), std::nullopt);
}

TEST(LinkHeaderTargetTest, PrintableLinkEscapesWhatATerminalWouldInterpret) {
  EXPECT_EQ(PrintableLink("https://a/x y"), "https://a/x y");
  EXPECT_EQ(PrintableLink("a\tb\r\n\x1b[31m\\\xc3"), "a\\tb\\r\\n\\x1B[31m\\\\\\xC3");
}

}  // namespace
}  // namespace okta_bulk
