#include "pipeline/engine/job.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/csv/printable.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/rows/duplicate_scan.h"
#include "pipeline/rows/header_hints.h"
#include "pipeline/engine/resume_journal.h"
#include "pipeline/rows/row_sets.h"
#include "pipeline/engine/job_observer.h"
#include "pipeline/engine/run_files.h"

namespace okta_bulk {
namespace {

// Reads records, validates them through the handler, writes invalid rows straight to the
// results, and hands valid rows out as tasks. Rows the journal says are done are read (their
// keys still count for duplicate detection) but not sent again.
class JobSource final : public TaskSource {
 public:
  JobSource(CsvReader& reader, const std::vector<std::string>& header, RowHandler& handler,
            ResultsSink* sink, const Journal* done, RunContext& run)
      : reader_(reader), header_(header), handler_(handler), sink_(sink), done_(done), run_(run) {}

  std::unique_ptr<Task> Next() override {
    BuiltRow row;
    if (NextValid(&row)) return std::move(row.task);
    return nullptr;
  }

  // The next valid row to send; invalid rows are reported on the way.
  bool NextValid(BuiltRow* row) {
    while (reader_.Next(&record_)) {
      ++row_;
      // A resumed job skips the rows the journal knows by their key (login or id), wherever
      // they stand in the file now.
      const bool done = done_ && done_->Finished(handler_.LoginOf(record_), row_);
      // What the row held when it was sent: --resume tells an edited row by it.
      const uint64_t content = sink_ && !done ? RowContentHash(header_, record_.fields) : 0;
      std::string error;
      *row = BuiltRow();
      run_.key_only = done;  // a finished row is built for its key (the duplicate check) only
      const bool built = handler_.Build(record_, row_, run_, row, &error);
      run_.key_only = false;
      if (built) {
        if (row->task) row->task->result().content_hash = content;
        uint64_t first = 0;
        if (!row->key.empty()) {
          const uint64_t hash = LoginHash(row->key);
          if (repeated_.MayRepeat(hash)) first = seen_.InsertHash(hash, row_);
        }
        if (first == 0) {
          if (done) continue;
          return true;
        }
        if (row->key_field == "login")
          error = "row " + std::to_string(row_) + ", field 'login': '" + row->key +
                  "' is the same login as row " + std::to_string(first) +
                  " (Okta compares logins ignoring case and diacritics); not sent";
        else
          error = "row " + std::to_string(row_) + ", field '" + row->key_field + "': '" +
                  row->key + "' is the same " + row->key_kind + " as row " + std::to_string(first) +
                  "; not sent";
      }
      if (done) continue;
      RowResult r;
      r.row = row_;
      r.login = handler_.LoginOf(record_);
      r.outcome = Outcome::kInvalid;
      r.error = std::move(error);
      r.content_hash = content;
      ++invalid_;
      if (on_invalid) on_invalid(r);
      if (sink_ && !sink_->Write(r)) write_failed_ = true;
    }
    if (reader_.error()) read_error_ = reader_.error().message();
    return false;
  }

  std::function<void(const RowResult&)> on_invalid;
  // Only the keys that may repeat are remembered (see ScanKeys); by default every key.
  void set_repeated(RepeatedKeys repeated) { repeated_ = std::move(repeated); }
  bool write_failed() const { return write_failed_; }
  const std::string& read_error() const { return read_error_; }
  uint64_t rows() const { return row_; }
  uint64_t invalid() const { return invalid_; }

