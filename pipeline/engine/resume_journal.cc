#include "pipeline/engine/resume_journal.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <span>
#include <string_view>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/csv/csv_writer.h"
#include "pipeline/files/safe_file.h"

namespace okta_bulk {
namespace {

// The columns every results file has (the contract of issue 2); `rowHash` came later, so a
// results file without it still resumes (its rows count as unchanged).
constexpr std::size_t kContractColumns = 9;
constexpr std::string_view kHashColumn = "rowHash";
static_assert(kResultColumns.size() == kContractColumns + 1 && kResultColumns[kContractColumns] == kHashColumn);

uint64_t Mix(uint64_t h) {  // splitmix64 finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

uint64_t Fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The file's header, checked: the contract columns in order, then perhaps `rowHash`.
// Returns the index of `rowHash`, or -1 when the file has none.
bool CheckHeader(const std::string& path, const CsvRecord& header, int* hash_column,
                 std::string* error) {
  if (header.fields.size() < kContractColumns) {
    *error = "'" + path + "' is not an okta-bulk results file (its header is not " +
             std::string(kResultColumns[0]) + "," + std::string(kResultColumns[1]) + ",...)";
    return false;
  }
  for (std::size_t i = 0; i < kContractColumns; ++i) {
    if (header.fields[i] != kResultColumns[i]) {
      *error = "'" + path + "' is not an okta-bulk results file (column " + std::to_string(i + 1) +
               " is '" + header.fields[i] + "', expected '" + std::string(kResultColumns[i]) + "')";
      return false;
    }
  }
  *hash_column = -1;
  for (std::size_t i = kContractColumns; i < header.fields.size(); ++i)
    if (header.fields[i] == kHashColumn) *hash_column = static_cast<int>(i);
  return true;
}

// One line of a results file, read. `row` is 0 for an empty row cell (a finished row whose
// record is no longer in the input): such a line needs a key.
struct ParsedLine {
  uint64_t row = 0;
  Outcome outcome = Outcome::kFailed;
  std::string_view key;
  uint64_t content = 0;
};

enum class LineKind { kKeep, kDamaged, kDuplicate, kRetried };

// What becomes of one line: the same decision in LoadJournal and CompactJournal, so that both
// passes keep the same rows. `keyless_seen` holds the row numbers of the rows without a key
// kept so far (the first one wins; those with a key are told apart by key and row after
// reading: once renumbered, a row without a key may share its number with one that has).
LineKind ReadLine(const CsvRecord& record, std::size_t columns, int hash_column, bool retry_failed,
                  RowSet* keyless_seen, ParsedLine* out) {
  const auto& f = record.fields;
  if (record.problem != CsvProblem::kNone || f.size() != columns ||
      !OutcomeFromName(f[2], &out->outcome))
    return LineKind::kDamaged;  // a line torn by a crash: that row is simply sent again
  // The key: the login cell (or, for an invalid row, whatever identified it), else the id.
  out->key = Trim(!f[1].empty() ? std::string_view(f[1]) : std::string_view(f[3]));
  out->row = 0;
  if (!f[0].empty() || out->key.empty()) {
    auto [ptr, ec] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), out->row);
    if (ec != std::errc() || ptr != f[0].data() + f[0].size() || out->row == 0 ||
        out->row >= Journal::kNoRow)
      return LineKind::kDamaged;
  }
  out->content = 0;
  if (hash_column >= 0) {
    const std::string& cell = f[static_cast<std::size_t>(hash_column)];
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v, 16);
    if (ec == std::errc() && ptr == cell.data() + cell.size()) out->content = v;
  }
  const bool keyless = out->key.empty();
  if (keyless && keyless_seen->Contains(out->row)) return LineKind::kDuplicate;  // keep the first
  if (retry_failed && (out->outcome == Outcome::kFailed || out->outcome == Outcome::kInvalid))
    return LineKind::kRetried;
  if (keyless) keyless_seen->Add(out->row);
  return LineKind::kKeep;
}

bool EntryLess(const Journal::Entry& a, const Journal::Entry& b) {
  if (a.key != b.key) return a.key < b.key;
  if (a.old_row != b.old_row) return a.old_row < b.old_row;
  return a.seq < b.seq;
}

