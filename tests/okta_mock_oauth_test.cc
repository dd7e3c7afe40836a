// okta-mock's authorization server (MockOAuth), sans-I/O: client assertion checks, the DPoP
// nonce round trip, token expiry, and Bearer / DPoP checks on /api/v1. Keys are made at test
// time; the clock is passed in.
#include "tools/okta_mock/mock_oauth.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "net/oauth.h"
#include "net/url_encoding.h"
#include "tests/testing/test_keys.h"

namespace okta_bulk::mock {
namespace {

namespace json = boost::json;
using okta_bulk::testing::MakeEcKey;
using okta_bulk::testing::MakeRsaKey;
using okta_bulk::testing::TestKeyPair;

const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kTokenUrl = kOrigin + "/oauth2/v1/token";

int64_t Epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string Header(const MockResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

json::object Body(const MockResponse& r) { return json::parse(r.body).as_object(); }
std::string Error(const MockResponse& r) {
  auto b = Body(r);
  return b.contains("error") ? std::string(b.at("error").as_string()) : "";
}

class MockOAuthTest : public ::testing::Test {
 protected:
  MockOAuthTest() : ec_(MakeEcKey()), rsa_(MakeRsaKey()) {
    options_.oauth_clients = {{"0oaEC", ec_.public_pem}, {"0oaRSA", rsa_.public_pem}};
    options_.token_ttl_s = 60;
  }

  static std::shared_ptr<const JwsKey> Key(const std::string& pem) {
    std::string error;
    auto k = JwsKey::FromPem(pem, false, &error);
    EXPECT_TRUE(k) << error;
    return std::make_shared<const JwsKey>(std::move(*k));
  }

  // A client assertion with the given claims, signed by `pem`.
  static std::string Assertion(const std::string& pem, const std::string& client, const std::string& aud,
                               int64_t iat, int64_t exp, const std::string& jti) {
    auto key = Key(pem);
    std::string header = R"({"alg":")" + std::string(JwsAlgName(key->alg())) + R"(","kid":"k1"})";
    std::string claims = R"({"aud":")" + aud + R"(","iss":")" + client + R"(","sub":")" + client +
                         R"(","iat":)" + std::to_string(iat) + R"(,"exp":)" + std::to_string(exp) +
                         R"(,"jti":")" + jti + R"("})";
    return SignJwt(header, claims, *key);
  }

  static std::string FormBody(const std::string& assertion, const std::string& scope = "okta.users.manage") {
    return "grant_type=client_credentials&scope=" + PercentEncode(scope) +
           "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
           "&client_assertion=" + PercentEncode(assertion);
  }

  MockResponse Post(MockOAuth& oauth, const std::string& body, const std::string& dpop = "") {
    body_ = body;
    dpop_ = dpop;
    MockRequest req{"POST", "/oauth2/v1/token", "", body_, "127.0.0.1:8080", dpop_};
    return oauth.Token(req, kOrigin, now_);
  }

  std::optional<MockResponse> Api(MockOAuth& oauth, const std::string& method, const std::string& path,
                                  const std::string& authorization, const std::string& dpop = "") {
    auth_ = authorization;
    dpop_ = dpop;
    method_ = method;
    path_ = path;
    MockRequest req{method_, path_, auth_, "", "127.0.0.1:8080", dpop_};
    return oauth.CheckAccess(req, path_, kOrigin, now_);
  }

  MockResponse GoodToken(MockOAuth& oauth, const std::string& scope = "okta.users.manage") {
    return Post(oauth, FormBody(Assertion(ec_.private_pem, "0oaEC", kTokenUrl, Epoch(now_),
                                      Epoch(now_) + 300, RandomBase64Url(12)), scope));
  }

