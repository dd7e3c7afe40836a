// The user profile schema of the org that okta-mock imitates: which profile properties exist
// and what values they take, and the check of a profile against them. Pure functions; any
// thread.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

namespace okta_bulk::mock {

// One refused field of a request: Okta's error cause "<field>: <message>".
struct Cause {
  std::string field;
  std::string message;
};

// The number of characters (code points) of UTF-8 text.
std::size_t Utf8Length(std::string_view s);

// `s` without leading and trailing spaces and tabs.
std::string_view Trim(std::string_view s);

// Validates a complete profile; appends one cause per refused field.
void ValidateProfile(const boost::json::object& profile, std::vector<Cause>& causes);

}  // namespace okta_bulk::mock
