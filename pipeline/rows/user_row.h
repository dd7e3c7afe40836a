// The row model: which CSV column means what, and turning one CSV record into a user ready
// to send (its create-request body built once) or a clear reason why it cannot be sent.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/rows/password_hash.h"
#include "pipeline/rows/profile_schema.h"
#include "pipeline/rows/typed_value.h"

namespace okta_bulk {

struct CsvRecord;

// Column roles, resolved once from the header. Known names match case-insensitively after
// trimming spaces; the hash columns (password_hash.h) build credentials.password.hash and
// are never profile attributes; any other column is a custom profile attribute sent under
// its own name, typed when the header says `name:type` (typed_value.h).
struct ColumnMap {
  int login = -1, email = -1, first_name = -1, last_name = -1, password = -1, group_id = -1;
  int group_name = -1;  // groupName: group names, ';'-separated, resolved to ids at the start
  std::array<int, kHashFieldCount> hash{-1, -1, -1, -1, -1, -1, -1, -1};  // by HashField
  struct Custom {
    int index;
    std::string name;  // the attribute, without the header's ":type"
    AttributeType type = AttributeType::kString;
    bool typed = false;  // the header said `name:type`
  };
  std::vector<Custom> custom;
  std::vector<std::string> names;  // every header name, trimmed, as written
  // After ApplySchema: the org's attribute behind each column (by column index; nullptr for
  // login and okta-bulk's own columns), and the schema itself (not owned).
  std::vector<const SchemaAttribute*> attribute;
  const ProfileSchema* schema = nullptr;

  // Reads the header record. Returns false with `error` set when there is no login column,
  // a column name is empty or appears twice (also as `name` and `name:type`), or has an
  // unknown type.
  static bool FromHeader(const std::vector<std::string>& header, ColumnMap* out,
                         std::string* error);
  // Checks the profile columns against the org's schema before any row (issue 14): every
  // column must be an attribute of the org's profile (else the error names it and the
  // closest names), its type comes from the schema (a header `name:type` must agree), custom
  // columns take Okta's spelling, and every custom attribute the schema requires to create a
  // user (without a default) must have a column (Okta's base ones are left to Okta: a file of
  // logins only still reaches existing users). False with `error` (starting "header: ").
  // `schema` must outlive this map.
  bool ApplySchema(const ProfileSchema& schema, std::string* error);
  std::size_t size() const { return names.size(); }
  bool has_hash() const { return hash[0] >= 0; }  // a passwordHash column
};

// A valid row, ready to send. The password, when any, lives only inside `create_body`.
struct PreparedRow {
  uint64_t row = 0;               // 1-based data record number (the header is not counted)
  std::string login;
  std::string create_body;        // JSON body of POST /api/v1/users
  std::vector<std::string> group_ids;  // the row's groups plus every --group, no duplicates
  // What credentials.password holds in create_body.
  enum class Credential : unsigned char { kNone, kPassword, kHash, kHook };
  Credential credential = Credential::kNone;
  // With RowBuilderOptions::build_update_body: {"profile":{...}} of the row's non-empty
  // columns except login, password and groupId (a partial update of an existing user).
  std::string update_body;
};

struct RowBuilderOptions {
  std::vector<std::string> extra_group_ids;  // --group, for every row
  bool build_update_body = false;            // import --existing update
  // --password-hook: a row with neither a password nor a passwordHash is created with
  // credentials.password.hook {"type":"default"}; a row's own password or hash wins.
  bool password_hook = false;
  // --next-login change-password: Okta refuses a create without a password (E0000124), so a
  // row with neither password nor passwordHash is invalid, naming the password column.
  bool require_password = false;
  // groupName cells: ASCII-lowercased group name -> id, resolved from the org at the start
  // (not owned). A name missing from it makes the row invalid; nullptr (a dry run without
  // credentials) leaves the names out.
  const std::unordered_map<std::string, std::string>* group_ids_by_name = nullptr;
};

// Validates records against the header and builds PreparedRows. Single-threaded.
class RowBuilder {
 public:
  RowBuilder(ColumnMap columns, RowBuilderOptions options);

  // Returns true and fills `out` for a valid record. Otherwise returns false and sets
  // `error` to a message naming the row and the field, e.g.
  // "row 12 (line 13), field 'login': must be an email address".
  bool Build(const CsvRecord& record, uint64_t row, PreparedRow* out, std::string* error);

  // The login cell of `record` (trimmed), or "" when absent; used for results of invalid rows.
  std::string_view LoginOf(const CsvRecord& record) const;

  const ColumnMap& columns() const { return columns_; }

 private:
  ColumnMap columns_;
  RowBuilderOptions options_;
};

// Reads a header's column names: trimmed, none empty, valid UTF-8, unique ignoring case.
// `names` gets them as written, `lowered` ASCII-lowercased, both in column order. A header
// that is one empty field has no columns. Returns false with `error` naming the column.
bool ReadHeaderNames(const std::vector<std::string>& header, std::vector<std::string>* names,
                     std::vector<std::string>* lowered, std::string* error);

// Checks shared with other jobs.
bool LooksLikeEmail(std::string_view s);
// Returns "" when `s` is valid UTF-8 Okta accepts, else a reason (invalid UTF-8, or a
// 4-byte character such as an emoji, which Okta does not support: contract §6). The
// reasons for invalid UTF-8 start "is not valid UTF-8", the 4-byte one "contains". With
// `at`, *at is the offset of the first byte of the offending character (s.size() if none).
std::string_view Utf8Problem(std::string_view s, std::size_t* at = nullptr);
std::string_view TrimSpaces(std::string_view s);
// Okta ids (users, groups): 1-64 ASCII letters, digits, '_' or '-'.
bool ValidOktaId(std::string_view id);
// Appends the ids of a groupId cell ("00g1; 00g2") to `ids`, trimmed, without duplicates.
// Returns false and sets `bad` to the first entry that is not an Okta id.
bool AppendGroupIds(std::string_view cell, std::vector<std::string>* ids, std::string* bad);
// Appends the names of a groupName cell ("Engineering; Sales") to `names`, trimmed, without
// duplicates (as written).
void AppendGroupNames(std::string_view cell, std::vector<std::string>* names);
// ASCII-lowercased, the key of RowBuilderOptions::group_ids_by_name.
std::string GroupNameKey(std::string_view name);
// The message for a bad groupId entry, after RowWhere(...).
std::string BadGroupIdMessage(std::string_view bad);
// "row 12 (line 13), field 'login': " (the line only when it differs from row + 1).
std::string RowWhere(uint64_t row, const CsvRecord& record, std::string_view field);
// The checks every row of every job passes: a well-formed record with as many fields as
// the header (`names`), every cell valid UTF-8 Okta accepts. False with `error` otherwise;
// for bytes that are not UTF-8 at all it names the row, line and byte offset in the input
// and says how to save the file as UTF-8.
bool CheckRecordShape(const CsvRecord& record, uint64_t row, const std::vector<std::string>& names,
                      std::string* error);

}  // namespace okta_bulk
