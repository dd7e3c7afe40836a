// Reading a request target in okta-mock: percent-decoding and the query string.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okta_bulk::mock {

// Percent-decoding; `plus_is_space` for query components (form encoding), not for paths.
std::string UrlDecode(std::string_view s, bool plus_is_space);

// The decoded name=value pairs of a query string, in order.
struct Query {
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* Get(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return &v;
    return nullptr;
  }
};

// Splits "a=1&b=2" and decodes each name and value.
Query ParseQuery(std::string_view q);

}  // namespace okta_bulk::mock
