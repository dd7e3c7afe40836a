// The live progress line: what it shows and how it is worked out, as pure functions of a
// snapshot (no terminal, no clock of their own), so tests drive them on a fake clock.
// RunMonitor (run_monitor.h) takes the snapshots on the event loop and prints the lines.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "net/okta_buckets.h"
#include "pipeline/engine/count_text.h"  // GroupDigits, Count (used by the report too)
#include "pipeline/engine/row_result.h"

namespace okta_bulk {

// One bucket as the progress line sees it at one instant.
struct BucketNow {
  Bucket bucket = Bucket::kOther;
  std::size_t queued = 0;                // tasks waiting for a permit of this bucket
  std::optional<int64_t> limit;          // x-rate-limit-limit of the current window
  std::optional<int64_t> usable;         // what is left for us now: remaining - the reserve
                                         // --max-share leaves to others (<= 0: spent)
  std::optional<int64_t> per_window;     // what we may use per window: floor(limit * share),
                                         // or the learnt cap when smaller
  std::optional<int64_t> learnt_cap;     // the token's real share per window, learnt from 429s
  std::optional<double> reset_in_s;      // seconds until the window resets (estimate)
  std::optional<double> window_s;        // window length
  uint64_t requests = 0;                 // requests sent in this bucket so far
};

// What limits the run now.
struct Bottleneck {
  enum Kind : unsigned char { kNone, kBucket, kConcurrency } kind = kNone;
  Bucket bucket = Bucket::kOther;  // for kBucket
};

// The bucket with the most tasks waiting for its permits. When every request slot is in use
// (`in_flight >= cap`) the slots are the limit (kConcurrency) unless a bucket with waiting
// tasks is spent; with no task waiting anywhere nothing but latency limits the run (kNone).
Bottleneck PickBottleneck(std::span<const BucketNow> buckets, uint64_t in_flight, int cap);

// Seconds until `left` more items are done, or nullopt when it cannot be told yet.
// `recent_rate`: items per second over the last seconds. `budget` (the bottleneck bucket,
// when one is): its window is spent at `requests_per_item` requests per item (observed so
// far); what is `usable` now goes at once, then `per_window` more at each reset, the first
// in `reset_in_s` and one window apart after that. The estimate is the time the last permit
// needed comes free; while the bucket is not spent, never less than left / recent_rate;
// while it is spent, plus the time the last window's rows take at the recent rate (at most
// one window).
std::optional<double> EstimateEta(uint64_t left, double recent_rate, const BucketNow* budget,
                                  double requests_per_item);

// Items per second over a sliding window of recent samples (a fixed ring, no allocation).
class RecentRate {
 public:
  static constexpr int kSlots = 11;  // 10 intervals at one sample a second
  void Add(double t_s, uint64_t done);
  // Rate between the oldest and newest sample kept; 0 with fewer than two.
  double Rate() const;

 private:
  std::array<double, kSlots> t_{};
  std::array<uint64_t, kSlots> done_{};
  int next_ = 0, size_ = 0;
};

struct ProgressState {
  std::string unit = "rows";   // "rows", or "users" for export
  uint64_t done = 0;
  std::optional<uint64_t> total;  // unknown: a pipe, or an export
  double elapsed_s = 0;
  double rate = 0;                // items per second, recent
  std::optional<double> eta_s;
  bool has_outcomes = true;       // export has none
  std::array<uint64_t, kOutcomeCount> outcomes{};
  uint64_t rate_limited = 0;      // 429s so far, bucket and concurrency ones
  uint64_t in_flight = 0;
  int in_flight_cap = 0;
  Bottleneck bottleneck;
  std::optional<BucketNow> bottleneck_bucket;  // its state, for kBucket
  uint64_t pages = 0;             // export: pages so far (0: not shown)
};

// "42s", "3m07s", "2h05m".
std::string FormatDuration(double seconds);

// One progress line, no line ending, of fields in priority order: done/total, rate, ETA,
// 429s, the limiting factor, in flight, outcomes, elapsed. Within `max_width` columns (0: no
// limit) each field takes its longest form that fits (e.g. "205 rows/s", then "205/s"; the
// outcomes, then only the failures), and the fields from the first that does not fit on are
// left out. Only when not even the count fits is the text cut ("..."). `colour`: ANSI
// colours for failures and 429s (escapes take no columns; never in a cut line).
std::string RenderProgressLine(const ProgressState& state, std::size_t max_width = 0,
                               bool colour = false);

// What to write before redrawing the progress line in place: "\r" and clear to the end of
// the screen, first going up the rows the last line now takes when it was `drawn_columns`
// wide and the terminal has shrunk to `terminal_columns` (a terminal that re-wraps lines on
// resize would otherwise keep a stale fragment of it above the new line).
std::string ProgressRedrawPrefix(std::size_t drawn_columns, std::size_t terminal_columns);

// Counts the data records of a CSV file (the header is not counted) with the same
// tokenizer the job reads it with, so quoted fields spanning lines count once. nullopt when
// `path` is not a regular file (a pipe, /dev/stdin: reading it would consume it) or cannot be
// read. `delimiter` as the job reads the file: kDetectDelimiter (the default, '\0') picks it from
// the header line as the job's reader does (';' and TAB files count right).
std::optional<uint64_t> CountCsvRecords(const std::string& path, char delimiter = '\0');

}  // namespace okta_bulk
