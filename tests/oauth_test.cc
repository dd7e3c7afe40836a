// net/oauth and net/oauth_authenticator: the client assertion's claims, the token request,
// token endpoint answers, DPoP proofs, the refresh schedule; and the authenticator driven by
// a scripted token endpoint (a fake HttpTransport, no sockets).
#include "net/oauth.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <set>

#include "net/oauth_authenticator.h"
#include "net/url_encoding.h"
#include "tests/testing/test_keys.h"

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using testing::MakeEcKey;
using testing::MakeRsaKey;
using testing::OpenSslVerifiesJws;

const std::string kTokenUrl = "https://acme.okta.com/oauth2/v1/token";

OAuthOptions Options(const std::string& private_pem, DpopMode dpop = DpopMode::kAuto) {
  OAuthOptions o;
  o.client_id = "0oa1client";
  o.key_id = "kid-1";
  std::string error;
  auto key = JwsKey::FromPem(private_pem, false, &error);
  EXPECT_TRUE(key) << error;
  o.key = std::make_shared<const JwsKey>(std::move(*key));
  o.scopes = {"okta.users.manage", "okta.groups.manage"};
  o.dpop = dpop;
  return o;
}

struct Jwt {
  json::object header, claims;
  JwsParts parts;
};
Jwt Decode(std::string_view token) {
  Jwt j;
  std::string error;
  EXPECT_TRUE(SplitJws(token, &j.parts, &error)) << error;
  j.header = json::parse(j.parts.header_json).as_object();
  j.claims = json::parse(j.parts.payload_json).as_object();
  return j;
}

std::string S(const json::object& o, const char* name) {
  return o.contains(name) && o.at(name).is_string() ? std::string(o.at(name).as_string()) : "";
}

