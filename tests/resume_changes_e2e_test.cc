// --resume after the user edited the input (issue 18): a finished row whose cells changed is
// counted and named (--retry-changed sends it again), every subcommand alike; results files
// written before rowHash existed still resume; kept rows carry their row number in the
// current file. okta-mock on 127.0.0.1, port 0; after each case the org holds each user of
// the file once and the input file is byte for byte what the test wrote.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

const char kHeader[] = "login,email,firstName,lastName\n";

std::string Row(const std::string& name, const std::string& first = "First") {
  return name + "@example.com," + name + "@example.com," + first + ",Last\n";
}

int64_t Requests(const MockProcess& mock) { return RowRequests(mock); }

std::map<std::string, std::string> FirstNames(const MockProcess& mock) {
  std::map<std::string, std::string> out;
  for (const auto& u : MockUsers(mock)) {
    const auto& profile = u.at("profile").as_object();
    const auto* first = profile.if_contains("firstName");
    out[std::string(u.at("login").as_string())] =
        first && first->is_string() ? std::string(first->as_string()) : "";
  }
  return out;
}

// Every login of `names` once in the results file at `results` and once in the org; the
// org holds no other user.
void ExpectEachOnce(const std::string& results, const MockProcess& mock,
                    const std::vector<std::string>& names) {
  std::map<std::string, int> in_results, in_org;
  for (const auto& r : ReadCsvFile(results)) ++in_results[r.at("login")];
  for (const auto& u : MockUsers(mock)) ++in_org[std::string(u.at("login").as_string())];
  EXPECT_EQ(in_org.size(), names.size());
  for (const auto& name : names) {
    const std::string login = name + "@example.com";
    EXPECT_EQ(in_results[login], 1) << login << " in " << results;
    EXPECT_EQ(in_org[login], 1) << login << " in the org";
  }
}

TEST(ResumeChangesEndToEndTest, AnEditedFinishedRowIsNamedOnResumeAndRetryChangedSendsItAgain) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("c1") + Row("c2") + Row("c3"));
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv")},
                                   mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.err;

  // update sets firstName; then c2's is edited in the file.
  dir.Write("update.csv", "login,firstName\nc1@example.com,Ann\nc2@example.com,Bob\nc3@example.com,Cid\n");
  ProcessResult update = RunOktaBulk({"update", dir.File("update.csv"), "-o", dir.File("results.csv")},
                                     mock.base_url());
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  ASSERT_EQ(FirstNames(mock)["c2@example.com"], "Bob");
  const std::string edited = "login,firstName\nc1@example.com,Ann\nc2@example.com,Bobby\nc3@example.com,Cid\n";
  dir.Write("update.csv", edited);

  const int64_t before = Requests(mock);
  ProcessResult resumed = RunOktaBulk({"update", dir.File("update.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.err.find("1 row changed since they finished"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("--retry-changed"), std::string::npos) << resumed.err;
  EXPECT_EQ(Requests(mock), before) << "without --retry-changed nothing is sent";
  EXPECT_EQ(FirstNames(mock)["c2@example.com"], "Bob");

  ProcessResult retried = RunOktaBulk({"update", dir.File("update.csv"), "-o", dir.File("results.csv"),
                                       "--resume", "--retry-changed"},
                                      mock.base_url());
  EXPECT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_GT(Requests(mock), before);
  const auto names = FirstNames(mock);
  EXPECT_EQ(names.at("c2@example.com"), "Bobby") << "the edit reached the org";
  EXPECT_EQ(names.at("c1@example.com"), "Ann");
  ExpectEachOnce(dir.File("results.csv"), mock, {"c1", "c2", "c3"});
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) EXPECT_EQ(r.at("outcome"), "updated");

  // Now the journal knows the edit: a further resume finds nothing changed and sends nothing.
  const int64_t settled = Requests(mock);
  ProcessResult again = RunOktaBulk({"update", dir.File("update.csv"), "-o", dir.File("results.csv"),
                                     "--resume", "--retry-changed"},
                                    mock.base_url());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.err.find("changed"), std::string::npos) << again.err;
  EXPECT_EQ(Requests(mock), settled);
  EXPECT_EQ(dir.Read("update.csv"), edited);
}

