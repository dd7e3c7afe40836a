// pipeline/files/platform.h on Windows (MinGW-w64): each call mapped to Win32, the descriptor
// handed out being a C runtime one (_open_osfhandle) in binary mode, so read/write/close/fstat
// work on it as on POSIX.
//
// Privacy: a file okta-bulk creates gets a protected DACL with one entry, full control for the
// current user (the SID of the process token), so neither other users nor inherited entries of
// the folder (Users: read, on a shared disk) reach it. Administrators and SYSTEM can still take
// ownership, as root can read a 0600 file on Linux.
// IsOwnerOnly accepts an allow entry for the current user or for SYSTEM (the system itself, as
// root on Linux) and nothing else. Wine keeps no access lists of its own: it turns the DACL set
// into a Unix mode (the owner's entry into user and group bits, less the umask) and reports a
// file's mode back as SYSTEM + the owner (+ Everyone when "other" bits are set), so a file
// created here is owner-only there too when its Unix mode has no "other" bits.
#include "pipeline/files/platform.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <random>
#include <vector>

// _FILE_OFFSET_BITS=64 (CMakeLists.txt, for the Windows build) makes stat/fstat the 64-bit
// _stat64/_fstat64 everywhere okta-bulk calls them: without it a file over 2 GiB has a wrong
// st_size (4 GiB exactly reads as empty).
static_assert(sizeof(static_cast<struct stat*>(nullptr)->st_size) == 8,
              "build with -D_FILE_OFFSET_BITS=64: struct stat's st_size is 32 bits");

namespace okta_bulk::platform {
namespace {

std::wstring Wide(const std::string& utf8) {
  if (utf8.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()),
                                      nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
  if (n > 0)
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

// errno for the last Win32 error (the ones these calls meet; EIO for the rest).
void SetErrnoFromWin32(DWORD error = ::GetLastError()) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE: errno = ENOENT; break;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD: errno = EACCES; break;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: errno = EEXIST; break;
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_IO_PENDING: errno = EWOULDBLOCK; break;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: errno = ENOSPC; break;
    case ERROR_INVALID_HANDLE: errno = EBADF; break;
    case ERROR_DIRECTORY: errno = ENOTDIR; break;
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME: errno = EINVAL; break;
    case ERROR_CANT_RESOLVE_FILENAME: errno = ELOOP; break;
    default: errno = EIO; break;
  }
}

HANDLE HandleOf(int fd) { return reinterpret_cast<HANDLE>(::_get_osfhandle(fd)); }

// The current user's SID (from the process token), copied once.
PSID CurrentUserSid() {
  static std::vector<unsigned char> sid = [] {
    std::vector<unsigned char> out;
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return out;
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<unsigned char> buffer(size);
    if (size > 0 && ::GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
      const PSID user = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
      out.resize(::GetLengthSid(user));
      ::CopySid(static_cast<DWORD>(out.size()), out.data(), user);
    }
    ::CloseHandle(token);
    return out;
  }();
  return sid.empty() ? nullptr : static_cast<PSID>(sid.data());
}

// A DACL with a single entry: full control for the current user. nullptr when the SID is
// unknown (the file then gets the folder's inherited permissions).
PACL OwnerOnlyDacl() {
  static std::vector<unsigned char> acl = [] {
    std::vector<unsigned char> out;
    const PSID sid = CurrentUserSid();
    if (!sid) return out;
    const DWORD size = sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + ::GetLengthSid(sid);
    out.resize(size);
    auto* p = reinterpret_cast<PACL>(out.data());
    if (!::InitializeAcl(p, size, ACL_REVISION) ||
        !::AddAccessAllowedAce(p, ACL_REVISION, FILE_ALL_ACCESS, sid))
      out.clear();
    return out;
  }();
  return acl.empty() ? nullptr : reinterpret_cast<PACL>(acl.data());
}

// CreateFileW with the owner-only DACL for a new file, the handle's own sharing (others may
// read, write and rename, as on POSIX), and FILE_FLAG_OPEN_REPARSE_POINT: a link at `path`
// is opened itself, so the caller can refuse it.
HANDLE CreatePrivate(const std::wstring& path, DWORD access, DWORD disposition) {
  SECURITY_DESCRIPTOR sd;
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, FALSE};
  if (PACL dacl = OwnerOnlyDacl()) {
    if (::InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) &&
        ::SetSecurityDescriptorDacl(&sd, TRUE, dacl, FALSE) &&
        ::SetSecurityDescriptorOwner(&sd, CurrentUserSid(), FALSE) &&
        ::SetSecurityDescriptorControl(&sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED))
      sa.lpSecurityDescriptor = &sd;
  }
  return ::CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                       &sa, disposition, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
                       nullptr);
}

