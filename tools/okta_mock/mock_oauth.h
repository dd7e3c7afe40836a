// MockOAuth: okta-mock's org authorization server for service apps (contract §5): the
// client-credentials grant at POST /oauth2/v1/token with private_key_jwt client assertions,
// DPoP (RFC 9449) with the nonce round trip when --require-dpop is given, opaque access
// tokens that expire after --token-ttl, and the check of Bearer / DPoP credentials on
// /api/v1 requests. Errors at the token endpoint use the OAuth shape {"error",
// "error_description"}; on the API, 401 E0000011 with a WWW-Authenticate challenge.
// Sans-I/O like MockTenant (which owns it): time is passed in. Single-threaded.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tools/okta_mock/mock_options.h"
#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {

struct MockOAuthStats {
  int64_t token_requests = 0;
  int64_t tokens_issued = 0;
  int64_t dpop_tokens_issued = 0;
  int64_t token_errors = 0;   // token requests answered with an error (429s included)
  int64_t api_rejected = 0;   // /api/v1 requests refused for their Bearer/DPoP credentials
};

class MockOAuth {
 public:
  // Throws std::invalid_argument when a registered public key cannot be read.
  explicit MockOAuth(const MockOptions& options);
  ~MockOAuth();
  MockOAuth(const MockOAuth&) = delete;
  MockOAuth& operator=(const MockOAuth&) = delete;

  // POST /oauth2/v1/token. `origin` is how the client addressed us ("http://127.0.0.1:8080"):
  // the client assertion's aud and the DPoP proof's htu must be origin + "/oauth2/v1/token".
  // The response has no Date or request id (the tenant adds them).
  MockResponse Token(const MockRequest& request, std::string_view origin, TimePoint now);

  // For an /api/v1 request whose Authorization is "Bearer ..." or "DPoP ...": nullopt when
  // the token is valid (and, for DPoP, the proof), otherwise the refusal to send.
  std::optional<MockResponse> CheckAccess(const MockRequest& request, std::string_view path,
                                          std::string_view origin, TimePoint now);

  // True when `authorization` uses an OAuth scheme (Bearer or DPoP).
  static bool IsOAuthScheme(std::string_view authorization);

  const MockOAuthStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okta_bulk::mock
