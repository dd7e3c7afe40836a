// Header names that look like a slip for a column okta-bulk or Okta knows ("First Name" for
// firstName, "E-mail" for email): a CSV from a spreadsheet or another tool often has them,
// and today such a column is sent as a custom attribute under its own name, which Okta
// refuses or, worse, keeps beside the real one. Pure functions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

// The known column `header_name` most likely means, or "" when it is a known column already
// (login, email, firstName, ... matched as okta-bulk matches them) or close to none. Names
// are compared with case, spaces, '-', '_' and '.' removed, then through a few common
// synonyms ("e-mail address", "surname", "username"), then by edit distance (at most 1 for
// names of 5-7 letters, 2 from 8 on, none below 5). A ":type" suffix is ignored.
// The known columns: Okta's base profile attributes (firstName, city, managerId, ...) and
// okta-bulk's own (password, groupId, id, status, the password-hash columns).
std::string SuggestColumn(std::string_view header_name);

// Up to `max` names of `known` that `name` most likely means, best first, compared as
// SuggestColumn compares them (normalised spelling, synonyms, then edit distance); none when
// nothing is close.
std::vector<std::string> ClosestNames(std::string_view name,
                                      const std::vector<std::string_view>& known,
                                      std::size_t max = 3);

// One warning per header name with a suggestion, in column order, e.g.
// "column 'First Name' is not a known base attribute; did you mean firstName?".
std::vector<std::string> HeaderHints(const std::vector<std::string>& header);

}  // namespace okta_bulk
