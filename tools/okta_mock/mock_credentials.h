// okta-mock's rules for a user's credentials (contract §2): the password policy, the hash
// import rules (BCRYPT, SHA-*, MD5, PBKDF2) and reading body.credentials.password of a create
// or an update, written from the contract, never by calling the client's code.
#pragma once
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tools/okta_mock/mock_schema.h"      // Cause
#include "tools/okta_mock/mock_user_store.h"  // Credential

namespace okta_bulk::mock {

// True when `p` meets the org's password policy (always, when `password_policy` is off).
bool PasswordMeetsPolicy(std::string_view p, bool password_policy);

// Hash import rules of contract §2. Appends causes; fills `params` (the hash minus value).
void ValidateHash(const boost::json::value& hv, std::vector<Cause>& causes,
                  boost::json::object& params);

// Reads body.credentials.password; appends causes.
Credential ReadCredentials(const boost::json::object& body, std::vector<Cause>& causes,
                           boost::json::object& hash_params, bool password_policy);

}  // namespace okta_bulk::mock
