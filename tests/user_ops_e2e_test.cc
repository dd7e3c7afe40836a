// okta-bulk update / assign / deactivate / delete and import --existing update against
// okta-mock, end to end: users are seeded with an import, the subcommand runs, and okta-mock's
// /__users shows exactly the change asked for. okta-mock on 127.0.0.1, port 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;
const std::string kG1 = "00gmock0000000000001", kG2 = "00gmock0000000000002",
                  kG3 = "00gmock0000000000003";

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) out.emplace(Str(u.at("login")), u.as_object());
  return out;
}

std::set<std::string> GroupsOf(const json::object& user) {
  std::set<std::string> out;
  for (const auto& g : user.at("groupIds").as_array()) out.insert(Str(g));
  return out;
}

std::string Profile(const json::object& user, const std::string& name) {
  const auto& p = user.at("profile").as_object();
  auto it = p.find(name);
  return it == p.end() ? "<absent>" : Str(it->value());
}

std::map<std::string, ResultRow> ResultsByRow(const std::string& path) {
  std::map<std::string, ResultRow> out;
  for (auto& r : ReadCsvFile(path)) {
    std::string row = r.at("row");
    EXPECT_TRUE(out.emplace(row, std::move(r)).second) << "row twice: " << row;
  }
  return out;
}