// The CRT descriptor for `h` (which it then owns), or -1 with the handle closed.
int Adopt(HANDLE h, int crt_flags) {
  const int fd = ::_open_osfhandle(reinterpret_cast<intptr_t>(h), crt_flags);
  if (fd < 0) {
    ::CloseHandle(h);
    errno = EMFILE;
  }
  return fd;
}

}  // namespace

int OpenPrivateFile(const std::string& path, OpenMode mode) {
  DWORD access = READ_CONTROL | WRITE_DAC | FILE_READ_ATTRIBUTES;
  DWORD disposition = OPEN_ALWAYS;
  int crt_flags = 0;
  switch (mode) {
    case OpenMode::kCreateTruncate: access |= GENERIC_WRITE; break;
    case OpenMode::kCreateAppend:
      access |= GENERIC_WRITE;
      crt_flags = _O_APPEND;
      break;
    case OpenMode::kCreateReadWrite: access |= GENERIC_READ | GENERIC_WRITE; break;
    case OpenMode::kExisting:
      access |= GENERIC_READ | GENERIC_WRITE;
      disposition = OPEN_EXISTING;
      break;
  }
  // Truncation waits until the handle is known not to be a link: CREATE_ALWAYS would act on
  // what is at `path` before it could be refused.
  HANDLE h = CreatePrivate(Wide(path), access, disposition);
  if (h == INVALID_HANDLE_VALUE) {
    SetErrnoFromWin32();
    return -1;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (::GetFileInformationByHandle(h, &info) &&
      (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
    ::CloseHandle(h);
    errno = ELOOP;
    return -1;
  }
  if (mode == OpenMode::kCreateTruncate && ::GetFileType(h) == FILE_TYPE_DISK &&
      !::SetEndOfFile(h)) {
    SetErrnoFromWin32();
    ::CloseHandle(h);
    return -1;
  }
  return Adopt(h, crt_flags);
}

int OpenForReading(const std::string& path) {
  // FILE_SHARE_DELETE, which _wopen does not give: the resume journal is read while its
  // compacted copy is renamed over it (allowed on POSIX; refused on Windows without it).
  HANDLE h = ::CreateFileW(Wide(path).c_str(), GENERIC_READ,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    SetErrnoFromWin32();
    return -1;
  }
  return Adopt(h, _O_RDONLY);
}

int CreateUniqueFile(std::string* path_template) {
  std::random_device random;
  static constexpr char kLetters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  if (path_template->size() < 6) {
    errno = EINVAL;
    return -1;
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = *path_template;
    for (std::size_t i = name.size() - 6; i < name.size(); ++i)
      name[i] = kLetters[random() % (sizeof kLetters - 1)];
    HANDLE h = CreatePrivate(Wide(name), GENERIC_READ | GENERIC_WRITE, CREATE_NEW);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_FILE_EXISTS || error == ERROR_ALREADY_EXISTS) continue;
      SetErrnoFromWin32(error);
      return -1;
    }
    const int fd = Adopt(h, 0);
    if (fd >= 0) *path_template = name;
    return fd;
  }
  errno = EEXIST;
  return -1;
}

bool MakeOwnerOnly(int fd) {  // IsOwnerOnly is declared in platform.h
  HANDLE h = HandleOf(fd);
  if (h == INVALID_HANDLE_VALUE || ::GetFileType(h) != FILE_TYPE_DISK) return true;
  PACL dacl = OwnerOnlyDacl();
  if (!dacl) return true;  // no SID to name: the folder's permissions stay
  if (IsOwnerOnly(fd)) return true;  // as created (rewriting it would widen Wine's Unix mode)
  const DWORD error = ::SetSecurityInfo(
      h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
      nullptr, nullptr, dacl, nullptr);
  if (error == ERROR_SUCCESS) return true;
  SetErrnoFromWin32(error);
  return false;
}

bool IsOwnerOnly(int fd) {
  HANDLE h = HandleOf(fd);
  if (h == INVALID_HANDLE_VALUE || ::GetFileType(h) != FILE_TYPE_DISK) return false;
  const PSID user = CurrentUserSid();
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!user || ::GetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                 &dacl, nullptr, &sd) != ERROR_SUCCESS)
    return false;
  bool only_user = dacl != nullptr;  // a null DACL lets everyone in
  for (DWORD i = 0; only_user && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) {
      only_user = false;
      break;
    }
    const auto* header = static_cast<ACE_HEADER*>(ace);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;  // a deny entry takes, never gives
    const PSID sid = &static_cast<ACCESS_ALLOWED_ACE*>(ace)->SidStart;
    only_user = ::EqualSid(sid, user) != FALSE || ::IsWellKnownSid(sid, WinLocalSystemSid) != FALSE;
  }
  ::LocalFree(sd);
  return only_user;
}

