// The results file: one CSV row per input record, written as each row ends. It is also the
// journal that --resume reads, so every row is handed to the kernel as soon as it ends (a
// crash or kill -9 of this process loses nothing already written). With a flush poster (the
// import's event loop), the rows that end in one turn of the loop go out in one write(2)
// before the loop waits again, instead of one write per row.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/engine/row_result.h"

namespace okta_bulk {

// Writes results.csv. Single-threaded. Cells that come from input or from the server are
// guarded against spreadsheet formula injection.
class ResultsSink {
 public:
  ResultsSink() = default;
  ~ResultsSink();
  ResultsSink(const ResultsSink&) = delete;
  ResultsSink& operator=(const ResultsSink&) = delete;

  // Creates (truncates) `path` and writes the header, or with `append` opens it for
  // appending (writing the header only when the file is empty). "-" means stdout.
  bool Open(const std::string& path, bool append, std::string* error);
  // Appends one row and writes it out at once, or, with a flush poster, as soon as the task
  // it posted runs. Returns false on a write error (disk full), also one of an earlier
  // batch: the caller must stop the run, since the journal is no longer complete.
  bool Write(const RowResult& result);
  // From now on Write() hands `post` a task, once per batch, that writes the batch out; `post`
  // runs it after the current handler (asio::post on the run's executor). The task does
  // nothing once the sink is closed or gone. A batch over 64 KiB is written at once.
  using FlushPoster = std::function<void(std::function<void()>)>;
  void SetFlushPoster(FlushPoster post);
  bool Close(std::string* error);

  const std::array<uint64_t, kOutcomeCount>& counts() const { return counts_; }
  uint64_t total() const;
  const std::string& last_error() const { return last_error_; }

 private:
  bool Flush();
  void FlushBatch();
  int fd_ = -1;
  bool owns_fd_ = false;
  bool failed_ = false;
  bool flush_posted_ = false;
  FlushPoster post_;
  std::shared_ptr<ResultsSink*> self_;  // the posted task's way back, reset by Close
  std::string buffer_;
  std::string scratch_;  // ErrorCellText's, reused
  std::string last_error_;
  std::array<uint64_t, kOutcomeCount> counts_{};
};

}  // namespace okta_bulk
