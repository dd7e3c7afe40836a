#include "tools/okta_mock/mock_schema.h"

#include <boost/json.hpp>

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

bool HasFourByteUtf8(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0xF0) return true;
  return false;
}

bool HasFourByteUtf8(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return HasFourByteUtf8(std::string_view(v.get_string()));
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (HasFourByteUtf8(e)) return true;
      return false;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (HasFourByteUtf8(std::string_view(kv.key())) || HasFourByteUtf8(kv.value()))
          return true;
      return false;
    default: return false;
  }
}

// local@domain.tld, one '@', no whitespace, a dot inside the domain.
bool LooksLikeEmail(std::string_view s) {
  std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return false;
  std::string_view domain = s.substr(at + 1);
  std::size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}

}  // namespace

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void ValidateProfile(const json::object& profile, std::vector<Cause>& causes) {
  static constexpr std::string_view kRequired[] = {"login", "email", "firstName", "lastName"};
  for (std::string_view field : kRequired) {
    auto it = profile.find(field);
    std::string_view s;
    if (it != profile.end()) {
      if (it->value().is_string()) {
        s = it->value().get_string();
      } else if (!it->value().is_null()) {
        causes.push_back({std::string(field), "Does not match required pattern"});
        continue;
      }
    }
    if (Trim(s).empty()) {
      causes.push_back({std::string(field), "The field cannot be left blank"});
      continue;
    }
    std::size_t len = Utf8Length(s);
    if (field == "login" || field == "email") {
      // Anything shorter than 5 characters is no email address either.
      if (!LooksLikeEmail(s)) {
        causes.push_back({std::string(field), field == "login"
                                                  ? "Username must be in the form of an email address"
                                                  : "Does not match required pattern"});
      } else if (len < 5) {
        causes.push_back({std::string(field), "The field is too short"});
      } else if (len > 100) {
        causes.push_back({std::string(field), "The field is too long"});
      }
    } else if (len > 50) {
      causes.push_back({std::string(field), "The field is too long"});
    }
  }
  for (const auto& kv : profile) {
    if (HasFourByteUtf8(kv.value()) || HasFourByteUtf8(std::string_view(kv.key())))
      causes.push_back({std::string(kv.key()),
                        "The field contains characters outside the Basic Multilingual Plane "
                        "(4-byte UTF-8), which are not supported"});
  }
}

}  // namespace okta_bulk::mock
