// Ctrl-C / SIGTERM and a stalled server, end to end (issue 13): okta-bulk against okta-mock on
// 127.0.0.1. After the signal no request is sent, the process exits 130 within the grace
// whatever the server does, and --resume completes the job; a run that finishes no row
// stops by itself with exit 3 (--max-stall).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

using Clock = std::chrono::steady_clock;

void Generate(const TempDir& dir, int count) {
  ProcessResult r = RunProcess({GEN_USERS_PATH, "--count", std::to_string(count), "-o", dir.File("users.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

int64_t CreateRequests(const MockProcess& mock) {
  return MockStats(mock).at("requests").as_object().at("create").as_int64();
}

TEST(InterruptEndToEndTest, SigtermWhileTheCreateBucketIsSpentSendsNoOtherRequestAndExits130) {
  TempDir dir;
  Generate(dir, 300);
  // 20 creates per 8 s window: the bucket is spent within the first second.
  MockProcess mock({"--limits", "create=20", "--window", "8"});
  const auto start = Clock::now();
  ProcessResult run = RunOktaBulkWithSignals(
      {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "4"},
      mock.base_url(), {{SIGTERM, 1500}}, dir.path().string());
  const double seconds_after_signal =
      std::chrono::duration<double>(Clock::now() - start).count() - 1.5;
  EXPECT_EQ(run.exit_code, 130) << run.out << run.err;
  EXPECT_LT(seconds_after_signal, 3.0) << "exit took too long after SIGTERM";
  std::printf("SIGTERM to exit: %.2f s; creates sent: %lld\n", seconds_after_signal,
              static_cast<long long>(CreateRequests(mock)));
  EXPECT_EQ(CreateRequests(mock), 20) << "requests were sent after the signal";
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), MockUsers(mock).size());
  EXPECT_NE(run.err.find("--resume"), std::string::npos) << run.err;
}

TEST(InterruptEndToEndTest, SigintAgainstAServerThatNeverAnswersExitsWithinTheGraceAndResumeCompletes) {
  TempDir dir;
  Generate(dir, 20);
  {
    MockProcess hanging({"--fault-hang", "1"});
    const auto start = Clock::now();
    ProcessResult run = RunOktaBulkWithSignals(
        {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "4",
         "--request-timeout", "60"},
        hanging.base_url(), {{SIGINT, 800}}, dir.path().string());
    const double seconds_after_signal =
        std::chrono::duration<double>(Clock::now() - start).count() - 0.8;
    EXPECT_EQ(run.exit_code, 130) << run.out << run.err;
    std::printf("SIGINT to exit against a hanging server: %.2f s\n", seconds_after_signal);
    EXPECT_GT(seconds_after_signal, 4.5) << "the requests in flight get their grace (5 s)";
    EXPECT_LT(seconds_after_signal, 7.5) << "exit took too long after SIGINT";
  }
  MockProcess mock;
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), 20u);
  EXPECT_EQ(MockUsers(mock).size(), 20u);
}

TEST(InterruptEndToEndTest, ASecondSigintExitsAtOnceAndStillPrintsTheResumeCommand) {
  TempDir dir;
  Generate(dir, 20);
  {
    MockProcess hanging({"--fault-hang", "1"});
    const auto start = Clock::now();
    ProcessResult run = RunOktaBulkWithSignals(
        {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "4",
         "--request-timeout", "60"},
        hanging.base_url(), {{SIGINT, 800}, {SIGINT, 1300}}, dir.path().string());
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    EXPECT_EQ(run.exit_code, 130) << run.out << run.err;
    EXPECT_LT(took, 4.0) << "the second interrupt must not wait for the grace (5 s)";
    EXPECT_NE(run.err.find("second interrupt"), std::string::npos) << run.err;
    const std::string resume = "import " + dir.File("users.csv") + " -o " +
                               dir.File("results.csv");
    const std::size_t second = run.err.find("second interrupt");
    ASSERT_NE(second, std::string::npos);
    EXPECT_NE(run.err.find(resume, second), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--resume", second), std::string::npos) << run.err;
  }
  MockProcess mock;
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), 20u);
  EXPECT_EQ(MockUsers(mock).size(), 20u);
}

TEST(InterruptEndToEndTest, ARunWhoseBucketResetsOnlyInAnHourStopsAfterMaxStallWithExit3) {
  TempDir dir;
  Generate(dir, 10);
  MockProcess mock({"--limits", "create=2", "--window", "3600"});
  const auto start = Clock::now();
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--max-stall", "2"},
                                  mock.base_url());
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_LT(took, 10.0);
  EXPECT_NE(run.err.find("no row finished for 2 s"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("rate-limit reset"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--resume"), std::string::npos) << run.err;
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), 2u);
}

}  // namespace
}  // namespace okta_bulk::testing
