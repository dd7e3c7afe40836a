#include "net/oauth_authenticator.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <optional>
#include <random>

#include "net/rate_limit_headers.h"

namespace okta_bulk {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kTokenPath = "/oauth2/v1/token";
constexpr int kMaxNonceRounds = 3;
constexpr int kMaxRateLimited = 10;
constexpr auto kRetryRefreshAfter = std::chrono::seconds(10);

int64_t SystemNowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsTransientCode(std::string_view code) {
  return code == "temporarily_unavailable" || code == "rate_limited" || code == "server_error";
}

}  // namespace

struct OAuthAuthenticator::Impl {
  Impl(asio::any_io_executor ex, HttpTransport& t, std::string org, OAuthOptions o)
      : executor(std::move(ex)),
        transport(t),
        origin(std::move(org)),
        token_url(origin + std::string(kTokenPath)),
        options(std::move(o)),
        refreshed(executor, Clock::time_point::max()),
        rng(std::random_device{}()) {
    if (options.dpop == DpopMode::kAlways) EnableDpop();
  }

  asio::any_io_executor executor;
  HttpTransport& transport;
  std::string origin;
  std::string token_url;
  OAuthOptions options;

  std::optional<DpopProofBuilder> dpop;  // the run's ephemeral key, once DPoP is in use
  bool dpop_on = false;
  std::string token_nonce;     // the authorization server's latest DPoP-Nonce
  std::string resource_nonce;  // the API's latest DPoP-Nonce, if it ever sends one

  bool have_token = false;
  std::string access_token;
  std::string ath;  // AccessTokenHash(access_token) for DPoP tokens
  bool token_is_dpop = false;
  uint64_t generation = 0;
  Clock::time_point refresh_at{};
  Clock::time_point usable_until{};

  bool refreshing = false;
  // A condition variable: never expires; cancelled when a refresh ends to wake its waiters.
  asio::steady_timer refreshed;
  std::optional<AuthFailure> failure;
  int64_t clock_offset_s = 0;  // the token endpoint's clock minus ours, once learnt
  int tokens_fetched = 0;
  int token_requests = 0;
  std::mt19937_64 rng;

  int64_t NowS() const { return SystemNowS() + clock_offset_s; }

  void EnableDpop() {
    if (!dpop) dpop.emplace(std::make_shared<const JwsKey>(JwsKey::GenerateEcP256()));
    dpop_on = true;
  }

  AuthHeaders Headers(std::string_view method, std::string_view target) const {
    AuthHeaders h;
    h.generation = generation;
    if (token_is_dpop) {
      h.authorization = "DPoP " + access_token;
      h.dpop = dpop->Build(method, HtuFor(origin, target), NowS(), ath, resource_nonce);
      h.dpop_nonce = resource_nonce;
    } else {
      h.authorization = "Bearer " + access_token;
    }
    return h;
  }

  milliseconds Backoff(int failures) {
    milliseconds cap = std::min<milliseconds>(milliseconds(20000),
                                              milliseconds(300LL << std::min(failures - 1, 8)));
    double r = std::uniform_real_distribution<double>(0.3, 1.0)(rng);
    return milliseconds(static_cast<int64_t>(static_cast<double>(cap.count()) * r));
  }

  // How long a 429 from the token endpoint asks us to wait: until X-Rate-Limit-Reset on the
  // server's clock (its Date), plus a second; 5 s when the headers do not say.
  static milliseconds WaitForReset(const HttpResponse& r) {
    RateLimitSnapshot snap;
    for (const auto& [name, value] : r.headers) snap.AddHeader(name, value);
    if (!snap.reset_epoch_s || !snap.date_epoch_s) return milliseconds(5000);
    int64_t s = std::clamp<int64_t>(*snap.reset_epoch_s - *snap.date_epoch_s + 1, 1, 120);
    return milliseconds(s * 1000);
  }

