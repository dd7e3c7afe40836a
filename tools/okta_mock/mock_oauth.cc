#include "tools/okta_mock/mock_oauth.h"

#include <boost/json.hpp>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "net/jose.h"
#include "net/oauth.h"

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

constexpr std::string_view kTokenPath = "/oauth2/v1/token";
constexpr int64_t kMaxAssertionLifetimeS = 3600;  // contract §5: exp at most 1 h ahead
constexpr int64_t kLeewayS = 60;                  // clock differences we forgive
constexpr int64_t kProofMaxAgeS = 300;            // how old a DPoP proof's iat may be

int64_t Epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::unordered_map<std::string, std::string> ParseForm(std::string_view body) {
  std::unordered_map<std::string, std::string> out;
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view kv = body.substr(0, amp);
    std::size_t eq = kv.find('=');
    if (!kv.empty())
      out.emplace(FormDecode(kv.substr(0, eq)),
                  eq == std::string_view::npos ? std::string() : FormDecode(kv.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

std::string Str(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

std::optional<int64_t> Int(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
  return std::nullopt;
}

std::optional<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

MockResponse JsonResponse(int status, std::string body) {
  MockResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-cache, no-store");
  r.headers.emplace_back("Pragma", "no-cache");
  r.body = std::move(body);
  return r;
}

MockResponse OAuthError(int status, std::string_view error, std::string_view description) {
  return JsonResponse(status, "{\"error\":" + JsonQuote(error) +
                                  ",\"error_description\":" + JsonQuote(description) + "}");
}

// Remembers single-use ids until they could no longer be accepted anyway.
class JtiCache {
 public:
  // False when `jti` was seen before; otherwise remembers it until `forget_at` (epoch s).
  bool Use(const std::string& jti, int64_t forget_at, int64_t now) {
    while (!order_.empty() && order_.front().first < now) {
      seen_.erase(order_.front().second);
      order_.pop_front();
    }
    if (!seen_.insert(jti).second) return false;
    order_.emplace_back(forget_at, jti);
    return true;
  }

 private:
  std::unordered_set<std::string> seen_;
  std::deque<std::pair<int64_t, std::string>> order_;  // roughly in forget_at order
};

struct IssuedToken {
  std::string client_id;
  TimePoint expires_at;
  std::string jkt;  // DPoP key thumbprint; "" for a Bearer token
  std::vector<std::string> scopes;
};

}  // namespace

struct MockOAuth::Impl {
  const MockOptions& opt;
  std::unordered_map<std::string, JwsKey> clients;  // client id -> registered public key
  std::unordered_map<std::string, IssuedToken> tokens;
  JtiCache assertion_jtis, proof_jtis;
  std::string nonce = RandomBase64Url(24);
  // The token endpoint's own rate-limit bucket (/oauth2/v1), --token-limit per --window.
  TimePoint window_start{};
  int64_t window_count = 0;
  MockOAuthStats stats;

  explicit Impl(const MockOptions& o) : opt(o) {
    for (const auto& [id, pem] : o.oauth_clients) {
      std::string error;
      auto key = JwsKey::FromPem(pem, /*allow_public=*/true, &error);
      if (!key) throw std::invalid_argument("--oauth-client " + id + ": " + error);
      clients.insert_or_assign(id, std::move(*key));
    }
  }

  // A client keeps one DPoP key per run: its key and thumbprint are built once, not per
  // request (building and checking an EC point costs more than the signature check).
  struct ProofKey {
    JwsKey key;
    std::string thumbprint;
  };
  std::unordered_map<std::string, ProofKey> proof_keys;  // by the jwk's members

  const ProofKey* KeyFor(const json::object& jwk, std::string* error) {
    std::string id = Str(jwk, "kty") + "|" + Str(jwk, "crv") + "|" + Str(jwk, "x") + "|" +
                     Str(jwk, "y") + "|" + Str(jwk, "n") + "|" + Str(jwk, "e");
    if (auto it = proof_keys.find(id); it != proof_keys.end()) return &it->second;
    auto key = JwsKey::FromJwk(Str(jwk, "kty"), Str(jwk, "crv"), Str(jwk, "x"), Str(jwk, "y"),
                               Str(jwk, "n"), Str(jwk, "e"), error);
    if (!key) return nullptr;
    if (proof_keys.size() >= 1024) proof_keys.clear();
    std::string thumbprint = key->Thumbprint();
    return &proof_keys.emplace(std::move(id), ProofKey{std::move(*key), std::move(thumbprint)}).first->second;
  }

  // Checks a DPoP proof (RFC 9449 §4.3). Returns "" when valid (and sets *jkt), else why not.
  std::string CheckProof(std::string_view proof, std::string_view htm, std::string_view htu,
                         std::string_view ath, int64_t now, std::string* jkt, std::string* nonce_out) {
    JwsParts parts;
    std::string error;
    if (!SplitJws(proof, &parts, &error)) return "The DPoP proof is malformed: " + error;
    auto header = ParseObject(parts.header_json);
    auto claims = ParseObject(parts.payload_json);
    if (!header || !claims) return "The DPoP proof is not JSON.";
    if (Str(*header, "typ") != "dpop+jwt") return "The DPoP proof typ must be dpop+jwt.";
    std::string alg = Str(*header, "alg");
    auto jwk_it = header->find("jwk");
    if (jwk_it == header->end() || !jwk_it->value().is_object())
      return "The DPoP proof header has no jwk.";
    const json::object& jwk = jwk_it->value().as_object();
    if (jwk.contains("d")) return "The DPoP proof jwk must not hold a private key.";
    const ProofKey* key = KeyFor(jwk, &error);
    if (!key) return "The DPoP proof jwk is invalid: " + error;
    if (alg != JwsAlgName(key->key.alg())) return "The DPoP proof alg does not fit its jwk.";
    if (!key->key.Verify(parts.signing_input, parts.signature))
      return "The DPoP proof signature is invalid.";
    if (Str(*claims, "htm") != htm) return "The DPoP proof htm does not match the request method.";
    if (Str(*claims, "htu") != htu) return "The DPoP proof htu does not match the request URL.";
    auto iat = Int(*claims, "iat");
    if (!iat || *iat > now + kLeewayS || *iat < now - kProofMaxAgeS)
      return "The DPoP proof iat is missing or not recent.";
    std::string jti = Str(*claims, "jti");
    if (jti.empty()) return "The DPoP proof has no jti.";
    if (Str(*claims, "ath") != ath) return ath.empty() ? "The DPoP proof must not have ath here."
                                                      : "The DPoP proof ath does not match the access token.";
    if (!proof_jtis.Use(jti, now + kProofMaxAgeS + kLeewayS, now))
      return "The DPoP proof jti has already been used.";
    *jkt = key->thumbprint;
    if (nonce_out) *nonce_out = Str(*claims, "nonce");
    return "";
  }

  MockResponse Token(const MockRequest& req, std::string_view origin, TimePoint now_tp) {
    ++stats.token_requests;
    MockResponse r = TokenInner(req, origin, now_tp);
    if (r.status != 200) ++stats.token_errors;
    return r;
  }

  MockResponse TokenInner(const MockRequest& req, std::string_view origin, TimePoint now_tp) {
    const int64_t now = Epoch(now_tp);
    const std::string token_url = std::string(origin) + std::string(kTokenPath);
    if (req.method != "POST") return OAuthError(405, "invalid_request", "The token endpoint takes POST.");
    if (opt.token_limit > 0) {
      const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.window_s));
      if (window_count == 0 || now_tp >= window_start + window) {
        window_start = now_tp;
        window_count = 0;
      }
      const int64_t reset = Epoch(window_start + window);
      MockResponse rl;
      if (++window_count > opt.token_limit) {
        rl = JsonResponse(429, "{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit due to too many requests.\",\"errorLink\":\"E0000047\",\"errorId\":\"oaeMockOAuth\",\"errorCauses\":[]}");
      }
      auto add = [&](MockResponse& m) {
        m.headers.emplace_back("x-rate-limit-limit", std::to_string(opt.token_limit));
        m.headers.emplace_back("x-rate-limit-remaining",
                               std::to_string(std::max<int64_t>(0, opt.token_limit - window_count)));
        m.headers.emplace_back("x-rate-limit-reset", std::to_string(reset));
      };
      if (rl.status == 429) {
        add(rl);
        return rl;
      }
      MockResponse inner = Validate(req, token_url, now, now_tp);
      add(inner);
      return inner;
    }
    return Validate(req, token_url, now, now_tp);
  }

  MockResponse Validate(const MockRequest& req, const std::string& token_url, int64_t now,
                        TimePoint now_tp) {
    auto form = ParseForm(req.body);
    if (form["grant_type"] != "client_credentials")
      return OAuthError(400, "unsupported_grant_type",
                        "The authorization grant type is not supported by the authorization server.");
    if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
        form["client_assertion"].empty())
      return OAuthError(401, "invalid_client",
                        "Client authentication failed: client_assertion and client_assertion_type are required.");
    std::vector<std::string> scopes;
    {
      std::string_view s = form["scope"];
      while (!s.empty()) {
        std::size_t sp = s.find(' ');
        if (sp != 0) scopes.emplace_back(s.substr(0, sp));
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp + 1);
      }
    }
    if (scopes.empty()) return OAuthError(400, "invalid_scope", "No scopes were requested.");
    for (const auto& s : scopes)
      if (!s.starts_with("okta."))
        return OAuthError(400, "invalid_scope",
                          "The following scopes are not allowed for this client: " + s);

    // The client assertion (RFC 7523 §3).
    JwsParts parts;
    std::string error;
    if (!SplitJws(form["client_assertion"], &parts, &error))
      return OAuthError(401, "invalid_client", "The client_assertion token is malformed: " + error);
    auto header = ParseObject(parts.header_json);
    auto claims = ParseObject(parts.payload_json);
    if (!header || !claims)
      return OAuthError(401, "invalid_client", "The client_assertion token is not JSON.");
    std::string iss = Str(*claims, "iss"), sub = Str(*claims, "sub");
    auto client = clients.find(iss);
    if (iss.empty() || iss != sub || client == clients.end())
      return OAuthError(401, "invalid_client", "Invalid value for 'client_id' parameter.");
    if (Str(*header, "alg") != JwsAlgName(client->second.alg()))
      return OAuthError(401, "invalid_client",
                        "The client_assertion token has an unsupported alg for the client's key.");
    if (!client->second.Verify(parts.signing_input, parts.signature))
      return OAuthError(401, "invalid_client", "The client_assertion signature is invalid.");
    if (Str(*claims, "aud") != token_url)
      return OAuthError(401, "invalid_client",
                        "The audience claim for client_assertion must be the endpoint invoked "
                        "for the request.");
    auto exp = Int(*claims, "exp");
    if (!exp) return OAuthError(401, "invalid_client", "The client_assertion token has no exp claim.");
    if (*exp <= now) return OAuthError(401, "invalid_client", "The client_assertion token is expired.");
    if (*exp > now + kMaxAssertionLifetimeS + kLeewayS)
      return OAuthError(401, "invalid_client",
                        "The client_assertion token has an expiration too far into the future.");
    if (auto iat = Int(*claims, "iat"); iat && *iat > now + kLeewayS)
      return OAuthError(401, "invalid_client", "The client_assertion token was issued in the future.");
    std::string jti = Str(*claims, "jti");
    if (!jti.empty() && !assertion_jtis.Use(iss + " " + jti, *exp + kLeewayS, now))
      return OAuthError(401, "invalid_client", "The client_assertion token has already been used.");

    // DPoP (RFC 9449 §5, §8; contract §5).
    std::string jkt;
    if (!req.dpop.empty()) {
      std::string proof_nonce;
      std::string why = CheckProof(req.dpop, "POST", token_url, "", now, &jkt, &proof_nonce);
      if (!why.empty()) return OAuthError(400, "invalid_dpop_proof", why);
      if (opt.require_dpop && proof_nonce != nonce) {
        MockResponse r = OAuthError(400, "use_dpop_nonce",
                                    "Authorization server requires nonce in DPoP proof.");
        r.headers.emplace_back("dpop-nonce", nonce);
        return r;
      }
    } else if (opt.require_dpop) {
      return OAuthError(400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
    }

    std::string access_token = RandomBase64Url(32);
    const auto ttl = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.token_ttl_s));
    std::string scope_text;
    for (const auto& s : scopes) scope_text += (scope_text.empty() ? "" : " ") + s;
    tokens[access_token] = IssuedToken{iss, now_tp + ttl, jkt, scopes};
    ++stats.tokens_issued;
    if (!jkt.empty()) ++stats.dpop_tokens_issued;
    // Forget tokens long expired, now and then.
    if (tokens.size() > 1024 && stats.tokens_issued % 256 == 0)
      std::erase_if(tokens, [&](const auto& kv) { return kv.second.expires_at < now_tp; });
    return JsonResponse(200, "{\"token_type\":\"" + std::string(jkt.empty() ? "Bearer" : "DPoP") +
                                 "\",\"expires_in\":" +
                                 std::to_string(static_cast<int64_t>(opt.token_ttl_s + 0.5)) +
                                 ",\"access_token\":\"" + access_token +
                                 "\",\"scope\":" + JsonQuote(scope_text) + "}");
  }

  // The scope an /api/v1 request needs (the Okta API reference's scopes for each operation).
  static bool HasScope(const IssuedToken& t, std::string_view method, std::string_view path) {
    const bool groups = path.starts_with("/api/v1/groups");
    const bool read = method == "GET";
    auto has = [&](std::string_view s) {
      return std::find(t.scopes.begin(), t.scopes.end(), s) != t.scopes.end();
    };
    if (groups) return has("okta.groups.manage") || (read && has("okta.groups.read"));
    return has("okta.users.manage") || (read && has("okta.users.read"));
  }

  MockResponse Unauthorized(std::string_view scheme, std::string_view error,
                            std::string_view description) {
    ++stats.api_rejected;
    MockResponse r = JsonResponse(
        401, "{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\","
             "\"errorLink\":\"E0000011\",\"errorId\":\"oaeMockOAuth\",\"errorCauses\":[]}");
    std::string challenge = std::string(scheme) + " authorization_uri=\"http://okta.mock/oauth2/v1/authorize\", realm=\"http://okta.mock\", scope=\"okta.users.manage\", error=\"" +
                            std::string(error) + "\", error_description=\"" + std::string(description) +
                            "\", resource=\"/api/v1\"";
    if (scheme == "DPoP") challenge += ", algs=\"RS256 ES256\"";
    r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
    return r;
  }

  std::optional<MockResponse> CheckAccess(const MockRequest& req, std::string_view path,
                                          std::string_view origin, TimePoint now_tp) {
    const bool dpop_scheme = req.authorization.starts_with("DPoP ");
    std::string_view scheme = dpop_scheme ? "DPoP" : "Bearer";
    std::string token(req.authorization.substr(dpop_scheme ? 5 : 7));
    auto it = tokens.find(token);
    if (it == tokens.end()) return Unauthorized(scheme, "invalid_token", "The access token is invalid.");
    const IssuedToken& t = it->second;
    if (t.expires_at <= now_tp) return Unauthorized(scheme, "invalid_token", "The access token is expired.");
    if (!t.jkt.empty() && !dpop_scheme)
      return Unauthorized("DPoP", "invalid_token", "The DPoP-bound access token was sent as a Bearer token.");
    if (t.jkt.empty() && dpop_scheme)
      return Unauthorized("Bearer", "invalid_token", "The access token is not DPoP-bound.");
    if (dpop_scheme) {
      if (req.dpop.empty()) return Unauthorized("DPoP", "invalid_dpop_proof", "The DPoP proof is missing.");
      std::string jkt;
      std::string why = CheckProof(req.dpop, req.method, std::string(origin) + std::string(path),
                                   AccessTokenHash(token), Epoch(now_tp), &jkt, nullptr);
      if (!why.empty()) return Unauthorized("DPoP", "invalid_dpop_proof", why);
      if (jkt != t.jkt)
        return Unauthorized("DPoP", "invalid_dpop_proof", "The DPoP proof key is not the token's key.");
    }
    if (!HasScope(t, req.method, path)) {
      ++stats.api_rejected;
      MockResponse r = JsonResponse(
          403, "{\"errorCode\":\"E0000006\",\"errorSummary\":\"You do not have permission to perform "
               "the requested action\",\"errorLink\":\"E0000006\",\"errorId\":\"oaeMockOAuth\","
               "\"errorCauses\":[]}");
      r.headers.emplace_back("WWW-Authenticate", std::string(scheme) + " error=\"insufficient_scope\"");
      return r;
    }
    return std::nullopt;
  }
};

MockOAuth::MockOAuth(const MockOptions& options) : impl_(std::make_unique<Impl>(options)) {}
MockOAuth::~MockOAuth() = default;

MockResponse MockOAuth::Token(const MockRequest& request, std::string_view origin, TimePoint now) {
  return impl_->Token(request, origin, now);
}

std::optional<MockResponse> MockOAuth::CheckAccess(const MockRequest& request, std::string_view path,
                                                   std::string_view origin, TimePoint now) {
  return impl_->CheckAccess(request, path, origin, now);
}

bool MockOAuth::IsOAuthScheme(std::string_view authorization) {
  return authorization.starts_with("Bearer ") || authorization.starts_with("DPoP ");
}

const MockOAuthStats& MockOAuth::stats() const { return impl_->stats; }

}  // namespace okta_bulk::mock