  TestKeyPair ec_, rsa_;
  MockOptions options_;
  TimePoint now_ = Clock::now();
  std::string body_, dpop_, auth_, method_, path_;
};

TEST_F(MockOAuthTest, AValidAssertionGetsABearerTokenThatOpensTheApiUntilItExpires) {
  MockOAuth oauth(options_);
  for (const auto& [pem, client] : {std::pair{ec_.private_pem, "0oaEC"}, {rsa_.private_pem, "0oaRSA"}}) {
    MockResponse r = Post(oauth, FormBody(Assertion(pem, client, kTokenUrl, Epoch(now_), Epoch(now_) + 300, client)));
    ASSERT_EQ(r.status, 200) << r.body;
    json::object b = Body(r);
    EXPECT_EQ(b.at("token_type").as_string(), "Bearer");
    EXPECT_EQ(b.at("expires_in").as_int64(), 60);
    EXPECT_EQ(b.at("scope").as_string(), "okta.users.manage");
    std::string token(b.at("access_token").as_string());
    EXPECT_FALSE(Api(oauth, "POST", "/api/v1/users", "Bearer " + token).has_value());
  }
  std::string token(Body(GoodToken(oauth)).at("access_token").as_string());
  now_ += std::chrono::seconds(61);
  auto expired = Api(oauth, "GET", "/api/v1/users/x", "Bearer " + token);
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->status, 401);
  EXPECT_NE(Header(*expired, "WWW-Authenticate").find("Bearer"), std::string::npos);
  EXPECT_NE(Header(*expired, "WWW-Authenticate").find(R"(error="invalid_token")"), std::string::npos);
  EXPECT_EQ(Body(*expired).at("errorCode").as_string(), "E0000011");
  auto unknown = Api(oauth, "GET", "/api/v1/users/x", "Bearer not-a-token");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 401);
}

TEST_F(MockOAuthTest, BadAssertionsAreRefusedAsInvalidClient) {
  MockOAuth oauth(options_);
  const int64_t now = Epoch(now_);
  struct Case {
    const char* what;
    std::string assertion;
  } cases[] = {
      {"signed with another key", Assertion(MakeEcKey().private_pem, "0oaEC", kTokenUrl, now, now + 300, "a")},
      {"wrong aud", Assertion(ec_.private_pem, "0oaEC", "https://other.okta.com/oauth2/v1/token", now, now + 300, "b")},
      {"expired", Assertion(ec_.private_pem, "0oaEC", kTokenUrl, now - 600, now - 1, "c")},
      {"exp more than an hour ahead", Assertion(ec_.private_pem, "0oaEC", kTokenUrl, now, now + 7200, "d")},
      {"unknown client", Assertion(ec_.private_pem, "0oaNOBODY", kTokenUrl, now, now + 300, "e")},
      {"RSA key for an EC client", Assertion(rsa_.private_pem, "0oaEC", kTokenUrl, now, now + 300, "f")},
      {"not a JWT", "abc"},
  };
  for (const auto& c : cases) {
    MockResponse r = Post(oauth, FormBody(c.assertion));
    EXPECT_EQ(r.status, 401) << c.what << ": " << r.body;
    EXPECT_EQ(Error(r), "invalid_client") << c.what;
    EXPECT_TRUE(Body(r).contains("error_description")) << c.what;
  }
  EXPECT_EQ(oauth.stats().tokens_issued, 0);
}

TEST_F(MockOAuthTest, AJtiCanBeUsedOnlyOnce) {
  MockOAuth oauth(options_);
  std::string a = Assertion(ec_.private_pem, "0oaEC", kTokenUrl, Epoch(now_), Epoch(now_) + 300, "once");
  EXPECT_EQ(Post(oauth, FormBody(a)).status, 200);
  MockResponse again = Post(oauth, FormBody(a));
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(Body(again).at("error_description").as_string().find("already been used"), std::string::npos);
}

TEST_F(MockOAuthTest, MissingOrForeignScopesAreInvalidScope) {
  MockOAuth oauth(options_);
  EXPECT_EQ(Error(GoodToken(oauth, "")), "invalid_scope");
  EXPECT_EQ(Error(GoodToken(oauth, "openid")), "invalid_scope");
}

TEST_F(MockOAuthTest, AReadOnlyTokenMayReadButNotCreate) {
  MockOAuth oauth(options_);
  std::string token(Body(GoodToken(oauth, "okta.users.read")).at("access_token").as_string());
  EXPECT_FALSE(Api(oauth, "GET", "/api/v1/users", "Bearer " + token).has_value());
  auto denied = Api(oauth, "POST", "/api/v1/users", "Bearer " + token);
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->status, 403);
  EXPECT_NE(Header(*denied, "WWW-Authenticate").find("insufficient_scope"), std::string::npos);
}

