// The files okta-bulk writes and the small files it reads whole, done one careful way
// (issue 13 "hostile peers", issue 12 "one copy of each small helper"): outputs may hold user
// data, so they are created 0600 and never written through a symbolic link someone planted
// at their path; a file replaced as a whole (the resume journal, the export state, the
// summary and report) goes through a fresh temporary and a rename; a file read whole (a
// token, a key, a state file) is read with a size limit, so /dev/zero cannot fill memory.
#pragma once
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace okta_bulk {

// How OpenOutputFile treats a file already at the path.
enum class OutputOpen {
  kTruncate,  // create it, or empty an existing file
  kAppend,    // create it, or write after what an existing file holds
  kExisting,  // read and write an existing file from its start (ENOENT when there is none)
};

// Opens `path` for writing a file okta-bulk produces (results, export output). Never follows
// a symbolic link at `path` (O_NOFOLLOW; links in the directories above it are followed), so
// a link planted there cannot aim the write at another file. A new file gets mode 0600, and
// an existing regular file is set to 0600 too: what okta-bulk writes may hold user data.
// Returns a descriptor (O_CLOEXEC) the caller closes, or -1 with `error` set to a sentence
// naming `path`.
int OpenOutputFile(const std::string& path, OutputOpen how, std::string* error);
// OpenOutputFile as a stdio stream ("wb", "ab" or "r+b"); nullptr with `error` set.
std::FILE* OpenOutputStream(const std::string& path, OutputOpen how, std::string* error);

// Replaces a file as a whole: the new content goes to a fresh temporary beside the target
// (mkostemp: a random name, O_EXCL, mode 0600, so no planted file or link is ever opened),
// which Commit() flushes to disk, renames over the target and makes durable by syncing the
// directory. Readers see the old file or the new one, never a mix. Destroying an AtomicFile
// that was not committed removes the temporary. Single-threaded; not copyable.
class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary "<target>.tmp-XXXXXX". False with `error` set when it cannot.
  bool Open(const std::string& target, std::string* error);
  // Appends `data` to the temporary. False on a write error (reported again by Commit).
  // REQUIRES: Open() succeeded.
  bool Write(std::string_view data);
  // fsync, close, rename over the target, fsync the directory. False with `error` set (and
  // the temporary removed) on any failure, also an earlier Write's.
  bool Commit(std::string* error);
  // Removes the temporary; the target is untouched. Safe to call more than once.
  void Abort();

  const std::string& temp_path() const { return temp_; }

 private:
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  int write_errno_ = 0;
};

// Replaces `path` with `content` through an AtomicFile. False with `error` set.
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error);

// What ReadSmallFile found.
enum class ReadStatus {
  kOk,
  kCannotRead,  // missing, unreadable, or a read error: `error` says which
  kTooLarge,    // more than max_bytes: `error` names the limit ("... is larger than 64 KiB")
};

// Reads the whole of `path` into `out`, but never more than `max_bytes` (a regular file's size
// is checked first; a device or pipe such as /dev/zero is read only up to the limit). Links
// are followed: a token file may well be one (a mounted secret).
ReadStatus ReadSmallFile(const std::string& path, std::size_t max_bytes, std::string* out,
                         std::string* error);

// "64 KiB", "1 MiB", "100 bytes": a limit as the messages above spell it.
std::string ByteLimitText(std::size_t bytes);

}  // namespace okta_bulk
