// Watching a run while it goes: RunMonitor, the JobObserver (engine/job_observer.h) which samples the dispatcher and governor once a second for the
// report, prints the live progress line, and at the end turns what it saw into a RunRecord
// for --summary-json and --report.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/rate_governor.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/engine/job_observer.h"
#include "pipeline/jobs/export_job.h"
#include "pipeline/engine/job.h"
#include "pipeline/report/progress.h"
#include "pipeline/engine/results_sink.h"
#include "pipeline/report/run_report.h"

namespace okta_bulk {

struct MonitorOptions {
  // Where the progress line goes (stderr), or nullptr for none (--quiet).
  std::FILE* progress_out = nullptr;
  // A terminal: the line is redrawn in place (\r, clear to end of line) every `redraw`;
  // otherwise a plain line every `interval`.
  bool tty = false;
  bool colour = false;                 // ANSI colours (a terminal, NO_COLOR unset or empty)
  std::size_t width = 0;               // terminal columns (0 = do not cut)
  int tty_fd = -1;                     // the terminal, read again at each redraw (resizes)
  std::chrono::milliseconds redraw{250};
  std::chrono::milliseconds interval{5000};  // --progress-interval
  std::optional<uint64_t> total;       // rows in the input, when known up front
  bool keep_series = false;            // sample for --report
  // The job's results file (or export output), or "" for none: each run adds its segment to
  // the runs file beside it (JobRunsPath); with `resume`, and results already there, the
  // segments of earlier runs are kept.
  std::string results_path;
  bool resume = false;
};

// Fills the terminal fields of `options` for file descriptor `fd`: tty (isatty), width
// (TIOCGWINSZ), tty_fd and colour (a terminal and NO_COLOR unset or empty, see no-color.org).
void DetectTerminal(int fd, MonitorOptions* options);

// The columns a progress line may use on terminal `fd` now: its width less one (the last
// column would wrap on some terminals); `fallback` when `fd` is no terminal or says nothing.
std::size_t TerminalWidth(int fd, std::size_t fallback);
// Columns `line` takes on a terminal: its characters less the colour escapes.
std::size_t VisibleColumns(std::string_view line);

// Samples a run and prints its progress. Lives on the io_context thread; must outlive the
// run (OnStart to OnFinish). The sampling coroutine it starts ends at OnFinish; when the job
// stops the io_context first (Dispatcher::RunToCompletion does), the suspended coroutine is
// destroyed with the io_context without touching this. REQUIRES: the io_context is not run
// again after this monitor is destroyed.
class RunMonitor final : public JobObserver {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RunMonitor(MonitorOptions options);
  ~RunMonitor() override;

  void OnStart(const RunView& view) override;
  void OnRowDone(const RowResult& result) override;
  void OnFinish() override;

  // The progress snapshot at `now` (public for tests).
  ProgressState Snapshot(Clock::time_point now);
  // Fills the buckets, latency and max share of `record` from what the run showed.
  void FillRecord(RunRecord* record) const;
  const RunSeries& series() const { return series_; }
  const FailureTable& failures() const { return failures_; }
  // JobRunsPath(options.results_path), or "" when there is none.
  const std::string& runs_path() const { return runs_path_; }

 private:
  boost::asio::awaitable<void> Loop();
  void Tick(Clock::time_point now, bool force_print);
  std::string Redraw() const;  // what goes before a redrawn line (ProgressRedrawPrefix)
  void Sample(Clock::time_point now);
  uint64_t Done() const;
  // The last segment of runs_ as of `now`, and runs_ saved to options_.runs_path.
  void UpdateSegment(Clock::time_point now);
  void SaveRuns(Clock::time_point now);
  std::array<BucketNow, kBucketCount> Buckets(Clock::time_point now) const;

  MonitorOptions options_;
  RunView view_;
  bool running_ = false;
  Clock::time_point started_{};
  Clock::time_point last_sample_{}, last_print_{};
  std::optional<boost::asio::steady_timer> timer_;
  RecentRate rate_;
  RunSeries series_;
  FailureTable failures_;
  bool drew_ = false;  // a redrawn line is on the terminal
  std::size_t drawn_columns_ = 0;  // how wide that line was
  // Captured at OnFinish (the dispatcher and governor die with the job).
  DispatcherStats final_stats_;
  std::array<RateGovernor::BucketStats, kBucketCount> final_buckets_{};
  double max_share_ = 1.0;
  // Items the view counted as done when the run started (rows an earlier run finished):
  // subtracted from every sample, so rates count only this run's work.
  uint64_t done_at_start_ = 0;
  // Earlier runs of the job and this one (last), kept in options_.runs_path.
  std::vector<RunSegment> runs_;
  std::string runs_path_;
  Clock::time_point last_runs_save_{};
};

// The record of a finished job or export (counts, elapsed, exit status, abort reason);
// RunMonitor::FillRecord adds what only the monitor saw (to the org look-ups' bucket counts).
RunRecord RecordOf(const JobSummary& summary);
RunRecord RecordOf(const ExportSummary& summary);

// Writes --summary-json (when `json_path` is not empty) and --report (when `report_path` is
// not empty), each atomically, and the record's runs to monitor.runs_path() (when set).
// False with `error` naming the file that could not be written.
bool WriteRunOutputs(const RunRecord& record, const RunMonitor& monitor,
                     const std::string& json_path, const std::string& report_path,
                     std::string* error);

}  // namespace okta_bulk
