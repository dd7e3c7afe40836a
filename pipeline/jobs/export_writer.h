// ExportWriter: `okta-bulk export`'s CSV writer, the users pages of the listing as rows of a
// file that `import` and `update` read back as it is (the export task, export_job.h, feeds
// it one page at a time).
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/jobs/group_memberships.h"

namespace okta_bulk {

// `groupId` / `groupIds` and `groupName` / `groupNames` (any case): the columns of a user's
// groups, by id and by name (issue 14), rather than profile attributes.
bool IsGroupIdColumn(std::string_view name);
bool IsGroupNameColumn(std::string_view name);

// Writes users pages as CSV rows, choosing the columns on the first page when none are
// given. Values: strings as they are, numbers and booleans as JSON writes them, arrays as
// their elements joined with ';', null as an empty cell. A column whose first-page values
// are numbers, booleans or arrays gets a typed header (`age:number`, `vip:boolean`,
// `tags:string[]`, `scores:number[]`) so that import sends them back as the same JSON type.
// Cells are not formula-guarded: the file is data for import/update, and a guard would
// change values on the round trip. With `groups`, a `groupId` column holds each user's
// groups. Single-threaded.
class ExportWriter {
 public:
  ExportWriter(std::FILE* out, std::vector<std::string> columns,
               const GroupMemberships* groups = nullptr);
  // Resuming: the header (`columns`, as columns() gave them) is in the file already, and
  // `users` rows. False with `error` when a name does not parse.
  bool RestoreHeader(const std::vector<std::string>& columns, uint64_t users, std::string* error);
  // Parses one page (a JSON array of users) and writes its rows. False with `error` when the
  // body is not a users page or the output cannot be written.
  bool WritePage(std::string& body, std::string* error);
  // Writes the header if no page did (an org with no users). False on a write error.
  bool Finish(std::string* error);
  uint64_t users() const { return users_; }
  uint64_t pages() const { return pages_; }  // pages written
  const std::set<std::string>& left_out() const { return left_out_; }
  const std::set<std::string>& type_changed() const { return type_changed_; }
  // The header names as written (typed where a type was chosen); empty before the header.
  std::vector<std::string> columns() const;

  // The JSON kinds a profile value may have, as far as the CSV is concerned.
  enum class Kind : unsigned char { kUnknown, kString, kNumber, kBoolean, kStringArray, kNumberArray, kOther };

 private:
  struct Column {
    std::string name;  // the attribute (or id, status, groupId), without any ":type"
    Kind kind = Kind::kUnknown;
    std::string typed;  // the header as given (`n:integer`) when a type was given
  };
  bool Flush(std::string* error);
  std::string TypedName(const Column& c) const;
  std::FILE* out_;
  std::vector<Column> columns_;
  const GroupMemberships* groups_;
  bool header_written_ = false;
  uint64_t users_ = 0;
  uint64_t pages_ = 0;
  std::set<std::string> left_out_, type_changed_;
  simdjson::ondemand::parser parser_;
  std::string buffer_;
  struct Value {
    std::string name, cell;
    Kind kind = Kind::kUnknown;
  };
  struct User {
    std::string id, status;
    std::vector<Value> profile;  // first `fields` are this user's
    std::size_t fields = 0;
  };
  std::vector<User> page_;  // one page's users, reused from page to page
};

}  // namespace okta_bulk
