// Authenticator: the hook HttpClient calls before every request for its credential headers,
// and after a 401 to learn whether sending again may help. StaticAuthenticator is the API
// token (`Authorization: SSWS ...`); OAuthAuthenticator (net/oauth_authenticator.h) gets and
// refreshes OAuth 2.0 access tokens, with DPoP proofs when the org binds them.
// Header-light (no Beast). Single-threaded: called on the io_context thread of the client.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "net/http_transport.h"

namespace okta_bulk {

// What a 401 means for the request that got it.
enum class UnauthorizedVerdict : unsigned char {
  kGiveUp,     // return the 401 (the dispatcher aborts the run)
  kNewNonce,   // the server asked for a DPoP nonce the proof lacked, now known: send again (once)
  kRefreshed,  // a newer credential is available: send again
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The headers for one request (`target` is path plus query). May wait for an access token
  // (the first one, or a refresh after expiry). An error means no credential can be had:
  // failure() then says why.
  virtual boost::asio::awaitable<boost::system::result<AuthHeaders>> Authorize(
      std::string_view method, std::string_view target) = 0;
  // The request authorized with `used` was answered 401 `response`. `may_refresh` is false
  // when this request already got a refreshed credential once.
  virtual boost::asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders& used,
                                                                     const HttpResponse& response,
                                                                     bool may_refresh) = 0;
  // Every response to a request authorized with `used` (401s too, before OnUnauthorized): a
  // server may hand out a new DPoP nonce on any response (RFC 9449 §8, §9), for later proofs.
  virtual void OnResponse(const AuthHeaders& used, const HttpResponse& response) {
    (void)used;
    (void)response;
  }
  // Set once authentication has failed for good; nullptr until then. HttpClient then answers
  // every request with AuthFailedError() without sending it.
  virtual const AuthFailure* failure() const = 0;
  // What to check when the org answers 401 to a request that carried these credentials.
  virtual std::string_view refusal_advice() const { return "Check the token and the org URL"; }
};

// The Okta API token: the same `Authorization` value on every request, nothing to refresh.
class StaticAuthenticator final : public Authenticator {
 public:
  explicit StaticAuthenticator(std::string authorization) {
    headers_.authorization = std::move(authorization);
  }
  boost::asio::awaitable<boost::system::result<AuthHeaders>> Authorize(std::string_view,
                                                                       std::string_view) override {
    co_return headers_;
  }
  boost::asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders&, const HttpResponse&,
                                                             bool) override {
    co_return UnauthorizedVerdict::kGiveUp;
  }
  const AuthFailure* failure() const override { return nullptr; }

 private:
  AuthHeaders headers_;
};

}  // namespace okta_bulk