 private:
  CsvReader& reader_;
  const std::vector<std::string>& header_;
  RowHandler& handler_;
  ResultsSink* sink_;
  const Journal* done_;
  RunContext& run_;
  CsvRecord record_;
  RepeatedKeys repeated_;
  SeenLogins seen_;
  uint64_t row_ = 0;
  uint64_t invalid_ = 0;
  bool write_failed_ = false;
  std::string read_error_;
};

// Shows the journal every record of the input (its key, row number and content), so that it
// can tell which finished rows are still there, where they stand now and which were edited.
// Read before a resumed job sends anything.
bool MatchJournal(const std::string& path, char delimiter, const RowHandler& handler,
                  Journal* journal, std::string* error) {
  CsvOptions csv_options;
  csv_options.delimiter = delimiter;
  if (!ForEachCsvRecord(path, csv_options, [&](uint64_t row, const CsvRecord& header,
                                              const CsvRecord& record) {
        journal->MatchInput(handler.LoginOf(record), row, RowContentHash(header.fields, record.fields));
      }, error))
    return false;
  journal->EndInput();
  return true;
}

// A first read of the input for the keys (logins, ids) that may repeat in it, so that the
// duplicate check remembers those only and memory stays flat at millions of rows. The keys
// come from the handler's own Build, so a row counts exactly as it will in the job.
RepeatedKeys ScanKeys(const std::string& path, RowHandler& handler, char delimiter) {
  RunContext scratch;  // tasks built here are dropped at once
  scratch.key_only = true;
  return ScanForRepeatedKeys(path, [&](const CsvRecord& record, uint64_t row, std::string* key) {
    BuiltRow built;
    std::string error;
    if (!handler.Build(record, row, scratch, &built, &error)) return false;
    *key = std::move(built.key);
    return true;
  }, delimiter);
}

}  // namespace

std::string JobSummary::Describe() const {
  const uint64_t invalid = counts[static_cast<std::size_t>(Outcome::kInvalid)];
  char buf[64];
  const std::string format = input_format.empty() ? "" : " The input was " + input_format + ".";
  if (dry_run && !dry_run_action.empty()) {
    return "Dry run: " + Count(rows, "row", "rows") + " read; " + GroupDigits(would_send) +
           " would be sent (" + dry_run_action + "), " + GroupDigits(invalid) +
           " invalid. Nothing was sent." + format;
  }
  if (dry_run) {
    return "Dry run: " + Count(rows, "row", "rows") + " read; " + GroupDigits(would_send) +
           " would be sent as one POST /api/v1/users each (" + GroupDigits(with_password) +
           " with a password, " + GroupDigits(with_groups) + " with groups), " +
           GroupDigits(invalid) + " invalid. Nothing was sent." + format;
  }
  std::string s = Count(rows, "row", "rows");
  std::snprintf(buf, sizeof buf, " in %.1f s (%.1f rows/s): ", elapsed_s,
                elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0.0);
  s += buf;
  bool first = true;
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (counts[i] == 0 && (command != "import" || i > static_cast<std::size_t>(Outcome::kExisted)) &&
        static_cast<Outcome>(i) != Outcome::kInvalid && static_cast<Outcome>(i) != Outcome::kFailed)
      continue;
    s += first ? "" : ", ";
    first = false;
    s += GroupDigits(counts[i]);
    s += ' ';
    s += OutcomeName(static_cast<Outcome>(i));
  }
  s += ". ";
  s += Count(stats.requests + org_requests, "request", "requests");
  if (org_requests) {
    s += " (";
    s += GroupDigits(org_requests);
    s += " asking the org before the first row)";
  }
  s += ", ";
  s += GroupDigits(stats.rate_limited);
  s += " rate-limited (429), ";
  s += GroupDigits(stats.concurrency_limited);
  s += " concurrency-limited, ";
  s += GroupDigits(stats.retried);
  s += " retried.";
  // Appended piece by piece: " " + std::to_string(n) draws a GCC 12 -Wrestrict false positive.
  if (prechecks) {
    s += ' ';
    s += Count(prechecks, "login was", "logins were");
    s += " looked up before a create (existing ones showed up); ";
    s += GroupDigits(precheck_hits);
    s += " already existed and cost no create.";
  }
  if (resumed_rows) {
    s += ' ';
    s += GroupDigits(resumed_rows);
    s += resumed_rows == 1 ? " of these rows was" : " of these rows were";
    s += " already done in the results file.";
  }
  if (changed_rows) {
    s += ' ';
    s += Count(changed_rows, "finished row was", "finished rows were");
    s += retried_changed ? " edited in the input since they ended and sent again (--retry-changed)."
                         : " edited in the input since they ended and not sent again (--retry-changed sends them).";
  }
  if (unfinished) {
    s += ' ';
    s += Count(unfinished, "row was", "rows were");
    s += " open when the run stopped and did not finish (--resume sends them).";
  }
  if (!kept_previous_as.empty()) s += " The earlier results file was kept as " + kept_previous_as + ".";
  s += format;
  if (!abort_reason.empty()) s += " Stopped early: " + abort_reason;
  return s;
}

int JobSummary::ExitCode() const {
  if (interrupted) return 130;
  if (!abort_reason.empty()) return 3;
  if (counts[static_cast<std::size_t>(Outcome::kInvalid)] ||
      counts[static_cast<std::size_t>(Outcome::kFailed)])
    return 1;
  return 0;
}

