// What a binary was built from: its version, the git commit and the libraries, for
// `okta-bulk --version`, `okta-mock --version` and `gen-users --version`.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

// The commit the binary was built from (12 hex digits, "-dirty" when the checkout had
// changes), or "unknown" when it was built outside a git checkout.
std::string_view GitCommit();

// Several lines: "<program> <version>", then the commit, Boost, OpenSSL (the library loaded
// at run time, and the headers it was built with when they differ) and simdjson.
std::string VersionText(std::string_view program);

}  // namespace okta_bulk
