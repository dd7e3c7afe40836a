// The platform seam (pipeline/files/platform.h) on POSIX: each call keeps the promise its
// header makes, which the Windows implementation makes too (issue 20). The callers' own
// tests (safe_file_test, results_sink_test, the resume and interrupt end-to-end tests) check
// the behaviour built on it.
#include "pipeline/files/platform.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

unsigned Mode(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(PlatformTest, PrivateFileIsCreatedOwnerOnly) {
  TempDir dir;
  const std::string path = dir.File("out.csv");
  const int fd = platform::OpenPrivateFile(path, platform::OpenMode::kCreateTruncate);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_TRUE(platform::IsOwnerOnly(fd));
  ::close(fd);
  EXPECT_EQ(Mode(path), 0600u);
}

TEST(PlatformTest, PrivateFileIsNeverOpenedThroughALink) {
  TempDir dir;
  dir.Write("victim", "keep me");
  fs::create_symlink(dir.File("victim"), dir.File("link"));
  for (auto mode : {platform::OpenMode::kCreateTruncate, platform::OpenMode::kCreateAppend,
                    platform::OpenMode::kCreateReadWrite, platform::OpenMode::kExisting}) {
    errno = 0;
    EXPECT_EQ(platform::OpenPrivateFile(dir.File("link"), mode), -1);
    EXPECT_EQ(errno, ELOOP);
  }
  EXPECT_EQ(dir.Read("victim"), "keep me");
}

TEST(PlatformTest, ExistingFileKeepsItsModeUntilMadeOwnerOnly) {
  TempDir dir;
  dir.Write("old.csv", "a\n");
  ::chmod(dir.File("old.csv").c_str(), 0644);
  const int fd = platform::OpenPrivateFile(dir.File("old.csv"), platform::OpenMode::kCreateAppend);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(platform::IsOwnerOnly(fd));
  EXPECT_TRUE(platform::MakeOwnerOnly(fd));
  EXPECT_TRUE(platform::IsOwnerOnly(fd));
  ASSERT_EQ(::write(fd, "b\n", 2), 2);
  ::close(fd);
  EXPECT_EQ(dir.Read("old.csv"), "a\nb\n");  // appended, not truncated
  EXPECT_EQ(Mode(dir.File("old.csv")), 0600u);
}

TEST(PlatformTest, ExistingModeFailsWhenThereIsNoFile) {
  TempDir dir;
  errno = 0;
  EXPECT_EQ(platform::OpenPrivateFile(dir.File("none"), platform::OpenMode::kExisting), -1);
  EXPECT_EQ(errno, ENOENT);
}

TEST(PlatformTest, UniqueFileGetsAFreshNameEachTime) {
  TempDir dir;
  std::string a = dir.File("t.tmp-XXXXXX"), b = a;
  const int fa = platform::CreateUniqueFile(&a);
  const int fb = platform::CreateUniqueFile(&b);
  ASSERT_GE(fa, 0);
  ASSERT_GE(fb, 0);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find("XXXXXX"), std::string::npos);
  EXPECT_EQ(Mode(a), 0600u);
  ::close(fa);
  ::close(fb);
}

TEST(PlatformTest, RenameOverReplacesAndMoveNoReplaceRefuses) {
  TempDir dir;
  dir.Write("new", "new");
  dir.Write("target", "old");
  dir.Write("other", "other");
  EXPECT_FALSE(platform::MoveNoReplace(dir.File("other"), dir.File("target")));
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(dir.Read("target"), "old");
  EXPECT_TRUE(platform::RenameOver(dir.File("new"), dir.File("target")));
  EXPECT_EQ(dir.Read("target"), "new");
  EXPECT_FALSE(platform::NameTaken(dir.File("new")));
  EXPECT_TRUE(platform::MoveNoReplace(dir.File("other"), dir.File("free")));
  EXPECT_EQ(dir.Read("free"), "other");
  EXPECT_TRUE(platform::SyncDirectoryOf(dir.File("free")));
}

TEST(PlatformTest, NameTakenSeesADanglingLinkButNotAMissingName) {
  TempDir dir;
  fs::create_symlink(dir.File("nowhere"), dir.File("dangling"));
  EXPECT_TRUE(platform::NameTaken(dir.File("dangling")));
  EXPECT_FALSE(platform::NameTaken(dir.File("nowhere")));
  EXPECT_TRUE(platform::RemoveFile(dir.File("dangling")));
  EXPECT_FALSE(platform::NameTaken(dir.File("dangling")));
}