TEST_F(MockOAuthTest, RequiredDpopTakesAProofThenANonceThenIssuesADpopBoundToken) {
  options_.require_dpop = true;
  MockOAuth oauth(options_);
  auto key = std::make_shared<const JwsKey>(JwsKey::GenerateEcP256());
  DpopProofBuilder proofs(key);
  const int64_t now = Epoch(now_);
  auto assertion = [&] {
    return FormBody(Assertion(ec_.private_pem, "0oaEC", kTokenUrl, now, now + 300, RandomBase64Url(9)));
  };
  MockResponse no_proof = Post(oauth, assertion());
  EXPECT_EQ(no_proof.status, 400);
  EXPECT_EQ(Error(no_proof), "invalid_dpop_proof");
  MockResponse no_nonce = Post(oauth, assertion(), proofs.Build("POST", kTokenUrl, now, "", ""));
  EXPECT_EQ(no_nonce.status, 400);
  EXPECT_EQ(Error(no_nonce), "use_dpop_nonce");
  std::string nonce = Header(no_nonce, "dpop-nonce");
  ASSERT_FALSE(nonce.empty());
  MockResponse wrong_htu = Post(oauth, assertion(), proofs.Build("POST", kOrigin + "/oauth2/v1/tokens", now, "", nonce));
  EXPECT_EQ(Error(wrong_htu), "invalid_dpop_proof");
  MockResponse ok = Post(oauth, assertion(), proofs.Build("POST", kTokenUrl, now, "", nonce));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok).at("token_type").as_string(), "DPoP");
  std::string token(Body(ok).at("access_token").as_string());
  const std::string ath = AccessTokenHash(token);
  const std::string users = kOrigin + "/api/v1/users";

  EXPECT_FALSE(Api(oauth, "POST", "/api/v1/users", "DPoP " + token, proofs.Build("POST", users, now, ath, "")).has_value());
  auto refused = [&](const std::string& auth, const std::string& proof, const char* why) {
    auto r = Api(oauth, "POST", "/api/v1/users", auth, proof);
    ASSERT_TRUE(r.has_value()) << why;
    EXPECT_EQ(r->status, 401) << why;
    EXPECT_NE(Header(*r, "WWW-Authenticate").find("DPoP"), std::string::npos) << why;
  };
  refused("Bearer " + token, "", "a DPoP-bound token sent as Bearer");
  refused("DPoP " + token, "", "no proof");
  refused("DPoP " + token, proofs.Build("GET", users, now, ath, ""), "htm differs");
  refused("DPoP " + token, proofs.Build("POST", users + "/x", now, ath, ""), "htu differs");
  refused("DPoP " + token, proofs.Build("POST", users, now, AccessTokenHash("other"), ""), "ath differs");
  refused("DPoP " + token, proofs.Build("POST", users, now - 3600, ath, ""), "iat too old");
  DpopProofBuilder other(std::make_shared<const JwsKey>(JwsKey::GenerateEcP256()));
  refused("DPoP " + token, other.Build("POST", users, now, ath, ""), "another key");
  std::string proof = proofs.Build("POST", users, now, ath, "");
  EXPECT_FALSE(Api(oauth, "POST", "/api/v1/users", "DPoP " + token, proof).has_value());
  refused("DPoP " + token, proof, "proof replayed (same jti)");
  EXPECT_EQ(oauth.stats().dpop_tokens_issued, 1);
}

TEST_F(MockOAuthTest, TheTokenEndpointHasItsOwnRateLimit) {
  options_.token_limit = 2;
  options_.window_s = 60;
  MockOAuth oauth(options_);
  EXPECT_EQ(GoodToken(oauth).status, 200);
  MockResponse second = GoodToken(oauth);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(Header(second, "x-rate-limit-remaining"), "0");
  MockResponse third = GoodToken(oauth);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(Header(third, "x-rate-limit-limit"), "2");
  EXPECT_FALSE(Header(third, "x-rate-limit-reset").empty());
}

}  // namespace
}  // namespace okta_bulk::mock
