// The runs of a job: each process that worked on one results file (the first run and every
// --resume after it) is a segment with its own start, end and items done, so that the
// summary JSON and the report of a resumed job describe the whole job (issue 18). The
// segments are kept across processes in a small JSON file beside the results file,
// `<results>.runs` (0600, replaced atomically). Pure except LoadJobRuns/SaveJobRuns;
// single-threaded.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

// One run of a job.
struct RunSegment {
  using TimePoint = std::chrono::system_clock::time_point;
  TimePoint start{};
  // When it ended; for a run that left no end (killed), the last time it was seen working.
  std::optional<TimePoint> end;
  double elapsed_s = 0;  // seconds it ran (monotonic clock), up to `end`
  // Items (rows, or exported users) finished in this run: never those it skipped because an
  // earlier run had finished them. nullopt: not known.
  std::optional<uint64_t> done;
  std::optional<int> exit_code;  // nullopt: the run never finished (killed, or still running)

  // done / elapsed_s; nullopt when either is not known or elapsed_s is 0.
  std::optional<double> Rate() const;
};

// The whole job's rate: items done in the runs whose count is known over the time those
// runs took; nullopt when no run has both.
std::optional<double> JobRate(const std::vector<RunSegment>& runs);

// `<results_path>.runs`.
std::string JobRunsPath(const std::string& results_path);

// At most this many segments are kept (the oldest are dropped first).
inline constexpr std::size_t kMaxRunSegments = 1000;

// The sidecar document, and back. Parse fails (false, `error` set) on anything that is not
// such a document; times are milliseconds since the Unix epoch.
std::string JobRunsText(const std::vector<RunSegment>& runs);
bool ParseJobRuns(std::string_view text, std::vector<RunSegment>* runs, std::string* error);

// Reads `path`: true with no segments when it does not exist; false with `error` when it
// cannot be read or is not a runs file.
bool LoadJobRuns(const std::string& path, std::vector<RunSegment>* runs, std::string* error);
// Replaces `path` atomically (0600, through pipeline/files/safe_file).
bool SaveJobRuns(const std::string& path, const std::vector<RunSegment>& runs, std::string* error);

}  // namespace okta_bulk