TEST(PlatformTest, IdOfTellsTwoSpellingsOfOneFileFromAnotherFile) {
  TempDir dir;
  dir.Write("a", "1");
  dir.Write("b", "1");
  platform::FileId a, a2, b;
  ASSERT_TRUE(platform::IdOf(dir.File("a"), &a));
  ASSERT_TRUE(platform::IdOf((dir.path() / "." / "a").string(), &a2));
  ASSERT_TRUE(platform::IdOf(dir.File("b"), &b));
  EXPECT_EQ(a, a2);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(platform::IdOf(dir.File("missing"), &b));
}

TEST(PlatformTest, SecondExclusiveLockOnOneFileIsRefusedUntilTheFirstCloses) {
  TempDir dir;
  const std::string path = dir.File("r.lock");
  const int first = platform::OpenPrivateFile(path, platform::OpenMode::kCreateReadWrite);
  const int second = platform::OpenPrivateFile(path, platform::OpenMode::kCreateReadWrite);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  ASSERT_TRUE(platform::TryLockExclusive(first));
  EXPECT_FALSE(platform::TryLockExclusive(second));
  EXPECT_EQ(errno, EWOULDBLOCK);
  // The holder's pid stays readable by the refused one.
  const std::string pid = std::to_string(platform::ProcessId());
  ASSERT_EQ(platform::WriteAt(first, pid.data(), pid.size(), 0), static_cast<long long>(pid.size()));
  char buf[32] = {};
  EXPECT_EQ(platform::ReadAt(second, buf, sizeof buf - 1, 0), static_cast<long long>(pid.size()));
  EXPECT_EQ(std::string(buf), pid);
  ::close(first);
  EXPECT_TRUE(platform::TryLockExclusive(second));
  ::close(second);
}

TEST(PlatformTest, TruncateFileCutsToTheGivenSize) {
  TempDir dir;
  dir.Write("f", "0123456789");
  const int fd = platform::OpenPrivateFile(dir.File("f"), platform::OpenMode::kExisting);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(platform::TruncateFile(fd, 4));
  EXPECT_TRUE(platform::SyncFile(fd));
  ::close(fd);
  EXPECT_EQ(dir.Read("f"), "0123");
}

TEST(PlatformTest, APlainFileIsNoTerminal) {
  TempDir dir;
  dir.Write("f", "x");
  const int fd = platform::OpenForReading(dir.File("f"));
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(platform::IsTerminal(fd));
  EXPECT_EQ(platform::TerminalColumns(fd), 0u);
  ::close(fd);
}

// Files over 2 GiB (issue 20): sizes, offsets and a stdio stream's position past 2^31 and
// 2^32, on a sparse file (no disk used). The Windows build checks the same under Wine
// (tools/windows_check/platform_check.cc, run by tools/windows_test.sh).
TEST(PlatformTest, AFileOverFourGiBHasItsSizeOffsetsAndStreamPositionIn64Bits) {
  TempDir dir;
  const std::uint64_t size = (4ull << 30) + 6;  // past 2^32: a 32-bit size would say 6
  const int fd = platform::OpenPrivateFile(dir.File("big"), platform::OpenMode::kCreateReadWrite);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(platform::TruncateFile(fd, size)) << std::strerror(errno);
  std::uint64_t got = 0;
  ASSERT_TRUE(platform::FileSize(fd, &got));
  EXPECT_EQ(got, size);
  EXPECT_EQ(platform::WriteAt(fd, "tail!!", 6, size - 6), 6);
  EXPECT_EQ(platform::WriteAt(fd, "mid", 3, 3ull << 30), 3);
  char back[7] = {};
  EXPECT_EQ(platform::ReadAt(fd, back, 6, size - 6), 6);
  EXPECT_EQ(std::string(back), "tail!!");
  EXPECT_EQ(platform::ReadAt(fd, back, 3, 3ull << 30), 3);
  EXPECT_EQ(std::string(back, 3), "mid");
  ::close(fd);
  std::FILE* f = std::fopen(dir.File("big").c_str(), "rb");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(platform::StreamPosition(f), 0);
  ASSERT_TRUE(platform::SeekStreamToEnd(f));
  EXPECT_EQ(platform::StreamPosition(f), static_cast<long long>(size));
  std::fclose(f);
  // A descriptor that is not open has no size.
  errno = 0;
  EXPECT_FALSE(platform::FileSize(-1, &got));
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace okta_bulk