std::map<std::string, std::string> Form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view kv = body.substr(0, amp);
    std::size_t eq = kv.find('=');
    std::string value;
    std::string_view enc = kv.substr(eq + 1);
    for (std::size_t i = 0; i < enc.size(); ++i) {
      if (enc[i] == '%') {
        value.push_back(static_cast<char>(std::stoi(std::string(enc.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(enc[i]);
      }
    }
    out[std::string(kv.substr(0, eq))] = value;
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

TEST(OAuthTest, ClientAssertionCarriesOktasClaimsAndVerifiesForRs256AndEs256) {
  for (const auto& pair : {MakeRsaKey(), MakeEcKey()}) {
    OAuthOptions o = Options(pair.private_pem);
    std::string jwt = BuildClientAssertion(o, kTokenUrl, 1'700'000'000, "jti-1");
    Jwt j = Decode(jwt);
    const std::string alg = S(j.header, "alg");
    EXPECT_EQ(alg, o.key->alg() == JwsAlg::kRS256 ? "RS256" : "ES256");
    EXPECT_EQ(S(j.header, "kid"), "kid-1");
    EXPECT_EQ(S(j.claims, "aud"), kTokenUrl);
    EXPECT_EQ(S(j.claims, "iss"), "0oa1client");
    EXPECT_EQ(S(j.claims, "sub"), "0oa1client");
    EXPECT_EQ(S(j.claims, "jti"), "jti-1");
    EXPECT_EQ(j.claims.at("iat").as_int64(), 1'700'000'000);
    const int64_t exp = j.claims.at("exp").as_int64();
    EXPECT_GT(exp, 1'700'000'000);
    EXPECT_LE(exp, 1'700'000'000 + 3600);  // Okta: at most an hour ahead
    EXPECT_TRUE(OpenSslVerifiesJws(pair.public_pem, alg, j.parts.signing_input, j.parts.signature));
  }
}

TEST(OAuthTest, WithoutAKeyIdTheHeaderHasNoKid) {
  OAuthOptions o = Options(MakeEcKey().private_pem);
  o.key_id.clear();
  Jwt j = Decode(BuildClientAssertion(o, kTokenUrl, 1, "j"));
  EXPECT_FALSE(j.header.contains("kid"));
}

TEST(OAuthTest, TokenRequestBodyIsAFormWithTheGrantScopesAndAssertion) {
  OAuthOptions o = Options(MakeEcKey().private_pem);
  std::string body = BuildTokenRequestBody(o, "aa.bb.cc");
  EXPECT_EQ(body.find(' '), std::string::npos);
  auto f = Form(body);
  EXPECT_EQ(f["grant_type"], "client_credentials");
  EXPECT_EQ(f["scope"], "okta.users.manage okta.groups.manage");
  EXPECT_EQ(f["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(f["client_assertion"], "aa.bb.cc");
  EXPECT_EQ(PercentEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(OAuthTest, DefaultScopesAreWhatEachCommandNeeds) {
  using V = std::vector<std::string>;
  EXPECT_EQ(DefaultScopes("import", false), (V{"okta.users.manage", "okta.groups.manage"}));
  EXPECT_EQ(DefaultScopes("update", false), (V{"okta.users.manage"}));
  EXPECT_EQ(DefaultScopes("update", true), (V{"okta.users.manage", "okta.groups.manage"}));
  EXPECT_EQ(DefaultScopes("assign", false), (V{"okta.users.read", "okta.groups.manage"}));
  EXPECT_EQ(DefaultScopes("delete", false), (V{"okta.users.manage"}));
  EXPECT_EQ(DefaultScopes("export", false), (V{"okta.users.read"}));
  EXPECT_EQ(DefaultScopes("export", true), (V{"okta.users.read", "okta.groups.read"}));
  EXPECT_EQ(DefaultScopes("groups export", false), (V{"okta.groups.read"}));
}

TEST(OAuthTest, TokenAnswersAreReadAndMalformedOnesAreErrors) {
  TokenAnswer a = ParseTokenAnswer(
      200, R"({"token_type":"DPoP","expires_in":3600,"access_token":"abc","scope":"okta.users.read"})");
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(a.IsDpop());
  EXPECT_EQ(a.access_token, "abc");
  EXPECT_EQ(a.expires_in_s, 3600);
  EXPECT_EQ(a.scope, "okta.users.read");
  EXPECT_FALSE(ParseTokenAnswer(200, R"({"token_type":"Bearer","expires_in":3600,"access_token":"x"})").IsDpop());
  EXPECT_EQ(ParseTokenAnswer(200, R"({"token_type":"Bearer","expires_in":3600})").error, "invalid_response");
  EXPECT_EQ(ParseTokenAnswer(200, R"({"token_type":"MAC","expires_in":1,"access_token":"x"})").error,
            "invalid_response");
  EXPECT_EQ(ParseTokenAnswer(200, R"({"token_type":"Bearer","access_token":"x"})").error, "invalid_response");
  EXPECT_EQ(ParseTokenAnswer(200, "<html>").error, "invalid_response");
  TokenAnswer e = ParseTokenAnswer(400, R"({"error":"invalid_scope","error_description":"No scopes were requested."})");
  EXPECT_EQ(e.error, "invalid_scope");
  EXPECT_EQ(e.error_description, "No scopes were requested.");
  EXPECT_EQ(ParseTokenAnswer(503, "oops").error, "server_error");
  EXPECT_EQ(ParseTokenAnswer(429, R"({"errorCode":"E0000047"})").error, "rate_limited");
}

TEST(OAuthTest, TokenErrorExplanationsNameTheErrorAndWhatToCheck) {
  TokenAnswer a = ParseTokenAnswer(401, R"({"error":"invalid_client","error_description":"The client_assertion signature is invalid."})");
  std::string m = ExplainTokenError(401, a, kTokenUrl);
  EXPECT_NE(m.find("invalid_client"), std::string::npos) << m;
  EXPECT_NE(m.find("signature is invalid"), std::string::npos) << m;
  EXPECT_NE(m.find("--key-id"), std::string::npos) << m;
  EXPECT_NE(m.find(kTokenUrl), std::string::npos) << m;
  TokenAnswer s = ParseTokenAnswer(400, R"({"error":"invalid_scope","error_description":"x"})");
  EXPECT_NE(ExplainTokenError(400, s, kTokenUrl).find("--scopes"), std::string::npos);
}

TEST(OAuthTest, DpopProofHasTypAlgPublicJwkAndClaimsWithAthAndAFreshJti) {
  auto key = std::make_shared<const JwsKey>(JwsKey::GenerateEcP256());
  DpopProofBuilder builder(key);
  std::string p1 = builder.Build("GET", "https://acme.okta.com/api/v1/users/x", 1000,
                                 AccessTokenHash("tok"), "");
  std::string p2 = builder.Build("GET", "https://acme.okta.com/api/v1/users/x", 1000,
                                 AccessTokenHash("tok"), "n0nce");
  Jwt j = Decode(p1);
  EXPECT_EQ(S(j.header, "typ"), "dpop+jwt");
  EXPECT_EQ(S(j.header, "alg"), "ES256");
  const json::object& jwk = j.header.at("jwk").as_object();
  EXPECT_EQ(S(jwk, "kty"), "EC");
  EXPECT_FALSE(jwk.contains("d"));
  std::string error;
  auto pub = JwsKey::FromJwk("EC", S(jwk, "crv"), S(jwk, "x"), S(jwk, "y"), "", "", &error);
  ASSERT_TRUE(pub) << error;
  EXPECT_TRUE(pub->Verify(j.parts.signing_input, j.parts.signature));
  EXPECT_EQ(S(j.claims, "htm"), "GET");
  EXPECT_EQ(S(j.claims, "htu"), "https://acme.okta.com/api/v1/users/x");
  EXPECT_EQ(j.claims.at("iat").as_int64(), 1000);
  // ath = base64url(SHA-256("tok")), computed independently.
  EXPECT_EQ(S(j.claims, "ath"), "GnZ0607njffhrEOak8P6jjyUV4TU3sn9jjARc4svHWI");
  EXPECT_FALSE(j.claims.contains("nonce"));
  Jwt j2 = Decode(p2);
  EXPECT_EQ(S(j2.claims, "nonce"), "n0nce");
  EXPECT_NE(S(j.claims, "jti"), S(j2.claims, "jti"));
  EXPECT_FALSE(S(j.claims, "jti").empty());
  Jwt token_proof = Decode(builder.Build("POST", kTokenUrl, 1000, "", ""));
  EXPECT_FALSE(token_proof.claims.contains("ath"));
}

TEST(OAuthTest, TokensAreRefreshedAtThreeQuartersAndUsedUntilJustBeforeExpiry) {
  using std::chrono::milliseconds;
  TokenSchedule hour = ScheduleFor(std::chrono::seconds(3600));
  EXPECT_EQ(hour.refresh_after, milliseconds(2'700'000));
  EXPECT_EQ(hour.usable_for, milliseconds(3'595'000));
  TokenSchedule short_lived = ScheduleFor(std::chrono::seconds(4));
  EXPECT_EQ(short_lived.refresh_after, milliseconds(3000));
  EXPECT_EQ(short_lived.usable_for, milliseconds(3600));
  EXPECT_EQ(HtuFor("https://acme.okta.com", "/api/v1/users?activate=true"),
            "https://acme.okta.com/api/v1/users");
  EXPECT_EQ(HtuFor("http://127.0.0.1:8080", "/api/v1/users/a%40b.com"),
            "http://127.0.0.1:8080/api/v1/users/a%40b.com");
}

// ---- OAuthAuthenticator against a scripted token endpoint --------------------------------

// Answers token requests with `script` after `delay`, and records what was sent.
class FakeTokenEndpoint final : public HttpTransport {
 public:
  struct Seen {
    std::string target, body, content_type, dpop;
    bool had_authorization = false;
  };
  using Script = std::function<HttpResponse(const Seen&, int index)>;
  FakeTokenEndpoint(asio::any_io_executor ex, Script script, std::chrono::milliseconds delay = {})
      : executor_(ex), script_(std::move(script)), delay_(delay) {}

  asio::awaitable<boost::system::result<HttpResponse>> Send(const HttpRequest& r) override {
    Seen s{r.target, r.body, std::string(r.content_type), r.preauthorized ? r.preauthorized->dpop : "",
           r.preauthorized && !r.preauthorized->authorization.empty()};
    seen.push_back(s);
    int index = static_cast<int>(seen.size()) - 1;
    if (delay_.count() > 0) {
      asio::steady_timer t(executor_, delay_);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return script_(s, index);
  }
  std::vector<Seen> seen;

 private:
  asio::any_io_executor executor_;
  Script script_;
  std::chrono::milliseconds delay_;
};

HttpResponse Answer(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpResponse Token(const std::string& token, const std::string& type = "Bearer", int ttl = 3600) {
  return Answer(200, R"({"token_type":")" + type + R"(","expires_in":)" + std::to_string(ttl) +
                         R"(,"access_token":")" + token + R"(","scope":"okta.users.manage"})");
}

// Runs `body` on `io` with a deadline, so a hung co_await fails instead of hanging.
void RunCo(asio::io_context& io, std::function<asio::awaitable<void>()> body) {
  bool done = false;
  auto run = [&]() -> asio::awaitable<void> {
    co_await body();
    done = true;
  };
  asio::co_spawn(io, run(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(done) << "the coroutine did not finish";
}

TEST(OAuthAuthenticatorTest, ConcurrentFirstRequestsShareOneTokenRequestAndSendBearer) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int) { return Token("t1"); },
                             std::chrono::milliseconds(20));
  auto pair = MakeEcKey();
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(pair.private_pem));
  std::vector<AuthHeaders> got;
  auto one = [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("POST", "/api/v1/users?activate=true");
    EXPECT_TRUE(h);
    if (h) got.push_back(*h);
  };
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(io, one(), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run_for(std::chrono::seconds(10));
  ASSERT_EQ(got.size(), 5u);
  for (const auto& h : got) {
    EXPECT_EQ(h.authorization, "Bearer t1");
    EXPECT_TRUE(h.dpop.empty());
  }
  ASSERT_EQ(endpoint.seen.size(), 1u);
  const auto& s = endpoint.seen[0];
  EXPECT_EQ(s.target, "/oauth2/v1/token");
  EXPECT_EQ(s.content_type, "application/x-www-form-urlencoded");
  EXPECT_FALSE(s.had_authorization);
  Jwt assertion = Decode(Form(s.body)["client_assertion"]);
  EXPECT_EQ(S(assertion.claims, "aud"), "https://acme.okta.com/oauth2/v1/token");
  EXPECT_TRUE(OpenSslVerifiesJws(pair.public_pem, "ES256", assertion.parts.signing_input,
                                 assertion.parts.signature));
  EXPECT_EQ(auth.tokens_fetched(), 1);
  EXPECT_FALSE(auth.using_dpop());
}

TEST(OAuthAuthenticatorTest, SwitchesToDpopWhenAskedAndRetriesWithTheNonceAndAFreshAssertion) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const FakeTokenEndpoint::Seen& s, int) {
    if (s.dpop.empty())
      return Answer(400, R"({"error":"invalid_dpop_proof","error_description":"The DPoP proof JWT header is missing."})");
    Jwt proof = Decode(s.dpop);
    if (S(proof.claims, "nonce") != "N1")
      return Answer(400, R"({"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof."})",
                    {{"dpop-nonce", "N1"}});
    return Token("dpop-token", "DPoP");
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeRsaKey().private_pem));
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("GET", "/api/v1/users/jane%40example.com?x=1");
    EXPECT_TRUE(h);
    if (!h) co_return;
    EXPECT_EQ(h->authorization, "DPoP dpop-token");
    Jwt proof = Decode(h->dpop);
    EXPECT_EQ(S(proof.claims, "htm"), "GET");
    EXPECT_EQ(S(proof.claims, "htu"), "https://acme.okta.com/api/v1/users/jane%40example.com");
    EXPECT_EQ(S(proof.claims, "ath"), AccessTokenHash("dpop-token"));
    EXPECT_EQ(S(proof.header, "alg"), "ES256");  // the ephemeral key, not the RSA client key
    // Every API call gets a fresh proof.
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users/x");
    EXPECT_TRUE(h2);
    if (h2) {
      EXPECT_NE(S(Decode(h2->dpop).claims, "jti"), S(proof.claims, "jti"));
    }
  });
  ASSERT_EQ(endpoint.seen.size(), 3u);
  std::set<std::string> jtis;
  for (const auto& s : endpoint.seen) jtis.insert(S(Decode(Form(s.body)["client_assertion"]).claims, "jti"));
  EXPECT_EQ(jtis.size(), 3u);  // a single-use jti: a new assertion for every try
  Jwt token_proof = Decode(endpoint.seen[2].dpop);
  EXPECT_EQ(S(token_proof.claims, "htu"), "https://acme.okta.com/oauth2/v1/token");
  EXPECT_EQ(S(token_proof.claims, "htm"), "POST");
  EXPECT_TRUE(auth.using_dpop());
}

TEST(OAuthAuthenticatorTest, RefreshHappensInTheBackgroundWhileRequestsKeepTheCurrentToken) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int i) {
    return Token("t" + std::to_string(i + 1), "Bearer", 1);  // 1 s: refresh from 0.75 s
  }, std::chrono::milliseconds(100));
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeEcKey().private_pem));
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h1 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_EQ(h1->authorization, "Bearer t1");
    asio::steady_timer t(io, std::chrono::milliseconds(700));
    co_await t.async_wait(asio::use_awaitable);
    // Past 75%: this request starts the refresh but does not wait for it.
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_EQ(h2->authorization, "Bearer t1");
    EXPECT_EQ(auth.tokens_fetched(), 1);  // returned while the refresh is still in flight
    EXPECT_EQ(endpoint.seen.size(), 2u);  // one refresh in flight
    auto h3 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_EQ(h3->authorization, "Bearer t1");
    EXPECT_EQ(endpoint.seen.size(), 2u);  // single flight
    t.expires_after(std::chrono::milliseconds(150));
    co_await t.async_wait(asio::use_awaitable);
    auto h4 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_EQ(h4->authorization, "Bearer t2");
    EXPECT_NE(h4->generation, h1->generation);
  });
  EXPECT_EQ(auth.tokens_fetched(), 2);
}

TEST(OAuthAuthenticatorTest, AnUnauthorizedRequestGetsOneRefreshAndThenGivesUp) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int i) { return Token("t" + std::to_string(i + 1)); });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeEcKey().private_pem));
  HttpResponse expired = Answer(401, R"({"errorCode":"E0000011"})",
                                {{"www-authenticate", R"(Bearer error="invalid_token")"}});
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h1 = co_await auth.Authorize("GET", "/api/v1/users");
    auto v1 = co_await auth.OnUnauthorized(*h1, expired, true);
    EXPECT_EQ(v1, UnauthorizedVerdict::kRefreshed);
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_EQ(h2->authorization, "Bearer t2");
    // A second 401 for a request that was already refreshed once: give up.
    auto v2 = co_await auth.OnUnauthorized(*h2, expired, false);
    EXPECT_EQ(v2, UnauthorizedVerdict::kGiveUp);
    // A 401 for an old token when a newer one exists: no new token request.
    auto v3 = co_await auth.OnUnauthorized(*h1, expired, true);
    EXPECT_EQ(v3, UnauthorizedVerdict::kRefreshed);
  });
  EXPECT_EQ(endpoint.seen.size(), 2u);
}

