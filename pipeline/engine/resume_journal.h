// Reading an earlier run's results.csv for --resume: which rows already ended, whether the
// input's copy of each has changed since, and a compacted copy of the file holding each of
// them exactly once, numbered as the rows stand in the current input.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine/results_sink.h"
#include "pipeline/rows/row_sets.h"

namespace okta_bulk {

// A hash of one input record's content: of each non-empty cell with its column's name, in
// any order (reordering columns or adding an empty one is no change; editing, clearing or
// filling a cell is). Password columns (password, passwordHash, passwordSalt) are left out:
// nothing in the results file is derived from a password. Never 0 (0 in a results file means
// "not recorded"). Written to the results file's `rowHash` column when the row ends; --resume
// compares it.
uint64_t RowContentHash(const std::vector<std::string>& header, const std::vector<std::string>& fields);

// What --resume knows of an earlier run. A finished row is recognised by its key, not by
// its position (issue 18: rows inserted, removed or reordered since must not shift which
// rows are skipped): the key is the row's login (folded as Okta compares logins) or, for a
// row that names only a user id, that id; LoginHash of either. Rows whose result carries
// neither (an invalid row without one) are recognised by their row number.
//
// Use: LoadJournal, then MatchInput for every record of the current input in order, then
// CompactJournal; Finished() then tells the job which rows to skip. Single-threaded.
struct Journal {
  // One finished row with a key.
  struct Entry {
    uint64_t key = 0;      // LoginHash of its key
    uint64_t content = 0;  // RowContentHash when it ended; 0: not recorded (older file)
    uint32_t old_row = 0;  // its row number in the results file; kNoRow when empty
    uint32_t row = 0;      // its row number in the current input (MatchInput); 0: not in it
    uint32_t seq = 0;      // its position among the rows kept, in file order
    Outcome outcome = Outcome::kFailed;
    bool changed = false;  // the input's row has other content now
  };
  static constexpr uint32_t kNoRow = UINT32_MAX;

  RowSet done;                                   // row numbers of the rows read and kept
  std::vector<Entry> entries;                    // sorted by key, then old_row, then seq
  RowSet keyless_done;                           // finished rows without a key, by number
  RowSet keyless_matched;                        // those whose row in the input has no key either
  std::array<uint64_t, kOutcomeCount> counts{};  // outcomes of the rows kept
  uint64_t kept = 0;                             // rows kept (after CompactJournal: written)
  uint64_t dropped_failed = 0;                   // failed and invalid rows dropped for --retry-failed
  uint64_t dropped_damaged = 0;                  // torn or malformed lines (sent again)
  uint64_t dropped_changed = 0;                  // changed rows dropped for --retry-changed
  uint64_t matched = 0;                          // input rows recognised as finished (EndInput)
  uint64_t changed = 0;                          // finished rows whose input row changed since
  bool input_matched = false;                    // MatchInput was called
  bool retry_failed = false;                     // set by LoadJournal
  bool retry_changed = false;                    // set by CompactJournal
  bool existed = false;                          // false: no earlier results file

  // Whether the row with this key (LoginOf the record: its login, or its id) or, when it
  // has none, this row number, finished in the earlier run and is not to be sent again
  // (a changed row under --retry-changed is sent again).
  bool Finished(std::string_view key, uint64_t row) const;

  // Tells the journal about record `row` of the current input, its key and its
  // RowContentHash. Call for every record, in order, then EndInput.
  void MatchInput(std::string_view key, uint64_t row, uint64_t content);
  // Pairs the records of each key with its finished rows (duplicates stay apart): a result
  // that was sent goes to the earliest records of its key (the one the job sends), an
  // invalid one to a later record (its content's, else the latest), never displacing the
  // record to send; a first record whose content differs from what was sent counts as
  // changed. Sets `matched` and `changed`. Called by CompactJournal if not before; Finished()
  // is right after it.
  void EndInput();

 private:
  struct Pending {
    uint32_t lo;       // its key's first entry
    uint32_t row;      // its row number in the current input
    uint64_t content;  // its RowContentHash
  };
  std::vector<Pending> pending_;  // MatchInput's records whose key has results; freed by EndInput
  bool resolved_ = false;
};

// Reads `path` (an okta-bulk results file) without changing it: every well-formed row once,
// or with `retry_failed` every row but the `failed` and `invalid` ones (an invalid row is
// read and checked again: the user may have fixed it). A missing file is an empty journal.
// Returns false with `error` when the file is not an okta-bulk results file.
bool LoadJournal(const std::string& path, bool retry_failed, Journal* journal, std::string* error);

// Rewrites `path` in place, atomically (a temporary renamed over it), keeping the rows
// LoadJournal kept, each once, in the current header (with `rowHash`). After MatchInput, a
// row with a key carries its row number in the current input (empty when its record is no
// longer there: its result is kept, not lost); a row without a key (an invalid one) is kept
// only where the input's row of that number has no key either (otherwise the input's rows
// without a key are read and reported again); with `retry_changed` the rows whose input
// changed are dropped, to be sent again. Recomputes `counts` and `kept`.
bool CompactJournal(const std::string& path, bool retry_changed, Journal* journal, std::string* error);

// LoadJournal then CompactJournal, without looking at the input (row numbers kept as read).
bool LoadAndCompactJournal(const std::string& path, bool retry_failed, Journal* journal,
                           std::string* error);

// The job's start on the server's clock is kept beside the results file, in
// `<results>.job`, so that a resumed job can recognise users its first run created.
std::string JobFilePath(const std::string& results_path);
bool WriteJobStart(const std::string& results_path, int64_t server_epoch);
int64_t ReadJobStart(const std::string& results_path);  // 0 when absent or unreadable

}  // namespace okta_bulk
