// The seam between the pipeline and the network: one HTTP request in, one response out.
// Header-light on purpose (no Beast): the pipeline and its tests see only this.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/retry_policy.h"

namespace okta_bulk {

// The credential headers of one request, from an Authenticator (see net/authenticator.h).
struct AuthHeaders {
  std::string authorization;  // "SSWS ...", "Bearer ...", "DPoP ..."; "" = no header
  std::string dpop;           // a DPoP proof JWT (RFC 9449), "" = no header
  std::string dpop_nonce;     // the server nonce that proof carries, "" = none
  uint64_t generation = 0;    // which credential was used, for Authenticator::OnUnauthorized
};

// One request to the Okta API. `target` is the path plus query ("/api/v1/users?activate=true").
// Authorization, Accept, Content-Type, User-Agent and Host are added by the transport.
struct HttpRequest {
  std::string_view method;  // "GET", "POST", "PUT", "DELETE" (static strings)
  std::string target;
  std::string body;         // JSON, or empty
  std::string_view content_type;  // "" = application/json (static strings)
  // When set, these credentials are sent as they are and the transport's Authenticator is
  // not asked (the OAuth token request itself). Must outlive Send().
  const AuthHeaders* preauthorized = nullptr;
  // Sent as `If-Match: <if_match>` when not empty: a conditional update (an ETag from a GET
  // of the same resource; Okta answers a mismatch with 412). Sent as it is, never checked.
  std::string if_match;
};

// What the pipeline needs of a response: the status, the body, and the headers that carry
// rate-limit state, paging and correlation. Header names are stored lowercased.
struct HttpResponse {
  int status = 0;
  std::string body;
  // Every `date`, `x-rate-limit-*`, `link`, `x-okta-request-id`, `retry-after`,
  // `www-authenticate`, `dpop-nonce` and `etag` header line, in order.
  std::vector<std::pair<std::string, std::string>> headers;

  // First value of `lowercase_name`, or "" when absent.
  std::string_view Header(std::string_view lowercase_name) const;
};

// Why no request can be authenticated any more (the OAuth token endpoint refused the service
// app, or kept failing): the run must stop. Set by an Authenticator (net/authenticator.h).
struct AuthFailure {
  std::string code;         // the OAuth error: "invalid_client", "invalid_scope", "temporarily_unavailable", ...
  int http_status = 0;      // the token endpoint's status; 0 when it never answered
  std::string description;  // the server's error_description, "" when none
  std::string message;      // a sentence for the user (status, error, description, what to check);
                            // never holds a token, an assertion or a key
};

// The error HttpTransport::Send returns, without sending, once authentication has failed for
// good; HttpTransport::auth_failure() then says why. Its own category, so that callers tell it
// from I/O errors (the dispatcher stops the run with the failure's message, exit status 3).
const boost::system::error_category& AuthFailedCategory();
boost::system::error_code AuthFailedError();
inline bool IsAuthFailedError(const boost::system::error_code& ec) {
  return ec.category() == AuthFailedCategory();
}

// Sends requests to one Okta org. Implementations: HttpClient (Beast connection pool) and
// fakes in tests. All calls happen on the io_context thread that owns the transport.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request` and reads the whole response. I/O problems (refused, reset, closed before
  // the response, timeout, TLS failure, oversized body) come back as an error_code, never as
  // an exception; any HTTP status is a success at this level. AuthFailedError() when no
  // credential can be had (see AuthFailure).
  virtual boost::asio::awaitable<boost::system::result<HttpResponse>> Send(
      const HttpRequest& request) = 0;
  // Abandons every request in progress: each Send() now waiting on the network completes
  // soon with an error (operation_aborted); later Send()s are not affected. For Ctrl-C and
  // a stalled run (the dispatcher's watchdog).
  virtual void CancelAll() {}
  // Set once Send answers AuthFailedError(); nullptr until then (and for transports without
  // an Authenticator).
  virtual const AuthFailure* auth_failure() const { return nullptr; }
  // What to check when the org answers 401 to a request that carried the credentials.
  virtual std::string_view refusal_advice() const { return "Check the token and the org URL"; }
  // Where requests go, for messages: the org's origin ("https://acme.okta.com",
  // "http://127.0.0.1:8080"); "" when the transport has none (fakes).
  virtual std::string Describe() const { return ""; }
};

// The sentence for a run that cannot reach the org at `origin` (HttpTransport::Describe()):
// "cannot connect to http://127.0.0.1:1 (connection refused); check the org URL and the
// network", or for a name that does not resolve "cannot resolve acme.okta.com (host not
// found); ...". Pure: no lookup is made.
std::string ConnectFailureMessage(const boost::system::error_code& ec, std::string_view origin);

// Maps an error_code from HttpTransport::Send to the retry policy's kinds of failure.
TransportError ClassifyTransportError(const boost::system::error_code& ec);
// True when the TLS handshake failed because the server's certificate could not be verified
// (unknown CA, wrong host name, expired): every request would fail the same way.
bool IsCertificateError(const boost::system::error_code& ec);

}  // namespace okta_bulk
