#include "tools/build_info.h"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <simdjson.h>

#include <boost/version.hpp>

#include "okta_bulk_git_commit.h"  // generated into the build tree (cmake/git_commit.cmake)

namespace okta_bulk {

std::string_view GitCommit() { return OKTA_BULK_GIT_COMMIT; }

std::string VersionText(std::string_view program) {
  std::string s(program);
  s += " " OKTA_BULK_VERSION "\n";
  s += "commit:   " OKTA_BULK_GIT_COMMIT "\n";
  s += "Boost:    " + std::to_string(BOOST_VERSION / 100000) + "." +
       std::to_string(BOOST_VERSION / 100 % 1000) + "." + std::to_string(BOOST_VERSION % 100) +
       "\n";
  // The OpenSSL that is loaded (a security update replaces the shared library, not us).
  const std::string runtime = OpenSSL_version(OPENSSL_VERSION);
  s += "OpenSSL:  " + runtime;
  if (runtime != OPENSSL_VERSION_TEXT) s += " (built with " OPENSSL_VERSION_TEXT ")";
  s += "\n";
  s += "simdjson: " + std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." +
       std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
       std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (" +
       std::string(simdjson::get_active_implementation()->name()) + ")\n";
  return s;
}

}  // namespace okta_bulk