  void Install(const TokenAnswer& a, Clock::time_point sent_at) {
    access_token = a.access_token;
    token_is_dpop = a.IsDpop();
    ath = token_is_dpop ? AccessTokenHash(access_token) : std::string();
    ++generation;
    ++tokens_fetched;
    TokenSchedule s = ScheduleFor(std::chrono::seconds(a.expires_in_s));
    refresh_at = sent_at + s.refresh_after;
    usable_until = sent_at + s.usable_for;
    have_token = true;
  }

  // The token endpoint's refusal, with its real status, error and description.
  AuthFailure Refused(int status, const TokenAnswer& a) const {
    return AuthFailure{a.error, status, a.error_description, ExplainTokenError(status, a, token_url)};
  }

  // Gets a token and installs it, or returns why not (after the retries the header describes).
  asio::awaitable<std::optional<AuthFailure>> FetchToken() {
    int transient = 0, rate_limited = 0, nonce_rounds = 0;
    bool dpop_switched = false, skew_fixed = false;
    asio::steady_timer timer(executor);
    for (;;) {
      const int64_t now_s = NowS();
      AuthHeaders proof;  // no Authorization: the client assertion authenticates
      if (dpop_on) proof.dpop = dpop->Build("POST", token_url, now_s, "", token_nonce);
      HttpRequest req;
      req.method = "POST";
      req.target = std::string(kTokenPath);
      req.content_type = "application/x-www-form-urlencoded";
      req.preauthorized = &proof;
      req.body = BuildTokenRequestBody(
          options, BuildClientAssertion(options, token_url, now_s, RandomBase64Url(18)));
      ++token_requests;
      const Clock::time_point sent_at = Clock::now();
      auto result = co_await transport.Send(req);

      milliseconds wait{0};
      if (!result) {
        if (++transient >= options.max_attempts)
          co_return AuthFailure{"temporarily_unavailable", 0, result.error().message(),
                                "could not get an access token: POST " + token_url + " failed " +
                                    std::to_string(transient) + " times (" +
                                    result.error().message() + "); check the org URL and the "
                                    "network"};
        wait = Backoff(transient);
      } else {
        const HttpResponse& r = *result;
        TokenAnswer a = ParseTokenAnswer(r.status, r.body);
        // RFC 9449 §8: any answer may carry the nonce to use from now on (a 200 included).
        std::string_view nonce = r.Header("dpop-nonce");
        if (!nonce.empty()) token_nonce = std::string(nonce);
        if (r.status == 200 && a.ok()) {
          if (a.IsDpop() && !dpop_on) {
            a.error = "invalid_response";
            a.error_description = "a DPoP token was issued for a request without a DPoP proof";
            co_return Refused(r.status, a);
          }
          Install(a, sent_at);
          co_return std::nullopt;
        }
        if (a.error == "use_dpop_nonce" && !nonce.empty() && nonce_rounds++ < kMaxNonceRounds) {
          EnableDpop();
          continue;
        }
        if (a.error == "invalid_dpop_proof" && !dpop_on && !dpop_switched) {
          // The app requires DPoP (contract §5): send a proof from now on.
          dpop_switched = true;
          EnableDpop();
          continue;
        }
        if (r.status == 429) {
          if (++rate_limited > kMaxRateLimited)
            co_return Refused(r.status, a);
          wait = WaitForReset(r);
        } else if (r.status >= 500) {
          if (++transient >= options.max_attempts)
            co_return Refused(r.status, a);
          wait = Backoff(transient);
        } else {
          if (a.error == "invalid_client" && !skew_fixed) {
            // An assertion judged expired or not yet valid by a server whose clock is far from
            // ours: sign the next one on the server's clock (its Date header).
            std::optional<int64_t> date = ParseHttpDate(r.Header("date"));
            if (date && std::abs(*date - SystemNowS() - clock_offset_s) > 60) {
              clock_offset_s = *date - SystemNowS();
              skew_fixed = true;
              continue;
            }
          }
          co_return Refused(r.status, a);
        }
      }
      timer.expires_after(wait);
      [[maybe_unused]] auto [ec] = co_await timer.async_wait(kNoThrow);
    }
  }

