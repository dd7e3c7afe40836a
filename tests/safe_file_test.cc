// safe_file and the files written through it: a symbolic link planted where okta-bulk writes
// (an output, or a temporary's name) is never followed, what it writes is 0600, a replaced
// file leaves no temporary behind, and a file read whole stops at its limit (issue 13).
#include "pipeline/files/safe_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "pipeline/engine/resume_journal.h"
#include "pipeline/jobs/export_job.h"
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

// Every entry of `dir` but the ones named.
std::vector<std::string> Others(const TempDir& dir, std::vector<std::string> known) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    if (std::find(known.begin(), known.end(), name) == known.end()) out.push_back(name);
  }
  return out;
}

// A victim file and a link to it at `link_name`, as an attacker with write access to the
// directory would plant them.
void PlantLink(const TempDir& dir, const std::string& link_name) {
  dir.Write("victim", "precious\n");
  fs::create_symlink(dir.File("victim"), dir.File(link_name));
}

TEST(WriteFileAtomicallyTest, ReplacesTheWholeFileAndLeavesNoTemporaryBehind) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(dir.File("s.json"), "first", &error)) << error;
  ASSERT_TRUE(WriteFileAtomically(dir.File("s.json"), "second", &error)) << error;
  EXPECT_EQ(dir.Read("s.json"), "second");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  EXPECT_FALSE(WriteFileAtomically(dir.File("no/such/dir/s.json"), "x", &error));
  EXPECT_NE(error.find("no/such/dir/s.json"), std::string::npos) << error;
}

TEST(SafeFileTest, WriteFileAtomicallyReplacesTheFileWithMode0600AndLeavesNoTemporary) {
  TempDir dir;
  dir.Write("s.json", "old");
  ::chmod(dir.File("s.json").c_str(), 0644);
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(dir.File("s.json"), "new", &error)) << error;
  EXPECT_EQ(dir.Read("s.json"), "new");
  EXPECT_EQ(Mode(dir.File("s.json")), 0600u);
  EXPECT_EQ(Others(dir, {"s.json"}), std::vector<std::string>{});
}

TEST(SafeFileTest, WriteFileAtomicallyReplacesALinkAtTheTargetInsteadOfWritingThroughIt) {
  TempDir dir;
  PlantLink(dir, "s.json");
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(dir.File("s.json"), "new", &error)) << error;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_FALSE(fs::is_symlink(dir.File("s.json")));
  EXPECT_EQ(dir.Read("s.json"), "new");
}

TEST(SafeFileTest, WriteFileAtomicallyIgnoresALinkAtTheOldFixedTemporaryName) {
  TempDir dir;
  PlantLink(dir, "s.json.tmp." + std::to_string(::getpid()));  // the name it used to use
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(dir.File("s.json"), "new", &error)) << error;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_EQ(Mode(dir.File("s.json")), 0600u);
}

TEST(SafeFileTest, AnAtomicFileNotCommittedLeavesTheTargetAndNoTemporary) {
  TempDir dir;
  dir.Write("t", "old");
  std::string error;
  {
    AtomicFile f;
    ASSERT_TRUE(f.Open(dir.File("t"), &error)) << error;
    EXPECT_TRUE(fs::exists(f.temp_path()));
    EXPECT_EQ(Mode(f.temp_path()), 0600u);
    ASSERT_TRUE(f.Write("half"));
  }
  EXPECT_EQ(dir.Read("t"), "old");
  EXPECT_EQ(Others(dir, {"t"}), std::vector<std::string>{});
  EXPECT_FALSE(WriteFileAtomically(dir.File("no/such/dir/t"), "x", &error));
  EXPECT_NE(error.find("no/such/dir/t"), std::string::npos) << error;
}

TEST(SafeFileTest, AnOutputFileIsNotOpenedThroughALinkAndIsCreated0600) {
  TempDir dir;
  PlantLink(dir, "out.csv");
  std::string error;
  for (OutputOpen how : {OutputOpen::kTruncate, OutputOpen::kAppend, OutputOpen::kExisting}) {
    EXPECT_EQ(OpenOutputFile(dir.File("out.csv"), how, &error), -1);
    EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;
  }
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  std::FILE* f = OpenOutputStream(dir.File("new.csv"), OutputOpen::kTruncate, &error);
  ASSERT_NE(f, nullptr) << error;
  std::fputs("a\n", f);
  std::fclose(f);
  EXPECT_EQ(Mode(dir.File("new.csv")), 0600u);
}

