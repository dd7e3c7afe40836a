// `okta-bulk export`: every user of the org (or those a filter or search selects) to a CSV
// that `import` and `update` read back as it is. Pages of GET /api/v1/users?limit=200 are
// followed through their `link: <...>; rel="next"` headers and written as they arrive, so
// memory stays flat however many users there are. The paging runs as one Task on the
// Dispatcher: the governor paces it (bucket kUsers, shared with creates) and 429s and 5xx
// are waited out and retried like any other request.
#pragma once
#include <boost/asio/io_context.hpp>
#include <simdjson.h>

#include <cstdio>
#include <deque>
#include <memory>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/http_transport.h"
#include "net/rate_governor.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/jobs/export_state.h"
#include "pipeline/jobs/group_memberships.h"
#include "pipeline/jobs/listing_cursor.h"  // NextLinkTarget

namespace okta_bulk {

class JobObserver;

struct ExportOptions {
  std::string output_path = "users.csv";  // "-" = stdout
  std::string filter;                     // --filter: Okta filter expression
  std::string search;                     // --search: Okta search expression
  // --columns: the columns, in order. `id` and `status` are the user's own fields, `groupId`
  // the user's groups (implies `groups`); any other name is a profile attribute, optionally
  // typed `name:type`. Empty: login, email, firstName, lastName, then every other profile
  // attribute of the first page, in the order first seen (then groupId with `groups`).
  std::vector<std::string> columns;
  // --groups: a groupId column with each user's OKTA_GROUP groups (';'-separated), read
  // first from GET /api/v1/groups and each group's GET /api/v1/groups/{id}/users.
  bool groups = false;
  // --resume: continue an interrupted export from the state file beside the output.
  bool resume = false;
  int page_size = 200;
  DispatcherOptions dispatch;
  GovernorOptions governor;
  JobObserver* observer = nullptr;  // progress and reports, as JobOptions::observer
  // The org: a page's `next` link is followed only when it stays on its scheme, host and
  // port (see NextLinkTarget).
  OrgUrl org;
};

struct ExportSummary {
  uint64_t users = 0, pages = 0;
  uint64_t groups = 0, memberships = 0;  // --groups: groups read and members found
  double elapsed_s = 0;
  DispatcherStats stats;
  std::string error;         // the listing failed: what Okta or the network said
  std::string abort_reason;  // the run stopped (refused token, unwritable output, a bad `next` link)
  bool interrupted = false;
  bool resumed = false;           // continued an interrupted export
  bool already_complete = false;  // --resume of an export that had finished: nothing sent
  // Attributes some users had that are not among the columns chosen on the first page (they
  // appeared after it): their values are not in the file. Empty when --columns named them.
  std::set<std::string> left_out;
  // Columns where some user's value is not of the column's type (chosen on the first page):
  // those cells re-import as the column's type, or are refused as invalid.
  std::set<std::string> type_changed;
  std::string output_path;
  std::string Describe() const;
  int ExitCode() const;  // 0 done, 1 the listing failed, 3 aborted (a refused `next` link
                         // among the reasons), 130 interrupted
};

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

// Runs the export on `io`. Returns false with `error` before anything is sent (output not
// writable, bad options, a --resume that does not match the export in progress): exit 2.
bool RunExport(boost::asio::io_context& io, HttpTransport& transport, const ExportOptions& options,
               ExportSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
