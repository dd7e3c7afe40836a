// The user's own slips cost nothing (issue 18): an output that is the input or another
// output, a rerun over an earlier run's results, two runs on one results file, a delete
// without a second thought. okta-mock on 127.0.0.1; each test checks that the input file is
// byte for byte unchanged and, where nothing may be sent, that okta-mock saw no request.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pipeline/engine/run_files.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

const char kUsers[] =
    "login,email,firstName,lastName\n"
    "s1@example.com,s1@example.com,Ann,One\n"
    "s2@example.com,s2@example.com,Bob,Two\n";

int64_t Requests(const MockProcess& mock) { return RowRequests(mock); }

TEST(UserSlipsEndToEndTest, AnOutputThatIsTheInputByPathSymlinkOrHardLinkIsRefusedBeforeAnythingIsSent) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  std::filesystem::create_symlink(dir.File("users.csv"), dir.File("link.csv"));
  std::filesystem::create_hard_link(dir.File("users.csv"), dir.File("hard.csv"));
  const std::vector<std::vector<std::string>> slips = {
      {"-o", dir.File("users.csv")},
      {"-o", dir.path().string() + "/./users.csv"},
      {"-o", dir.File("link.csv")},
      {"-o", dir.File("hard.csv")},
      {"-o", dir.File("r.csv"), "--summary-json", dir.File("users.csv")},
      {"-o", dir.File("r.csv"), "--report", dir.File("hard.csv")},
      {"-o", dir.File("r.csv"), "--summary-json", dir.File("out.json"), "--report", dir.File("out.json")},
  };
  for (const auto& slip : slips) {
    std::vector<std::string> args = {"import", dir.File("users.csv")};
    args.insert(args.end(), slip.begin(), slip.end());
    ProcessResult run = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << slip[1] << " " << run.out << run.err;
    EXPECT_NE(run.err.find("is the same file as"), std::string::npos) << run.err;
    EXPECT_EQ(dir.Read("users.csv"), kUsers) << "the input changed with " << slip[1];
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("r.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("out.json")));
  EXPECT_EQ(Requests(mock), 0);
}

TEST(UserSlipsEndToEndTest, ARerunWithoutResumeKeepsTheEarlierResultsAndOverwriteKeepsThemAside) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string earlier = dir.Read("results.csv");
  const int64_t requests = Requests(mock);

  ProcessResult again = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
  EXPECT_EQ(dir.Read("results.csv"), earlier);
  EXPECT_EQ(Requests(mock), requests) << "a refused run sent requests";

  ProcessResult over = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                    "--overwrite"},
                                   mock.base_url());
  EXPECT_EQ(over.exit_code, 0) << over.out << over.err;
  EXPECT_NE(over.out.find("kept as " + dir.File("results.csv.1")), std::string::npos) << over.out;
  EXPECT_EQ(dir.Read("results.csv.1"), earlier);
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), 2u);
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) EXPECT_EQ(r.at("outcome"), "existed");
  EXPECT_EQ(MockUsers(mock).size(), 2u);
  EXPECT_EQ(dir.Read("users.csv"), kUsers);
}

TEST(UserSlipsEndToEndTest, ASecondRunOnAResultsFileInUseStopsNamingTheFirstRunsPid) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  RunLock first_run;  // this test process plays the first run
  std::string error;
  ASSERT_TRUE(first_run.Acquire(dir.File("results.csv"), &error)) << error;
  ProcessResult second = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                     mock.base_url());
  EXPECT_EQ(second.exit_code, 2) << second.out << second.err;
  EXPECT_NE(second.err.find("pid " + std::to_string(::getpid())), std::string::npos) << second.err;
  EXPECT_EQ(Requests(mock), 0);
  EXPECT_FALSE(std::filesystem::exists(dir.File("results.csv")));
}

