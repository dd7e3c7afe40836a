// `okta-bulk export`: every user of the org (or those a filter or search selects) to a CSV
// that `import` and `update` read back as it is. Pages of GET /api/v1/users?limit=200 are
// followed through their `link: <...>; rel="next"` headers and written as they arrive, so
// memory stays flat however many users there are. The paging runs as one Task on the
// Dispatcher: the governor paces it (bucket kUsers, shared with creates) and 429s and 5xx
// are waited out and retried like any other request.
#pragma once
#include <boost/asio/io_context.hpp>
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
#include "pipeline/jobs/export_writer.h"
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

// Runs the export on `io`. Returns false with `error` before anything is sent (output not
// writable, bad options, a --resume that does not match the export in progress): exit 2.
bool RunExport(boost::asio::io_context& io, HttpTransport& transport, const ExportOptions& options,
               ExportSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
