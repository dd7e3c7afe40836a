#include "pipeline/engine/resume_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/csv/csv_writer.h"

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

  std::string tmp = path + ".resume-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = "cannot write '" + tmp + "': " + std::strerror(errno);
    return false;
  }
  std::string out;
  AppendCsvRecord(&out, std::span<const std::string>(header.fields));
  auto flush = [&](bool force) {
    if (!force && out.size() < (1u << 16)) return true;
    const char* p = out.data();
    std::size_t left = out.size();
    while (left) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    out.clear();
    return true;
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
    if (retry_failed && outcome == Outcome::kFailed) {
      ++journal->dropped_failed;
      continue;
    }
    journal->done.Add(row);
    ++journal->counts[static_cast<std::size_t>(outcome)];
    AppendCsvRecord(&out, std::span<const std::string>(f));
    ok = flush(false);
  }
  ok = ok && flush(true) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (reader.error()) {
    *error = "cannot read the results file '" + path + "': " + reader.error().message();
    std::remove(tmp.c_str());
    return false;
  }
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rewrite the results file '" + path + "': " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

std::string JobFilePath(const std::string& results_path) { return results_path + ".job"; }

bool WriteJobStart(const std::string& results_path, int64_t server_epoch) {
  std::string path = JobFilePath(results_path), tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return false;
  bool ok = std::fprintf(f, "job_start_server_epoch=%lld\n", static_cast<long long>(server_epoch)) > 0;
  ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

int64_t ReadJobStart(const std::string& results_path) {
  std::FILE* f = std::fopen(JobFilePath(results_path).c_str(), "r");
  if (!f) return 0;
  long long v = 0;
  if (std::fscanf(f, "job_start_server_epoch=%lld", &v) != 1) v = 0;
  std::fclose(f);
  return v > 0 ? v : 0;
}

}  // namespace okta_bulk