TEST(OAuthAuthenticatorTest, ARefusedClientAssertionFailsWithAClearMessageAndNoRetry) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int) {
    return Answer(401, R"({"error":"invalid_client","error_description":"Invalid value for 'client_id' parameter."})");
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeEcKey().private_pem));
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_FALSE(h);
  });
  ASSERT_NE(auth.failure(), nullptr);
  EXPECT_EQ(auth.failure()->code, "invalid_client");
  EXPECT_NE(auth.failure()->message.find("client_id"), std::string::npos) << auth.failure()->message;
  EXPECT_EQ(endpoint.seen.size(), 1u);
}

TEST(OAuthAuthenticatorTest, ServerErrorsAndTransportErrorsAreRetriedThenATokenArrives) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int i) {
    if (i < 2) return Answer(503, R"({"errorCode":"E0000010"})");
    return Token("t-after-retries");
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeEcKey().private_pem));
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_TRUE(h);
    if (h) {
      EXPECT_EQ(h->authorization, "Bearer t-after-retries");
    }
  });
  EXPECT_EQ(endpoint.seen.size(), 3u);
  EXPECT_EQ(auth.failure(), nullptr);
}

TEST(OAuthAuthenticatorTest, ATokenEndpointThatKeepsFailingStopsAfterMaxAttempts) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int) { return Answer(500, "{}"); });
  OAuthOptions o = Options(MakeEcKey().private_pem);
  o.max_attempts = 2;
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", o);
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_FALSE(h);
  });
  EXPECT_EQ(endpoint.seen.size(), 2u);
  ASSERT_NE(auth.failure(), nullptr);
  EXPECT_NE(auth.failure()->message.find("HTTP 500"), std::string::npos) << auth.failure()->message;
}

