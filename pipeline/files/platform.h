// The operating system under the files, locks and terminal okta-bulk uses (issue 20): the few
// calls that differ between POSIX and Windows, so that the rest of pipeline/ and tools/ is
// written once. platform_posix.cc is the Linux behaviour (unchanged from before the seam);
// platform_windows.cc maps each call to Win32 (CreateFileW with an owner-only DACL,
// FlushFileBuffers, MoveFileExW, LockFileEx, the console API). CMake compiles one of the two.
//
// Descriptors are C runtime file descriptors (open(2) on POSIX, the CRT's on Windows, where
// each wraps a HANDLE and is always in binary mode), so read/write/close/fstat work on them as
// before. Paths are UTF-8. Failures return false or -1 with errno set, as the POSIX calls do.
// All functions are thread-compatible: they keep no state of their own.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace okta_bulk::platform {

// How OpenPrivateFile opens `path` (the subset of O_* flags okta-bulk uses).
enum class OpenMode {
  kCreateTruncate,  // write only; create, or empty an existing file
  kCreateAppend,    // write only, every write at the end; create when missing
  kCreateReadWrite, // read and write; create when missing (a lock file)
  kExisting,        // read and write an existing file (ENOENT when there is none)
};

// Opens a file okta-bulk writes, never through a symbolic link (or, on Windows, any reparse
// point) at `path` itself: that fails with errno ELOOP. A file it creates is readable by the
// owner only (mode 0600; on Windows a protected DACL granting the current user alone). An
// existing file keeps its permissions: MakeOwnerOnly changes them. Close-on-exec / not
// inherited. Returns a descriptor or -1.
int OpenPrivateFile(const std::string& path, OpenMode mode);

// Opens `path` for reading (links followed), close-on-exec, binary. A descriptor or -1.
int OpenForReading(const std::string& path);

// Creates a new file from `path_template`, whose last six characters are "XXXXXX" and are
// replaced by random ones (never an existing name; mode 0600 / owner-only DACL). Returns the
// descriptor, with `path_template` holding the name, or -1.
int CreateUniqueFile(std::string* path_template);

// Makes the regular file behind `fd` readable and writable by its owner only (chmod 0600; on
// Windows a protected owner-only DACL). A device or a pipe is left alone (true).
bool MakeOwnerOnly(int fd);
// True when nobody but the owner may read the regular file behind `fd` (no group or other
// bits; on Windows a DACL whose allow entries name the current user, or SYSTEM, only). False
// for what is not a regular file.
bool IsOwnerOnly(int fd);

// Flushes the file's data to the disk (fsync / FlushFileBuffers).
bool SyncFile(int fd);
// Makes a rename into the directory of `file` durable (fsync of the directory; a file system
// that refuses that, and Windows, where MOVEFILE_WRITE_THROUGH did it, report true).
bool SyncDirectoryOf(const std::string& file);
// Renames `from` over `to`, replacing it (rename(2); MoveFileExW with REPLACE_EXISTING and
// WRITE_THROUGH). Not called ReplaceFile: windows.h makes that name a macro.
bool RenameOver(const std::string& from, const std::string& to);
// Renames `from` to `to` only while `to` does not exist (errno EEXIST when it appeared).
bool MoveNoReplace(const std::string& from, const std::string& to);
// Removes a file name (unlink).
bool RemoveFile(const std::string& path);
// Whether anything (a file, a directory, a dangling link) has the name `path`; links are
// not followed.
bool NameTaken(const std::string& path);
// What identifies the file or directory at `path` (links followed): its device and inode
// (stat; on Windows the volume serial number and file index). False when there is none.
struct FileId {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileId&) const = default;
};
bool IdOf(const std::string& path, FileId* id);
// Cuts or extends the file behind `fd` to `size` bytes.
bool TruncateFile(int fd, std::uint64_t size);
// Tells the kernel the file will be read from start to end (a hint; no error).
void AdviseSequential(int fd);
// Reads / writes at an offset without moving the file position (pread / pwrite).
long long ReadAt(int fd, void* buffer, std::size_t size, std::uint64_t offset);
long long WriteAt(int fd, const void* buffer, std::size_t size, std::uint64_t offset);

// Files over 2 GiB: the Windows C runtime's plain fstat and ftell are 32-bit (long is 32 bits
// there). The MinGW build defines _FILE_OFFSET_BITS=64, which makes `struct stat`, stat and
// fstat the 64-bit ones (platform_windows.cc checks it at compile time); these three are the
// 64-bit forms of the rest.
// The size in bytes of the file behind `fd` (fstat). False with errno when fstat fails.
bool FileSize(int fd, std::uint64_t* size);
// The position of a stdio stream (ftello; _ftelli64), or -1 with errno.
long long StreamPosition(std::FILE* stream);
// Moves a stdio stream to its end (fseeko; _fseeki64). False with errno on failure.
bool SeekStreamToEnd(std::FILE* stream);

// Takes an exclusive lock on the whole of the open file `fd` without waiting, held until the
// descriptor is closed; the system drops it when the process dies (flock; LockFileEx on a
// byte far past any content, so the file itself stays readable by the process that is refused).
// False with errno EWOULDBLOCK when another holder has it.
bool TryLockExclusive(int fd);

// The calling process's id.
long long ProcessId();

// True when `fd` is an interactive terminal (isatty; on Windows a console, not NUL or a pipe).
bool IsTerminal(int fd);
// The terminal's width in columns, or 0 when unknown (TIOCGWINSZ / the console's window).
std::size_t TerminalColumns(int fd);
// Lets the terminal behind `fd` interpret ANSI escapes (colour, erase line). True when it does
// (always on POSIX; on Windows after ENABLE_VIRTUAL_TERMINAL_PROCESSING was accepted).
bool EnableTerminalEscapes(int fd);

// Puts stdin and stdout in binary mode, so a CSV read from a pipe or written to stdout is
// passed byte for byte (the Windows C runtime would turn "\n" into "\r\n"). No-op on POSIX.
// Called once by main, before anything is read or written.
void UseBinaryStandardStreams();

}  // namespace okta_bulk::platform
