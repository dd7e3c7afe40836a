#include "net/oauth.h"

#include "net/url_encoding.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

namespace okta_bulk {

std::vector<std::string> DefaultScopes(std::string_view command, bool with_groups) {
  if (command == "import") return {"okta.users.manage", "okta.groups.manage"};
  if (command == "sync") return {"okta.users.manage", "okta.groups.manage"};
  if (command == "update") {
    if (with_groups) return {"okta.users.manage", "okta.groups.manage"};
    return {"okta.users.manage"};
  }
  if (command == "assign" || command == "unassign") return {"okta.users.read", "okta.groups.manage"};
  if (command == "groups create") return {"okta.groups.manage"};
  if (command == "groups export") return {"okta.groups.read"};
  if (command == "export") {  // --groups also lists the groups and their members
    if (with_groups) return {"okta.users.read", "okta.groups.read"};
    return {"okta.users.read"};
  }
  return {"okta.users.manage"};  // deactivate, delete
}

std::string BuildClientAssertion(const OAuthOptions& o, std::string_view token_url, int64_t now_s,
                                 std::string_view jti) {
  std::string header = "{\"alg\":\"" + std::string(JwsAlgName(o.key->alg())) + "\"";
  if (!o.key_id.empty()) header += ",\"kid\":" + JsonQuote(o.key_id);
  header += ",\"typ\":\"JWT\"}";
  std::string claims = "{\"aud\":" + JsonQuote(token_url) + ",\"iss\":" + JsonQuote(o.client_id) +
                       ",\"sub\":" + JsonQuote(o.client_id) + ",\"iat\":" + std::to_string(now_s) +
                       ",\"exp\":" + std::to_string(now_s + 300) + ",\"jti\":" + JsonQuote(jti) +
                       "}";
  return SignJwt(header, claims, *o.key);
}

std::string BuildTokenRequestBody(const OAuthOptions& o, std::string_view assertion) {
  std::string scope;
  for (const auto& s : o.scopes) {
    if (!scope.empty()) scope.push_back(' ');
    scope += s;
  }
  return "grant_type=client_credentials&scope=" + PercentEncode(scope) +
         "&client_assertion_type=" +
         PercentEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
         "&client_assertion=" + PercentEncode(assertion);
}

bool TokenAnswer::IsDpop() const {
  return token_type.size() == 4 && std::equal(token_type.begin(), token_type.end(), "dpop",
                                              [](char a, char b) { return (a | 0x20) == b; });
}

namespace {

bool IsBearer(std::string_view t) {
  return t.size() == 6 && std::equal(t.begin(), t.end(), "bearer",
                                     [](char a, char b) { return (a | 0x20) == b; });
}

// The string member `name` of `object`, or "" when absent or not a string.
std::string StringMember(simdjson::ondemand::object& object, std::string_view name) {
  std::string_view v;
  if (object.find_field_unordered(name).get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

}  // namespace

TokenAnswer ParseTokenAnswer(int status, std::string_view body) {
  TokenAnswer a;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  const bool json = parser.iterate(padded).get(doc) == simdjson::SUCCESS &&
                    doc.get_object().get(object) == simdjson::SUCCESS;
  if (json) {
    a.error = StringMember(object, "error");
    a.error_description = StringMember(object, "error_description");
    if (status == 200 && a.error.empty()) {
      a.access_token = StringMember(object, "access_token");
      a.token_type = StringMember(object, "token_type");
      a.scope = StringMember(object, "scope");
      int64_t expires = 0;
      if (object.find_field_unordered("expires_in").get_int64().get(expires) == simdjson::SUCCESS)
        a.expires_in_s = expires;
    }
  }
  if (status == 200 && a.error.empty()) {
    if (!json || a.access_token.empty()) {
      a.error = "invalid_response";
      a.error_description = "the token endpoint answered 200 without an access_token";
    } else if (!a.IsDpop() && !IsBearer(a.token_type)) {
      a.error = "invalid_response";
      a.error_description = "unknown token_type '" + a.token_type + "' (expected Bearer or DPoP)";
    } else if (a.expires_in_s <= 0) {
      a.error = "invalid_response";
      a.error_description = "the token endpoint answered without a positive expires_in";
    }
    return a;
  }
  if (a.error.empty()) {
    a.error = status == 429 ? "rate_limited" : status >= 500 ? "server_error" : "invalid_response";
    a.error_description = "HTTP " + std::to_string(status) + " without an OAuth error body";
  }
  return a;
}

std::string ExplainTokenError(int status, const TokenAnswer& a, std::string_view token_url) {
  std::string out = "could not get an access token: POST " + std::string(token_url) +
                    " answered HTTP " + std::to_string(status) + " " + a.error;
  if (!a.error_description.empty()) out += " (" + a.error_description + ")";
  out += ". ";
  if (a.error == "invalid_client") {
    out += "Check --client-id, and that the public key of --private-key is registered with that "
           "service app (Admin Console: Applications > the app > General > Public keys) under "
           "the kid given with --key-id, with client authentication 'Public key / Private key'";
  } else if (a.error == "invalid_scope") {
    out += "Grant these scopes to the service app (Admin Console: Applications > the app > "
           "Okta API Scopes) or request others with --scopes";
  } else if (a.error == "unauthorized_client") {
    out += "The app must be an API Services app with the Client Credentials grant";
  } else if (a.error == "invalid_dpop_proof" || a.error == "use_dpop_nonce") {
    out += "The org refused okta-bulk's DPoP proof; check that this machine's clock is right "
           "(--dpop sends a proof from the first request)";
  } else if (a.error == "access_denied") {
    out += "A network zone or an access policy of the org blocks this client";
  } else if (status == 429 || status >= 500) {
    out += "The token endpoint did not give a token; try again later";
  } else {
    out += "Check --client-id, --key-id and the public key registered with the service app, "
           "the scopes granted to it (--scopes), and whether it requires DPoP (--dpop)";
  }
  return out;
}

DpopProofBuilder::DpopProofBuilder(std::shared_ptr<const JwsKey> key) : key_(std::move(key)) {
  encoded_header_ = Base64UrlEncode("{\"typ\":\"dpop+jwt\",\"alg\":\"" +
                                    std::string(JwsAlgName(key_->alg())) +
                                    "\",\"jwk\":" + key_->PublicJwk() + "}");
}

std::string DpopProofBuilder::Build(std::string_view htm, std::string_view htu, int64_t iat_s,
                                    std::string_view ath, std::string_view nonce) const {
  std::string claims = "{\"htm\":" + JsonQuote(htm) + ",\"htu\":" + JsonQuote(htu) +
                       ",\"iat\":" + std::to_string(iat_s) + ",\"jti\":\"" + RandomBase64Url(18) +
                       "\"";
  if (!ath.empty()) claims += ",\"ath\":" + JsonQuote(ath);
  if (!nonce.empty()) claims += ",\"nonce\":" + JsonQuote(nonce);
  claims.push_back('}');
  std::string out = encoded_header_;
  out.push_back('.');
  out += Base64UrlEncode(claims);
  std::string sig = key_->Sign(out);
  out.push_back('.');
  out += Base64UrlEncode(sig);
  return out;
}

std::string AccessTokenHash(std::string_view access_token) {
  return Base64UrlEncode(Sha256(access_token));
}

TokenSchedule ScheduleFor(std::chrono::seconds lifetime) {
  using std::chrono::milliseconds;
  auto ms = std::chrono::duration_cast<milliseconds>(lifetime);
  milliseconds margin = std::min<milliseconds>(milliseconds(5000), ms / 10);
  return {ms * 3 / 4, ms - margin};
}

std::string HtuFor(std::string_view origin, std::string_view target) {
  std::size_t end = target.find_first_of("?#");
  return std::string(origin) + std::string(target.substr(0, end));
}

}  // namespace okta_bulk
