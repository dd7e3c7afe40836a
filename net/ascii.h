// ASCII case folding for protocol tokens (header names, month names, type names): locale-free,
// bytes outside A-Z unchanged.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace okta_bulk {

inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with A-Z lowered: the key of a case-insensitive name (a column, a group name).
inline std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

}  // namespace okta_bulk
