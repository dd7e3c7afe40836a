// What a finished run was, as the summary JSON and the report tell it (RunRecord), and the
// bucket efficiency both show. Pure; single-threaded.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/okta_buckets.h"
#include "pipeline/engine/latency_histogram.h"
#include "pipeline/engine/row_result.h"
#include "pipeline/jobs/sync_plan.h"
#include "pipeline/report/job_runs.h"
#include "pipeline/report/run_identity.h"

namespace okta_bulk {

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
  // What `items` counts: "rows", or "users" (export), "groups" (groups export).
  std::string unit = "rows";
  uint64_t items = 0;             // rows in the input (or users exported)
  bool has_outcomes = true;
  std::array<uint64_t, kOutcomeCount> outcomes{};
  uint64_t resumed_rows = 0;      // rows already done in the results file (in outcomes)
  uint64_t pages = 0;             // export
  double elapsed_s = 0;
  // requests: every request, the org look-ups before the first row included (org_requests
  // of them; in `buckets` too).
  uint64_t requests = 0, rate_limited = 0, concurrency_limited = 0, retried = 0,
           transport_errors = 0;
  uint64_t org_requests = 0;
  std::array<BucketReport, kBucketCount> buckets{};
  double max_share = 1.0;
  LatencyHistogram latency;
  bool dry_run = false;           // --dry-run: nothing was sent
  uint64_t would_send = 0;        // dry run: valid rows
  int exit_code = 0;
  std::string abort_reason;       // "" = not aborted
  bool interrupted = false;
  // Every run of the job, oldest first, this one last (its exit code is exit_code); empty
  // when not known (a run that never started). A resumed job has more than one.
  std::vector<RunSegment> runs;
  // sync: the plan's counts (creates, updates, unchanged, group changes, deactivations) and
  // what it costs against one write per row; absent for the other commands.
  std::optional<PlanCounts> sync_plan;
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

// Items per second over the whole job: JobRate(runs) (rows done in each run, never rows
// skipped because an earlier run finished them), or items / elapsed_s when no run is known.
double ItemsPerSecond(const RunRecord& record);

// Requests a bucket counted: sent, minus those answered 429 (Okta does not count them).
uint64_t BucketCounted(const BucketReport& b);

}  // namespace okta_bulk