// Imports three users with a department and a cost center, into group 1.
void Seed(const TempDir& dir, const MockProcess& mock) {
  dir.Write("seed.csv",
            "login,email,firstName,lastName,department,costCenter,groupId\n"
            "u1@example.com,u1@example.com,Ann,One,Eng,CC-1," + kG1 + "\n"
            "u2@example.com,u2@example.com,Bob,Two,Eng,CC-2," + kG1 + "\n"
            "u3@example.com,u3@example.com,Cid,Three,Ops,CC-3," + kG1 + "\n");
  ProcessResult r = RunOktaBulk({"import", dir.File("seed.csv"), "-o", dir.File("seed-results.csv")},
                                mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(UserOpsEndToEndTest, UpdateChangesOnlyTheGivenCellsAndAMissingLoginFailsByName) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  dir.Write("changes.csv",
            "login,department,costCenter\n"
            "u1@example.com,Sales,\n"
            "u2@example.com,,CC-22\n"
            "ghost@example.com,Sales,CC-9\n");
  ProcessResult run = RunOktaBulk({"update", dir.File("changes.csv"), "-o", dir.File("results.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("2 updated"), std::string::npos) << run.out;
  auto results = ResultsByRow(dir.File("results.csv"));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results["1"].at("outcome"), "updated") << results["1"].at("error");
  EXPECT_EQ(results["2"].at("outcome"), "updated") << results["2"].at("error");
  EXPECT_EQ(results["3"].at("outcome"), "failed");
  EXPECT_NE(results["3"].at("error").find("no user with login ghost@example.com"), std::string::npos)
      << results["3"].at("error");

  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(results["1"].at("userId"), Str(users["u1@example.com"].at("id")));
  EXPECT_EQ(Profile(users["u1@example.com"], "department"), "Sales");
  EXPECT_EQ(Profile(users["u1@example.com"], "costCenter"), "CC-1");  // empty cell: left alone
  EXPECT_EQ(Profile(users["u1@example.com"], "firstName"), "Ann");    // not in the file
  EXPECT_EQ(Profile(users["u2@example.com"], "department"), "Eng");
  EXPECT_EQ(Profile(users["u2@example.com"], "costCenter"), "CC-22");
  EXPECT_EQ(Profile(users["u3@example.com"], "department"), "Ops");
  EXPECT_EQ(Profile(users["u3@example.com"], "costCenter"), "CC-3");
}

TEST(UserOpsEndToEndTest, UpdateWithEmptyCellsClearRemovesTheAttribute) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  // department, not Department: the org's schema (okta-mock's too) defines no 'Department',
  // and a custom one could not exist beside the base 'department' (names differing only by
  // case collide, says the spec's UserSchemaPublic).
  dir.Write("changes.csv", "LOGIN,costCenter,department\nu1@example.com,,Sales\n");
  ProcessResult run = RunOktaBulk({"update", dir.File("changes.csv"), "-o", dir.File("results.csv"),
                                   "--empty-cells", "clear"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto users = UsersByLogin(mock);
  EXPECT_EQ(Profile(users["u1@example.com"], "costCenter"), "<absent>");
  EXPECT_EQ(Profile(users["u1@example.com"], "department"), "Sales");
  EXPECT_EQ(Profile(users["u1@example.com"], "lastName"), "One");
  EXPECT_EQ(Profile(users["u2@example.com"], "costCenter"), "CC-2");
}

// Issue 19: a row whose every attribute cell is empty changes nothing (an empty cell leaves
// its attribute alone): it ends `unchanged` and okta-mock receives no request for it.
TEST(UserOpsEndToEndTest, UpdateOfARowWithEveryCellEmptySendsNothingAndIsUnchanged) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  const int64_t before = RowRequests(mock);
  dir.Write("changes.csv",
            "login,department,costCenter\n"
            "u1@example.com,,\n"
            "u2@example.com,Sales,\n"
            "u3@example.com,,\n");
  ProcessResult dry = RunOktaBulk({"update", dir.File("changes.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("3 rows read; 1 would be sent"), std::string::npos) << dry.out;
  ProcessResult run = RunOktaBulk({"update", dir.File("changes.csv"), "-o", dir.File("results.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  auto results = ResultsByRow(dir.File("results.csv"));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results["1"].at("outcome"), "unchanged") << results["1"].at("error");
  EXPECT_EQ(results["1"].at("error"), "");
  EXPECT_EQ(results["2"].at("outcome"), "updated") << results["2"].at("error");
  EXPECT_EQ(results["3"].at("outcome"), "unchanged") << results["3"].at("error");
  EXPECT_EQ(RowRequests(mock) - before, 1);  // u2's POST only
  auto users = UsersByLogin(mock);
  EXPECT_EQ(Profile(users["u1@example.com"], "department"), "Eng");
  EXPECT_EQ(Profile(users["u2@example.com"], "department"), "Sales");
  EXPECT_EQ(Profile(users["u3@example.com"], "department"), "Ops");
}

TEST(UserOpsEndToEndTest, ImportWithExistingUpdateCreatesNewUsersAndUpdatesExistingOnes) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  dir.Write("upsert.csv",
            "login,email,firstName,lastName,password,department,groupId\n"
            "u1@example.com,,,,Secret-123!,Sales," + kG2 + "\n"
            "u2@example.com,,,,,," + kG2 + "\n"
            "new@example.com,new@example.com,New,User,,Sales," + kG2 + "\n"
            "new2@example.com,,New,User,,Sales," + kG2 + "\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("upsert.csv"), "-o", dir.File("results.csv"),
                                   "--existing", "update"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  // A new login that is not a valid create fails with the create's own error.
  EXPECT_EQ(ResultsByRow(dir.File("results.csv"))["4"].at("outcome"), "failed");
  EXPECT_NE(ResultsByRow(dir.File("results.csv"))["4"].at("error").find("email"), std::string::npos);
  auto results = ResultsByRow(dir.File("results.csv"));
  EXPECT_EQ(results["1"].at("outcome"), "updated") << results["1"].at("error");
  EXPECT_EQ(results["2"].at("outcome"), "existed") << results["2"].at("error");  // nothing to set
  EXPECT_EQ(results["3"].at("outcome"), "created") << results["3"].at("error");
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(Profile(users["u1@example.com"], "department"), "Sales");
  EXPECT_EQ(Profile(users["u1@example.com"], "firstName"), "Ann");
  EXPECT_EQ(Str(users["u1@example.com"].at("credential")), "none");  // passwords are not updated
  EXPECT_EQ(Profile(users["u2@example.com"], "department"), "Eng");
  EXPECT_EQ(Profile(users["new@example.com"], "department"), "Sales");
  EXPECT_EQ(GroupsOf(users["u1@example.com"]), (std::set<std::string>{kG1, kG2}));
  EXPECT_EQ(GroupsOf(users["u2@example.com"]), (std::set<std::string>{kG1, kG2}));
  EXPECT_EQ(GroupsOf(users["new@example.com"]), (std::set<std::string>{kG2}));
}

TEST(UserOpsEndToEndTest, AssignAddsMembershipsAndNamesAMissingUserOrGroup) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  std::string u3_id = Str(UsersByLogin(mock)["u3@example.com"].at("id"));
  dir.Write("members.csv",
            "login,id,groupId\n"
            "u1@example.com,," + kG2 + ";" + kG3 + "\n"
            ",," + kG2 + "\n"
            "ghost@example.com,," + kG2 + "\n"
            "u2@example.com,,00gNoSuchGroup\n"
            "," + u3_id + ",\n");
  ProcessResult run = RunOktaBulk({"assign", dir.File("members.csv"), "-o", dir.File("results.csv"),
                                   "--group", kG3},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ResultsByRow(dir.File("results.csv"));
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results["1"].at("outcome"), "assigned") << results["1"].at("error");
  EXPECT_EQ(results["2"].at("outcome"), "invalid");
  EXPECT_NE(results["2"].at("error").find("row 2, field 'login': is empty"), std::string::npos)
      << results["2"].at("error");
  EXPECT_EQ(results["3"].at("outcome"), "failed");
  EXPECT_NE(results["3"].at("error").find("no user with login ghost@example.com"), std::string::npos)
      << results["3"].at("error");
  EXPECT_EQ(results["4"].at("outcome"), "failed");
  EXPECT_NE(results["4"].at("error").find("group 00gNoSuchGroup"), std::string::npos)
      << results["4"].at("error");
  EXPECT_EQ(results["5"].at("outcome"), "assigned") << results["5"].at("error");

  auto users = UsersByLogin(mock);
  EXPECT_EQ(GroupsOf(users["u1@example.com"]), (std::set<std::string>{kG1, kG2, kG3}));
  // Its row's own group does not exist: the row stops there, before --group.
  EXPECT_EQ(GroupsOf(users["u2@example.com"]), (std::set<std::string>{kG1}));
  EXPECT_EQ(GroupsOf(users["u3@example.com"]), (std::set<std::string>{kG1, kG3}));
}

TEST(UserOpsEndToEndTest, DeactivateThenDeleteLeavesNoUserAndDeletingAgainNeedsMissingOk) {
  TempDir dir;
  MockProcess mock({"--groups-count", "3"});
  Seed(dir, mock);
  dir.Write("two.csv", "login\nu1@example.com\nu2@example.com\n");
  ProcessResult deactivate =
      RunOktaBulk({"deactivate", dir.File("two.csv"), "--yes", "-o", dir.File("deactivate.csv")}, mock.base_url());
  ASSERT_EQ(deactivate.exit_code, 0) << deactivate.out << deactivate.err;
  for (const auto& [row, r] : ResultsByRow(dir.File("deactivate.csv"))) {
    EXPECT_EQ(r.at("outcome"), "deactivated") << r.at("error");
    EXPECT_EQ(r.at("userStatus"), "DEPROVISIONED");
  }
  auto users = UsersByLogin(mock);
  EXPECT_EQ(Str(users["u1@example.com"].at("status")), "DEPROVISIONED");
  EXPECT_EQ(Str(users["u2@example.com"].at("status")), "DEPROVISIONED");
  EXPECT_NE(Str(users["u3@example.com"].at("status")), "DEPROVISIONED");

  // The seed file itself drives the cleanup: its other columns are ignored.
  ProcessResult del =
      RunOktaBulk({"delete", dir.File("seed.csv"), "--yes", "-o", dir.File("delete.csv")}, mock.base_url());
  ASSERT_EQ(del.exit_code, 0) << del.out << del.err;
  EXPECT_NE(del.out.find("3 deleted"), std::string::npos) << del.out;
  for (const auto& [row, r] : ResultsByRow(dir.File("delete.csv")))
    EXPECT_EQ(r.at("outcome"), "deleted") << r.at("error");
  EXPECT_TRUE(MockUsers(mock).empty());

  ProcessResult again =
      RunOktaBulk({"delete", dir.File("seed.csv"), "--yes", "-o", dir.File("again.csv")}, mock.base_url());
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  for (const auto& [row, r] : ResultsByRow(dir.File("again.csv"))) {
    EXPECT_EQ(r.at("outcome"), "failed");
    EXPECT_NE(r.at("error").find("no user with login"), std::string::npos) << r.at("error");
  }
  ProcessResult missing_ok = RunOktaBulk(
      {"delete", dir.File("seed.csv"), "--yes", "-o", dir.File("ok.csv"), "--missing-ok"}, mock.base_url());
  EXPECT_EQ(missing_ok.exit_code, 0) << missing_ok.out << missing_ok.err;
  for (const auto& [row, r] : ResultsByRow(dir.File("ok.csv"))) EXPECT_EQ(r.at("outcome"), "deleted");
}

TEST(UserOpsEndToEndTest, KillNineThenResumeFinishesAnUpdateWithEveryRowOnce) {
  TempDir dir;
  const int kRows = 2000;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", std::to_string(kRows), "-o",
                                  dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess mock({"--groups-count", "1", "--latency-ms", "20", "--jitter-ms", "10"});
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"),
                                    "--concurrency", "64"},
                                   mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;
  std::string changes = "login,department\n";
  for (const auto& in : ReadCsvFile(dir.File("users.csv")))
    changes += in.at("login") + ",Moved-" + in.at("login").substr(0, 6) + "\n";
  dir.Write("changes.csv", changes);

  // ~2000 rows x 20 ms / 8 in flight = ~5 s: kill -9 after 1 s, mid-run.
  std::vector<std::string> args = {"update", dir.File("changes.csv"), "-o", dir.File("results.csv"),
                                   "--concurrency", "8"};
  ProcessResult killed = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGKILL, 1000}}, dir.path());
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  std::size_t done_before = ReadCsvFile(dir.File("results.csv")).size();
  EXPECT_GT(done_before, 0u);
  EXPECT_LT(done_before, static_cast<std::size_t>(kRows));

  args.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(args, mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  auto results = ResultsByRow(dir.File("results.csv"));
  EXPECT_EQ(results.size(), static_cast<std::size_t>(kRows));
  for (const auto& [row, r] : results) EXPECT_EQ(r.at("outcome"), "updated") << row << r.at("error");
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kRows));
  for (const auto& [login, user] : users)
    EXPECT_EQ(Profile(user, "department"), "Moved-" + login.substr(0, 6)) << login;
}

TEST(UserOpsEndToEndTest, RateLimitedDeleteWaitsForResetsInEveryBucketAndFailsNoRow) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "150", "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  // delete spends three buckets per active user: get (lookup), create (lifecycle calls
  // count there) and update (DELETE); each allows 60 a second here.
  MockProcess mock({"--groups-count", "1", "--limits", "create=60,get=60,update=60", "--window", "1"});
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"),
                                    "--concurrency", "16"},
                                   mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;
  ProcessResult run = RunOktaBulk({"delete", dir.File("users.csv"), "--yes", "-o", dir.File("r.csv"),
                                   "--concurrency", "16"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto results = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 150u);
  for (const auto& r : results) EXPECT_EQ(r.at("outcome"), "deleted") << r.at("error");
  EXPECT_TRUE(MockUsers(mock).empty());
  // The governor paces every bucket from the headers: a few 429s, not a storm.
  auto limited = MockStats(mock).at("rate_limited").as_object();
  for (const char* bucket : {"get", "update"})
    EXPECT_LE(limited.at(bucket).as_int64(), 6) << bucket;
  EXPECT_LE(limited.at("create").as_int64(), 12);  // the seed import spent it too
}

TEST(UserOpsEndToEndTest, EveryCommandHasHelpAndAnUnknownCommandListsThem) {
  for (std::string cmd : {"import", "update", "assign", "deactivate", "delete"}) {
    ProcessResult help = RunProcess({OKTA_BULK_PATH, cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd << help.err;
    EXPECT_NE(help.out.find("Usage: okta-bulk " + cmd), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--resume"), std::string::npos) << help.out;
  }
  ProcessResult export_help = RunProcess({OKTA_BULK_PATH, "export", "--help"});
  EXPECT_EQ(export_help.exit_code, 0);
  for (std::string flag : {"--filter", "--search", "--columns", "Example"})
    EXPECT_NE(export_help.out.find(flag), std::string::npos) << flag;
  EXPECT_NE(RunProcess({OKTA_BULK_PATH, "update", "--help"}).out.find("--empty-cells"), std::string::npos);
  EXPECT_NE(RunProcess({OKTA_BULK_PATH, "delete", "--help"}).out.find("--missing-ok"), std::string::npos);
  ProcessResult unknown = RunProcess({OKTA_BULK_PATH, "purge", "users.csv"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("import, update, assign, deactivate, delete"), std::string::npos)
      << unknown.err;
  ProcessResult wrong_flag = RunProcess({OKTA_BULK_PATH, "deactivate", "users.csv", "--missing-ok"});
  EXPECT_EQ(wrong_flag.exit_code, 2);
  EXPECT_NE(wrong_flag.err.find("unknown flag '--missing-ok' for deactivate"), std::string::npos)
      << wrong_flag.err;
}

TEST(UserOpsEndToEndTest, DryRunDeleteValidatesAndSendsNothing) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("users.csv", "login,id\na@example.com,\n,00u-bad!id\na@example.com,\n");
  ProcessResult run = RunOktaBulk({"delete", dir.File("users.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("row 2, field 'id'"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("row 3, field 'login': 'a@example.com' is the same login as row 1"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("3 rows read; 1 would be sent"), std::string::npos) << run.out;
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
