// pipeline/files/platform.h on Linux (and other POSIX systems): the calls okta-bulk made
// directly before the seam, unchanged.
#include "pipeline/files/platform.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace okta_bulk::platform {

int OpenPrivateFile(const std::string& path, OpenMode mode) {
  int flags = O_CLOEXEC | O_NOFOLLOW;
  switch (mode) {
    case OpenMode::kCreateTruncate: flags |= O_WRONLY | O_CREAT | O_TRUNC; break;
    case OpenMode::kCreateAppend: flags |= O_WRONLY | O_CREAT | O_APPEND; break;
    case OpenMode::kCreateReadWrite: flags |= O_RDWR | O_CREAT; break;
    case OpenMode::kExisting: flags |= O_RDWR; break;
  }
  return ::open(path.c_str(), flags, 0600);
}

int OpenForReading(const std::string& path) { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }

int CreateUniqueFile(std::string* path_template) {
  std::vector<char> name(path_template->begin(), path_template->end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // O_CREAT | O_EXCL, mode 0600
  if (fd >= 0) *path_template = name.data();
  return fd;
}

bool MakeOwnerOnly(int fd) {
  // O_CREAT's mode applies only to a new file; a device (/dev/null) is left alone.
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) == 0600) return true;
  return ::fchmod(fd, 0600) == 0;
}

bool IsOwnerOnly(int fd) {
  struct stat st{};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0;
}

bool SyncFile(int fd) { return ::fsync(fd) == 0; }

bool SyncDirectoryOf(const std::string& file) {
  std::string dir = std::filesystem::path(file).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  // Some file systems refuse fsync on a directory (EINVAL): nothing more can be done there.
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

bool RenameOver(const std::string& from, const std::string& to) {
  return std::rename(from.c_str(), to.c_str()) == 0;
}

// link + unlink, never replacing a file that appeared meanwhile; a file system without hard
// links gets a rename (the name was free a moment ago).
bool MoveNoReplace(const std::string& from, const std::string& to) {
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

bool RemoveFile(const std::string& path) { return ::unlink(path.c_str()) == 0; }

bool NameTaken(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

bool IdOf(const std::string& path, FileId* id) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return false;
  id->device = st.st_dev;
  id->inode = st.st_ino;
  return true;
}

bool TruncateFile(int fd, std::uint64_t size) {
  return ::ftruncate(fd, static_cast<off_t>(size)) == 0;
}

void AdviseSequential(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
}

long long ReadAt(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
  return ::pread(fd, buffer, size, static_cast<off_t>(offset));
}

long long WriteAt(int fd, const void* buffer, std::size_t size, std::uint64_t offset) {
  return ::pwrite(fd, buffer, size, static_cast<off_t>(offset));
}

bool FileSize(int fd, std::uint64_t* size) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return false;
  *size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

long long StreamPosition(std::FILE* stream) {
  static_assert(sizeof(off_t) == 8, "files over 2 GiB need a 64-bit off_t");
  return static_cast<long long>(::ftello(stream));
}

bool SeekStreamToEnd(std::FILE* stream) { return ::fseeko(stream, 0, SEEK_END) == 0; }

bool TryLockExclusive(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

long long ProcessId() { return ::getpid(); }

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

std::size_t TerminalColumns(int fd) {
  winsize ws{};
  if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

bool EnableTerminalEscapes(int) { return true; }

void UseBinaryStandardStreams() {}

}  // namespace okta_bulk::platform