TEST(OAuthAuthenticatorTest, ARateLimitedTokenRequestWaitsForTheResetOnTheServersClock) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int i) {
    if (i == 0)
      return Answer(429, R"({"errorCode":"E0000047"})",
                    {{"date", "Tue, 14 Nov 2023 22:13:20 GMT"}, {"x-rate-limit-limit", "600"},
                     {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "1700000000"}});
    return Token("t");
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com", Options(MakeEcKey().private_pem));
  auto start = std::chrono::steady_clock::now();
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_TRUE(h);
  });
  // reset == Date: wait 1 s (reset - Date + 1 s), not the default 5 s.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_EQ(endpoint.seen.size(), 2u);
}

TEST(OAuthAuthenticatorTest, TheLatestDpopNonceFromAnyTokenEndpointAnswerGoesIntoTheNextTokenProof) {
  asio::io_context io;
  // A 200 may carry the nonce for next time (RFC 9449 §8): the refresh's proof must use it.
  FakeTokenEndpoint endpoint(io.get_executor(), [](const FakeTokenEndpoint::Seen& s, int i) {
    if (i == 0) {
      HttpResponse r = Token("t1", "DPoP");
      r.headers.emplace_back("dpop-nonce", "AS-1");
      return r;
    }
    if (S(Decode(s.dpop).claims, "nonce") != "AS-1")
      return Answer(400, R"({"error":"use_dpop_nonce","error_description":"x"})", {{"dpop-nonce", "AS-2"}});
    return Token("t2", "DPoP");
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com",
                          Options(MakeEcKey().private_pem, DpopMode::kAlways));
  HttpResponse expired = Answer(401, R"({"errorCode":"E0000011"})", {{"www-authenticate", R"(DPoP error="invalid_token")"}});
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h1 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_TRUE(h1);
    if (!h1) co_return;
    auto v = co_await auth.OnUnauthorized(*h1, expired, true);
    EXPECT_EQ(v, UnauthorizedVerdict::kRefreshed);
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users");
    EXPECT_TRUE(h2);
    if (h2) {
      EXPECT_EQ(h2->authorization, "DPoP t2");
    }
  });
  ASSERT_EQ(endpoint.seen.size(), 2u) << "the refresh went out with the nonce of the first answer";
  EXPECT_EQ(S(Decode(endpoint.seen[0].dpop).claims, "nonce"), "");
  EXPECT_EQ(S(Decode(endpoint.seen[1].dpop).claims, "nonce"), "AS-1");
}

