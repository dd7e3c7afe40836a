#include "pipeline/engine/results_sink.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "pipeline/csv/csv_writer.h"
#include "pipeline/csv/printable.h"
#include "pipeline/files/platform.h"
#include "pipeline/files/safe_file.h"

namespace okta_bulk {
namespace {
constexpr std::size_t kMaxBatchBytes = 64 * 1024;
}

ResultsSink::~ResultsSink() {
  std::string ignored;
  Close(&ignored);
}

uint64_t ResultsSink::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

bool ResultsSink::Open(const std::string& path, bool append, std::string* error) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    owns_fd_ = false;
  } else {
    // 0600 and never through a planted symbolic link: the file holds logins and ids.
    fd_ = OpenOutputFile(path, append ? OutputOpen::kAppend : OutputOpen::kTruncate, error);
    if (fd_ < 0) return false;
    owns_fd_ = true;
  }
  struct stat st{};
  bool empty = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0;
  if (!append || empty) {
    AppendCsvRecord(&buffer_, std::span<const std::string_view>(kResultColumns));
    if (!Flush()) {
      *error = last_error_;
      return false;
    }
  }
  return true;
}

void ResultsSink::SetFlushPoster(FlushPoster post) {
  post_ = std::move(post);
  self_ = std::make_shared<ResultsSink*>(this);
}

void ResultsSink::FlushBatch() {
  flush_posted_ = false;
  if (fd_ >= 0 && !failed_) Flush();
}

bool ResultsSink::Write(const RowResult& r) {
  if (failed_) return false;
  ++counts_[static_cast<std::size_t>(r.outcome)];
  buffer_.append(std::to_string(r.row));
  buffer_.push_back(',');
  AppendCsvCellGuarded(&buffer_, r.login);
  buffer_.push_back(',');
  buffer_.append(OutcomeName(r.outcome));
  buffer_.push_back(',');
  // The server's text: no escape for a terminal that shows the file, valid UTF-8, and an
  // error of at most 4 KiB (ErrorCellText copies nothing when the text is short and plain).
  AppendCsvCellGuarded(&buffer_, ErrorCellText(r.user_id, &scratch_));
  buffer_.push_back(',');
  AppendCsvCellGuarded(&buffer_, ErrorCellText(r.user_status, &scratch_));
  buffer_.push_back(',');
  if (r.http_status) buffer_.append(std::to_string(r.http_status));
  buffer_.push_back(',');
  AppendCsvCellGuarded(&buffer_, ErrorCellText(r.error_code, &scratch_));
  buffer_.push_back(',');
  AppendCsvCellGuarded(&buffer_, ErrorCellText(r.error, &scratch_));
  buffer_.push_back(',');
  buffer_.append(std::to_string(r.attempts));
  buffer_.push_back(',');
  if (r.content_hash) {
    char hex[16];
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, r.content_hash, 16);
    buffer_.append(hex, end);
  }
  buffer_.push_back('\n');
  if (!post_ || buffer_.size() >= kMaxBatchBytes) return Flush();
  if (!flush_posted_) {
    flush_posted_ = true;
    post_([weak = std::weak_ptr<ResultsSink*>(self_)] {
      if (auto self = weak.lock()) (*self)->FlushBatch();
    });
  }
  return true;
}

bool ResultsSink::Flush() {
  std::size_t off = 0;
  while (off < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + off, buffer_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      last_error_ = std::string("cannot write the results file: ") + std::strerror(errno);
      failed_ = true;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return true;
}

bool ResultsSink::Close(std::string* error) {
  self_.reset();
  if (fd_ < 0) return !failed_;
  bool ok = !failed_ && Flush();
  if (owns_fd_) {
    if (!platform::SyncFile(fd_) && errno != EINVAL) ok = ok && true;  // best effort
    if (::close(fd_) != 0) ok = false;
  }
  fd_ = -1;
  if (!ok) *error = last_error_.empty() ? "cannot close the results file" : last_error_;
  return ok;
}

}  // namespace okta_bulk
