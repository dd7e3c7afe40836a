// What a row says it did is what it did (issue 19), end to end against okta-mock, whose
// /__stats count the requests per bucket: a row whose goal already holds spends no request
// on it (`unchanged`, or `existed` for an import), login-only import rows for users that
// exist go on as --existing says, and under OAuth a 403 names the scope it lacked.
// okta-mock on 127.0.0.1, port 0.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "tests/testing/import_fixture.h"
#include "tests/testing/test_keys.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;
const std::string kG1 = "00gmock0000000000001";

std::map<std::string, ResultRow> ResultsByRow(const std::string& path) {
  std::map<std::string, ResultRow> out;
  for (auto& r : ReadCsvFile(path)) out.emplace(r.at("row"), std::move(r));
  return out;
}

int64_t Requests(const MockProcess& mock, const char* bucket) {
  return MockStats(mock).at("requests").as_object().at(bucket).as_int64();
}

void Seed(const TempDir& dir, const MockProcess& mock) {
  dir.Write("seed.csv",
            "login,email,firstName,lastName,department\n"
            "u1@example.com,u1@example.com,Ann,One,Eng\n"
            "u2@example.com,u2@example.com,Bob,Two,Eng\n");
  ProcessResult r = RunOktaBulk({"import", dir.File("seed.csv"), "-o", dir.File("seed-results.csv")},
                                mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(TruthfulOutcomesEndToEndTest, DeactivatingDeactivatedUsersIsUnchangedAndSendsNoLifecycleCall) {
  TempDir dir;
  MockProcess mock;
  Seed(dir, mock);
  dir.Write("two.csv", "login\nu1@example.com\nu2@example.com\n");
  ProcessResult first = RunOktaBulk({"deactivate", dir.File("two.csv"), "--yes", "-o", dir.File("first.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  for (const auto& [row, r] : ResultsByRow(dir.File("first.csv")))
    EXPECT_EQ(r.at("outcome"), "deactivated") << r.at("error");

  const int64_t lifecycle_before = Requests(mock, "create");  // lifecycle calls count there
  const int64_t lookups_before = Requests(mock, "get");
  ProcessResult again = RunOktaBulk({"deactivate", dir.File("two.csv"), "--yes", "-o", dir.File("again.csv")},
                                    mock.base_url());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  auto results = ResultsByRow(dir.File("again.csv"));
  ASSERT_EQ(results.size(), 2u);
  for (const auto& [row, r] : results) {
    EXPECT_EQ(r.at("outcome"), "unchanged") << r.at("error");
    EXPECT_EQ(r.at("userStatus"), "DEPROVISIONED");
    EXPECT_EQ(r.at("attempts"), "1") << "the lookup only";
  }
  EXPECT_NE(again.out.find("2 unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(Requests(mock, "create") - lifecycle_before, 0);
  EXPECT_EQ(Requests(mock, "get") - lookups_before, 2);
}

TEST(TruthfulOutcomesEndToEndTest, AnUpsertWhoseCellsTheUserHasAlreadySendsNoUpdate) {
  TempDir dir;
  MockProcess mock;
  Seed(dir, mock);
  dir.Write("upsert.csv",
            "login,department\n"
            "u1@example.com,Eng\n"     // as it is
            "u2@example.com,Sales\n");  // a change
  const int64_t updates_before = Requests(mock, "update");
  ProcessResult run = RunOktaBulk({"import", dir.File("upsert.csv"), "-o", dir.File("r.csv"),
                                   "--existing", "update"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto results = ResultsByRow(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results["1"].at("outcome"), "existed") << results["1"].at("error");
  EXPECT_EQ(results["2"].at("outcome"), "updated") << results["2"].at("error");
  EXPECT_EQ(Requests(mock, "update") - updates_before, 1) << "only the row that changes something";
}

TEST(TruthfulOutcomesEndToEndTest, LoginOnlyImportRowsForExistingUsersAreExistedAndJoinTheirGroups) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  Seed(dir, mock);
  dir.Write("logins.csv",
            "login,groupId\n"
            "u1@example.com," + kG1 + "\n"
            "new@example.com," + kG1 + "\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("logins.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ResultsByRow(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 2u);
  // The user exists: the create's refusal (no email, no names) does not matter, the row's
  // goal is the membership, as for any existing login under --existing assign.
  EXPECT_EQ(results["1"].at("outcome"), "existed") << results["1"].at("error");
  EXPECT_EQ(results["1"].at("error"), "");
  bool member = false;
  for (const auto& u : MockUsers(mock))
    if (u.at("login") == "u1@example.com")
      for (const auto& g : u.at("groupIds").as_array()) member |= g.as_string() == kG1;
  EXPECT_TRUE(member) << "u1 joined the row's group";
  // A new login cannot be created without them: the create's own error.
  EXPECT_EQ(results["2"].at("outcome"), "failed");
  EXPECT_EQ(results["2"].at("errorCode"), "E0000001");
  EXPECT_NE(results["2"].at("error").find("email"), std::string::npos) << results["2"].at("error");

  // --existing skip: the existing user is left alone and still `existed`, not failed.
  ProcessResult skip = RunOktaBulk({"import", dir.File("logins.csv"), "-o", dir.File("skip.csv"),
                                    "--existing", "skip"},
                                   mock.base_url());
  EXPECT_EQ(ResultsByRow(dir.File("skip.csv"))["1"].at("outcome"), "existed") << skip.out << skip.err;
}

TEST(TruthfulOutcomesEndToEndTest, UnderOAuthA403NamesTheMissingScopeAndWhereToGrantIt) {
  TempDir dir;
  TestKeyPair keys = MakeEcKey();
  dir.Write("client.pem", keys.private_pem);
  dir.Write("client.pub", keys.public_pem);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub")});
  const std::vector<std::string> auth = {"--client-id", "0oaBulk", "--private-key", dir.File("client.pem")};

  // A read-only token may not create: the row's error names okta.users.manage.
  dir.Write("new.csv", "login,email,firstName,lastName\nnew1@example.com,new1@example.com,N,One\n");
  std::vector<std::string> import = {"import", dir.File("new.csv"), "-o", dir.File("r.csv"),
                                     "--scopes", "okta.users.read"};
  import.insert(import.end(), auth.begin(), auth.end());
  ProcessResult denied = RunOktaBulk(import, mock.base_url(), "");
  EXPECT_EQ(denied.exit_code, 1) << denied.out << denied.err;
  auto rows = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("errorCode"), "E0000006");
  EXPECT_NE(rows[0].at("error").find("POST /api/v1/users needs the OAuth scope okta.users.manage"),
            std::string::npos) << rows[0].at("error");
  EXPECT_NE(rows[0].at("error").find("Applications > the app > Okta API Scopes"), std::string::npos)
      << rows[0].at("error");

  // export --groups with only okta.users.read (its default scopes add okta.groups.read): the
  // groups need their own.
  std::vector<std::string> exp = {"export", "--groups", "-o", dir.File("out.csv"), "--scopes",
                                  "okta.users.read"};
  exp.insert(exp.end(), auth.begin(), auth.end());
  ProcessResult groups = RunOktaBulk(exp, mock.base_url(), "");
  EXPECT_NE(groups.exit_code, 0) << groups.out << groups.err;
  const std::string said = groups.out + groups.err;
  EXPECT_NE(said.find("GET /api/v1/groups needs the OAuth scope okta.groups.read"), std::string::npos)
      << said;
  EXPECT_NE(said.find("--scopes"), std::string::npos) << said;
}

}  // namespace
}  // namespace okta_bulk::testing
