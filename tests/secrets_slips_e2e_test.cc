// The secrets file (RESULTS.secrets, --write-temp-passwords) is guarded like the results file
// (issue 18): no input or other output may be it, and an earlier run's secrets (shown by Okta
// only once) are never replaced silently: a rerun without --resume stops, --overwrite keeps
// them aside with the results. okta-mock on 127.0.0.1, port 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

const char kUsers[] =
    "login,email,firstName,lastName,password\n"
    "p1@example.com,p1@example.com,Ann,One,Xq7-Passw0rd!a\n"
    "p2@example.com,p2@example.com,Bob,Two,Xq7-Passw0rd!b\n"
    "p3@example.com,p3@example.com,Cid,Three,Xq7-Passw0rd!c\n"
    "p4@example.com,p4@example.com,Dee,Four,Xq7-Passw0rd!d\n";
const char kLogins[] = "login\np1@example.com\np2@example.com\n";
// Users still ACTIVE after the first reset (a user in RECOVERY is left `unchanged`).
const char kOtherLogins[] = "login\np3@example.com\np4@example.com\n";

int64_t Requests(const MockProcess& mock) { return MockStats(mock).at("requests_total").as_int64(); }

std::vector<std::string> Reset(const TempDir& dir, const std::string& input, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"reset-password", dir.File(input), "--no-send-email",
                                   "--write-temp-passwords", "--yes", "-o", dir.File("r.csv")};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(SecretsSlipsEndToEndTest, NoInputOrOtherOutputMayBeTheSecretsFile) {
  TempDir dir;
  MockProcess mock;
  dir.Write("logins.csv", kLogins);
  dir.Write("r.csv.secrets", kLogins);  // a copy of the input where the secrets go
  const std::vector<std::vector<std::string>> slips = {
      Reset(dir, "r.csv.secrets"),
      Reset(dir, "logins.csv", {"--summary-json", dir.File("r.csv.secrets")}),
      Reset(dir, "logins.csv", {"--report", dir.File("r.csv.secrets")}),
  };
  for (const auto& args : slips) {
    ProcessResult run = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << args[1] << " " << args.back() << run.out << run.err;
    EXPECT_NE(run.err.find("is the same file as"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("secrets"), std::string::npos) << run.err;
  }
  EXPECT_EQ(dir.Read("r.csv.secrets"), kLogins);
  EXPECT_EQ(dir.Read("logins.csv"), kLogins);
  EXPECT_FALSE(std::filesystem::exists(dir.File("r.csv")));
  EXPECT_EQ(Requests(mock), 0);
}

TEST(SecretsSlipsEndToEndTest, AnEarlierRunsSecretsAreNeverReplacedAndOverwriteKeepsThemAsideWithTheResults) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  dir.Write("logins.csv", kLogins);
  dir.Write("others.csv", kOtherLogins);
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv")}, mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;
  ProcessResult first = RunOktaBulk(Reset(dir, "logins.csv"), mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string secrets = dir.Read("r.csv.secrets");
  ASSERT_EQ(ReadCsvFile(dir.File("r.csv.secrets")).size(), 2u);

  // The results file is gone (the user moved it), the secrets are still there.
  std::filesystem::rename(dir.File("r.csv"), dir.File("moved.csv"));
  const int64_t requests = Requests(mock);
  ProcessResult again = RunOktaBulk(Reset(dir, "others.csv"), mock.base_url());
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_NE(again.err.find("r.csv.secrets already holds"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--overwrite"), std::string::npos) << again.err;
  EXPECT_EQ(Requests(mock), requests) << "a refused run sent requests";
  EXPECT_EQ(dir.Read("r.csv.secrets"), secrets);

  // Both back; --overwrite keeps the results and the secrets aside under one name.
  std::filesystem::rename(dir.File("moved.csv"), dir.File("r.csv"));
  const std::string results = dir.Read("r.csv");
  ProcessResult over = RunOktaBulk(Reset(dir, "others.csv", {"--overwrite"}), mock.base_url());
  EXPECT_EQ(over.exit_code, 0) << over.out << over.err;
  EXPECT_EQ(dir.Read("r.csv.1"), results);
  EXPECT_EQ(dir.Read("r.csv.1.secrets"), secrets) << "the earlier secrets, byte for byte";
  const auto fresh = ReadCsvFile(dir.File("r.csv.secrets"));
  ASSERT_EQ(fresh.size(), 2u) << "only this run's secrets\n" << over.out << over.err;
  const std::set<std::string> logins = {fresh[0].at("login"), fresh[1].at("login")};
  EXPECT_EQ(logins, (std::set<std::string>{"p3@example.com", "p4@example.com"}));
  EXPECT_EQ(ReadCsvFile(dir.File("r.csv")).size(), 2u);
  EXPECT_EQ(MockUsers(mock).size(), 4u);
  EXPECT_EQ(dir.Read("logins.csv"), kLogins);
  EXPECT_EQ(dir.Read("others.csv"), kOtherLogins);
}

}  // namespace
}  // namespace okta_bulk::testing