TEST(UserSlipsEndToEndTest, DeleteAndDeactivateOffATerminalNeedYesAndSendNothingWithoutIt) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv")},
                                   mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.err;
  const int64_t requests = Requests(mock);
  for (std::string cmd : {"delete", "deactivate"}) {
    ProcessResult run = RunOktaBulk({cmd, dir.File("users.csv"), "-o", dir.File(cmd + ".csv")},
                                    mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << cmd << run.out << run.err;
    EXPECT_NE(run.err.find("--yes"), std::string::npos) << run.err;
  }
  EXPECT_EQ(Requests(mock), requests);
  EXPECT_EQ(MockUsers(mock).size(), 2u);
  ProcessResult dry = RunOktaBulk({"delete", dir.File("users.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(dry.exit_code, 0) << "a dry run needs no confirmation: " << dry.err;
  ProcessResult yes = RunOktaBulk({"delete", dir.File("users.csv"), "-o", dir.File("d.csv"), "--yes"},
                                  mock.base_url());
  EXPECT_EQ(yes.exit_code, 0) << yes.out << yes.err;
  EXPECT_EQ(MockUsers(mock).size(), 0u);
}

std::string Row(const std::string& name) {
  return name + "@example.com," + name + "@example.com,First,Last\n";
}
const char kHeader[] = "login,email,firstName,lastName\n";

// Every login of `logins` appears exactly once in results.csv and once in the org.
void ExpectEachOnce(const TempDir& dir, const MockProcess& mock, const std::vector<std::string>& logins) {
  std::map<std::string, int> in_results, in_org;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) ++in_results[r.at("login")];
  for (const auto& u : MockUsers(mock)) ++in_org[std::string(u.at("login").as_string())];
  for (const auto& name : logins) {
    const std::string login = name + "@example.com";
    EXPECT_EQ(in_results[login], 1) << login << " in results.csv";
    EXPECT_EQ(in_org[login], 1) << login << " in the org";
  }
}

TEST(UserSlipsEndToEndTest, ResumeRecognisesFinishedRowsByLoginAfterRowsWereInsertedAtTheTop) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("r1") + Row("r2") + Row("r3"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string edited = std::string(kHeader) + Row("r0") + Row("new") + Row("r1") + Row("r2") + Row("r3");
  dir.Write("users.csv", edited);
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  ExpectEachOnce(dir, mock, {"r0", "new", "r1", "r2", "r3"});
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) EXPECT_EQ(r.at("outcome"), "created") << r.at("login");
  EXPECT_EQ(dir.Read("users.csv"), edited);
}

TEST(UserSlipsEndToEndTest, ResumeAfterRowsWereRemovedAndReorderedSendsOnlyTheNewOnes) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("r1") + Row("r2") + Row("r3"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int64_t requests = Requests(mock);
  dir.Write("users.csv", std::string(kHeader) + Row("r3") + Row("r5") + Row("R1"));  // R1: r1, case aside
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(Requests(mock) - requests, 1) << "only r5 is new";
  ExpectEachOnce(dir, mock, {"r1", "r2", "r3", "r5"});
}

TEST(UserSlipsEndToEndTest, ResumeWithAnotherInputsResultsStopsAndSendsNothing) {
  TempDir dir;
  MockProcess mock;
  dir.Write("a.csv", std::string(kHeader) + Row("a1") + Row("a2"));
  dir.Write("b.csv", std::string(kHeader) + Row("b1") + Row("b2"));
  ProcessResult first = RunOktaBulk({"import", dir.File("a.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int64_t requests = Requests(mock);
  ProcessResult wrong = RunOktaBulk({"import", dir.File("b.csv"), "-o", dir.File("results.csv"),
                                     "--resume"},
                                    mock.base_url());
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.err.find("belongs to another input"), std::string::npos) << wrong.err;
  EXPECT_EQ(Requests(mock), requests);
  EXPECT_EQ(MockUsers(mock).size(), 2u);
}

TEST(UserSlipsEndToEndTest, RetryFailedReadsAFixedInvalidRowAgainAndCreatesIt) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("r1") + "r2@example.com,not-an-email,First,Last\n" + Row("r3"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  dir.Write("users.csv", std::string(kHeader) + Row("r1") + Row("r2") + Row("r3"));  // fixed
  ProcessResult retry = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                     "--resume", "--retry-failed"},
                                    mock.base_url());
  EXPECT_EQ(retry.exit_code, 0) << retry.out << retry.err;
  ExpectEachOnce(dir, mock, {"r1", "r2", "r3"});
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) EXPECT_EQ(r.at("outcome"), "created") << r.at("login");
}

}  // namespace
}  // namespace okta_bulk::testing
