#include "pipeline/engine/resume_journal.h"

#include <charconv>
#include <filesystem>
#include <string_view>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/csv/csv_writer.h"
#include "pipeline/files/safe_file.h"

namespace okta_bulk {

bool LoadAndCompactJournal(const std::string& path, bool retry_failed, Journal* journal,
                           std::string* error) {
  std::error_code fs_error;
  if (!std::filesystem::exists(path, fs_error)) return true;
  journal->existed = true;
  auto opened = CsvReader::Open(path);
  if (!opened) {
    *error = "cannot read the results file '" + path + "' to resume: " + opened.error().message();
    return false;
  }
  CsvReader& reader = **opened;
  CsvRecord header, record;
  if (!reader.Next(&header)) return true;  // empty file: nothing done yet
  if (header.fields.size() < kResultColumns.size()) {
    *error = "'" + path + "' is not an okta-bulk results file (its header is not " +
             std::string(kResultColumns[0]) + "," + std::string(kResultColumns[1]) + ",...)";
    return false;
  }
  for (std::size_t i = 0; i < kResultColumns.size(); ++i) {
    if (header.fields[i] != kResultColumns[i]) {
      *error = "'" + path + "' is not an okta-bulk results file (column " + std::to_string(i + 1) +
               " is '" + header.fields[i] + "', expected '" + std::string(kResultColumns[i]) + "')";
      return false;
    }
  }

  // A fresh temporary (never a fixed name someone could plant a link at), renamed over the
  // results file once complete.
  AtomicFile compacted;
  if (!compacted.Open(path, error)) return false;
  std::string out;
  AppendCsvRecord(&out, std::span<const std::string>(header.fields));
  auto flush = [&](bool force) {
    if (!force && out.size() < (1u << 16)) return true;
    const bool written = compacted.Write(out);
    out.clear();
    return written;
  };
  bool ok = true;
  while (ok && reader.Next(&record)) {
    uint64_t row = 0;
    Outcome outcome;
    const auto& f = record.fields;
    bool well_formed =
        record.problem == CsvProblem::kNone && f.size() == header.fields.size() &&
        std::from_chars(f[0].data(), f[0].data() + f[0].size(), row).ptr == f[0].data() + f[0].size() &&
        row > 0 && OutcomeFromName(f[2], &outcome);
    if (!well_formed) {  // a line torn by a crash: that row is simply sent again
      ++journal->dropped_damaged;
      continue;
    }
    if (journal->done.Contains(row)) continue;  // keep the first
    if (retry_failed && (outcome == Outcome::kFailed || outcome == Outcome::kInvalid)) {
      ++journal->dropped_failed;
      continue;
    }
    journal->done.Add(row);
    // The key: the login cell (or, for an invalid row, whatever identified it), else the id.
    const std::string& key = !f[1].empty() ? f[1] : f[3];
    if (key.empty()) journal->keyless_done.Add(row);
    else journal->done_keys.push_back(LoginHash(key));
    ++journal->counts[static_cast<std::size_t>(outcome)];
    AppendCsvRecord(&out, std::span<const std::string>(f));
    ok = flush(false);
  }
  flush(true);
  std::sort(journal->done_keys.begin(), journal->done_keys.end());
  if (reader.error()) {
    *error = "cannot read the results file '" + path + "': " + reader.error().message();
    return false;  // `compacted` removes its temporary
  }
  std::string why;
  if (!compacted.Commit(&why)) {
    *error = "cannot rewrite the results file: " + why;
    return false;
  }
  return true;
}

bool Journal::Finished(std::string_view key, uint64_t row) const {
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
  if (key.empty()) return keyless_done.Contains(row);
  return std::binary_search(done_keys.begin(), done_keys.end(), LoginHash(key));
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
