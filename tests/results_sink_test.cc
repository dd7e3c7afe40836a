// ResultsSink: rows reach the file at once, or with a flush poster in one write per batch when
// the posted task runs; a failed batch write stops the run and is reported at Close.
#include "pipeline/engine/results_sink.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace okta_bulk {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

RowResult Row(uint64_t n, std::string error = "") {
  RowResult r;
  r.row = n;
  r.login = "user" + std::to_string(n) + "@example.com";
  r.outcome = error.empty() ? Outcome::kCreated : Outcome::kFailed;
  r.user_id = error.empty() ? "00u" + std::to_string(n) : "";
  r.error = std::move(error);
  r.attempts = 1;
  return r;
}

class ResultsSinkTest : public ::testing::Test {
 protected:
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("results_sink_test_" + std::to_string(::getpid()) + ".csv")).string();
  std::vector<std::function<void()>> posted_;
  void TearDown() override { std::filesystem::remove(path_); }
  ResultsSink::FlushPoster Poster() {
    return [this](std::function<void()> task) { posted_.push_back(std::move(task)); };
  }
  void RunPosted() {
    auto tasks = std::move(posted_);
    posted_.clear();
    for (auto& t : tasks) t();
  }
};

TEST_F(ResultsSinkTest, WithoutAPosterEveryRowIsInTheFileAtOnce) {
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  ASSERT_TRUE(sink.Write(Row(2)));
  EXPECT_EQ(Lines(ReadAll(path_)), 2);
  ASSERT_TRUE(sink.Write(Row(3)));
  EXPECT_EQ(Lines(ReadAll(path_)), 3);
  ASSERT_TRUE(sink.Close(&error)) << error;
}

TEST_F(ResultsSinkTest, WithAPosterTheRowsOfOneBatchGoOutWhenThePostedTaskRuns) {
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  sink.SetFlushPoster(Poster());
  for (uint64_t n = 2; n <= 4; ++n) ASSERT_TRUE(sink.Write(Row(n)));
  EXPECT_EQ(posted_.size(), 1u) << "one task per batch, not per row";
  EXPECT_EQ(Lines(ReadAll(path_)), 1) << "only the header before the task runs";
  RunPosted();
  std::string text = ReadAll(path_);
  EXPECT_EQ(Lines(text), 4);
  EXPECT_NE(text.find("\n4,user4@example.com,created,00u4,"), std::string::npos) << text;
  ASSERT_TRUE(sink.Write(Row(5)));
  EXPECT_EQ(posted_.size(), 1u) << "the next batch posts again";
  ASSERT_TRUE(sink.Close(&error)) << error;
  EXPECT_EQ(Lines(ReadAll(path_)), 5) << "Close writes what is left";
  RunPosted();  // after Close: does nothing
  EXPECT_EQ(Lines(ReadAll(path_)), 5);
  EXPECT_EQ(sink.counts()[static_cast<std::size_t>(Outcome::kCreated)], 4u);
}

TEST_F(ResultsSinkTest, ABatchOver64KiBIsWrittenWithoutWaitingForTheTask) {
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  sink.SetFlushPoster(Poster());
  std::string long_error(1000, 'e');
  int n = 2;
  while (Lines(ReadAll(path_)) == 1 && n < 200) ASSERT_TRUE(sink.Write(Row(n++, long_error)));
  EXPECT_GT(n, 60) << "written long before 64 KiB";
  EXPECT_LT(n, 200) << "never written without the task";
  EXPECT_EQ(Lines(ReadAll(path_)), n - 1);
  ASSERT_TRUE(sink.Close(&error));
}

TEST_F(ResultsSinkTest, APostedTaskThatOutlivesTheSinkDoesNothing) {
  {
    ResultsSink sink;
    std::string error;
    ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
    sink.SetFlushPoster(Poster());
    ASSERT_TRUE(sink.Write(Row(2)));
  }
  ASSERT_EQ(posted_.size(), 1u);
  EXPECT_EQ(Lines(ReadAll(path_)), 2) << "the destructor wrote the batch";
  RunPosted();  // the sink is gone: must not touch it (ASan would say so)
  EXPECT_EQ(Lines(ReadAll(path_)), 2);
}

TEST_F(ResultsSinkTest, AFailedBatchWriteStopsLaterWritesAndIsReportedAtClose) {
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  sink.SetFlushPoster(Poster());
  ASSERT_TRUE(sink.Write(Row(2)));
  // The file may not grow past its header: the batch write fails with EFBIG.
  struct rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = static_cast<rlim_t>(std::filesystem::file_size(path_));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  RunPosted();
  bool later = sink.Write(Row(3));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(later) << "the journal is incomplete: the run must stop";
  EXPECT_FALSE(sink.Close(&error));
  EXPECT_NE(error.find("cannot write the results file"), std::string::npos) << error;
}

TEST_F(ResultsSinkTest, ALinkPlantedAtTheResultsPathIsNotFollowed) {
  const std::string victim = path_ + ".victim";
  { std::ofstream(victim) << "precious\n"; }
  std::filesystem::create_symlink(victim, path_);
  for (bool append : {false, true}) {
    ResultsSink sink;
    std::string error;
    EXPECT_FALSE(sink.Open(path_, append, &error));
    EXPECT_NE(error.find("symbolic link"), std::string::npos) << error;
  }
  EXPECT_EQ(ReadAll(victim), "precious\n");
  std::filesystem::remove(victim);
}

TEST_F(ResultsSinkTest, TheResultsFileIs0600EvenWhenItExistedWithWiderMode) {
  { std::ofstream(path_) << "old\n"; }
  std::filesystem::permissions(path_, std::filesystem::perms(0644));
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  ASSERT_TRUE(sink.Close(&error)) << error;
  EXPECT_EQ(std::filesystem::status(path_).permissions(), std::filesystem::perms(0600));
}

TEST_F(ResultsSinkTest, AHugeErrorWithEscapesAndNulBecomesABoundedPrintableCell) {
  std::string hostile;
  while (hostile.size() < 100 * 1024)
    hostile += std::string("\x1b[2J\x1b]0;pwned\x07\0\xff ", 17) + "Api validation failed ";
  RowResult failed = Row(7, hostile);
  failed.error_code = "E0000001\x1b[5m";
  ResultsSink sink;
  std::string error;
  ASSERT_TRUE(sink.Open(path_, false, &error)) << error;
  ASSERT_TRUE(sink.Write(failed));
  ASSERT_TRUE(sink.Write(Row(8)));
  ASSERT_TRUE(sink.Close(&error)) << error;
  const std::string text = ReadAll(path_);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\xff'), std::string::npos);
  EXPECT_LT(text.size(), 5000u);
  EXPECT_NE(text.find("bytes in all)"), std::string::npos);
  EXPECT_NE(text.find("E0000001\\x1b[5m"), std::string::npos);
  EXPECT_EQ(Lines(text), 3) << "header, the failed row, the next row";
}

}  // namespace
}  // namespace okta_bulk
