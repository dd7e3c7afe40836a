// SecretFile: the sidecar `<results>.secrets` where `--write-temp-passwords` puts what Okta
// returns only once (a temporary password, a reset link): created or appended to with mode
// 0600 through safe_file, never through a planted link, and refused when anyone but the owner
// could read it. One CSV record per secret, flushed at once (a crash after Okta answered must
// not lose it): row,login,userId,kind,secret. Single-threaded (the job's io_context thread);
// the job that opens it owns it and outlives every task that writes to it.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/engine/run_files.h"

namespace okta_bulk {

class SecretFile {
 public:
  // `results_path` + ".secrets". A new run (`append` false) starts the file afresh; --resume
  // appends. nullptr with `error` set when it cannot be opened or is readable by others.
  static std::unique_ptr<SecretFile> Open(const std::string& results_path, bool append,
                                          std::string* error);
  static std::string PathFor(const std::string& results_path) { return SecretsPathFor(results_path); }
  ~SecretFile();
  SecretFile(const SecretFile&) = delete;
  SecretFile& operator=(const SecretFile&) = delete;

  // Writes and flushes one record; false when the write failed.
  bool Write(uint64_t row, std::string_view login, std::string_view user_id, std::string_view kind,
             std::string_view secret);

 private:
  explicit SecretFile(std::FILE* file) : file_(file) {}
  std::FILE* file_;
};

}  // namespace okta_bulk
