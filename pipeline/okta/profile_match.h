// Whether a user's profile already holds what a partial update would set, so that the update
// need not be sent (issue 19: no request for a row that would change nothing). Pure; any
// thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

// `user_body`: an Okta User object ({"id":..,"profile":{...}}), as a lookup returned it.
// `update_body`: a partial update, {"profile":{...}} (POST /api/v1/users/{id}).
// True when every attribute of the update equals the user's: strings byte for byte,
// numbers by value (1 == 1.0), booleans, arrays element by element in order, and a null
// where the user has no such attribute or a null. False when either body cannot be read,
// the user has no profile, or any attribute differs; an update with no attribute is held.
bool ProfileAlreadyHolds(std::string_view user_body, std::string_view update_body);

// One attribute a partial update would change (okta-bulk sync's plan).
struct ProfileChange {
  std::string name;
  std::string old_json;  // the user's value, minified JSON; "" when the user has none
  std::string new_json;  // the update's value, minified JSON
};

// Every attribute of `update_body` the user's profile does not already hold, by the rules of
// ProfileAlreadyHolds, in the update's order (appended to `changes`). False when either body
// cannot be read or the user has no profile; then `changes` is left as it was.
bool ProfileChanges(std::string_view user_body, std::string_view update_body,
                    std::vector<ProfileChange>* changes);

}  // namespace okta_bulk
