// Never lose a row: duplicates within a file, --dry-run, --resume after kill -9 and after
// Ctrl-C, --retry-failed. okta-mock on 127.0.0.1 port 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

const std::string kG1 = "00gmock0000000000001";

void Generate(const TempDir& dir, int count) {
  ProcessResult r = RunProcess({GEN_USERS_PATH, "--count", std::to_string(count), "--groups", kG1,
                                "-o", dir.File("users.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Every input row appears exactly once in results.csv, and the org has one user per login.
void ExpectEveryRowOnceAndNoDuplicateUser(const TempDir& dir, const MockProcess& mock, int rows) {
  auto results = ReadCsvFile(dir.File("results.csv"));
  std::map<std::string, int> seen;
  for (const auto& r : results) ++seen[r.at("row")];
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(rows));
  for (const auto& [row, n] : seen) EXPECT_EQ(n, 1) << "row " << row;
  for (const auto& r : results) EXPECT_EQ(r.at("outcome"), "created") << r.at("row") << " " << r.at("error");
  std::set<std::string> logins;
  auto users = MockUsers(mock);
  for (const auto& u : users)
    EXPECT_TRUE(logins.insert(std::string(u.at("login").as_string())).second) << u.at("login");
  EXPECT_EQ(users.size(), static_cast<std::size_t>(rows));
}

TEST(ResumeEndToEndTest, SameLoginTwiceInAFileIsInvalidAndTouchesNoSecondUser) {
  TempDir dir;
  dir.Write("users.csv",
            "login,email,firstName,lastName\n"
            "jose@example.com,j@example.com,A,B\n"
            "JOSE@Example.com,j@example.com,C,D\n"
            "jos\xC3\xA9@example.com,j@example.com,E,F\n"  // josé: the same login to Okta
            "other@example.com,o@example.com,G,H\n");
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::map<std::string, ResultRow> by_row;
  for (auto& r : ReadCsvFile(dir.File("results.csv"))) by_row[r.at("row")] = r;
  ASSERT_EQ(by_row.size(), 4u);
  EXPECT_EQ(by_row["1"].at("outcome"), "created");
  for (const char* dup : {"2", "3"}) {
    EXPECT_EQ(by_row[dup].at("outcome"), "invalid");
    EXPECT_NE(by_row[dup].at("error").find("same login as row 1"), std::string::npos)
        << by_row[dup].at("error");
  }
  EXPECT_EQ(MockUsers(mock).size(), 2u);
  // The duplicates sent nothing: one create per distinct login.
  EXPECT_EQ(RowRequests(mock), 2);
}

// A run stopped after a duplicate's `invalid` was written but before the first row of its
// login ended (the duplicate is judged at once, the first one waits for its request): the
// resume must still create that user. Its result used to be taken for the first row's, so
// the resume ended with exit 0 and the user never existed.
TEST(ResumeEndToEndTest, AResumeAfterOnlyTheDuplicatesResultWasWrittenStillCreatesTheUser) {
  TempDir dir;
  dir.Write("users.csv",
            "login,email,firstName,lastName\n"
            "ann@example.com,ann@example.com,Ann,A\n"
            "bob@example.com,bob@example.com,Bob,B\n"
            "ann@example.com,ann@example.com,Ann,A\n");  // an exact copy of row 1
  {
    MockProcess first;
    ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    first.base_url());
    ASSERT_EQ(run.exit_code, 1) << run.err;
  }
  // What a run interrupted at that moment leaves: row 1's line missing.
  const std::string text = dir.Read("results.csv");
  std::string kept;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos) + 1;
    const std::string line = text.substr(pos, end - pos);
    if (!line.starts_with("1,")) kept += line;
    pos = end;
  }
  ASSERT_NE(kept, text);
  dir.Write("results.csv", kept);

  MockProcess mock;
  ProcessResult resumed = RunOktaBulk(
      {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--resume"}, mock.base_url());
  EXPECT_EQ(resumed.exit_code, 1) << resumed.out << resumed.err;  // the duplicate stays invalid
  std::set<std::string> logins;
  for (const auto& u : MockUsers(mock)) logins.insert(std::string(u.at("login").as_string()));
  EXPECT_EQ(logins, std::set<std::string>{"ann@example.com"}) << resumed.out << resumed.err;
  std::map<std::string, std::string> outcome_at;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) outcome_at[r.at("row")] = r.at("outcome");
  const std::map<std::string, std::string> expected = {
      {"1", "created"}, {"2", "created"}, {"3", "invalid"}};
  EXPECT_EQ(outcome_at, expected);
}

TEST(ResumeEndToEndTest, DryRunValidatesEverythingAndSendsNothing) {
  TempDir dir;
  dir.Write("users.csv", "login,password,groupId\na1@example.com,Secret-123,00g1\nbad,x,\na3@example.com,,\n");
  ProcessResult run = RunProcess({OKTA_BULK_PATH, "import", dir.File("users.csv"), "--dry-run"},
                                 {{"OKTA_CLIENT_ORGURL", ""}, {"OKTA_CLIENT_TOKEN", ""}});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("row 2, field 'login'"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("3 rows read; 2 would be sent"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 with a password, 1 with groups"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("Secret-123"), std::string::npos);
}

TEST(ResumeEndToEndTest, KillNineThenResumeCompletesEveryRowOnceWithNoDuplicateUser) {
  TempDir dir;
  const int kRows = 2000;
  Generate(dir, kRows);
  MockProcess mock({"--groups-count", "1", "--latency-ms", "20", "--jitter-ms", "10"});
  // ~2000 rows x 20 ms / 8 in flight = ~5 s: kill -9 after 1 s, mid-run.
  ProcessResult killed = RunOktaBulkWithSignals(
      {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "8"},
      mock.base_url(), {{SIGKILL, 1000}}, dir.path().string());
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL);
  std::size_t partial = ReadCsvFile(dir.File("results.csv")).size();
  EXPECT_GT(partial, 0u);
  EXPECT_LT(partial, static_cast<std::size_t>(kRows));

  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--concurrency", "8", "--resume"},
                                      mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("already done"), std::string::npos) << resumed.out;
  ExpectEveryRowOnceAndNoDuplicateUser(dir, mock, kRows);
}

TEST(ResumeEndToEndTest, CtrlCFinishesWhatIsInFlightExits130AndResumeCompletes) {
  TempDir dir;
  const int kRows = 2000;
  Generate(dir, kRows);
  MockProcess mock({"--groups-count", "1", "--latency-ms", "20"});
  ProcessResult interrupted = RunOktaBulkWithSignals(
      {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "8"},
      mock.base_url(), {{SIGINT, 800}}, dir.path().string());
  ASSERT_EQ(interrupted.exit_code, 130) << interrupted.out << interrupted.err;
  EXPECT_NE(interrupted.err.find("--resume"), std::string::npos) << interrupted.err;
  // Everything the org holds is in the results: the requests in flight were finished.
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), MockUsers(mock).size());

  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--concurrency", "8", "--resume"},
                                      mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  ExpectEveryRowOnceAndNoDuplicateUser(dir, mock, kRows);
}

