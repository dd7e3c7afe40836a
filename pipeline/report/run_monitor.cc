#include "pipeline/report/run_monitor.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>

#include "pipeline/files/platform.h"
#include "pipeline/files/safe_file.h"

namespace okta_bulk {

namespace asio = boost::asio;

namespace {
constexpr std::chrono::seconds kSampleEvery{1};
// How often the open segment of the runs file is saved while the run goes, so that a run
// killed with -9 still leaves roughly when it stopped and how much it did.
constexpr std::chrono::seconds kSaveRunsEvery{10};

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
}  // namespace

void DetectTerminal(int fd, MonitorOptions* options) {
  // A Windows console shows the progress line's escapes only once asked to (always true on
  // POSIX); one that cannot gets the plain lines a pipe gets.
  options->tty = platform::IsTerminal(fd) && platform::EnableTerminalEscapes(fd);
  const char* no_color = std::getenv("NO_COLOR");
  options->colour = options->tty && !(no_color && *no_color);
  options->tty_fd = options->tty ? fd : -1;
  options->width = options->tty ? TerminalWidth(fd, 0) : 0;
}

// Columns `line` takes on a terminal: its characters less the colour escapes (ESC [ ... m).
std::size_t VisibleColumns(std::string_view line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      const std::size_t m = line.find('m', i);
      if (m == std::string_view::npos) break;
      i = m;
      continue;
    }
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++n;  // not a UTF-8 continuation
  }
  return n;
}

std::size_t TerminalWidth(int fd, std::size_t fallback) {
  const std::size_t columns = fd < 0 ? 0 : platform::TerminalColumns(fd);
  if (columns == 0) return fallback;
  return columns - 1;
}

RunMonitor::RunMonitor(MonitorOptions options)
    : options_(std::move(options)),
      runs_path_(options_.results_path.empty() ? std::string() : JobRunsPath(options_.results_path)) {}

RunMonitor::~RunMonitor() {
  running_ = false;
  if (timer_) timer_->cancel();
}

void RunMonitor::OnStart(const RunView& view) {
  view_ = view;
  running_ = true;
  started_ = last_print_ = Clock::now();
  done_at_start_ = Done();
  if (!runs_path_.empty()) {
    // Earlier runs count only when this one continues their results (a runs file left
    // beside a results file since deleted is not this job's history).
    std::error_code ec;
    const bool continues =
        options_.resume && std::filesystem::file_size(options_.results_path, ec) > 0 && !ec;
    std::string error;
    if (continues && !LoadJobRuns(runs_path_, &runs_, &error)) {
      std::fprintf(stderr, "okta-bulk: warning: %s; the report covers this run only\n", error.c_str());
      runs_.clear();
    }
    RunSegment now;
    now.start = std::chrono::system_clock::now();
    // done stays unknown until the first update: a run killed before it did not say.
    runs_.push_back(now);
    SaveRuns(started_);
  }
  Sample(started_);
  if (!options_.progress_out && !options_.keep_series) return;  // nothing to do until the end
  timer_.emplace(view_.executor);
  auto on_exit = [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "okta-bulk: progress display stopped: %s\n", ex.what());
    }
  };
  asio::co_spawn(view_.executor, Loop(), on_exit);
}

asio::awaitable<void> RunMonitor::Loop() {
  const auto tick = options_.progress_out && options_.tty
                        ? options_.redraw
                        : std::chrono::milliseconds(std::chrono::seconds(kSampleEvery));
  while (running_) {
    timer_->expires_after(tick);
    [[maybe_unused]] auto [ec] = co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (!running_) co_return;
    Tick(Clock::now(), false);
  }
}

void RunMonitor::SaveRuns(Clock::time_point now) {
  last_runs_save_ = now;
  std::string error;
  if (!SaveJobRuns(runs_path_, runs_, &error))
    std::fprintf(stderr, "okta-bulk: warning: %s\n", error.c_str());
}

void RunMonitor::UpdateSegment(Clock::time_point now) {
  if (runs_.empty()) return;
  RunSegment& seg = runs_.back();
  seg.end = std::chrono::system_clock::now();
  seg.elapsed_s = Seconds(now - started_);
  const uint64_t done = Done();
  seg.done = done - std::min(done, done_at_start_);
}

void RunMonitor::OnRowDone(const RowResult& result) { failures_.Add(result); }

void RunMonitor::OnFinish() {
  if (!running_) return;
  const auto now = Clock::now();
  Sample(now);
  series_.Finish();
  UpdateSegment(now);  // saved with its exit status by WriteRunOutputs
  if (options_.progress_out && options_.tty && drew_) {
    // The last state, then leave the line for what follows.
    const std::string line = RenderProgressLine(Snapshot(now), options_.width, options_.colour);
    std::fprintf(options_.progress_out, "%s%s\n", Redraw().c_str(), line.c_str());
    std::fflush(options_.progress_out);
  }
  if (view_.dispatcher) final_stats_ = view_.dispatcher->stats();
  if (view_.governor) {
    for (Bucket b : kAllBuckets)
      final_buckets_[static_cast<std::size_t>(b)] = view_.governor->Stats(b);
    max_share_ = view_.governor->MaxShare();
  }
  running_ = false;
  if (timer_) timer_->cancel();
  view_ = RunView();
}