bool SyncFile(int fd) {
  HANDLE h = HandleOf(fd);
  if (h == INVALID_HANDLE_VALUE) {
    errno = EBADF;
    return false;
  }
  if (::FlushFileBuffers(h)) return true;
  SetErrnoFromWin32();
  return false;
}

bool SyncDirectoryOf(const std::string&) { return true; }  // MOVEFILE_WRITE_THROUGH did it

bool RenameOver(const std::string& from, const std::string& to) {
  if (::MoveFileExW(Wide(from).c_str(), Wide(to).c_str(),
                    MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return true;
  SetErrnoFromWin32();
  return false;
}

bool MoveNoReplace(const std::string& from, const std::string& to) {
  if (::MoveFileExW(Wide(from).c_str(), Wide(to).c_str(), MOVEFILE_WRITE_THROUGH)) return true;
  SetErrnoFromWin32();
  return false;
}

bool RemoveFile(const std::string& path) {
  if (::DeleteFileW(Wide(path).c_str())) return true;
  SetErrnoFromWin32();
  return false;
}

bool NameTaken(const std::string& path) {
  return ::GetFileAttributesW(Wide(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

bool IdOf(const std::string& path, FileId* id) {
  // FILE_FLAG_BACKUP_SEMANTICS opens a directory too; no access right is needed for this.
  HANDLE h = ::CreateFileW(Wide(path).c_str(), 0,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    SetErrnoFromWin32();
    return false;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  const bool ok = ::GetFileInformationByHandle(h, &info) != 0;
  if (!ok) SetErrnoFromWin32();
  ::CloseHandle(h);
  if (!ok) return false;
  id->device = info.dwVolumeSerialNumber;
  id->inode = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
  return true;
}

bool TruncateFile(int fd, std::uint64_t size) {
  const errno_t err = ::_chsize_s(fd, static_cast<long long>(size));
  if (err == 0) return true;
  errno = err;
  return false;
}

void AdviseSequential(int) {}

long long ReadAt(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  DWORD n = 0;
  if (::ReadFile(HandleOf(fd), buffer, static_cast<DWORD>(size), &n, &at)) return n;
  if (::GetLastError() == ERROR_HANDLE_EOF) return 0;
  SetErrnoFromWin32();
  return -1;
}

long long WriteAt(int fd, const void* buffer, std::size_t size, std::uint64_t offset) {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  DWORD n = 0;
  if (::WriteFile(HandleOf(fd), buffer, static_cast<DWORD>(size), &n, &at)) return n;
  SetErrnoFromWin32();
  return -1;
}

bool FileSize(int fd, std::uint64_t* size) {
  struct _stat64 st{};
  if (::_fstat64(fd, &st) != 0) return false;
  *size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

long long StreamPosition(std::FILE* stream) { return ::_ftelli64(stream); }

bool SeekStreamToEnd(std::FILE* stream) { return ::_fseeki64(stream, 0, SEEK_END) == 0; }

bool TryLockExclusive(int fd) {
  // Windows locks are mandatory for the bytes they cover: lock one byte far past any content,
  // so a refused process can still read the holder's pid from the file.
  OVERLAPPED at{};
  at.OffsetHigh = 0x7fffffff;
  if (::LockFileEx(HandleOf(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
                   &at))
    return true;
  SetErrnoFromWin32();
  if (errno == EIO) errno = EWOULDBLOCK;
  return false;
}

long long ProcessId() { return static_cast<long long>(::GetCurrentProcessId()); }

bool IsTerminal(int fd) {
  DWORD mode = 0;
  HANDLE h = HandleOf(fd);
  return h != INVALID_HANDLE_VALUE && ::GetConsoleMode(h, &mode) != 0;
}

std::size_t TerminalColumns(int fd) {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (!::GetConsoleScreenBufferInfo(HandleOf(fd), &info)) return 0;
  const int columns = info.srWindow.Right - info.srWindow.Left + 1;
  return columns > 0 ? static_cast<std::size_t>(columns) : 0;
}

bool EnableTerminalEscapes(int fd) {
#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif
  HANDLE h = HandleOf(fd);
  DWORD mode = 0;
  if (!::GetConsoleMode(h, &mode)) return false;
  if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) return true;
  return ::SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

void UseBinaryStandardStreams() {
  ::_setmode(0, _O_BINARY);
  ::_setmode(1, _O_BINARY);
}

}  // namespace okta_bulk::platform
