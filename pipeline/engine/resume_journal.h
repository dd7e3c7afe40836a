// Reading an earlier run's results.csv for --resume: which rows already ended, and a
// compacted copy of the file holding each of them exactly once.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine/results_sink.h"
#include "pipeline/rows/row_sets.h"

namespace okta_bulk {

// What --resume knows of an earlier run. A finished row is recognised by its key, not by
// its position (issue 18: rows inserted, removed or reordered since must not shift which
// rows are skipped): the key is the row's login (folded as Okta compares logins) or, for a
// row that names only a user id, that id; LoginHash of either. Rows whose result carries
// neither (an invalid row without one) are recognised by their row number.
struct Journal {
  RowSet done;                                   // every row of the file kept (counts)
  std::vector<uint64_t> done_keys;               // sorted LoginHash of finished rows' keys
  RowSet keyless_done;                           // finished rows without a key, by number
  std::array<uint64_t, kOutcomeCount> counts{};  // outcomes of those rows
  uint64_t dropped_failed = 0;                   // failed and invalid rows dropped for --retry-failed
  uint64_t dropped_damaged = 0;                  // torn or malformed lines (sent again)
  bool existed = false;                          // false: no earlier results file

  // Whether the row with this key (LoginOf the record: its login, or its id) or, when it
  // has none, this row number, finished in the earlier run.
  bool Finished(std::string_view key, uint64_t row) const;
};

// Reads `path` (an okta-bulk results file) and rewrites it in place, atomically (a
// temporary file renamed over it), keeping each finished row once: every row, or with
// `retry_failed` every row but the `failed` and `invalid` ones (an invalid row is read and
// checked again: the user may have fixed it). A missing file is an empty journal.
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
