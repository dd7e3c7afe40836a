// The duplicate scan: a first read of the input that finds which logins may repeat, so a job
// remembers only those. Unit tests on the filter and the scan, then okta-bulk --dry-run on a
// file (scanned) and on a pipe (not scanned) to show both report the same duplicates.
#include "pipeline/rows/duplicate_scan.h"

#include <gtest/gtest.h>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/rows/row_sets.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

// The first field of each record is its key; "-" means the row has none (e.g. invalid).
bool FirstField(const CsvRecord& record, uint64_t, std::string* key) {
  if (record.fields.empty() || record.fields[0] == "-") return false;
  *key = record.fields[0];
  return true;
}

TEST(KeySketchTest, SecondSightingOfAHashIsReportedAndTheFirstIsNot) {
  KeySketch sketch(1 << 16);
  EXPECT_FALSE(sketch.AddAndCheck(LoginHash("a@example.com")));
  EXPECT_FALSE(sketch.AddAndCheck(LoginHash("b@example.com")));
  EXPECT_TRUE(sketch.AddAndCheck(LoginHash("a@example.com")));
  EXPECT_TRUE(sketch.AddAndCheck(LoginHash("A@Example.com")));  // folded: the same login
}

TEST(KeySketchTest, SizeIsFixedWhateverIsAdded) {
  KeySketch sketch(1 << 20);
  const uint64_t bytes = sketch.bytes();
  EXPECT_EQ(bytes, (1u << 20) / 8);
  for (int i = 0; i < 100000; ++i) sketch.AddAndCheck(LoginHash("u" + std::to_string(i) + "@x.io"));
  EXPECT_EQ(sketch.bytes(), bytes);
}

TEST(RepeatedKeysTest, ByDefaultEveryKeyMayRepeat) {
  RepeatedKeys keys;
  EXPECT_TRUE(keys.tracks_all());
  EXPECT_TRUE(keys.MayRepeat(LoginHash("anyone@example.com")));
}

TEST(RepeatedKeysTest, OnceACandidateIsAddedOnlyCandidatesMayRepeat) {
  RepeatedKeys keys;
  for (int i = 0; i < 1000; ++i) keys.Add(LoginHash("u" + std::to_string(i) + "@x.io"));
  keys.Add(LoginHash("u7@x.io"));  // twice: still one candidate
  EXPECT_FALSE(keys.tracks_all());
  EXPECT_EQ(keys.candidates(), 1000u);
  EXPECT_TRUE(keys.MayRepeat(LoginHash("u999@x.io")));
  EXPECT_FALSE(keys.MayRepeat(LoginHash("u1000@x.io")));
}

TEST(DuplicateScanTest, LoginsThatRepeatIgnoringCaseAndDiacriticsAreCandidates) {
  TempDir dir;
  std::string csv = "login\n";
  for (int i = 0; i < 5000; ++i) csv += "user" + std::to_string(i) + "@example.com\n";
  csv += "jose@example.com\nUSER17@example.com\nJos\xC3\xA9@example.com\n";
  dir.Write("users.csv", csv);
  RepeatedKeys keys = ScanForRepeatedKeys(dir.File("users.csv"), FirstField);
  EXPECT_FALSE(keys.tracks_all());
  EXPECT_TRUE(keys.MayRepeat(LoginHash("user17@example.com")));
  EXPECT_TRUE(keys.MayRepeat(LoginHash("jose@example.com")));
  EXPECT_FALSE(keys.MayRepeat(LoginHash("user18@example.com")));
  // 5,000 distinct logins in the 4 MiB filter: no false candidate.
  EXPECT_EQ(keys.candidates(), 2u);
}

TEST(DuplicateScanTest, RowsWithoutAKeyDoNotMakeLaterRowsCandidates) {
  TempDir dir;
  dir.Write("users.csv", "login\n-\na@example.com\n-\nb@example.com\n");
  RepeatedKeys keys = ScanForRepeatedKeys(dir.File("users.csv"), FirstField);
  EXPECT_FALSE(keys.tracks_all());
  EXPECT_EQ(keys.candidates(), 0u);
}

TEST(DuplicateScanTest, InputThatCannotBeReadTwiceIsNotScannedAndEveryKeyIsTracked) {
  EXPECT_TRUE(ScanForRepeatedKeys("/dev/null", FirstField).tracks_all());
  EXPECT_TRUE(ScanForRepeatedKeys("/nonexistent/users.csv", FirstField).tracks_all());
}

// The same file checked from disk (scanned first) and through a pipe (not scanned) gives the
// same report: which rows are duplicates, and of which earlier row. Row 1 is invalid, so it
// does not count; row 3 repeats row 2.
TEST(DuplicateScanTest, DryRunReportsTheSameDuplicatesFromAFileAndFromAPipe) {
  TempDir dir;
  dir.Write("users.csv",
            "login,email,firstName,lastName\n"
            "jose,j@example.com,A,B\n"
            "jose@example.com,j@example.com,A,B\n"
            "JOS\xC3\x89@example.com,j@example.com,C,D\n"
            "other@example.com,o@example.com,G,H\n"
            "Other@example.com,o@example.com,G,H\n");
  ProcessResult from_file = RunProcess({OKTA_BULK_PATH, "import", dir.File("users.csv"), "--dry-run"});
  ProcessResult from_pipe = RunProcess(
      {"/bin/sh", "-c", "cat '" + dir.File("users.csv") + "' | '" OKTA_BULK_PATH "' import /dev/stdin --dry-run"});
  EXPECT_EQ(from_file.exit_code, 1) << from_file.err;
  EXPECT_EQ(from_pipe.exit_code, 1) << from_pipe.err;
  for (const ProcessResult* run : {&from_file, &from_pipe}) {
    EXPECT_NE(run->out.find("row 3, field 'login': 'JOS\xC3\x89@example.com' is the same login as row 2"),
              std::string::npos)
        << run->out;
    EXPECT_NE(run->out.find("row 5, field 'login': 'Other@example.com' is the same login as row 4"),
              std::string::npos)
        << run->out;
    EXPECT_EQ(run->out.find("row 2, field 'login'"), std::string::npos) << run->out;
  }
  EXPECT_EQ(from_file.out, from_pipe.out);
}

}  // namespace
}  // namespace okta_bulk