std::string RunMonitor::Redraw() const {
  return ProgressRedrawPrefix(drawn_columns_, options_.width ? options_.width + 1 : 0);
}

void RunMonitor::Tick(Clock::time_point now, bool force_print) {
  if (now - last_sample_ >= kSampleEvery) Sample(now);
  if (!options_.progress_out) return;
  if (options_.tty) {
    // Read again at each redraw (an ioctl, 4 times a second): the window may have been resized.
    options_.width = TerminalWidth(options_.tty_fd, options_.width);
    const std::string line = RenderProgressLine(Snapshot(now), options_.width, options_.colour);
    std::fprintf(options_.progress_out, "%s%s", Redraw().c_str(), line.c_str());
    std::fflush(options_.progress_out);
    drawn_columns_ = VisibleColumns(line);
    drew_ = true;
  } else if (force_print || now - last_print_ >= options_.interval) {
    last_print_ = now;
    const std::string line = RenderProgressLine(Snapshot(now), 0, false);
    std::fprintf(options_.progress_out, "okta-bulk: %s\n", line.c_str());
    std::fflush(options_.progress_out);
  }
}

uint64_t RunMonitor::Done() const {
  if (view_.items_done) return view_.items_done();
  uint64_t n = 0;
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    n += view_.resumed[i] + (view_.counts ? (*view_.counts)[i] : 0);
  return n;
}

void RunMonitor::Sample(Clock::time_point now) {
  last_sample_ = now;
  const double t = Seconds(now - started_);
  const uint64_t done = Done();
  rate_.Add(t, done);
  if (!runs_path_.empty() && now - last_runs_save_ >= kSaveRunsEvery) {
    UpdateSegment(now);
    SaveRuns(now);
  }
  if (!options_.keep_series || !view_.dispatcher) return;
  const DispatcherStats& st = view_.dispatcher->stats();
  SeriesPoint p;
  p.t_s = t;
  p.done = done - std::min(done, done_at_start_);  // this run's work only
  p.requests = st.requests;
  p.rate_limited = st.rate_limited + st.concurrency_limited;
  p.in_flight = static_cast<uint32_t>(st.in_flight);
  if (view_.governor) {
    for (Bucket b : kAllBuckets) {
      const auto bs = view_.governor->Stats(b);
      const std::size_t i = static_cast<std::size_t>(b);
      if (bs.limit && bs.remaining) {
        p.limit[i] = *bs.limit;
        p.remaining[i] = *bs.remaining;
      }
    }
  }
  series_.Add(p);
}

std::array<BucketNow, kBucketCount> RunMonitor::Buckets(Clock::time_point now) const {
  std::array<BucketNow, kBucketCount> out{};
  const double share = view_.governor ? view_.governor->MaxShare() : 1.0;
  for (Bucket b : kAllBuckets) {
    BucketNow& n = out[static_cast<std::size_t>(b)];
    n.bucket = b;
    if (view_.dispatcher) {
      n.queued = view_.dispatcher->queued(b);
      n.requests = view_.dispatcher->stats().requests_by_bucket[static_cast<std::size_t>(b)];
    }
    if (!view_.governor) continue;
    const auto bs = view_.governor->Stats(b);
    if (!bs.limit || !bs.remaining) continue;
    n.limit = bs.limit;
    const auto per_window =
        static_cast<int64_t>(std::floor(static_cast<double>(*bs.limit) * share + 1e-9));
    n.per_window = per_window;
    n.usable = *bs.remaining - bs.in_flight - (*bs.limit - per_window);
    if (bs.learnt_cap && bs.cap_left) {  // a hidden per-token share, learnt from 429s
      n.learnt_cap = bs.learnt_cap;
      n.per_window = std::min(per_window, *bs.learnt_cap);
      n.usable = std::min(*n.usable, *bs.cap_left);
    }
    if (bs.reset_local) n.reset_in_s = Seconds(*bs.reset_local - now);
    if (bs.window) n.window_s = std::chrono::duration<double>(*bs.window).count();
  }
  return out;
}