TEST(OAuthAuthenticatorTest, TheLatestDpopNonceFromTheApiGoesIntoLaterApiProofs) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int) {
    HttpResponse r = Token("t1", "DPoP");
    r.headers.emplace_back("dpop-nonce", "AS-1");  // the token endpoint's nonce is not the API's
    return r;
  });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com",
                          Options(MakeEcKey().private_pem, DpopMode::kAlways));
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h1 = co_await auth.Authorize("POST", "/api/v1/users?activate=true");
    EXPECT_TRUE(h1);
    if (!h1) co_return;
    EXPECT_EQ(S(Decode(h1->dpop).claims, "nonce"), "");
    EXPECT_EQ(h1->dpop_nonce, "");
    auth.OnResponse(*h1, Answer(200, "{}", {{"dpop-nonce", "RS-1"}}));
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users/x");
    EXPECT_EQ(S(Decode(h2->dpop).claims, "nonce"), "RS-1");
    EXPECT_EQ(h2->dpop_nonce, "RS-1");
    auth.OnResponse(*h2, Answer(404, "{}"));  // no header: the nonce stays
    auth.OnResponse(*h2, Answer(200, "{}", {{"dpop-nonce", "RS-2"}}));
    auto h3 = co_await auth.Authorize("GET", "/api/v1/users/y");
    EXPECT_EQ(S(Decode(h3->dpop).claims, "nonce"), "RS-2");
  });
}