TEST(ResumeChangesEndToEndTest, ImportRetryChangedSendsAnEditedRowAgainAndItEndsOnceInResultsAndOrg) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("i1") + Row("i2"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string edited = std::string(kHeader) + Row("i1") + Row("i2", "Changed") + Row("i3");
  dir.Write("users.csv", edited);
  const int64_t before = Requests(mock);
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume", "--retry-changed"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.err.find("1 finished row was edited"), std::string::npos) << resumed.err;
  EXPECT_GE(Requests(mock) - before, 2) << "i3 and the edited i2 are sent, i1 is not";
  ExpectEachOnce(dir.File("results.csv"), mock, {"i1", "i2", "i3"});
  std::map<std::string, std::string> outcome;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) outcome[r.at("login")] = r.at("outcome");
  EXPECT_EQ(outcome["i1@example.com"], "created");
  // Sent again: the user is there (this job created it, so a resumed run may say created).
  EXPECT_TRUE(outcome["i2@example.com"] == "existed" || outcome["i2@example.com"] == "created")
      << outcome["i2@example.com"];
  EXPECT_EQ(outcome["i3@example.com"], "created");
  EXPECT_EQ(dir.Read("users.csv"), edited);
}

TEST(ResumeChangesEndToEndTest, AResultsFileFromBeforeRowHashResumesWithItsRowsUnchanged) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("o1") + Row("o2"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("new.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // The same results as an older okta-bulk wrote them: nine columns, no rowHash.
  std::string old = "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts\n";
  for (const auto& r : ReadCsvFile(dir.File("new.csv")))
    old += r.at("row") + "," + r.at("login") + ",created," + r.at("userId") + ",ACTIVE,200,,,1\n";
  dir.Write("results.csv", old);
  const std::string edited = std::string(kHeader) + Row("o1", "Edited") + Row("o2") + Row("o3");
  dir.Write("users.csv", edited);
  const int64_t before = Requests(mock);
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume", "--retry-changed"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(resumed.err.find("changed"), std::string::npos) << "nothing recorded to compare: " << resumed.err;
  EXPECT_EQ(Requests(mock) - before, 1) << "only o3 is sent";
  ExpectEachOnce(dir.File("results.csv"), mock, {"o1", "o2", "o3"});
  EXPECT_EQ(dir.Read("users.csv"), edited);
}

TEST(ResumeChangesEndToEndTest, KeptRowsCarryTheirRowNumberInTheCurrentFileAfterRowsWereInsertedAndRemoved) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", std::string(kHeader) + Row("n1") + Row("n2") + Row("n3"));
  ProcessResult first = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Two rows inserted at the top, n2 removed.
  const std::string edited = std::string(kHeader) + Row("n0") + Row("nx") + Row("n1") + Row("n3");
  dir.Write("users.csv", edited);
  ProcessResult resumed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume"},
                                      mock.base_url());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  std::map<std::string, std::string> row_of;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) row_of[r.at("login")] = r.at("row");
  const std::map<std::string, std::string> expected = {
      {"n0@example.com", "1"}, {"nx@example.com", "2"}, {"n1@example.com", "3"},
      {"n3@example.com", "4"}, {"n2@example.com", ""}};
  EXPECT_EQ(row_of, expected) << "n2's result is kept, without another record's number";
  ExpectEachOnce(dir.File("results.csv"), mock, {"n0", "nx", "n1", "n2", "n3"});
  EXPECT_EQ(dir.Read("users.csv"), edited);

  // And a second resume reads that file back: nothing is sent, nothing lost.
  const int64_t before = Requests(mock);
  ProcessResult again = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                     "--resume"},
                                    mock.base_url());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Requests(mock), before);
  ExpectEachOnce(dir.File("results.csv"), mock, {"n0", "nx", "n1", "n2", "n3"});
}

}  // namespace
}  // namespace okta_bulk::testing
