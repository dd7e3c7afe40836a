#include "net/http_transport.h"

#include <boost/asio/error.hpp>

namespace okta_bulk {

namespace {

class AuthFailedCategoryImpl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "okta_bulk.auth"; }
  std::string message(int) const override {
    return "no credential: authentication failed for good (see HttpTransport::auth_failure)";
  }
};

}  // namespace

const boost::system::error_category& AuthFailedCategory() {
  static const AuthFailedCategoryImpl category;
  return category;
}

boost::system::error_code AuthFailedError() { return {1, AuthFailedCategory()}; }

std::string ConnectFailureMessage(const boost::system::error_code& ec, std::string_view origin) {
  namespace error = boost::asio::error;
  std::string what;
  if (ec == error::connection_refused) what = "connection refused";
  else if (ec == error::host_not_found) what = "host not found";
  else if (ec == error::host_not_found_try_again) what = "temporary failure in name resolution";
  else if (ec == error::network_unreachable) what = "network unreachable";
  else if (ec == error::host_unreachable) what = "host unreachable";
  else if (ec == error::timed_out) what = "timed out";
  else what = ec.message();
  std::string target;
  if (origin.empty()) {
    target = "connect to the org";
  } else if (ec == error::host_not_found || ec == error::host_not_found_try_again) {
    // The host alone: "https://[::1]:8443" -> "::1".
    std::string_view host = origin.substr(origin.find("://") == std::string_view::npos
                                              ? 0 : origin.find("://") + 3);
    if (host.starts_with('[')) host = host.substr(1, host.find(']') - 1);
    else host = host.substr(0, host.find(':'));
    target = "resolve " + std::string(host);
  } else {
    target = "connect to " + std::string(origin);
  }
  return "cannot " + target + " (" + what + "); check the org URL and the network";
}

}  // namespace okta_bulk
