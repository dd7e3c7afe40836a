#include "net/http_transport.h"

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

}  // namespace okta_bulk
