#include "pipeline/files/safe_file.h"

#include <sys/stat.h>
#include <unistd.h>  // read, write, close (the C runtime's io.h on Windows)

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "pipeline/files/platform.h"

namespace okta_bulk {
namespace {

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

std::string CannotWrite(const std::string& path, int err) {
  if (err == ELOOP)
    return "cannot write " + Quoted(path) +
           ": it is a symbolic link, and okta-bulk does not write through links (give the "
           "link's target, or '-' for stdout where it is allowed)";
  return "cannot write " + Quoted(path) + ": " + std::strerror(err);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int OpenOutputFile(const std::string& path, OutputOpen how, std::string* error) {
  using platform::OpenMode;
  const OpenMode mode = how == OutputOpen::kTruncate ? OpenMode::kCreateTruncate
                        : how == OutputOpen::kAppend ? OpenMode::kCreateAppend
                                                     : OpenMode::kExisting;
  const int fd = platform::OpenPrivateFile(path, mode);
  if (fd < 0) {
    *error = CannotWrite(path, errno);
    return -1;
  }
  // The creation mode applies only to a new file. A regular file written again gets 0600 too;
  // a device (/dev/null) is left alone.
  if (!platform::MakeOwnerOnly(fd)) {
    *error = "cannot make " + Quoted(path) + " private (mode 0600): " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

std::FILE* OpenOutputStream(const std::string& path, OutputOpen how, std::string* error) {
  const int fd = OpenOutputFile(path, how, error);
  if (fd < 0) return nullptr;
  const char* mode = how == OutputOpen::kTruncate ? "wb" : how == OutputOpen::kAppend ? "ab" : "r+b";
  std::FILE* f = ::fdopen(fd, mode);
  if (!f) {
    *error = CannotWrite(path, errno);
    ::close(fd);
  }
  return f;
}

AtomicFile::~AtomicFile() { Abort(); }

bool AtomicFile::Open(const std::string& target, std::string* error) {
  Abort();
  target_ = target;
  std::string name = target + ".tmp-XXXXXX";
  fd_ = platform::CreateUniqueFile(&name);  // O_CREAT | O_EXCL, mode 0600
  if (fd_ < 0) {
    *error = CannotWrite(target, errno);
    return false;
  }
  temp_ = name;
  write_errno_ = 0;
  return true;
}

bool AtomicFile::Write(std::string_view data) {
  if (write_errno_ != 0) return false;
  if (fd_ < 0) {
    write_errno_ = EBADF;
    return false;
  }
  if (!WriteAll(fd_, data)) {
    write_errno_ = errno;
    return false;
  }
  return true;
}

bool AtomicFile::Commit(std::string* error) {
  int err = write_errno_;
  if (fd_ < 0 && err == 0) err = EBADF;
  if (err == 0 && !platform::SyncFile(fd_)) err = errno;
  if (fd_ >= 0 && ::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err == 0 && !platform::RenameOver(temp_, target_)) err = errno;
  if (err != 0) {
    *error = CannotWrite(target_, err);
    Abort();
    return false;
  }
  temp_.clear();
  if (!platform::SyncDirectoryOf(target_)) {
    *error = "cannot make the new " + Quoted(target_) + " durable: " + std::strerror(errno);
    return false;
  }
  return true;
}

void AtomicFile::Abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) platform::RemoveFile(temp_);
  temp_.clear();
}

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error) {
  AtomicFile file;
  if (!file.Open(path, error)) return false;
  file.Write(content);
  return file.Commit(error);
}

std::string ByteLimitText(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

ReadStatus ReadSmallFile(const std::string& path, std::size_t max_bytes, std::string* out,
                         std::string* error) {
  out->clear();
  const int fd = platform::OpenForReading(path);
  if (fd < 0) {
    *error = "cannot read " + Quoted(path) + ": " + std::strerror(errno);
    return ReadStatus::kCannotRead;
  }
  auto too_large = [&] {
    ::close(fd);
    out->clear();
    *error = Quoted(path) + " is larger than " + ByteLimitText(max_bytes);
    return ReadStatus::kTooLarge;
  };
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::size_t>(st.st_size) > max_bytes)
    return too_large();
  // Read up to one byte past the limit: a device or a pipe has no size to check first.
  char buffer[16 * 1024];
  for (;;) {
    const std::size_t want = std::min(sizeof buffer, max_bytes + 1 - out->size());
    const ssize_t n = ::read(fd, buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "cannot read " + Quoted(path) + ": " + std::strerror(errno);
      ::close(fd);
      out->clear();
      return ReadStatus::kCannotRead;
    }
    if (n == 0) break;
    out->append(buffer, static_cast<std::size_t>(n));
    if (out->size() > max_bytes) return too_large();
  }
  ::close(fd);
  return ReadStatus::kOk;
}

}  // namespace okta_bulk
