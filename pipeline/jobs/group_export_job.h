// `okta-bulk groups export -o groups.csv`: the org's groups (or those a --search/--filter
// selects) to a CSV with the columns id, name, description, type, usersCount. Pages of
// GET /api/v1/groups?limit=N&expand=stats are followed through their `link: <...>;
// rel="next"` headers (each link checked by NextLinkTarget, as the users export does; a
// refused link stops the run, exit 3) and written as they arrive, so memory stays at one
// page. The paging runs as one Task on the Dispatcher: the governor paces it (bucket
// kGroups), and 429s and 5xx are waited out and retried like any other request.
//
// The output is written through an AtomicFile (safe_file.h): a fresh 0600 temporary beside
// it, renamed over the target only when the listing is complete. A failed, stopped or
// interrupted export leaves the target as it was (a group list is quick to fetch again, and
// a partial one fed to `groups create` would miss groups without a word).
#pragma once
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/http_client.h"
#include "net/http_transport.h"
#include "net/rate_governor.h"
#include "pipeline/engine/dispatcher.h"

namespace okta_bulk {

class JobObserver;

struct GroupExportOptions {
  std::string output_path = "groups.csv";  // "-" = stdout (written as pages arrive)
  std::string filter;                      // --filter: Okta filter expression (id, type, dates)
  std::string search;                      // --search: Okta search expression
  int page_size = 200;                     // --page-size: `limit` (Okta's maximum is 10000)
  DispatcherOptions dispatch;
  GovernorOptions governor;
  JobObserver* observer = nullptr;  // progress and reports, as JobOptions::observer
  // The org: a page's `next` link is followed only when it stays on its scheme, host and
  // port (NextLinkTarget in export_job.h).
  OrgUrl org;
};

struct GroupExportSummary {
  uint64_t groups = 0, pages = 0;
  uint64_t without_count = 0;  // groups whose answer had no _embedded.stats.usersCount
  double elapsed_s = 0;
  DispatcherStats stats;
  std::string error;         // the listing failed: what Okta or the network said
  std::string abort_reason;  // the run stopped (refused token, a refused `next` link)
  bool interrupted = false;
  bool written = false;      // the output holds the whole listing (renamed into place)
  std::string output_path;
  std::string Describe() const;
  int ExitCode() const;  // 0 done, 1 the listing failed, 3 aborted, 130 interrupted
};

// The CSV header of a groups export.
inline constexpr std::string_view kGroupExportHeader = "id,name,description,type,usersCount";

// Writes groups pages as CSV rows (kGroupExportHeader) through `write`. Cells are written
// exactly, without a formula guard: the file is data for `groups create`. usersCount is
// empty for a group whose answer has no `_embedded.stats.usersCount`. Single-threaded.
class GroupExportWriter {
 public:
  using Write = std::function<bool(std::string_view data)>;
  explicit GroupExportWriter(Write write) : write_(std::move(write)) {}
  // Parses one page (a JSON array of Group objects) and writes its rows, the header first.
  // False with `error` when the body is not a groups page or the output cannot be written.
  bool WritePage(std::string_view body, std::string* error);
  // Writes the header if no page did (no group matched). False on a write error.
  bool Finish(std::string* error);
  uint64_t groups() const { return groups_; }
  uint64_t pages() const { return pages_; }
  uint64_t without_count() const { return without_count_; }

 private:
  bool Header(std::string* error);
  Write write_;
  bool header_written_ = false;
  uint64_t groups_ = 0, pages_ = 0, without_count_ = 0;
  std::string buffer_;
};

// Runs the export on `io`. Returns false with `error` before anything is sent (bad options,
// an output that cannot be created): exit 2. Otherwise fills `summary`.
bool RunGroupExport(boost::asio::io_context& io, HttpTransport& transport,
                    const GroupExportOptions& options, GroupExportSummary* summary,
                    std::string* error,
                    const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
