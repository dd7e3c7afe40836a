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
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "net/http_transport.h"
#include "net/rate_governor.h"
#include "pipeline/dispatcher.h"

namespace okta_bulk {

class JobObserver;

struct ExportOptions {
  std::string output_path = "users.csv";  // "-" = stdout
  std::string filter;                     // --filter: Okta filter expression
  std::string search;                     // --search: Okta search expression
  // --columns: the columns, in order. `id` and `status` are the user's own fields; any other
  // name is a profile attribute. Empty: login, email, firstName, lastName, then every other
  // profile attribute of the first page, in the order first seen.
  std::vector<std::string> columns;
  int page_size = 200;
  DispatcherOptions dispatch;
  GovernorOptions governor;
  JobObserver* observer = nullptr;  // progress and reports, as JobOptions::observer
};

struct ExportSummary {
  uint64_t users = 0, pages = 0;
  double elapsed_s = 0;
  DispatcherStats stats;
  std::string error;         // the listing failed: what Okta or the network said
  std::string abort_reason;  // the run stopped (refused token, unwritable output)
  bool interrupted = false;
  // Attributes some users had that are not among the columns (they appeared after the
  // first page): their values are not in the file.
  std::set<std::string> left_out;
  std::string output_path;
  std::string Describe() const;
  int ExitCode() const;  // 0 done, 1 the listing failed, 3 aborted, 130 interrupted
};

// The path and query of the `link` header with rel="next" ("/api/v1/users?after=..."), or
// "" when there is none (the last page).
std::string NextLinkTarget(const HttpResponse& response);

// Writes users pages as CSV rows, choosing the columns on the first page when none are
// given. Values: strings as they are, numbers and booleans as JSON writes them, arrays as
// their elements joined with ';', null as an empty cell. Cells are not formula-guarded: the
// file is data for import/update, and a guard would change values on the round trip.
// Single-threaded.
class ExportWriter {
 public:
  ExportWriter(std::FILE* out, std::vector<std::string> columns);
  // Parses one page (a JSON array of users) and writes its rows. False with `error` when the
  // body is not a users page or the output cannot be written.
  bool WritePage(std::string& body, std::string* error);
  // Writes the header if no page did (an org with no users). False on a write error.
  bool Finish(std::string* error);
  uint64_t users() const { return users_; }
  uint64_t pages() const { return pages_; }  // pages written
  const std::set<std::string>& left_out() const { return left_out_; }
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  bool Flush(std::string* error);
  std::FILE* out_;
  std::vector<std::string> columns_;
  bool header_written_ = false;
  uint64_t users_ = 0;
  uint64_t pages_ = 0;
  std::set<std::string> left_out_;
  simdjson::ondemand::parser parser_;
  std::string buffer_;
  struct User {
    std::string id, status;
    std::vector<std::pair<std::string, std::string>> profile;  // first `fields` are this user's
    std::size_t fields = 0;
  };
  std::vector<User> page_;  // one page's users, reused from page to page
};

// Runs the export on `io`. Returns false with `error` before anything is sent (output not
// writable, bad options): exit status 2.
bool RunExport(boost::asio::io_context& io, HttpTransport& transport, const ExportOptions& options,
               ExportSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
