// OAuth 2.0 for Okta service apps, the pure parts (contract §5; RFC 6749 §4.4 client
// credentials, RFC 7523 private_key_jwt client assertions, RFC 9449 DPoP): the client
// assertion and the token request body, reading token endpoint answers, DPoP proofs, when to
// refresh, and the user-facing explanation of each token endpoint error. No I/O, no clock of
// their own (times are passed in). OAuthAuthenticator (net/oauth_authenticator.h) drives them.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/jose.h"

namespace okta_bulk {

// How the client learns that the org wants DPoP-bound tokens.
enum class DpopMode : unsigned char {
  kAuto,    // plain Bearer first; switch to DPoP when the token endpoint asks for a proof
  kAlways,  // send a DPoP proof from the first token request (--dpop)
};

// A service app's credentials and what to ask for.
struct OAuthOptions {
  std::string client_id;
  std::string key_id;                       // the JWT header's kid; "" = none
  std::shared_ptr<const JwsKey> key;        // the private key registered with the app
  std::vector<std::string> scopes;          // e.g. okta.users.manage okta.groups.manage
  DpopMode dpop = DpopMode::kAuto;
  int max_attempts = 5;                     // tries on 5xx and transport errors
};

// The default scopes of an okta-bulk command: what its requests need and no more.
// import: okta.users.manage okta.groups.manage; update: okta.users.manage (and
// okta.groups.manage with `with_groups`); assign: okta.users.read okta.groups.manage;
// deactivate, delete: okta.users.manage; export: okta.users.read (and okta.groups.read
// with `with_groups`: --groups or a group column).
std::vector<std::string> DefaultScopes(std::string_view command, bool with_groups);

// The signed client assertion (RFC 7523 §3; contract §5): header {alg, kid, typ JWT}; claims
// aud = `token_url`, iss = sub = client_id, iat = `now_s`, exp = iat + 300 (at most an hour
// ahead, as Okta requires), jti = `jti`.
std::string BuildClientAssertion(const OAuthOptions& options, std::string_view token_url,
                                 int64_t now_s, std::string_view jti);

// application/x-www-form-urlencoded body of the client-credentials token request.
std::string BuildTokenRequestBody(const OAuthOptions& options, std::string_view assertion);

// What a token endpoint answered.
struct TokenAnswer {
  // 200 with a usable token:
  std::string access_token;
  std::string token_type;   // "Bearer" or "DPoP" (as the server spelt it)
  int64_t expires_in_s = 0;
  std::string scope;
  // otherwise (RFC 6749 §5.2): error and error_description, or a description of what was wrong.
  std::string error;
  std::string error_description;
  bool ok() const { return error.empty(); }
  bool IsDpop() const;  // token_type is DPoP (case-insensitive)
};
// Reads a token endpoint response. A 200 without access_token, with an unknown token_type or
// a non-positive expires_in is an error "invalid_response". Non-JSON error bodies are
// described by their status.
TokenAnswer ParseTokenAnswer(int status, std::string_view body);

// A sentence for the user about a token endpoint error that stops the run: what Okta said
// and what to check. Never contains secrets.
std::string ExplainTokenError(int status, const TokenAnswer& answer, std::string_view token_url);

// Builds DPoP proofs (RFC 9449 §4.2) with one key: header {typ dpop+jwt, alg, jwk}, claims
// htm, htu, iat, jti (fresh each time), and ath / nonce when given. The header is encoded
// once. Immutable; one thread at a time.
class DpopProofBuilder {
 public:
  explicit DpopProofBuilder(std::shared_ptr<const JwsKey> key);
  // `htu` is the request URL without query and fragment. `ath` is AccessTokenHash() of the
  // access token the proof goes with, "" for none (the token request); `nonce` "" = none.
  std::string Build(std::string_view htm, std::string_view htu, int64_t iat_s,
                    std::string_view ath, std::string_view nonce) const;
  const JwsKey& key() const { return *key_; }

 private:
  std::shared_ptr<const JwsKey> key_;
  std::string encoded_header_;
};

// base64url(SHA-256(access_token)): DPoP's ath claim.
std::string AccessTokenHash(std::string_view access_token);

// When to refresh a token that lives `lifetime`, and until when to use it. A new token is
// fetched in the background from 75% of its lifetime on, while requests keep using the old
// one; requests wait for the new one only once the old one is within min(5 s, 10%) of expiry.
struct TokenSchedule {
  std::chrono::steady_clock::duration refresh_after;
  std::chrono::steady_clock::duration usable_for;
};
TokenSchedule ScheduleFor(std::chrono::seconds lifetime);

// "https://org/api/v1/users?activate=true" -> "https://org/api/v1/users": `origin` plus the
// path of `target`, as DPoP's htu wants it.
std::string HtuFor(std::string_view origin, std::string_view target);

}  // namespace okta_bulk
