// OAuthAuthenticator: OAuth 2.0 access tokens for an Okta service app (client credentials
// with a private_key_jwt assertion, contract §5), with DPoP (RFC 9449) when the org binds
// tokens to a key. The first request waits for a token; from 75% of a token's lifetime on,
// the next request starts a refresh in the background and every request keeps using the
// current token until the new one arrives (one refresh at a time). A 401 on an API call
// triggers one refresh (or, for a DPoP nonce challenge, a new nonce) and the request is sent
// again by HttpClient. The latest DPoP-Nonce header seen from the token endpoint, and from
// the API (any response to a DPoP request), goes into later proofs for that server
// (RFC 9449 §8, §9).
//
// Token requests go through `transport` (normally the HttpClient this authenticator serves,
// with HttpRequest::preauthorized), not through the dispatcher, so they never spend the
// rate governor's user buckets. The token endpoint's own limits are honoured here: a 429 waits
// for X-Rate-Limit-Reset (by the response's Date); 5xx and transport errors are retried with
// backoff; other refusals (invalid_client, invalid_scope, ...) set failure() and the run stops.
//
// Single-threaded: use on the executor's thread. `transport` must outlive this object, and
// this object must outlive every request and the io_context's run.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "net/authenticator.h"
#include "net/oauth.h"

namespace okta_bulk {

class OAuthAuthenticator final : public Authenticator {
 public:
  // `origin` is the org, "https://acme.okta.com" (OrgUrl::Origin()).
  OAuthAuthenticator(boost::asio::any_io_executor executor, HttpTransport& transport,
                     std::string origin, OAuthOptions options);
  ~OAuthAuthenticator() override;

  boost::asio::awaitable<boost::system::result<AuthHeaders>> Authorize(
      std::string_view method, std::string_view target) override;
  boost::asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders& used,
                                                             const HttpResponse& response,
                                                             bool may_refresh) override;
  void OnResponse(const AuthHeaders& used, const HttpResponse& response) override;
  const AuthFailure* failure() const override;
  std::string_view refusal_advice() const override;

  // Counters for tests and the summary.
  int tokens_fetched() const;
  int token_requests() const;  // including retries and nonce round trips
  bool using_dpop() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okta_bulk