TEST(ResumeEndToEndTest, RetryFailedSendsOnlyTheFailedRowsAgain) {
  TempDir dir;
  // Row 2's password breaks the first org's password policy: Okta refuses it and the row
  // fails. (A missing group would stop the whole run before any user: issue 14.)
  dir.Write("users.csv",
            "login,email,firstName,lastName,password\n"
            "r1@example.com,r1@example.com,A,B,\n"
            "r2@example.com,r2@example.com,A,B,abc\n"
            "r3@example.com,r3@example.com,A,B,\n");
  {
    MockProcess mock({"--password-policy", "okta"});
    ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                      mock.base_url());
    ASSERT_EQ(first.exit_code, 1) << first.err;
  }
  MockProcess mock({"--password-policy", "none"});  // a new org that takes the password
  ProcessResult plain = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                     "--resume"},
                                    mock.base_url());
  EXPECT_EQ(plain.exit_code, 1) << "the failed row stays failed without --retry-failed";
  EXPECT_EQ(MockUsers(mock).size(), 0u);
  ProcessResult retry = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                     "--resume", "--retry-failed"},
                                    mock.base_url());
  EXPECT_EQ(retry.exit_code, 0) << retry.out << retry.err;
  auto results = ReadCsvFile(dir.File("results.csv"));
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_EQ(r.at("outcome"), "created") << r.at("row");
  auto users = MockUsers(mock);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(std::string(users[0].at("login").as_string()), "r2@example.com");
}

TEST(ResumeEndToEndTest, ResumeRefusesAFileThatIsNotAResultsFile) {
  TempDir dir;
  dir.Write("users.csv", "login\nu1@example.com\n");
  dir.Write("results.csv", "name,value\na,b\n");
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--resume"},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not an okta-bulk results file"), std::string::npos) << run.err;
  EXPECT_EQ(dir.Read("results.csv"), "name,value\na,b\n") << "left untouched";
}

}  // namespace
}  // namespace okta_bulk::testing
