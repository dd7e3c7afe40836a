// HttpClient: an HTTP/1.1 keep-alive connection pool to one Okta org over Boost.Beast,
// with TLS (OpenSSL) for https URLs. Beast stays inside http_client.cc.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "net/authenticator.h"
#include "net/http_transport.h"

namespace okta_bulk {

struct OrgUrl {
  bool tls = true;
  std::string host;
  std::string port;  // "443" / "80" when the URL has none
  // Parses "https://acme.okta.com" (a trailing '/' is allowed; a path is not). Returns false
  // with `error` set for anything else.
  static bool Parse(std::string_view url, OrgUrl* out, std::string* error);
  // True only for a literal loopback host: "localhost" (any case), an IPv4 literal in
  // 127.0.0.0/8 as inet_pton reads it (four decimal parts: "127.1" is not one), or ::1.
  // Plain http is allowed to such a host without --allow-insecure-http.
  bool IsLoopback() const;
  // "https://acme.okta.com" or "http://127.0.0.1:8080": scheme, host and a port that is not
  // the scheme's default (the form OAuth's token URL and DPoP's htu use).
  std::string Origin() const;
};

struct HttpClientOptions {
  OrgUrl org;
  std::string authorization;       // full header value, e.g. "SSWS 00abc..." (never logged)
  // When set, asked for the credential headers of every request instead of `authorization`
  // (OAuth). Not owned; must outlive the client. See also HttpClient::SetAuthenticator.
  Authenticator* authenticator = nullptr;
  std::string user_agent;          // "okta-bulk/<version>"
  std::string ca_file;             // extra PEM CA bundle to trust; empty = system CAs only
  bool verify_peer = true;
  // --allow-insecure-http: plain http to any host. Without it a plain-http org must be
  // loopback (OrgUrl::IsLoopback), and Send fails, sending nothing, when its name resolves to
  // an address that is not loopback ("localhost" in a tampered /etc/hosts).
  bool allow_insecure_http = false;
  std::chrono::milliseconds timeout{30000};  // bounds each phase: resolve+connect, TLS, write, read
  std::size_t max_body_bytes = 8u << 20;     // larger responses fail with message_size
  std::size_t max_idle_connections = 64;
};

// Owns the keep-alive connections. Every Send() takes an idle connection (or opens one),
// and gives it back only after a complete response that allows keep-alive; a connection
// that failed or timed out is closed, never reused. Single-threaded: use from the executor's
// thread only. Must outlive every Send() in progress.
class HttpClient final : public HttpTransport {
 public:
  // Throws std::runtime_error when the TLS context cannot be set up (bad --ca-file).
  HttpClient(boost::asio::any_io_executor executor, HttpClientOptions options);
  ~HttpClient() override;

  // Asks the Authenticator for the request's credential headers, sends it, and after a 401
  // sends it once more when the Authenticator got a new token (or DPoP nonce) for it; every
  // response is shown to the Authenticator (OnResponse: DPoP-Nonce headers). When
  // authentication has failed for good, answers AuthFailedError() without sending.
  boost::asio::awaitable<boost::system::result<HttpResponse>> Send(
      const HttpRequest& request) override;
  // The Authenticator's failure() and refusal_advice().
  const AuthFailure* auth_failure() const override;
  std::string_view refusal_advice() const override;
  // The org's origin (OrgUrl::Origin()).
  std::string Describe() const override;

  // Closes every connection a Send() is using now (see HttpTransport::CancelAll).
  void CancelAll() override;

  // Replaces the Authenticator (not owned; must outlive the client). For an authenticator
  // that sends its token requests through this client.
  void SetAuthenticator(Authenticator* authenticator);

  std::size_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okta_bulk
