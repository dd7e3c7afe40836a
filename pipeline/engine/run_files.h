// The files a run writes, guarded against the user's own slips (issue 18): an output that is
// the input or another output, an earlier run's results replaced silently, two runs on one
// results file at once. Checked before anything is read or sent. POSIX; single-threaded.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace okta_bulk {

// One file a run reads or writes, with the flag that names it in messages ("the input",
// "-o", "--summary-json", "--report"). An empty path or "-" (a standard stream) is skipped.
struct NamedPath {
  std::string flag;
  std::string path;
};

// False with `error` when two of `paths` are the same file: the same path, a symlink to it,
// or a hard link (same device and inode). Outputs that do not exist yet are compared by
// their absolute, normalised path (and their parent directory's identity).
bool CheckDistinctFiles(const std::vector<NamedPath>& paths, std::string* error);

// An earlier run's results at `path` (a file that exists and is not empty), or the secrets
// it received in `<path>.secrets` (--write-temp-passwords), may not be replaced silently.
// With `resume` they are the journal (nothing to do). With `overwrite` they are renamed aside
// to `<path>.1` (or .2, ... the first name free for all of them), with their `.job`, `.runs`
// and `.secrets` files, and `kept_as` names where the results (or else the secrets) went.
// Otherwise false with an `error` that says how to go on.
bool PrepareResultsFile(const std::string& path, bool resume, bool overwrite,
                        std::string* kept_as, std::string* error);

// Where --write-temp-passwords keeps the secrets of the run whose results are `results_path`.
std::string SecretsPathFor(const std::string& results_path);

// An exclusive advisory lock (flock) on `<results>.lock`, held while the object lives; the
// kernel releases it when the process dies, so kill -9 never leaves a stale lock. The file
// holds the holder's pid, for the message a second run gets.
class RunLock {
 public:
  RunLock() = default;
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  // False with `error` naming the other run's pid when another process holds the lock.
  bool Acquire(const std::string& results_path, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace okta_bulk
