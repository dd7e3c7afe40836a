// The machinery every row-per-request subcommand shares: read a CSV, validate each record,
// hand valid rows to the Dispatcher as Tasks, write one result row per input row, and
// support --resume / --retry-failed (the results file is the journal), --dry-run, duplicate
// detection and the summary. What differs per subcommand lives in a RowHandler.
#pragma once
#include <boost/asio/io_context.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/http_transport.h"
#include "net/rate_governor.h"
#include "pipeline/engine/dispatcher.h"

namespace okta_bulk {

struct CsvRecord;
class JobObserver;

// What every job takes from the command line.
struct JobOptions {
  std::string input_path;
  // --delimiter: the input's field separator; '\0' (kDetectDelimiter) picks it from the
  // header line. Results files are always ','.
  char delimiter = '\0';
  std::string results_path = "results.csv";
  bool resume = false;        // --resume: skip rows already in the results file
  bool retry_failed = false;  // --retry-failed: with --resume, send failed rows again
  // --retry-changed: with --resume, send again the finished rows whose input row was edited
  // since they ended (without it they are counted and skipped).
  bool retry_changed = false;
  bool dry_run = false;       // --dry-run: validate only, send nothing
  // --overwrite: an earlier run's results file is kept aside (results.csv.1) and a new one
  // started; without it (and without --resume) a non-empty results file stops the run.
  bool overwrite = false;
  DispatcherOptions dispatch;
  GovernorOptions governor;
  // Ask the org before the first row (its user schema, its groups; issue 14): set when the
  // run has credentials (a dry run without them stays offline). `org` is where the groups
  // listing's next links may lead.
  bool org_checks = false;
  bool schema_check = true;  // --no-schema-check: the org's schema is not read
  bool quiet = false;        // --quiet: what was learnt from the org is not printed (warnings are)
  OrgUrl org;
  // Opens the job's own files beside the results (the --write-temp-passwords secrets), once
  // the results file is locked and an earlier run's files were kept aside (PrepareResultsFile),
  // before anything is sent; false with `error` stops the run (exit 2). Optional.
  std::function<bool(std::string* error)> open_sidecars;
  // Sees the run start, every row end and the run finish (progress, reports); optional, not
  // owned, must outlive RunJob. Not told about --dry-run.
  JobObserver* observer = nullptr;
};

struct JobSummary {
  std::array<uint64_t, kOutcomeCount> counts{};
  uint64_t rows = 0;
  double elapsed_s = 0;
  DispatcherStats stats;
  std::string abort_reason;  // non-empty: the run stopped early
  bool interrupted = false;
  uint64_t unfinished = 0;  // rows open when the run stopped, without a result (--resume sends them)
  uint64_t resumed_rows = 0;  // rows found finished in the results file (included in counts)
  // Finished rows whose input row was edited since (their rowHash differs); with
  // --retry-changed they were sent again (and are not among resumed_rows).
  uint64_t changed_rows = 0;
  bool retried_changed = false;
  std::string kept_previous_as;  // --overwrite: where the earlier results file went
  uint64_t prechecks = 0, precheck_hits = 0;  // lookups made while creates waited
  bool dry_run = false;
  uint64_t would_send = 0, with_password = 0, with_groups = 0;  // dry run
  // Dry run: what a valid row would cost, e.g. "one POST /api/v1/users/{id} each";
  // "" = the import's wording.
  std::string dry_run_action;
  // The subcommand; "import" always lists its created and existed counts, others only the
  // outcomes that occurred (and invalid, failed).
  std::string command = "import";
  // How the input was read when it was not plain ',' UTF-8, e.g. "read as ';'-separated
  // (from the header line)"; "" otherwise.
  std::string input_format;
  // Requests sent before the first row to ask the org (schema, groups, group creations), and
  // by bucket; not in `stats` (the run's dispatcher).
  uint64_t org_requests = 0;
  std::array<uint64_t, kBucketCount> org_requests_by_bucket{};
  // The one-paragraph summary printed at the end.
  std::string Describe() const;
  // 0 all rows succeeded, 1 some invalid/failed, 3 aborted, 130 interrupted (issue 2).
  int ExitCode() const;
};

// One valid row, ready for the dispatcher.
struct BuiltRow {
  std::unique_ptr<Task> task;
  // Identity for duplicate detection (a login, or a user id); "" = never a duplicate.
  std::string key;
  std::string key_field;  // the column `key` came from, for the message
  // What a repeated key is, for the message: "'k' is the same <key_kind> as row N".
  const char* key_kind = "user";
  bool with_password = false, with_groups = false;  // dry-run counts
};

// What a RowHandler may use before the first row (RowHandler::Prepare).
struct PrepareContext {
  boost::asio::io_context& io;
  HttpTransport& transport;
  const JobOptions& options;
  char delimiter;  // the input's, as detected
  // Lines for the user (printed on stdout in a dry run, stderr otherwise): what was learnt
  // from the org, what was created.
  std::vector<std::string> notes{};
  uint64_t requests = 0;  // sent to the org
  std::array<uint64_t, kBucketCount> requests_by_bucket{};
  // The look-ups run on their own dispatcher, shown to on_dispatcher like the run's (so
  // Ctrl-C reaches them). When Prepare fails because the look-ups were interrupted or the
  // org stopped them (credentials refused, the org unreachable), these say so: the run ends
  // as interrupted (130) or aborted (3), as it would have on its first row, not as a usage
  // error.
  const std::function<void(Dispatcher&)>* on_dispatcher = nullptr;
  bool interrupted = false;
  std::string abort_reason{};
  // A resumed job: whether the input's record (its LoginOf key, its row number) finished in
  // an earlier run and will not be built nor sent (so its state need not be read). Empty when
  // the job is not resumed.
  std::function<bool(std::string_view key, uint64_t row)> finished{};
};

// A subcommand's rows: which columns mean what, how a record is checked, which Task it
// becomes. Used on the io_context thread only; outlives RunJob.
class RowHandler {
 public:
  virtual ~RowHandler() = default;
  // Reads the header; false with `error` for a header this job cannot use (exit 2).
  virtual bool Start(const std::vector<std::string>& header, std::string* error) = 0;
  // After Start, before any row is read or checked for duplicates: a handler may read the
  // input once more and ask the org (when options.org_checks) what it needs to check or
  // build rows. False with `error`: exit 2; nothing was sent but the look-ups.
  virtual bool Prepare(PrepareContext& context, std::string* error) {
    (void)context;
    (void)error;
    return true;
  }
  // A resumed job: rows not finished may have been acted on by the interrupted run.
  virtual void SetResumed() {}
  // Builds the row's task, or returns false with `error` naming the row and the field.
  virtual bool Build(const CsvRecord& record, uint64_t row, RunContext& run, BuiltRow* out,
                     std::string* error) = 0;
  // The login (or id) cell of `record`, for the results row of an invalid record and to
  // match a resumed job's journal. Called after Start, also before Prepare.
  virtual std::string LoginOf(const CsvRecord& record) const = 0;
};

// Runs a job on `io` (single-threaded) through `transport`. Returns false with `error` for a
// problem found before anything was sent (unreadable input, bad header, results file not
// writable): exit status 2. `on_dispatcher` (optional) sees the dispatcher once it exists,
// for signal handling and progress.
bool RunJob(boost::asio::io_context& io, HttpTransport& transport, const JobOptions& options,
            RowHandler& handler, JobSummary* summary, std::string* error,
            const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