TEST(OAuthAuthenticatorTest, AnApiNonceChallengeIsAnsweredWithTheNonceOnceAndNotForANonceAlreadySent) {
  asio::io_context io;
  FakeTokenEndpoint endpoint(io.get_executor(), [](const auto&, int) { return Token("t1", "DPoP"); });
  OAuthAuthenticator auth(io.get_executor(), endpoint, "https://acme.okta.com",
                          Options(MakeEcKey().private_pem, DpopMode::kAlways));
  HttpResponse challenge = Answer(
      401, "", {{"www-authenticate", R"(DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof")"},
                {"dpop-nonce", "RS-9"}});
  RunCo(io, [&]() -> asio::awaitable<void> {
    auto h1 = co_await auth.Authorize("GET", "/api/v1/users/x");
    EXPECT_TRUE(h1);
    if (!h1) co_return;
    auth.OnResponse(*h1, challenge);  // as HttpClient does, before OnUnauthorized
    auto v1 = co_await auth.OnUnauthorized(*h1, challenge, true);
    EXPECT_EQ(v1, UnauthorizedVerdict::kNewNonce);
    auto h2 = co_await auth.Authorize("GET", "/api/v1/users/x");
    EXPECT_EQ(S(Decode(h2->dpop).claims, "nonce"), "RS-9");
    // The proof carried that nonce and the server still says use_dpop_nonce: no loop.
    auth.OnResponse(*h2, challenge);
    auto v2 = co_await auth.OnUnauthorized(*h2, challenge, false);
    EXPECT_EQ(v2, UnauthorizedVerdict::kGiveUp);
  });
  EXPECT_EQ(endpoint.seen.size(), 1u);
}

}  // namespace
}  // namespace okta_bulk
