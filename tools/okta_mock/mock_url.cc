#include "tools/okta_mock/mock_url.h"

namespace okta_bulk::mock {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// Percent-decoding; `plus_is_space` for query components (form encoding), not for paths.
std::string UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

Query ParseQuery(std::string_view q) {
  Query out;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view kv = q.substr(0, amp);
    if (!kv.empty()) {
      std::size_t eq = kv.find('=');
      out.params.emplace_back(UrlDecode(kv.substr(0, eq), true),
                              eq == std::string_view::npos ? std::string()
                                                           : UrlDecode(kv.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace okta_bulk::mock
