#include "pipeline/engine/run_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace okta_bulk {
namespace {

namespace fs = std::filesystem;

// What identifies a file: its device and inode when it exists; otherwise its parent
// directory's and its own name (two spellings of one new file, like ./a.csv and a.csv).
struct Identity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string name;
  bool operator==(const Identity& o) const {
    return exists == o.exists && dev == o.dev && ino == o.ino && name == o.name;
  }
};

bool IdentityOf(const std::string& path, Identity* out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {  // follows symlinks: a link to the input is the input
    out->exists = true;
    out->dev = st.st_dev;
    out->ino = st.st_ino;
    return true;
  }
  std::error_code ec;
  fs::path absolute = fs::absolute(fs::path(path), ec).lexically_normal();
  if (ec) return false;
  fs::path parent = absolute.parent_path();
  if (::stat(parent.c_str(), &st) != 0) return false;  // opening it will fail with its own message
  out->dev = st.st_dev;
  out->ino = st.st_ino;
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
off_t HeldBytes(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return st.st_size;
}

bool Taken(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Moves `from` to the free name `to`: link + unlink, never replacing a file that appeared
// meanwhile; a file system without hard links gets a rename (the name was free a moment
// ago). False with errno set (EEXIST: `to` was taken meanwhile).
bool MoveAside(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) == 0) {
    if (::unlink(from.c_str()) == 0) return true;
    const int unlink_errno = errno;  // both names on one inode: truncating one would empty both
    ::unlink(to.c_str());
    errno = unlink_errno;
    return false;
  }
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) return false;
  return ::rename(from.c_str(), to.c_str()) == 0;
}

}  // namespace

std::string SecretsPathFor(const std::string& results_path) { return results_path + ".secrets"; }

bool PrepareResultsFile(const std::string& path, bool resume, bool overwrite,
                        std::string* kept_as, std::string* error) {
  kept_as->clear();
  if (path.empty() || path == "-" || resume) return true;
  const std::string secrets = SecretsPathFor(path);
  const off_t results_bytes = HeldBytes(path), secrets_bytes = HeldBytes(secrets);
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
      if (Taken(file)) ::rename(file.c_str(), (aside + companion).c_str());
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
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) {
    *error = "cannot open the lock file " + path + ": " + std::strerror(errno);
    return false;
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    ::close(fd_);
    fd_ = -1;
    *error = "another okta-bulk run" + (pid.empty() ? "" : " (pid " + pid + ")") + " is using " +
             results_path + " (lock " + path + "). Wait for it to end, or give another -o file";
    return false;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; the message of a second run just lacks it.
  }
  return true;
}

}  // namespace okta_bulk
