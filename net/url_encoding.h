// Percent-encoding (RFC 3986 section 2.1): every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex). One function for URL path segments, query
// values and application/x-www-form-urlencoded values (the OAuth token request), in the client
// and in okta-mock.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

std::string PercentEncode(std::string_view s);

}  // namespace okta_bulk
