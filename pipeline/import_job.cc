#include "pipeline/import_job.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <cstdio>

#include "pipeline/csv_reader.h"
#include "pipeline/user_row.h"

namespace okta_bulk {
namespace {

// Reads records, validates them, writes invalid rows straight to the results, and hands
// valid rows out as ImportTasks.
class ImportSource final : public TaskSource {
 public:
  ImportSource(CsvReader& reader, RowBuilder& builder, ResultsSink& sink,
               const ImportTaskOptions& task_options, const RunContext& run)
      : reader_(reader), builder_(builder), sink_(sink), task_options_(task_options), run_(run) {}

  std::unique_ptr<Task> Next() override {
    while (reader_.Next(&record_)) {
      ++row_;
      PreparedRow row;
      std::string error;
      if (builder_.Build(record_, row_, &row, &error)) {
        return std::make_unique<ImportTask>(std::move(row), task_options_, run_);
      }
      RowResult r;
      r.row = row_;
      r.login = std::string(builder_.LoginOf(record_));
      r.outcome = Outcome::kInvalid;
      r.error = std::move(error);
      if (!sink_.Write(r)) write_failed_ = true;
    }
    if (reader_.error()) read_error_ = reader_.error().message();
    return nullptr;
  }

  bool write_failed() const { return write_failed_; }
  const std::string& read_error() const { return read_error_; }

 private:
  CsvReader& reader_;
  RowBuilder& builder_;
  ResultsSink& sink_;
  const ImportTaskOptions& task_options_;
  const RunContext& run_;
  CsvRecord record_;
  uint64_t row_ = 0;
  bool write_failed_ = false;
  std::string read_error_;
};

}  // namespace

std::string JobSummary::Describe() const {
  std::string s;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%llu rows in %.1f s (%.1f rows/s): ",
                static_cast<unsigned long long>(rows), elapsed_s,
                elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0.0);
  s += buf;
  bool first = true;
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (counts[i] == 0 && i > static_cast<std::size_t>(Outcome::kExisted) &&
        static_cast<Outcome>(i) != Outcome::kInvalid && static_cast<Outcome>(i) != Outcome::kFailed)
      continue;
    s += first ? "" : ", ";
    first = false;
    s += std::to_string(counts[i]) + " " + std::string(OutcomeName(static_cast<Outcome>(i)));
  }
  std::snprintf(buf, sizeof buf,
                ". %llu requests, %llu rate-limited (429), %llu concurrency-limited, %llu retried.",
                static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(stats.rate_limited),
                static_cast<unsigned long long>(stats.concurrency_limited),
                static_cast<unsigned long long>(stats.retried));
  s += buf;
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

bool RunImport(boost::asio::io_context& io, HttpTransport& transport, const ImportOptions& options,
               JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher) {
  auto started = std::chrono::steady_clock::now();
  auto opened = CsvReader::Open(options.input_path);
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
  if (header.problem != CsvProblem::kNone) {
    *error = "header: " + std::string(CsvProblemMessage(header.problem));
    return false;
  }
  ColumnMap columns;
  if (!ColumnMap::FromHeader(header.fields, &columns, error)) return false;
  RowBuilder builder(std::move(columns), RowBuilderOptions{options.extra_group_ids});

  ResultsSink sink;
  if (!sink.Open(options.results_path, /*append=*/false, error)) return false;

  RunContext run;
  RateGovernor governor(options.governor);
  ImportSource source(reader, builder, sink, options.task, run);
  Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, options.dispatch,
                        [&sink](Task& task) { return sink.Write(task.result()); });
  if (on_dispatcher) on_dispatcher(dispatcher);

  std::exception_ptr failure;
  // Stop the loop when the job ends, even though the caller's signal handler still waits.
  boost::asio::co_spawn(io, dispatcher.Run(), [&](std::exception_ptr e) {
    failure = e;
    io.stop();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);

  summary->counts = sink.counts();
  summary->rows = sink.total();
  summary->stats = dispatcher.stats();
  summary->abort_reason = dispatcher.abort_reason();
  if (source.write_failed() && summary->abort_reason.empty())
    summary->abort_reason = "cannot write the results file: " + sink.last_error();
  if (!source.read_error().empty() && summary->abort_reason.empty())
    summary->abort_reason = "reading the input failed: " + source.read_error();
  summary->interrupted = dispatcher.intake_stopped() && summary->abort_reason.empty();
  std::string close_error;
  if (!sink.Close(&close_error) && summary->abort_reason.empty())
    summary->abort_reason = close_error;
  summary->elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

}  // namespace okta_bulk
