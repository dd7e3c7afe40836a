// platform_check.exe: the Windows side of the platform seam (pipeline/files/platform.h) checked
// under Wine by tools/windows_test.sh, on what the Linux unit tests (tests/platform_test.cc)
// cannot reach: the owner-only access list of a file okta-bulk creates, a non-ASCII (UTF-8)
// path, and a file over 2 GiB (a sparse 3 GiB file: its size through FileSize and through
// fstat, a write and a read past 2 GiB, a stdio stream's end).
//   platform_check.exe DIRECTORY      (prints "PASS name" / "FAIL name", exit 0 when all pass)
#include "pipeline/files/platform.h"

#include <io.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {
namespace platform = okta_bulk::platform;
int failures = 0;

void Check(const char* name, bool ok, const std::string& detail = "") {
  std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, detail.empty() ? "" : ": ",
              detail.c_str());
  if (!ok) ++failures;
}

std::string Errno() { return std::strerror(errno); }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: platform_check.exe DIRECTORY\n");
    return 2;
  }
  const std::string dir = argv[1];

  // A file okta-bulk creates (results, secrets) is owner-only, also at a non-ASCII path.
  const std::string secret = dir + "\\secr\xc3\xa8t-\xe2\x9c\x93.csv";  // "secrèt-✓.csv"
  int fd = platform::OpenPrivateFile(secret, platform::OpenMode::kCreateTruncate);
  Check("a new private file at a non-ASCII path opens", fd >= 0, fd < 0 ? Errno() : "");
  if (fd >= 0) {
    Check("the new private file is owner-only", platform::IsOwnerOnly(fd));
    Check("MakeOwnerOnly on it succeeds", platform::MakeOwnerOnly(fd), Errno());
    Check("and it is owner-only after", platform::IsOwnerOnly(fd));
    ::_close(fd);
  }
  Check("the non-ASCII name is there", platform::NameTaken(secret));

  // A sparse 3 GiB file.
  const std::uint64_t size = 3ull << 30;
  const std::string big = dir + "\\big.bin";
  fd = platform::OpenPrivateFile(big, platform::OpenMode::kCreateReadWrite);
  Check("the big file opens", fd >= 0, fd < 0 ? Errno() : "");
  if (fd < 0) return 1;
  Check("it is extended to 3 GiB", platform::TruncateFile(fd, size), Errno());
  std::uint64_t got = 0;
  const bool sized = platform::FileSize(fd, &got);
  Check("FileSize says 3 GiB", sized && got == size, std::to_string(got));
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  Check("fstat's st_size says 3 GiB (64-bit stat)",
        stated && static_cast<std::uint64_t>(st.st_size) == size,
        std::to_string(static_cast<long long>(st.st_size)));
  Check("a write at 3 GiB - 4", platform::WriteAt(fd, "tail", 4, size - 4) == 4, Errno());
  char back[5] = {};
  Check("reads back at 3 GiB - 4",
        platform::ReadAt(fd, back, 4, size - 4) == 4 && std::string(back) == "tail", back);
  ::_close(fd);
  std::FILE* f = std::fopen(big.c_str(), "rb");
  Check("fopen of the big file", f != nullptr, Errno());
  if (f) {
    Check("SeekStreamToEnd", platform::SeekStreamToEnd(f), Errno());
    const long long at = platform::StreamPosition(f);
    Check("StreamPosition at its end says 3 GiB", at == static_cast<long long>(size),
          std::to_string(at));
    std::fclose(f);
  }
  Check("the big file is removed", platform::RemoveFile(big), Errno());
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