// The entries with key hash `key`: [first, last).
std::pair<std::size_t, std::size_t> RunOf(const std::vector<Journal::Entry>& entries, uint64_t key) {
  auto lo = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const Journal::Entry& e, uint64_t k) { return e.key < k; });
  auto hi = lo;
  while (hi != entries.end() && hi->key == key) ++hi;
  return {static_cast<std::size_t>(lo - entries.begin()), static_cast<std::size_t>(hi - entries.begin())};
}

// A password column (password, passwordHash, passwordSalt): left out of RowContentHash, so
// that nothing in the results file is derived from a password (a fast 64-bit hash of a row
// whose other cells are known would let a password be guessed offline).
bool IsPasswordColumn(std::string_view name) {
  name = Trim(name);
  constexpr std::string_view kPassword = "password";
  if (name.size() < kPassword.size()) return false;
  for (std::size_t i = 0; i < kPassword.size(); ++i)
    if ((name[i] | 0x20) != kPassword[i]) return false;
  return true;
}

}  // namespace

uint64_t RowContentHash(const std::vector<std::string>& header, const std::vector<std::string>& fields) {
  uint64_t sum = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) continue;
    if (i < header.size() && IsPasswordColumn(header[i])) continue;
    const uint64_t name = i < header.size() ? Fnv1a(header[i]) : Mix(i + 1);
    sum += Mix(Fnv1a(fields[i], name ^ 0x9e3779b97f4a7c15ULL));
  }
  return sum ? sum : 1;
}

bool LoadJournal(const std::string& path, bool retry_failed, Journal* journal, std::string* error) {
  std::error_code fs_error;
  if (!std::filesystem::exists(path, fs_error)) return true;
  journal->existed = true;
  journal->retry_failed = retry_failed;
  auto opened = CsvReader::Open(path);
  if (!opened) {
    *error = "cannot read the results file '" + path + "' to resume: " + opened.error().message();
    return false;
  }
  CsvReader& reader = **opened;
  CsvRecord header, record;
  if (!reader.Next(&header)) return true;  // empty file: nothing done yet
  int hash_column = -1;
  if (!CheckHeader(path, header, &hash_column, error)) return false;
  uint32_t seq = 0;
  while (reader.Next(&record)) {
    ParsedLine line;
    switch (ReadLine(record, header.fields.size(), hash_column, retry_failed, &journal->keyless_done,
                     &line)) {
      case LineKind::kDamaged: ++journal->dropped_damaged; continue;
      case LineKind::kDuplicate: continue;
      case LineKind::kRetried: ++journal->dropped_failed; continue;
      case LineKind::kKeep: break;
    }
    if (line.row) journal->done.Add(line.row);
    if (!line.key.empty()) {
      Journal::Entry e;
      e.key = LoginHash(line.key);
      e.content = line.content;
      e.old_row = line.row ? static_cast<uint32_t>(line.row) : Journal::kNoRow;
      e.seq = seq;
      e.outcome = line.outcome;
      journal->entries.push_back(e);
    }
    ++seq;
    ++journal->kept;
    ++journal->counts[static_cast<std::size_t>(line.outcome)];
  }
  if (reader.error()) {
    *error = "cannot read the results file '" + path + "': " + reader.error().message();
    return false;
  }
  std::sort(journal->entries.begin(), journal->entries.end(), EntryLess);
  // The same key twice under one row number: the first one wins (CompactJournal leaves out
  // a line whose entry is gone).
  auto& entries = journal->entries;
  std::size_t out = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (out > 0 && entries[i].old_row != Journal::kNoRow && entries[out - 1].key == entries[i].key &&
        entries[out - 1].old_row == entries[i].old_row) {
      --journal->kept;
      --journal->counts[static_cast<std::size_t>(entries[i].outcome)];
      continue;
    }
    entries[out++] = entries[i];
  }
  entries.resize(out);
  return true;
}

void Journal::MatchInput(std::string_view key, uint64_t row, uint64_t content) {
  input_matched = true;
  key = Trim(key);
  if (key.empty()) {
    if (keyless_done.Contains(row)) {
      ++matched;
      keyless_matched.Add(row);
    }
    return;
  }
  auto [lo, hi] = RunOf(entries, LoginHash(key));
  if (lo == hi) return;
  pending_.push_back({static_cast<uint32_t>(lo), row < kNoRow ? static_cast<uint32_t>(row) : 0,
                      content});
}

