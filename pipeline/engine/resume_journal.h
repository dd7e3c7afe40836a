// Reading an earlier run's results.csv for --resume: which rows already ended, and a
// compacted copy of the file holding each of them exactly once.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "pipeline/engine/results_sink.h"
#include "pipeline/rows/row_sets.h"

namespace okta_bulk {

struct Journal {
  RowSet done;                                   // rows not to send again
  std::array<uint64_t, kOutcomeCount> counts{};  // outcomes of those rows
  uint64_t dropped_failed = 0;                   // failed rows dropped for --retry-failed
  uint64_t dropped_damaged = 0;                  // torn or malformed lines (sent again)
  bool existed = false;                          // false: no earlier results file
};

// Reads `path` (an okta-bulk results file) and rewrites it in place, atomically (a
// temporary file renamed over it), keeping each finished row once: every row, or with
// `retry_failed` every row but the `failed` ones. A missing file is an empty journal.
// Returns false with `error` when the file is not an okta-bulk results file or cannot be
// rewritten.
bool LoadAndCompactJournal(const std::string& path, bool retry_failed, Journal* journal,
                           std::string* error);

// The job's start on the server's clock is kept beside the results file, in
// `<results>.job`, so that a resumed job can recognise users its first run created.
std::string JobFilePath(const std::string& results_path);
bool WriteJobStart(const std::string& results_path, int64_t server_epoch);
int64_t ReadJobStart(const std::string& results_path);  // 0 when absent or unreadable

}  // namespace okta_bulk
