#include "pipeline/jobs/secret_file.h"

#include <sys/stat.h>
#include <cstdio>

#include "pipeline/csv/csv_writer.h"
#include "pipeline/files/platform.h"
#include "pipeline/files/safe_file.h"

namespace okta_bulk {

std::unique_ptr<SecretFile> SecretFile::Open(const std::string& results_path, bool append,
                                             std::string* error) {
  if (results_path.empty() || results_path == "-") {
    *error = "--write-temp-passwords needs a results file (-o PATH), not stdout: the secrets go "
             "to PATH.secrets, readable by you only";
    return nullptr;
  }
  // RunJob opens it (through JobOptions::open_sidecars) after PrepareResultsFile: an earlier
  // run's secrets were kept aside or belong to this job (--resume), so appending loses none.
  const std::string path = PathFor(results_path);
  std::FILE* f = OpenOutputStream(path, append ? OutputOpen::kAppend : OutputOpen::kTruncate, error);
  if (!f) return nullptr;
  struct stat st {};
  if (::fstat(::fileno(f), &st) != 0 || !platform::IsOwnerOnly(::fileno(f))) {
    std::fclose(f);
    *error = path + " is readable by others (or not a regular file); refusing to write "
             "temporary passwords or links to it";
    return nullptr;
  }
  std::unique_ptr<SecretFile> out(new SecretFile(f));
  if (st.st_size == 0) {
    std::string header;
    AppendCsvRecord(&header, {"row", "login", "userId", "kind", "secret"});
    std::fwrite(header.data(), 1, header.size(), f);
    std::fflush(f);
  }
  return out;
}

SecretFile::~SecretFile() { std::fclose(file_); }

bool SecretFile::Write(uint64_t row, std::string_view login, std::string_view user_id,
                       std::string_view kind, std::string_view secret) {
  std::string line = std::to_string(row);
  line.push_back(',');
  AppendCsvCellGuarded(&line, login);
  line.push_back(',');
  AppendCsvCellGuarded(&line, user_id);
  line.push_back(',');
  AppendCsvField(&line, kind);
  line.push_back(',');
  AppendCsvField(&line, secret);  // exact, never prefixed: it must work when typed
  line.push_back('\n');
  return std::fwrite(line.data(), 1, line.size(), file_) == line.size() && std::fflush(file_) == 0;
}

}  // namespace okta_bulk