ProgressState RunMonitor::Snapshot(Clock::time_point now) {
  ProgressState s;
  s.unit = view_.unit;
  s.done = Done();
  s.total = options_.total;
  s.elapsed_s = Seconds(now - started_);
  s.rate = rate_.Rate();
  s.has_outcomes = view_.counts != nullptr;
  if (view_.counts)
    for (std::size_t i = 0; i < kOutcomeCount; ++i) s.outcomes[i] = (*view_.counts)[i] + view_.resumed[i];
  if (view_.pages_done) s.pages = view_.pages_done();
  if (view_.dispatcher) {
    const DispatcherStats& st = view_.dispatcher->stats();
    s.rate_limited = st.rate_limited + st.concurrency_limited;
    s.in_flight = st.in_flight;
  }
  if (view_.governor) s.in_flight_cap = view_.governor->InFlightCap();
  const auto buckets = Buckets(now);
  s.bottleneck = PickBottleneck(buckets, s.in_flight, s.in_flight_cap);
  const BucketNow* budget = nullptr;
  if (s.bottleneck.kind == Bottleneck::kBucket) {
    budget = &buckets[static_cast<std::size_t>(s.bottleneck.bucket)];
    s.bottleneck_bucket = *budget;
  }
  if (s.total) {
    const uint64_t left = *s.total > s.done ? *s.total - s.done : 0;
    uint64_t resumed = 0;
    for (uint64_t r : view_.resumed) resumed += r;
    const uint64_t done_here = s.done - std::min(s.done, resumed);
    const double per_item =
        budget && done_here > 0 ? static_cast<double>(budget->requests) / static_cast<double>(done_here)
                                : 1.0;
    s.eta_s = EstimateEta(left, s.rate, budget, per_item);
  }
  return s;
}

void RunMonitor::FillRecord(RunRecord* record) const {
  for (Bucket b : kAllBuckets) {
    const std::size_t i = static_cast<std::size_t>(b);
    BucketReport& br = record->buckets[i];
    br.requests += final_stats_.requests_by_bucket[i];  // after the org look-ups' (RecordOf)
    br.rate_limited = final_stats_.rate_limited_by_bucket[i];
    br.concurrency_limited = final_stats_.concurrency_limited_by_bucket[i];
    br.limit = final_buckets_[i].limit;
    br.learnt_cap = final_buckets_[i].learnt_cap;
    if (final_buckets_[i].window)
      br.window_s = std::chrono::duration<double>(*final_buckets_[i].window).count();
  }
  record->latency = final_stats_.latency;
  record->max_share = max_share_;
  record->runs = runs_;
  if (!record->runs.empty()) record->runs.back().exit_code = record->exit_code;
}

namespace {
void CopyStats(const DispatcherStats& st, RunRecord* r) {
  r->requests = st.requests;
  r->rate_limited = st.rate_limited;
  r->concurrency_limited = st.concurrency_limited;
  r->retried = st.retried;
  r->transport_errors = st.transport_errors;
}
}  // namespace

RunRecord RecordOf(const JobSummary& summary) {
  RunRecord r;
  r.command = summary.command;
  r.items = summary.rows;
  r.outcomes = summary.counts;
  r.resumed_rows = summary.resumed_rows;
  r.elapsed_s = summary.elapsed_s;
  CopyStats(summary.stats, &r);
  // The org look-ups before the first row ran on their own dispatcher: counted here.
  r.org_requests = summary.org_requests;
  r.requests += summary.org_requests;
  for (std::size_t i = 0; i < kBucketCount; ++i)
    r.buckets[i].requests += summary.org_requests_by_bucket[i];
  r.exit_code = summary.ExitCode();
  r.abort_reason = summary.abort_reason;
  r.interrupted = summary.interrupted;
  r.dry_run = summary.dry_run;
  r.would_send = summary.would_send;
  return r;
}

RunRecord RecordOf(const ExportSummary& summary) {
  RunRecord r;
  r.command = "export";
  r.unit = "users";
  r.has_outcomes = false;
  r.items = summary.users;
  r.pages = summary.pages;
  r.elapsed_s = summary.elapsed_s;
  CopyStats(summary.stats, &r);
  r.exit_code = summary.ExitCode();
  r.abort_reason = !summary.abort_reason.empty() ? summary.abort_reason : summary.error;
  r.interrupted = summary.interrupted;
  return r;
}

bool WriteRunOutputs(const RunRecord& record, const RunMonitor& monitor,
                     const std::string& json_path, const std::string& report_path,
                     std::string* error) {
  bool ok = true;
  std::string e;
  if (!monitor.runs_path().empty() && !record.runs.empty() &&
      !SaveJobRuns(monitor.runs_path(), record.runs, &e)) {
    *error = e;
    ok = false;
  }
  if (!json_path.empty() && !WriteFileAtomically(json_path, SummaryJson(record), &e)) {
    *error = (ok ? "" : *error + "; ") + "--summary-json: " + e;
    ok = false;
  }
  if (!report_path.empty() &&
      !WriteFileAtomically(report_path, RenderHtmlReport(record, monitor.series(), monitor.failures()), &e)) {
    *error = (ok ? "" : *error + "; ") + "--report: " + e;
    ok = false;
  }
  return ok;
}

}  // namespace okta_bulk
