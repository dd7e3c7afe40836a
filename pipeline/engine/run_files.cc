#include "pipeline/engine/run_files.h"

#include <unistd.h>  // close (the C runtime's io.h on Windows)

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "pipeline/files/platform.h"

namespace okta_bulk {
namespace {

namespace fs = std::filesystem;

// What identifies a file: its device and inode when it exists; otherwise its parent
// directory's and its own name (two spellings of one new file, like ./a.csv and a.csv).
struct Identity {
  bool exists = false;
  platform::FileId id;
  std::string name;
  bool operator==(const Identity& o) const {
    return exists == o.exists && id == o.id && name == o.name;
  }
};

bool IdentityOf(const std::string& path, Identity* out) {
  if (platform::IdOf(path, &out->id)) {  // follows symlinks: a link to the input is the input
    out->exists = true;
    return true;
  }
  std::error_code ec;
  fs::path absolute = fs::absolute(fs::path(path), ec).lexically_normal();
  if (ec) return false;
  fs::path parent = absolute.parent_path();
  // opening it will fail with its own message
  if (!platform::IdOf(parent.string(), &out->id)) return false;
  out->name = absolute.filename().string();
  return true;
}

}  // namespace

bool CheckDistinctFiles(const std::vector<NamedPath>& paths, std::string* error) {
  std::vector<std::pair<const NamedPath*, Identity>> seen;
  for (const NamedPath& p : paths) {
    if (p.path.empty() || p.path == "-") continue;
    Identity id;
    if (!IdentityOf(p.path, &id)) continue;
    for (const auto& [other, other_id] : seen) {
      if (other_id == id) {
        *error = p.flag + " " + p.path + " is the same file as " + other->flag + " " + other->path +
                 (other->flag == "the input" ? ": writing it would destroy the input" : "") +
                 ". Give each its own file; nothing was read or sent";
        return false;
      }
    }
    seen.emplace_back(&p, id);
  }
  return true;
}

namespace {

// The size of `path` when it is a regular file with something in it, else 0 (nothing to lose;
// a pipe or a device is written as asked).
// std::filesystem: a 64-bit size on every system (off_t is 32 bits on Windows).
std::uintmax_t HeldBytes(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::status(path, ec)) || ec) return 0;
  const std::uintmax_t bytes = fs::file_size(path, ec);
  return ec ? 0 : bytes;
}

bool Taken(const std::string& path) { return platform::NameTaken(path); }

// Moves `from` to the free name `to`, never replacing a file that appeared meanwhile. False
// with errno set (EEXIST: `to` was taken meanwhile).
bool MoveAside(const std::string& from, const std::string& to) {
  return platform::MoveNoReplace(from, to);
}

}  // namespace

std::string SecretsPathFor(const std::string& results_path) { return results_path + ".secrets"; }

bool PrepareResultsFile(const std::string& path, bool resume, bool overwrite,
                        std::string* kept_as, std::string* error) {
  kept_as->clear();
  if (path.empty() || path == "-" || resume) return true;
  const std::string secrets = SecretsPathFor(path);
  const std::uintmax_t results_bytes = HeldBytes(path), secrets_bytes = HeldBytes(secrets);
  if (results_bytes == 0 && secrets_bytes == 0) return true;  // nothing to lose
  if (!overwrite) {
    if (results_bytes > 0) {
      *error = path + " already holds the results of an earlier run (" + std::to_string(results_bytes) +
               " bytes). To continue that run: the same command with --resume. To start over: "
               "--overwrite (keeps the old file as " + path + ".1), or another -o file";
    } else {
      *error = secrets + " already holds the secrets an earlier run received (" +
               std::to_string(secrets_bytes) + " bytes; Okta shows them only once). To continue "
               "that run: the same command with --resume. To start over: --overwrite (keeps the "
               "old file as " + path + ".1.secrets), or another -o file";
    }
    return false;
  }
  for (int n = 1; n < 10000; ++n) {
    const std::string aside = path + "." + std::to_string(n);
    // The results, their .job, .runs and .secrets go aside together, under one free name.
    if (Taken(aside) || Taken(aside + ".job") || Taken(aside + ".runs") ||
        Taken(aside + ".secrets"))
      continue;
    if (results_bytes > 0 && !MoveAside(path, aside)) {
      if (errno == EEXIST) continue;
      *error = "cannot keep the earlier results " + path + " as " + aside + ": " + std::strerror(errno);
      return false;
    }
    if (secrets_bytes > 0 && !MoveAside(secrets, aside + ".secrets")) {
      *error = "cannot keep the earlier secrets " + secrets + " as " + aside + ".secrets: " +
               std::strerror(errno) + (results_bytes > 0 ? " (the results were kept as " + aside + ")" : "");
      return false;
    }
    // The journal's header and the earlier runs' timings (report/job_runs: `<results>.runs`)
    // describe the results kept aside, not the new run.
    for (const char* companion : {".job", ".runs"}) {
      const std::string file = path + companion;
      if (Taken(file)) platform::RenameOver(file, aside + companion);
    }
    *kept_as = results_bytes > 0 ? aside : aside + ".secrets";
    return true;
  }
  *error = "cannot find a free name to keep the earlier results " + path + " aside";
  return false;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

bool RunLock::Acquire(const std::string& results_path, std::string* error) {
  if (results_path.empty() || results_path == "-") return true;
  const std::string path = results_path + ".lock";
  fd_ = platform::OpenPrivateFile(path, platform::OpenMode::kCreateReadWrite);
  if (fd_ < 0) {
    *error = "cannot open the lock file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!platform::TryLockExclusive(fd_)) {
    char buf[32] = {};
    const long long n = platform::ReadAt(fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    ::close(fd_);
    fd_ = -1;
    *error = "another okta-bulk run" + (pid.empty() ? "" : " (pid " + pid + ")") + " is using " +
             results_path + " (lock " + path + "). Wait for it to end, or give another -o file";
    return false;
  }
  const std::string pid = std::to_string(platform::ProcessId()) + "\n";
  if (!platform::TruncateFile(fd_, 0) || platform::WriteAt(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; the message of a second run just lacks it.
  }
  return true;
}

}  // namespace okta_bulk