bool RunJob(boost::asio::io_context& io, HttpTransport& transport, const JobOptions& options,
            RowHandler& handler, JobSummary* summary, std::string* error,
            const std::function<void(Dispatcher&)>& on_dispatcher) {
  auto started = std::chrono::steady_clock::now();
  CsvOptions csv_options;
  csv_options.delimiter = options.delimiter;
  auto opened = CsvReader::Open(options.input_path, csv_options);
  if (!opened) {
    *error = "cannot read '" + options.input_path + "': " + opened.error().message();
    return false;
  }
  CsvReader& reader = **opened;
  CsvRecord header;
  if (!reader.Next(&header)) {
    *error = reader.error() ? "cannot read '" + options.input_path + "': " + reader.error().message()
                            : "'" + options.input_path + "' is empty: expected a header line";
    return false;
  }
  if (!reader.unmarked_utf16().empty()) {
    *error = "'" + options.input_path + "' is not UTF-8: it looks like " +
             std::string(reader.unmarked_utf16()) +
             " without a byte order mark (every other byte of its first line is 0). Save it as "
             "CSV UTF-8 (in Excel: File > Save As > CSV UTF-8); nothing was sent";
    return false;
  }
  if (header.problem != CsvProblem::kNone) {
    *error = "header: " + std::string(CsvProblemMessage(header.problem));
    return false;
  }
  // Header names that look like a slip for a known column: part of the error when the
  // header is refused, a warning when the row's columns are sent as profile attributes.
  const std::vector<std::string> hints = HeaderHints(header.fields);
  if (!handler.Start(header.fields, error)) {
    for (const std::string& hint : hints) *error += "; " + hint;
    return false;
  }
  summary->input_format = reader.Describe(options.delimiter != kDetectDelimiter);
  if (summary->command == "import" || summary->command == "update")
    for (const std::string& hint : hints)
      std::fprintf(options.dry_run ? stdout : stderr, "okta-bulk: warning: %s\n",
                   TerminalSafe(hint).c_str());

  RunContext run;
  // Asks the org what the rows must be checked against (issue 14), after the header and
  // (in a real run) after the results file is ours, before any row is read.
  // kStopped: the look-ups were interrupted or aborted; the run ends there (exit 130 or 3).
  enum class Prepared { kOk, kRefused, kStopped };
  std::function<bool(std::string_view, uint64_t)> finished;  // a resumed job's journal
  auto prepare = [&]() {
    PrepareContext context{io, transport, options, reader.delimiter()};
    context.on_dispatcher = &on_dispatcher;
    context.finished = finished;
    const bool ok = handler.Prepare(context, error);
    summary->org_requests = context.requests;
    summary->org_requests_by_bucket = context.requests_by_bucket;
    for (const std::string& note : context.notes)
      if (!options.quiet || note.starts_with("warning"))
        std::fprintf(options.dry_run ? stdout : stderr, "okta-bulk: %s\n", TerminalSafe(note).c_str());
    if (ok) return Prepared::kOk;
    if (!context.interrupted && context.abort_reason.empty()) return Prepared::kRefused;
    summary->interrupted = context.interrupted;
    summary->abort_reason = context.abort_reason;
    summary->dry_run = options.dry_run;
    summary->elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return Prepared::kStopped;
  };
  if (options.dry_run) {
    if (Prepared p = prepare(); p != Prepared::kOk) return p == Prepared::kStopped;
    RepeatedKeys repeated = ScanKeys(options.input_path, handler, reader.delimiter());
    JobSource source(reader, header.fields, handler, nullptr, nullptr, run);
    source.set_repeated(std::move(repeated));
    // The reason quotes the row's cells: nothing in them may act on the terminal.
    source.on_invalid = [](const RowResult& r) {
      std::printf("%s\n", TerminalSafe(r.error).c_str());
    };
    BuiltRow row;
    summary->dry_run = true;
    while (source.NextValid(&row)) {
      // A row whose task needs no request (update: no cell to send) would send nothing.
      if (row.task && row.task->FinishedBeforeSending()) continue;
      ++summary->would_send;
      if (row.with_password) ++summary->with_password;
      if (row.with_groups) ++summary->with_groups;
    }
    summary->rows = source.rows();
    summary->counts[static_cast<std::size_t>(Outcome::kInvalid)] = source.invalid();
    if (!source.read_error().empty()) summary->abort_reason = "reading the input failed: " + source.read_error();
    summary->elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return true;
  }

  // One run per results file, and an earlier run's results are never replaced silently
  // (issue 18). Checked before the journal is read or anything is sent.
  RunLock lock;
  if (!lock.Acquire(options.results_path, error)) return false;
  if (!PrepareResultsFile(options.results_path, options.resume, options.overwrite,
                          &summary->kept_previous_as, error))
    return false;
  if (options.open_sidecars && !options.open_sidecars(error)) return false;
  // A resumed job reads its journal and matches it to the input before asking the org, so a
  // results file of another input costs no request (LoginOf needs only the header).
  Journal journal;
  if (options.resume) {
    if (!LoadJournal(options.results_path, options.retry_failed, &journal, error)) return false;
    if (!journal.entries.empty() || journal.keyless_done.size()) {
      if (!MatchJournal(options.input_path, reader.delimiter(), handler, &journal, error)) return false;
      if (!journal.entries.empty() && journal.matched == 0) {
        const std::size_t n = journal.kept;
        *error = (n == 1 ? std::string("--resume: the row finished in ")
                         : "--resume: none of the " + GroupDigits(n) + " rows finished in ") +
                 options.results_path + (n == 1 ? " is not in " : " is in ") + options.input_path +
                 ": that results file belongs to another input. Give this input its own -o file "
                 "(or --overwrite to start over); nothing was sent";
        return false;
      }
    }
  }
  if (options.resume && (!journal.entries.empty() || journal.keyless_done.size())) {
    // The rows the journal matched, as JobSource will skip them (CompactJournal, after
    // Prepare, sets retry_changed the same way).
    journal.retry_changed = options.retry_changed;
    finished = [&journal](std::string_view key, uint64_t row) { return journal.Finished(key, row); };
  }
  if (Prepared p = prepare(); p != Prepared::kOk) {
    if (p == Prepared::kRefused) return false;
    // Stopped before the first row: the results file still exists (its header), as after
    // any stopped run, so --resume and scripts find it.
    ResultsSink empty;
    std::string ignored;
    if (empty.Open(options.results_path, /*append=*/options.resume, &ignored)) empty.Close(&ignored);
    return true;
  }
  RepeatedKeys repeated = ScanKeys(options.input_path, handler, reader.delimiter());

  if (options.resume) {
    if (!CompactJournal(options.results_path, options.retry_changed, &journal, error)) return false;
    summary->changed_rows = journal.changed;
    summary->retried_changed = options.retry_changed;
    if (journal.changed)
      std::fprintf(stderr, "okta-bulk: %s\n",
                   options.retry_changed
                       ? (Count(journal.changed, "finished row was", "finished rows were") +
                          " edited in the input since they ended: sending them again (--retry-changed)")
                             .c_str()
                       : ("warning: " + Count(journal.changed, "row", "rows") +
                          " changed since they finished and are not sent again; --retry-changed "
                          "sends them again")
                             .c_str());
  }
  ResultsSink sink;
  if (!sink.Open(options.results_path, /*append=*/options.resume, error)) return false;
  // Rows ending in one turn of the event loop share one write(2) (pipeline/engine/results_sink.h).
  sink.SetFlushPoster([executor = io.get_executor()](std::function<void()> flush) {
    boost::asio::post(executor, std::move(flush));
  });
  int64_t job_start = options.resume ? ReadJobStart(options.results_path) : 0;
  if (job_start > 0) {
    run.run_start_server_epoch = job_start;  // the first run's start, not this one's
    handler.SetResumed();
  } else if (options.results_path != "-") {
    run.on_run_start = [path = options.results_path](int64_t epoch) { WriteJobStart(path, epoch); };
  }

  RateGovernor governor(options.governor);
  JobSource source(reader, header.fields, handler, &sink, options.resume ? &journal : nullptr, run);
  source.set_repeated(std::move(repeated));
  JobObserver* observer = options.observer;
  Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, options.dispatch,
                        [&sink, observer](Task& task) {
                          if (observer) observer->OnRowDone(task.result());
                          return sink.Write(task.result());
                        });
  if (on_dispatcher) on_dispatcher(dispatcher);
  if (observer) {
    source.on_invalid = [observer](const RowResult& r) { observer->OnRowDone(r); };
    RunView view;
    view.executor = io.get_executor();
    view.dispatcher = &dispatcher;
    view.governor = &governor;
    view.counts = &sink.counts();
    view.resumed = journal.counts;
    observer->OnStart(view);
  }

  dispatcher.RunToCompletion(io);
  if (observer) observer->OnFinish();

  summary->counts = sink.counts();
  for (std::size_t i = 0; i < kOutcomeCount; ++i) summary->counts[i] += journal.counts[i];
  summary->resumed_rows = journal.kept;
  summary->prechecks = run.prechecks;
  summary->precheck_hits = run.precheck_hits;
  summary->rows = sink.total() + journal.kept;
  summary->stats = dispatcher.stats();
  summary->abort_reason = dispatcher.abort_reason();
  if (source.write_failed() && summary->abort_reason.empty())
    summary->abort_reason = "cannot write the results file: " + sink.last_error();
  if (!source.read_error().empty() && summary->abort_reason.empty())
    summary->abort_reason = "reading the input failed: " + source.read_error();
  summary->interrupted = dispatcher.interrupted() && summary->abort_reason.empty();
  summary->unfinished = dispatcher.unfinished();
  std::string close_error;
  if (!sink.Close(&close_error) && summary->abort_reason.empty())
    summary->abort_reason = close_error;
  summary->elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

}  // namespace okta_bulk