void Journal::EndInput() {
  if (!input_matched || resolved_) return;
  resolved_ = true;
  // The records of each key, in input order (stable: pending_ is in input order).
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Pending& a, const Pending& b) { return a.lo < b.lo; });
  std::vector<int> paired;  // per record of the key: the entry it took, or -1
  for (std::size_t first = 0; first < pending_.size();) {
    const uint32_t lo = pending_[first].lo;
    std::size_t last = first;
    while (last < pending_.size() && pending_[last].lo == lo) ++last;
    std::size_t hi = lo;
    while (hi < entries.size() && entries[hi].key == entries[lo].key) ++hi;
    const std::span<const Pending> records(pending_.data() + first, last - first);
    paired.assign(records.size(), -1);
    auto take = [&](std::size_t entry, std::size_t record) {
      paired[record] = static_cast<int>(entry);
      entries[entry].row = records[record].row;
      ++matched;
      // Only the first record of a key is the one that was sent; later ones were duplicates.
      Entry& e = entries[entry];
      if (record == 0 && e.content != 0 && records[0].content != e.content && !entries[lo].changed) {
        entries[lo].changed = true;  // for the whole key: every result of it (see Finished)
        ++changed;
      }
    };
    // A result that was sent (any outcome but invalid) belongs to the record the job sends:
    // the first of its key. Taken in row order, earliest records first.
    std::size_t next = 0;
    for (std::size_t i = lo; i < hi && next < records.size(); ++i)
      if (entries[i].outcome != Outcome::kInvalid) take(i, next++);
    // An invalid result belongs to a later record (a duplicate), or to the record that was
    // invalid itself: the one with its content, else (content not recorded) the one at its
    // row number, else the latest record left. Never to the earliest first: a duplicate's
    // result taken by the first record would keep the user from ever being sent.
    // `end`: every record from it on has its result (keeps a file of many identical
    // duplicates linear: each takes the last record left).
    std::size_t end = records.size();
    for (std::size_t i = lo; i < hi; ++i) {
      if (entries[i].outcome != Outcome::kInvalid) continue;
      while (end > 0 && paired[end - 1] >= 0) --end;
      int pick = -1;
      for (std::size_t r = end; r-- > 0 && pick < 0;)
        if (paired[r] < 0 && entries[i].content != 0 && records[r].content == entries[i].content)
          pick = static_cast<int>(r);
      for (std::size_t r = end; r-- > 0 && pick < 0;)
        if (paired[r] < 0 && entries[i].content == 0 && records[r].row == entries[i].old_row)
          pick = static_cast<int>(r);
      for (std::size_t r = end; r-- > 0 && pick < 0;)
        if (paired[r] < 0) pick = static_cast<int>(r);
      if (pick < 0) break;  // more results than records: the rest keep their result, no row
      take(i, static_cast<std::size_t>(pick));
    }
    first = last;
  }
  std::vector<Pending>().swap(pending_);
}

