// `okta-bulk import`: streams a CSV of users into an Okta org and writes results.csv.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/http_transport.h"
#include "pipeline/dispatcher.h"
#include "pipeline/import_task.h"

namespace okta_bulk {

struct ImportOptions {
  std::string input_path;
  std::string results_path = "results.csv";
  std::vector<std::string> extra_group_ids;  // --group
  bool resume = false;        // --resume: skip rows already in the results file
  bool retry_failed = false;  // --retry-failed: with --resume, send failed rows again
  bool dry_run = false;       // --dry-run: validate only, send nothing
  ImportTaskOptions task;
  DispatcherOptions dispatch;
  GovernorOptions governor;
};

struct JobSummary {
  std::array<uint64_t, kOutcomeCount> counts{};
  uint64_t rows = 0;
  double elapsed_s = 0;
  DispatcherStats stats;
  std::string abort_reason;  // non-empty: the run stopped early
  bool interrupted = false;
  uint64_t resumed_rows = 0;
  uint64_t prechecks = 0, precheck_hits = 0;  // lookups made while creates waited  // rows found finished in the results file (included in counts)
  bool dry_run = false;
  uint64_t would_send = 0, with_password = 0, with_groups = 0;  // dry run
  // The one-paragraph summary printed at the end.
  std::string Describe() const;
  // 0 all rows succeeded, 1 some invalid/failed, 3 aborted, 130 interrupted (issue 2).
  int ExitCode() const;
};

// Runs an import on `io` (single-threaded) through `transport`. Returns false with `error`
// for a problem found before anything was sent (unreadable input, bad header, results file
// not writable): exit status 2. `on_dispatcher` (optional) sees the dispatcher once it
// exists, for signal handling and progress.
bool RunImport(boost::asio::io_context& io, HttpTransport& transport, const ImportOptions& options,
               JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