TEST(SafeFileTest, AnExistingOutputFileIsMadePrivateWhenWrittenAgain) {
  TempDir dir;
  dir.Write("out.csv", "old\n");
  ::chmod(dir.File("out.csv").c_str(), 0644);
  std::string error;
  const int fd = OpenOutputFile(dir.File("out.csv"), OutputOpen::kTruncate, &error);
  ASSERT_GE(fd, 0) << error;
  ::close(fd);
  EXPECT_EQ(Mode(dir.File("out.csv")), 0600u);
  EXPECT_EQ(dir.Read("out.csv"), "");
}

TEST(SafeFileTest, ReadSmallFileStopsAtTheLimitOfADeviceWithNoEnd) {
  std::string out, error;
  EXPECT_EQ(ReadSmallFile("/dev/zero", 64 * 1024, &out, &error), ReadStatus::kTooLarge);
  EXPECT_NE(error.find("larger than 64 KiB"), std::string::npos) << error;
  EXPECT_TRUE(out.empty());
}

TEST(SafeFileTest, ReadSmallFileReadsUpToItsLimitAndRefusesOneByteMore) {
  TempDir dir;
  dir.Write("exact", std::string(1024, 'x'));
  dir.Write("big", std::string(1025, 'x'));
  std::string out, error;
  EXPECT_EQ(ReadSmallFile(dir.File("exact"), 1024, &out, &error), ReadStatus::kOk) << error;
  EXPECT_EQ(out.size(), 1024u);
  EXPECT_EQ(ReadSmallFile(dir.File("big"), 1024, &out, &error), ReadStatus::kTooLarge);
  EXPECT_NE(error.find("larger than 1 KiB"), std::string::npos) << error;
  EXPECT_EQ(ReadSmallFile(dir.File("missing"), 1024, &out, &error), ReadStatus::kCannotRead);
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(SafeFileTest, ByteLimitsAreSpelledInTheLargestWholeUnit) {
  EXPECT_EQ(ByteLimitText(64 * 1024), "64 KiB");
  EXPECT_EQ(ByteLimitText(1 << 20), "1 MiB");
  EXPECT_EQ(ByteLimitText(1000), "1000 bytes");
}

// ---- the files written through it ------------------------------------------------------------

TEST(ResumeJournalTest, CompactingIgnoresALinkPlantedAtTheOldTemporaryName) {
  TempDir dir;
  dir.Write("results.csv",
            "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts\n"
            "1,a@example.com,created,00u1,ACTIVE,200,,,1\n");
  ::chmod(dir.File("results.csv").c_str(), 0644);
  PlantLink(dir, "results.csv.resume-tmp");
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadAndCompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_TRUE(journal.done.Contains(1));
  EXPECT_EQ(Mode(dir.File("results.csv")), 0600u);
  EXPECT_EQ(Others(dir, {"results.csv", "results.csv.resume-tmp", "victim"}),
            std::vector<std::string>{});
}

TEST(ResumeJournalTest, TheJobFileIgnoresALinkAtItsOldTemporaryNameAndIs0600) {
  TempDir dir;
  PlantLink(dir, "results.csv.job.tmp");
  ASSERT_TRUE(WriteJobStart(dir.File("results.csv"), 1700000000));
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_EQ(ReadJobStart(dir.File("results.csv")), 1700000000);
  EXPECT_EQ(Mode(dir.File("results.csv.job")), 0600u);
}

TEST(ExportStateTest, SavingIgnoresALinkAtItsOldTemporaryNameAndIs0600) {
  TempDir dir;
  PlantLink(dir, "users.csv.export.tmp");
  ExportState s;
  s.options = "/api/v1/users?limit=200";
  s.next = "/api/v1/users?after=x";
  std::string error;
  ASSERT_TRUE(s.Save(dir.File("users.csv.export"), &error)) << error;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_EQ(Mode(dir.File("users.csv.export")), 0600u);
  ExportState t;
  ASSERT_TRUE(t.Load(dir.File("users.csv.export"), &error)) << error;
  EXPECT_EQ(t.next, s.next);
}

}  // namespace
}  // namespace okta_bulk
