// okta-mock --load-users FILE: an org that starts with users already in it (a benchmark's
// 100,000 users could not be created through a 600-a-minute create bucket). The file is a CSV
// with the columns gen-users writes: login (required), email, firstName, lastName, any other
// profile attribute ("name" or "name:type", type string|integer|number|boolean|string[]|
// integer[]|number[]), password or passwordHash (a credential: only whether the cell is set
// matters), groupId or groupIds (group ids separated by ';' or ','). Read with okta-mock's own
// small RFC 4180 reader and typed from okta-mock's own schema, never with the client's code.
// Pure: no I/O; the tenant inserts the users (MockTenant::LoadUsers).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tools/okta_mock/mock_schema.h"

namespace okta_bulk::mock {

// One row of the file, not yet checked against the org.
struct SeedUser {
  uint64_t row = 0;  // 1 = the first row after the header
  std::string login;
  // The profile cells as read: the attribute (header without its ":type"), the header's type
  // ("" when none) and the cell (non-empty cells only).
  struct Cell {
    std::string name, type, value;
  };
  std::vector<Cell> cells;
  std::vector<std::string> group_ids;
  bool credential = false;  // a password or passwordHash cell is set
};

// Reads the CSV `text` (UTF-8, optional BOM, LF or CRLF). False with *error naming the row
// and the field ("row 7: login: empty") when a row is not well-formed: a quote out of place,
// more cells than the header, no login.
bool ReadSeedUsers(std::string_view text, std::vector<SeedUser>* out, std::string* error);

// The profile of `user`: login plus each cell typed (the header's type, else the schema's
// attribute type, else string; an array cell split on ';'). False with *error "row N: FIELD:
// why" when a cell is not of its type, or when the profile breaks the schema (okta-mock's own
// check, as a create would answer it: required attribute blank, enum, length, unknown name).
bool SeedProfile(const SeedUser& user, const UserSchema& schema, boost::json::object* profile,
                 std::string* error);

}  // namespace okta_bulk::mock