  asio::awaitable<void> Refresh() {
    std::optional<AuthFailure> failed = co_await FetchToken();
    if (failed) {
      if (have_token && Clock::now() < usable_until && IsTransientCode(failed->code)) {
        refresh_at = Clock::now() + kRetryRefreshAfter;  // keep the current token; try again
      } else {
        failure = std::move(*failed);
      }
    }
    refreshing = false;
    refreshed.cancel();
  }

  void StartRefresh() {
    refreshing = true;
    auto on_done = [this](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        failure = AuthFailure{"internal_error", 0, ex.what(),
                              std::string("could not get an access token: ") + ex.what()};
      }
      refreshing = false;
      refreshed.cancel();
    };
    asio::co_spawn(executor, Refresh(), on_done);
  }

  asio::awaitable<void> WaitForRefresh() {
    [[maybe_unused]] auto [ec] = co_await refreshed.async_wait(kNoThrow);
  }
};

OAuthAuthenticator::OAuthAuthenticator(asio::any_io_executor executor, HttpTransport& transport,
                                       std::string origin, OAuthOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), transport, std::move(origin),
                                   std::move(options))) {}

OAuthAuthenticator::~OAuthAuthenticator() = default;

asio::awaitable<boost::system::result<AuthHeaders>> OAuthAuthenticator::Authorize(
    std::string_view method, std::string_view target) {
  Impl& d = *impl_;
  for (;;) {
    if (d.failure) co_return boost::system::error_code(boost::system::errc::permission_denied,
                                                       boost::system::generic_category());
    const auto now = Clock::now();
    if (d.have_token && now < d.usable_until) {
      if (now >= d.refresh_at && !d.refreshing) d.StartRefresh();  // in the background
      co_return d.Headers(method, target);
    }
    if (!d.refreshing) d.StartRefresh();  // may finish at once: co_spawn dispatches
    if (d.refreshing) co_await d.WaitForRefresh();
  }
}

asio::awaitable<UnauthorizedVerdict> OAuthAuthenticator::OnUnauthorized(const AuthHeaders& used,
                                                                        const HttpResponse& response,
                                                                        bool may_refresh) {
  Impl& d = *impl_;
  std::string_view challenge = response.Header("www-authenticate");
  std::string_view nonce = response.Header("dpop-nonce");
  if (d.token_is_dpop && !used.dpop.empty() && !nonce.empty() &&
      challenge.find("use_dpop_nonce") != std::string_view::npos && nonce != used.dpop_nonce) {
    // RFC 9449 §9: the resource server wants a nonce this proof did not carry (OnResponse has
    // kept it already): send again with it.
    d.resource_nonce = std::string(nonce);
    co_return UnauthorizedVerdict::kNewNonce;
  }
  if (!may_refresh || d.failure) co_return UnauthorizedVerdict::kGiveUp;
  if (d.have_token && used.generation != d.generation) co_return UnauthorizedVerdict::kRefreshed;
  if (!d.refreshing) d.StartRefresh();
  while (d.refreshing) co_await d.WaitForRefresh();
  co_return !d.failure && d.generation != used.generation ? UnauthorizedVerdict::kRefreshed
                                                           : UnauthorizedVerdict::kGiveUp;
}

void OAuthAuthenticator::OnResponse(const AuthHeaders& used, const HttpResponse& response) {
  // Only requests with a proof: a nonce is for DPoP proofs to the server that sent it.
  if (used.dpop.empty()) return;
  std::string_view nonce = response.Header("dpop-nonce");
  if (!nonce.empty() && nonce != impl_->resource_nonce) impl_->resource_nonce = std::string(nonce);
}

std::string_view OAuthAuthenticator::refusal_advice() const {
  return "The org refused the service app's access token. Check that the app has an admin role "
         "and the scopes this command needs (--scopes), and the org URL";
}

const AuthFailure* OAuthAuthenticator::failure() const {
  return impl_->failure ? &*impl_->failure : nullptr;
}

int OAuthAuthenticator::tokens_fetched() const { return impl_->tokens_fetched; }
int OAuthAuthenticator::token_requests() const { return impl_->token_requests; }
bool OAuthAuthenticator::using_dpop() const { return impl_->token_is_dpop; }

}  // namespace okta_bulk
