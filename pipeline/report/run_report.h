// What a run leaves behind for people and scripts besides the results file: the time series
// it samples (bounded memory however long the run), the table of failures by error, the
// --summary-json document and the self-contained --report HTML page with inline SVG charts.
// Pure: strings in, strings out, except WriteFileAtomically. Single-threaded.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/okta_buckets.h"
#include "pipeline/engine/latency_histogram.h"
#include "pipeline/engine/row_result.h"
#include "pipeline/report/run_identity.h"

namespace okta_bulk {

// One sample of the run, taken about once a second. Counters are cumulative since the start.
struct SeriesPoint {
  double t_s = 0;              // seconds since the run started
  uint64_t done = 0;           // items (rows, or exported users) finished
  uint64_t requests = 0;
  uint64_t rate_limited = 0;   // 429s, bucket and concurrency ones
  uint32_t in_flight = 0;      // requests in flight (the highest of merged samples)
  // x-rate-limit-remaining as the governor sees it (the lowest of merged samples), and the
  // limit; -1 = not known (the bucket was not used yet, or is not metered).
  std::array<int64_t, kBucketCount> remaining{-1, -1, -1, -1, -1, -1};
  std::array<int64_t, kBucketCount> limit{-1, -1, -1, -1, -1, -1};
};

// The samples of a run in at most `max_points` points: when full, adjacent pairs are merged
// (halving the resolution) and from then on that many raw samples make one point, so a
// 10-hour run at one sample a second still fits. Memory: max_points points.
class RunSeries {
 public:
  explicit RunSeries(std::size_t max_points = 2000);
  void Add(const SeriesPoint& point);
  // Flushes a partly merged point (call once at the end).
  void Finish();
  const std::vector<SeriesPoint>& points() const { return points_; }
  // Raw samples per point now (1, 2, 4, ...).
  std::size_t stride() const { return stride_; }

  // Merges `later` into `into` (counters and time from the later one, the highest in-flight
  // count, the lowest remaining).
  static void Merge(SeriesPoint& into, const SeriesPoint& later);

 private:
  std::size_t max_points_;
  std::size_t stride_ = 1;
  std::vector<SeriesPoint> points_;
  SeriesPoint pending_;
  std::size_t pending_count_ = 0;
};

// Failed and invalid rows grouped by error: outcome, HTTP status, Okta error code and the
// message with row numbers, numbers, ids and logins taken out (the key, never shown: it is
// no message anyone wrote), with a count and the first row's message, verbatim, as the
// example. At most kMaxKinds groups; later kinds are counted under one "other" group.
class FailureTable {
 public:
  static constexpr std::size_t kMaxKinds = 200;
  struct Entry {
    Outcome outcome = Outcome::kFailed;
    int http_status = 0;
    std::string error_code;
    std::string key;  // Normalize(message): what the group shares; "" for the "other" group
    bool other = false;  // the group of kinds beyond kMaxKinds
    uint64_t count = 0;
    uint64_t example_row = 0;
    std::string example_login;
    std::string example_error;  // the first row's message as it was
  };
  // Records a row; successful rows are ignored.
  void Add(const RowResult& result);
  // Most frequent first.
  std::vector<Entry> Sorted() const;
  uint64_t total() const { return total_; }

  // "row 12 (line 13), field 'login': 'a@b.c' is ..." -> "field 'login': '…' is ...": the
  // row prefix goes, quoted values (but not field names) and words with '@' become "…", a
  // run of letters and digits that holds a digit (a number, an id) becomes "#".
  static std::string Normalize(std::string_view message);

 private:
  std::vector<Entry> entries_;
  Entry other_;
  uint64_t total_ = 0;
};

// A bucket at the end of a run.
struct BucketReport {
  uint64_t requests = 0;
  uint64_t rate_limited = 0;         // bucket 429s
  uint64_t concurrency_limited = 0;  // concurrency 429s
  std::optional<int64_t> limit;      // last x-rate-limit-limit seen
  std::optional<double> window_s;    // learnt window length
  std::optional<int64_t> learnt_cap;  // requests per window the token really got, learnt
                                      // from 429s the headers did not foresee (a hidden share)
};

// Everything the summary JSON and the report say about a finished run.
struct RunRecord {
  std::string command;            // "import", "update", ..., "export"
  RunIdentity run;                // when, which binary, what was typed, which input and org
  std::string unit = "rows";      // what `items` counts: "rows", or "users" for export
  uint64_t items = 0;             // rows in the input (or users exported)
  bool has_outcomes = true;
  std::array<uint64_t, kOutcomeCount> outcomes{};
  uint64_t resumed_rows = 0;      // rows already done in the results file (in outcomes)
  uint64_t pages = 0;             // export
  double elapsed_s = 0;
  uint64_t requests = 0, rate_limited = 0, concurrency_limited = 0, retried = 0,
           transport_errors = 0;
  std::array<BucketReport, kBucketCount> buckets{};
  double max_share = 1.0;
  LatencyHistogram latency;
  bool dry_run = false;           // --dry-run: nothing was sent
  uint64_t would_send = 0;        // dry run: valid rows
  int exit_code = 0;
  std::string abort_reason;       // "" = not aborted
  bool interrupted = false;
};

// Bucket efficiency (documented in README.md): requests the bucket counted (sent, minus
// those answered 429) / BucketPermitted: what its limit permitted over the run,
// floor(limit * max_share) (or the learnt cap, when smaller) per window, for each window that
// ended during the run, plus, of the window the run ended in, the larger of what the run
// still counted after full earlier windows and the permits pro rata to the time spent in it
// (at most a window's). nullopt when the bucket was not used or its limit or window is not
// known.
std::optional<double> BucketPermitted(const RunRecord& record, Bucket bucket);
std::optional<double> BucketEfficiency(const RunRecord& record, Bucket bucket);

// The --summary-json document (see README.md for its fields). Valid JSON whatever the strings.
std::string SummaryJson(const RunRecord& record);

// `s` with &, <, >, " and ' as entities, and bytes that are not valid UTF-8 as U+FFFD.
std::string HtmlEscape(std::string_view s);

// The --report page: one HTML file with inline CSS and inline SVG charts (no script, no
// external reference): which run it is (table id "run"), throughput, requests in flight, remaining budget per bucket and 429s
// over time, the latency histogram, and the failures table. Every string from data is
// escaped. Chart elements carry ids: chart-throughput, chart-in-flight, chart-remaining,
// chart-429s, chart-latency; the table: failures.
std::string RenderHtmlReport(const RunRecord& record, const RunSeries& series,
                             const FailureTable& failures);

}  // namespace okta_bulk
