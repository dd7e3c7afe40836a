#include "pipeline/okta/okta_json.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

TEST(OktaJsonTest, StringsAreEscapedAsJson) {
  std::string out;
  AppendJsonString(&out, "a\"b\\c\nd\re\tf\x01g Zoë");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g Zoë\"");
}

TEST(OktaJsonTest, LoginsArePercentEncodedInPaths) {
  EXPECT_EQ(UrlEncodePathSegment("a+b@x.com"), "a%2Bb%40x.com");
  EXPECT_EQ(UrlEncodePathSegment("a/b?c d"), "a%2Fb%3Fc%20d");
  EXPECT_EQ(UrlEncodePathSegment("plain-login_1.x~"), "plain-login_1.x~");
}

TEST(OktaJsonTest, ReadsTheUserIdStatusAndCreatedTime) {
  ResponseReader reader;
  std::string body =
      R"({"id":"00ub0oNGTSWTBKOLGLNR","status":"ACTIVE","created":"2013-07-02T21:36:25.344Z",)"
      R"("profile":{"login":"a@b.co","nested":{"status":"nope"}},"_links":{}})";
  UserSummary user;
  std::string error;
  ASSERT_TRUE(reader.ReadUser(body, &user, &error)) << error;
  EXPECT_EQ(user.id, "00ub0oNGTSWTBKOLGLNR");
  EXPECT_EQ(user.status, "ACTIVE");
  EXPECT_EQ(user.created, "2013-07-02T21:36:25.344Z");
  EXPECT_EQ(user.login, "a@b.co");
}

TEST(OktaJsonTest, AnAnswerIsForTheUserAskedForByIdOrByFoldedLogin) {
  UserSummary user;
  user.id = "00u1";
  user.login = "Isaac.Brock@Example.com";
  EXPECT_TRUE(IsAnswerFor(user, "00u1", ""));
  EXPECT_FALSE(IsAnswerFor(user, "00u2", "isaac.brock@example.com"));  // the id decides
  EXPECT_TRUE(IsAnswerFor(user, "", "isaac.brock@example.com"));
  EXPECT_TRUE(IsAnswerFor(user, "", "ISAAC.BRÖCK@example.com"));  // folded as Okta does
  EXPECT_TRUE(IsAnswerFor(user, "", "isaac.brock"));              // a login shortname
  EXPECT_FALSE(IsAnswerFor(user, "", "isaac"));
  EXPECT_FALSE(IsAnswerFor(user, "", "other@example.com"));
  EXPECT_FALSE(IsAnswerFor(user, "", "isaac.brock@example.co"));
  user.login.clear();  // an answer without a login is not judged by login
  EXPECT_TRUE(IsAnswerFor(user, "", "other@example.com"));
}

TEST(OktaJsonTest, ABodyThatIsNotAUserIsAClearErrorNotACrash) {
  ResponseReader reader;
  UserSummary user;
  std::string error;
  std::string html = "<html>502 Bad Gateway</html>";
  EXPECT_FALSE(reader.ReadUser(html, &user, &error));
  EXPECT_NE(error.find("not a JSON"), std::string::npos) << error;
  std::string array = "[1,2]";
  EXPECT_FALSE(reader.ReadUser(array, &user, &error));
  std::string no_id = R"({"status":"ACTIVE"})";
  EXPECT_FALSE(reader.ReadUser(no_id, &user, &error));
  EXPECT_NE(error.find("no user id"), std::string::npos) << error;
  std::string truncated = R"({"id":"00u1","sta)";
  EXPECT_FALSE(reader.ReadUser(truncated, &user, &error));
}

TEST(OktaJsonTest, OktaErrorsKeepCodeSummaryAndEveryCause) {
  ResponseReader reader;
  std::string body =
      R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorLink":"E0000001",)"
      R"("errorId":"oaeX","errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"},)"
      R"({"errorSummary":"email: bad"}]})";
  OktaError e = reader.ReadError(body);
  EXPECT_EQ(e.code, "E0000001");
  EXPECT_EQ(e.summary, "Api validation failed: login");
  EXPECT_EQ(e.causes,
            "login: An object with this field already exists in the current organization; email: bad");
  EXPECT_TRUE(e.LoginAlreadyExists());
  // The field the summary ends with is the first cause's: said once.
  EXPECT_EQ(e.Describe(),
            "Api validation failed: login: An object with this field already exists in the current "
            "organization; email: bad");
}

TEST(OktaJsonTest, DescribeNamesTheFieldOnceAndKeepsAnUnrelatedSummaryWhole) {
  ResponseReader reader;
  std::string body =
      R"({"errorCode":"E0000001","errorSummary":"Api validation failed: password","errorCauses":[{"errorSummary":"password: Password requirements were not met."}]})";
  EXPECT_EQ(reader.ReadError(body).Describe(),
            "Api validation failed: password: Password requirements were not met.");
  // "passwordHint" is not "password": both stay.
  body = R"({"errorCode":"E0000001","errorSummary":"Api validation failed: password","errorCauses":[{"errorSummary":"passwordHint: too long"}]})";
  EXPECT_EQ(reader.ReadError(body).Describe(), "Api validation failed: password: passwordHint: too long");
  body = R"({"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status.","errorCauses":[{"errorSummary":"status: DEPROVISIONED"}]})";
  EXPECT_EQ(reader.ReadError(body).Describe(),
            "This operation is not allowed in the user's current status. status: DEPROVISIONED");
}

TEST(OktaJsonTest, OtherValidationErrorsAreNotDuplicates) {
  ResponseReader reader;
  std::string body =
      R"({"errorCode":"E0000001","errorSummary":"Api validation failed: password","errorCauses":[{"errorSummary":"password: too short"}]})";
  EXPECT_FALSE(reader.ReadError(body).LoginAlreadyExists());
}

TEST(OktaJsonTest, NonJsonErrorBodiesAreQuotedNotLost) {
  ResponseReader reader;
  std::string body = "upstream connect error";
  OktaError e = reader.ReadError(body);
  EXPECT_EQ(e.code, "");
  EXPECT_NE(e.Describe().find("upstream connect error"), std::string::npos);
  std::string empty;
  EXPECT_EQ(reader.ReadError(empty).Describe(), "empty response body");
}

}  // namespace
}  // namespace okta_bulk