bool CompactJournal(const std::string& path, bool retry_changed, Journal* journal, std::string* error) {
  journal->retry_changed = retry_changed;
  journal->EndInput();
  if (!journal->existed) return true;
  auto opened = CsvReader::Open(path);
  if (!opened) {
    *error = "cannot read the results file '" + path + "' to resume: " + opened.error().message();
    return false;
  }
  CsvReader& reader = **opened;
  CsvRecord header, record;
  if (!reader.Next(&header)) return true;
  int hash_column = -1;
  if (!CheckHeader(path, header, &hash_column, error)) return false;

  // A fresh temporary (never a fixed name someone could plant a link at), renamed over the
  // results file once complete.
  AtomicFile compacted;
  if (!compacted.Open(path, error)) return false;
  std::string out;
  AppendCsvRecord(&out, std::span<const std::string_view>(kResultColumns));
  auto flush = [&](bool force) {
    if (!force && out.size() < (1u << 16)) return true;
    const bool written = compacted.Write(out);
    out.clear();
    return written;
  };
  journal->counts = {};
  journal->kept = 0;
  journal->dropped_changed = 0;
  RowSet keyless_seen;
  std::vector<std::string> cells(kResultColumns.size());
  uint32_t seq = 0;
  bool ok = true;
  while (ok && reader.Next(&record)) {
    ParsedLine line;
    if (ReadLine(record, header.fields.size(), hash_column, journal->retry_failed, &keyless_seen, &line) !=
        LineKind::kKeep)
      continue;
    const uint32_t my_seq = seq++;
    uint64_t row = line.row;
    if (!line.key.empty()) {
      auto [lo, hi] = RunOf(journal->entries, LoginHash(line.key));
      std::size_t i = lo;
      while (i < hi && journal->entries[i].seq != my_seq) ++i;
      if (i == hi) continue;  // a second line of this key and row (LoadJournal)
      if (retry_changed && journal->entries[lo].changed) {
        ++journal->dropped_changed;  // every result of the key: its rows are read anew
        continue;
      }
      if (journal->input_matched) row = journal->entries[i].row;
    } else if (journal->input_matched && !journal->keyless_matched.Contains(row)) {
      // A result without a key is known by its number only: when the record there now has a
      // key (rows were inserted or removed), it is about a record that moved or left, and
      // the input's rows without a key are read and reported anew.
      continue;
    }
    for (std::size_t c = 0; c < kContractColumns; ++c) cells[c] = record.fields[c];
    cells[0] = row ? std::to_string(row) : "";
    cells[kContractColumns].clear();
    if (line.content) {
      char hex[17];
      auto [end, ec] = std::to_chars(hex, hex + 16, line.content, 16);
      cells[kContractColumns].assign(hex, end);
    }
    AppendCsvRecord(&out, std::span<const std::string>(cells));
    ++journal->kept;
    ++journal->counts[static_cast<std::size_t>(line.outcome)];
    ok = flush(false);
  }
  ok = flush(true) && ok;
  if (journal->input_matched) journal->keyless_done = std::move(journal->keyless_matched);
  if (reader.error()) {
    *error = "cannot read the results file '" + path + "': " + reader.error().message();
    return false;  // `compacted` removes its temporary
  }
  // Closed before the rename over it: Windows (and Wine) refuse to replace an open file.
  opened->reset();
  std::string why;
  if (!ok || !compacted.Commit(&why)) {
    *error = "cannot rewrite the results file: " + (why.empty() ? std::string("write failed") : why);
    return false;
  }
  return true;
}

bool LoadAndCompactJournal(const std::string& path, bool retry_failed, Journal* journal,
                           std::string* error) {
  return LoadJournal(path, retry_failed, journal, error) &&
         CompactJournal(path, /*retry_changed=*/false, journal, error);
}

bool Journal::Finished(std::string_view key, uint64_t row) const {
  key = Trim(key);
  if (key.empty()) return keyless_done.Contains(row);
  auto [lo, hi] = RunOf(entries, LoginHash(key));
  if (lo == hi) return false;
  if (retry_changed && entries[lo].changed) return false;
  // Read against the current input: only the record that took one of the key's results.
  // Otherwise (no input seen) the key alone.
  if (!input_matched) return true;
  for (std::size_t i = lo; i < hi; ++i)
    if (entries[i].row != 0 && entries[i].row == row) return true;
  return false;
}

std::string JobFilePath(const std::string& results_path) { return results_path + ".job"; }

bool WriteJobStart(const std::string& results_path, int64_t server_epoch) {
  std::string ignored;
  return WriteFileAtomically(JobFilePath(results_path),
                             "job_start_server_epoch=" + std::to_string(server_epoch) + "\n",
                             &ignored);
}

int64_t ReadJobStart(const std::string& results_path) {
  std::string text, ignored;
  if (ReadSmallFile(JobFilePath(results_path), 4096, &text, &ignored) != ReadStatus::kOk) return 0;
  constexpr std::string_view kKey = "job_start_server_epoch=";
  if (!text.starts_with(kKey)) return 0;
  int64_t v = 0;
  std::from_chars(text.data() + kKey.size(), text.data() + text.size(), v);
  return v > 0 ? v : 0;
}

}  // namespace okta_bulk
