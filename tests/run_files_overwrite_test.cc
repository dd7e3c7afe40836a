// --overwrite keeps an earlier run's results aside (pipeline/engine/run_files.h) together
// with the files that describe them: the journal header (.job) and the earlier runs'
// timings (.runs, report/job_runs), so the new run starts with none of the old run's history.
#include "pipeline/engine/run_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/testing/import_fixture.h"  // TempDir

namespace okta_bulk {
namespace {

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

TEST(RunFilesOverwriteTest, TheResultsGoAsideWithTheirJobAndRunsFiles) {
  testing::TempDir dir;
  const std::string results = dir.File("results.csv");
  dir.Write("results.csv", "row,login,outcome\n1,a@example.com,created\n");
  dir.Write("results.csv.job", "job header\n");
  dir.Write("results.csv.runs", "{\"runs\": []}\n");
  std::string kept_as, error;
  ASSERT_TRUE(PrepareResultsFile(results, /*resume=*/false, /*overwrite=*/true, &kept_as, &error))
      << error;
  EXPECT_EQ(kept_as, results + ".1");
  EXPECT_FALSE(Exists(results));
  EXPECT_FALSE(Exists(results + ".job"));
  EXPECT_FALSE(Exists(results + ".runs"));
  EXPECT_TRUE(Exists(results + ".1"));
  EXPECT_TRUE(Exists(results + ".1.job"));
  EXPECT_TRUE(Exists(results + ".1.runs"));
}

TEST(RunFilesOverwriteTest, ANameWhoseRunsFileIsTakenIsSkipped) {
  testing::TempDir dir;
  const std::string results = dir.File("results.csv");
  dir.Write("results.csv", "row,login,outcome\n1,a@example.com,created\n");
  dir.Write("results.csv.runs", "{\"runs\": [\"new\"]}\n");
  dir.Write("results.csv.1.runs", "{\"runs\": [\"older\"]}\n");  // left by an earlier keep
  std::string kept_as, error;
  ASSERT_TRUE(PrepareResultsFile(results, false, true, &kept_as, &error)) << error;
  EXPECT_EQ(kept_as, results + ".2");
  EXPECT_TRUE(Exists(results + ".2.runs"));
  EXPECT_TRUE(Exists(results + ".1.runs"));  // not overwritten
  EXPECT_FALSE(Exists(results + ".runs"));
}

TEST(RunFilesOverwriteTest, ResumeLeavesTheRunsFileInPlace) {
  testing::TempDir dir;
  const std::string results = dir.File("results.csv");
  dir.Write("results.csv", "row,login,outcome\n1,a@example.com,created\n");
  dir.Write("results.csv.runs", "{\"runs\": []}\n");
  std::string kept_as, error;
  ASSERT_TRUE(PrepareResultsFile(results, /*resume=*/true, false, &kept_as, &error)) << error;
  EXPECT_TRUE(Exists(results + ".runs"));
  EXPECT_FALSE(Exists(results + ".1.runs"));
}

}  // namespace
}  // namespace okta_bulk
