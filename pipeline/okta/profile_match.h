// Whether a user's profile already holds what a partial update would set, so that the update
// need not be sent (issue 19: no request for a row that would change nothing). Pure; any
// thread.
#pragma once
#include <string_view>

namespace okta_bulk {

// `user_body`: an Okta User object ({"id":..,"profile":{...}}), as a lookup returned it.
// `update_body`: a partial update, {"profile":{...}} (POST /api/v1/users/{id}).
// True when every attribute of the update equals the user's: strings byte for byte,
// numbers by value (1 == 1.0), booleans, arrays element by element in order, and a null
// where the user has no such attribute or a null. False when either body cannot be read,
// the user has no profile, or any attribute differs; an update with no attribute is held.
bool ProfileAlreadyHolds(std::string_view user_body, std::string_view update_body);

}  // namespace okta_bulk
