// okta-bulk activate / reactivate / suspend / unsuspend / unlock / expire-password /
// reset-password against okta-mock, end to end: users are put into every status through the
// mock's API (and its test-only /__lock), each action runs on all of them, and results.csv and
// okta-mock's /__users show the outcome each status calls for. okta-mock on 127.0.0.1, port 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

const std::vector<std::string> kStatuses = {"STAGED",     "PROVISIONED",      "ACTIVE",   "SUSPENDED",
                                            "LOCKED_OUT", "PASSWORD_EXPIRED", "RECOVERY", "DEPROVISIONED"};

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::map<std::string, std::string> StatusByLogin(const MockProcess& mock) {
  std::map<std::string, std::string> out;
  for (const auto& u : MockUsers(mock)) out[Str(u.at("login"))] = Str(u.at("status"));
  return out;
}

// Calls okta-mock's API as an admin would, to set the scene.
json::value Api(const MockProcess& mock, const std::string& method, const std::string& target,
                const std::string& body = "") {
  TestResponse r = HttpCall(mock.port(), method, target, body, {{"Authorization", "SSWS test-token"}});
  EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
  return r.body.empty() ? json::value() : json::parse(r.body);
}

// One user in `status`, login "<prefix>-<status>@example.com" (lowercase).
std::string MakeUser(const MockProcess& mock, const std::string& prefix, const std::string& status) {
  std::string login = prefix + "-" + status + "@example.com";
  for (char& c : login) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string body = R"({"profile":{"login":")" + login + R"(","email":")" + login +
                     R"(","firstName":"Ann","lastName":"Lee"})";
  if (status != "PROVISIONED") body += R"(,"credentials":{"password":{"value":"Passw0rd!x"}})";
  body += "}";
  json::value user =
      Api(mock, "POST", status == "STAGED" ? "/api/v1/users?activate=false" : "/api/v1/users", body);
  const std::string id = Str(user.at("id"));
  const std::string lc = "/api/v1/users/" + id + "/lifecycle/";
  if (status == "SUSPENDED") Api(mock, "POST", lc + "suspend");
  if (status == "DEPROVISIONED") Api(mock, "POST", lc + "deactivate");
  if (status == "PASSWORD_EXPIRED") Api(mock, "POST", lc + "expire_password");
  if (status == "RECOVERY") Api(mock, "POST", lc + "reset_password?sendEmail=true");
  if (status == "LOCKED_OUT") {
    EXPECT_EQ(HttpCall(mock.port(), "POST", "/__lock/" + id).status, 200);
  }
  return login;
}

struct Case {
  std::string command;
  std::map<std::string, std::string> outcome;  // status -> outcome; others: failed
  std::map<std::string, std::string> after;    // status -> status after the run; others: same
};

const std::vector<Case> kCases = {
    {"activate",
     {{"STAGED", "activated"}, {"DEPROVISIONED", "activated"}, {"ACTIVE", "unchanged"},
      {"PROVISIONED", "unchanged"}},
     {{"STAGED", "ACTIVE"}, {"DEPROVISIONED", "ACTIVE"}}},
    {"reactivate",
     {{"PROVISIONED", "reactivated"}, {"RECOVERY", "reactivated"}, {"ACTIVE", "unchanged"}},
     {{"RECOVERY", "PROVISIONED"}}},
    {"suspend", {{"ACTIVE", "suspended"}, {"SUSPENDED", "unchanged"}}, {{"ACTIVE", "SUSPENDED"}}},
    {"unsuspend", {{"SUSPENDED", "unsuspended"}, {"ACTIVE", "unchanged"}}, {{"SUSPENDED", "ACTIVE"}}},
    {"unlock", {{"LOCKED_OUT", "unlocked"}, {"ACTIVE", "unchanged"}}, {{"LOCKED_OUT", "ACTIVE"}}},
    {"expire-password",
     {{"ACTIVE", "password_expired"}, {"PASSWORD_EXPIRED", "unchanged"}},
     {{"ACTIVE", "PASSWORD_EXPIRED"}}},
    {"reset-password",
     {{"ACTIVE", "password_reset"}, {"PASSWORD_EXPIRED", "password_reset"},
      {"LOCKED_OUT", "password_reset"}, {"RECOVERY", "unchanged"}},
     {{"ACTIVE", "RECOVERY"}, {"PASSWORD_EXPIRED", "RECOVERY"}, {"LOCKED_OUT", "RECOVERY"}}},
};

TEST(LifecycleEndToEndTest, EveryActionOnUsersInEveryStatusGivesTheOutcomeTheStatusCallsFor) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.command);
    std::string csv = "login\n";
    std::map<std::string, std::string> status_of_login;
    for (const std::string& s : kStatuses) {
      std::string login = MakeUser(mock, c.command, s);
      status_of_login[login] = s;
      csv += login + "\n";
    }
    dir.Write(c.command + ".csv", csv);
    const std::string results = dir.File(c.command + "-results.csv");
    ProcessResult run =
        RunOktaBulk({c.command, dir.File(c.command + ".csv"), "--yes", "-o", results}, mock.base_url());
    EXPECT_EQ(run.exit_code, 1) << "some statuses fail: " << run.out << run.err;
    auto rows = ReadCsvFile(results);
    ASSERT_EQ(rows.size(), kStatuses.size());
    auto now = StatusByLogin(mock);
    for (const auto& r : rows) {
      const std::string& status = status_of_login.at(r.at("login"));
      auto want = c.outcome.find(status);
      const std::string outcome = want == c.outcome.end() ? "failed" : want->second;
      EXPECT_EQ(r.at("outcome"), outcome) << status << ": " << r.at("error");
      if (outcome == "failed") {
        EXPECT_NE(r.at("error").find("this one is " + status), std::string::npos) << r.at("error");
      }
      auto after = c.after.find(status);
      EXPECT_EQ(now.at(r.at("login")), after == c.after.end() ? status : after->second) << status;
    }

    // Again: nothing left to do, except reactivate, which sends a new activation each time.
    ProcessResult again = RunOktaBulk(
        {c.command, dir.File(c.command + ".csv"), "--yes", "-o", results, "--overwrite"}, mock.base_url());
    EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
    for (const auto& r : ReadCsvFile(results)) {
      const std::string& status = status_of_login.at(r.at("login"));
      if (!c.outcome.contains(status)) {
        EXPECT_EQ(r.at("outcome"), "failed") << status;
      } else if (c.command == "reactivate" && c.outcome.at(status) == "reactivated") {
        EXPECT_EQ(r.at("outcome"), "reactivated") << status;
      } else {
        EXPECT_EQ(r.at("outcome"), "unchanged") << status << ": " << r.at("error");
      }
    }
    EXPECT_EQ(StatusByLogin(mock), now) << "a rerun changes nothing";
  }
}

TEST(LifecycleEndToEndTest, KillNineThenResumeSuspendsEveryUserOnceAndFailsNone) {
  TempDir dir;
  const int kRows = 1500;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", std::to_string(kRows), "-o",
                                  dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess mock({"--groups-count", "1", "--latency-ms", "20", "--jitter-ms", "10"});
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"),
                                    "--concurrency", "64"},
                                   mock.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;

  // 2 requests x 1500 rows x 20 ms / 8 in flight = ~7 s: kill -9 after 1.5 s, mid-run. Rows
  // in flight then may have been suspended without a line in the results file.
  std::vector<std::string> args = {"suspend", dir.File("users.csv"), "--yes", "-o",
                                   dir.File("results.csv"), "--concurrency", "8"};
  ProcessResult killed = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGKILL, 1500}}, dir.path());
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  std::size_t done_before = ReadCsvFile(dir.File("results.csv")).size();
  EXPECT_GT(done_before, 0u);
  EXPECT_LT(done_before, static_cast<std::size_t>(kRows));

  args.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(args, mock.base_url());
  // A second suspend to a SUSPENDED user would fail its row (400 E0000001): none may.
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  auto rows = ReadCsvFile(dir.File("results.csv"));
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kRows));
  std::map<std::string, int> outcomes;
  for (const auto& r : rows) ++outcomes[r.at("outcome")];
  EXPECT_EQ(outcomes["suspended"] + outcomes["unchanged"], kRows) << resumed.out;
  for (const auto& [login, status] : StatusByLogin(mock)) EXPECT_EQ(status, "SUSPENDED") << login;
}

TEST(LifecycleEndToEndTest, ActionsThatLockPeopleOutAskForYesOffATerminalAndOthersDoNot) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("one.csv", "login\n" + MakeUser(mock, "ask", "ACTIVE") + "\n");
  for (std::string cmd : {"suspend", "expire-password", "reset-password"}) {
    ProcessResult run = RunOktaBulk({cmd, dir.File("one.csv"), "-o", dir.File("r.csv"), "--overwrite"},
                                    mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << cmd << run.out;
    EXPECT_NE(run.err.find("pass --yes"), std::string::npos) << cmd << run.err;
  }
  EXPECT_EQ(StatusByLogin(mock).begin()->second, "ACTIVE") << "nothing was sent";
  ProcessResult unlock = RunOktaBulk({"unlock", dir.File("one.csv"), "-o", dir.File("r.csv"), "--overwrite"},
                                     mock.base_url());
  EXPECT_EQ(unlock.exit_code, 0) << unlock.out << unlock.err;
  EXPECT_NE(unlock.out.find("1 unchanged"), std::string::npos) << unlock.out;
}

TEST(LifecycleEndToEndTest, EveryLifecycleCommandHasHelpWithItsAcceptedStatuses) {
  for (std::string cmd : {"activate", "reactivate", "suspend", "unsuspend", "unlock",
                          "expire-password", "reset-password"}) {
    ProcessResult help = RunProcess({OKTA_BULK_PATH, cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd << help.err;
    EXPECT_NE(help.out.find("Usage: okta-bulk " + cmd), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("Accepted: "), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--resume"), std::string::npos) << help.out;
  }
  EXPECT_NE(RunProcess({OKTA_BULK_PATH, "activate", "--help"}).out.find("--send-email"), std::string::npos);
  EXPECT_NE(RunProcess({OKTA_BULK_PATH, "--help"}).out.find("expire-password"), std::string::npos);
  ProcessResult no_email = RunProcess({OKTA_BULK_PATH, "reset-password", "u.csv", "--no-send-email"});
  EXPECT_EQ(no_email.exit_code, 2);
  EXPECT_NE(no_email.err.find("add --write-temp-passwords"), std::string::npos) << no_email.err;
  ProcessResult temp = RunProcess({OKTA_BULK_PATH, "expire-password", "u.csv", "--temp-password"});
  EXPECT_EQ(temp.exit_code, 2);
  EXPECT_NE(temp.err.find("add --write-temp-passwords"), std::string::npos) << temp.err;
  ProcessResult to_stdout = RunProcess({OKTA_BULK_PATH, "expire-password", "u.csv", "--temp-password",
                                        "--write-temp-passwords", "-o", "-"});
  EXPECT_EQ(to_stdout.exit_code, 2);
  EXPECT_NE(to_stdout.err.find("not stdout"), std::string::npos) << to_stdout.err;
  ProcessResult nothing = RunProcess({OKTA_BULK_PATH, "reset-password", "u.csv", "--write-temp-passwords"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("nothing else returns a secret"), std::string::npos) << nothing.err;
  ProcessResult wrong = RunProcess({OKTA_BULK_PATH, "suspend", "u.csv", "--send-email"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("unknown flag '--send-email' for suspend"), std::string::npos) << wrong.err;
}

TEST(LifecycleEndToEndTest, TemporaryPasswordsAndResetLinksGoOnlyToTheSecretsFile) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("expire.csv", "login\n" + MakeUser(mock, "t1", "ACTIVE") + "\n" +
                              MakeUser(mock, "t2", "STAGED") + "\n");
  dir.Write("reset.csv", "login\n" + MakeUser(mock, "r1", "LOCKED_OUT") + "\n");
  const std::string results = dir.File("results.csv");
  ProcessResult expire = RunOktaBulk({"expire-password", dir.File("expire.csv"), "--temp-password",
                                      "--write-temp-passwords", "--yes", "-o", results},
                                     mock.base_url());
  EXPECT_EQ(expire.exit_code, 1) << expire.out << expire.err;  // the STAGED user fails
  ProcessResult reset = RunOktaBulk({"reset-password", dir.File("reset.csv"), "--no-send-email",
                                     "--write-temp-passwords", "--yes", "-o", results, "--overwrite"},
                                    mock.base_url());
  EXPECT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  // --overwrite kept the expire run's results and its secrets aside together (issue 18).
  auto secrets = ReadCsvFile(results + ".1.secrets");
  for (auto& s : ReadCsvFile(results + ".secrets")) secrets.push_back(std::move(s));
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].at("login"), "t1-active@example.com");
  EXPECT_EQ(secrets[0].at("kind"), "tempPassword");
  EXPECT_EQ(secrets[1].at("login"), "r1-locked_out@example.com");
  EXPECT_EQ(secrets[1].at("kind"), "resetPasswordUrl");
  EXPECT_NE(secrets[1].at("secret").find("/signin/reset-password/"), std::string::npos);
  std::string everything = expire.out + expire.err + reset.out + reset.err + dir.Read("results.csv") +
                           dir.Read("results.csv.1");
  for (const auto& s : secrets) {
    ASSERT_GE(s.at("secret").size(), 8u);
    EXPECT_EQ(everything.find(s.at("secret")), std::string::npos) << "a secret leaked";
  }
  EXPECT_EQ(std::filesystem::status(results + ".secrets").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto now = StatusByLogin(mock);
  EXPECT_EQ(now["t1-active@example.com"], "PASSWORD_EXPIRED");
  EXPECT_EQ(now["r1-locked_out@example.com"], "RECOVERY");
}

// activate / reactivate with the email off: each activation link okta-mock answers with goes
// to RESULTS.secrets (0600) with --write-activation-links, and nowhere else; a secrets file
// made readable by others is set back to 0600 before anything is sent (safe_file's rule for
// every secrets file); --write-activation-links with the email on is a usage error.
TEST(LifecycleEndToEndTest, ActivationLinksGoOnlyToTheSecretsFileWhenAsked) {
  TempDir dir;
  MockProcess mock;
  dir.Write("staged.csv", "login\n" + MakeUser(mock, "s1", "STAGED") + "\n");
  dir.Write("provisioned.csv", "login\n" + MakeUser(mock, "p1", "PROVISIONED") + "\n" +
                                   MakeUser(mock, "p2", "ACTIVE") + "\n");
  const std::string r1 = dir.File("activate.csv"), r2 = dir.File("reactivate.csv");
  ProcessResult activate = RunOktaBulk({"activate", dir.File("staged.csv"), "-o", r1,
                                        "--write-activation-links"},
                                       mock.base_url());
  EXPECT_EQ(activate.exit_code, 0) << activate.out << activate.err;
  ProcessResult reactivate = RunOktaBulk({"reactivate", dir.File("provisioned.csv"), "-o", r2,
                                          "--no-send-email", "--write-activation-links"},
                                         mock.base_url());
  EXPECT_EQ(reactivate.exit_code, 0) << reactivate.out << reactivate.err;
  auto results = ReadCsvFile(r2);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("outcome"), "reactivated");
  EXPECT_EQ(results[1].at("outcome"), "unchanged");  // already ACTIVE: nothing sent
  auto secrets = ReadCsvFile(r1 + ".secrets");
  for (auto& s : ReadCsvFile(r2 + ".secrets")) secrets.push_back(std::move(s));
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].at("login"), "s1-staged@example.com");
  EXPECT_EQ(secrets[1].at("login"), "p1-provisioned@example.com");
  const std::string everything = activate.out + activate.err + reactivate.out + reactivate.err +
                                 dir.Read("activate.csv") + dir.Read("reactivate.csv");
  for (const auto& s : secrets) {
    EXPECT_EQ(s.at("kind"), "activationUrl");
    EXPECT_EQ(s.at("secret").rfind(mock.base_url() + "/welcome/", 0), 0u) << s.at("secret");
    EXPECT_EQ(everything.find(s.at("secret")), std::string::npos) << "a link leaked";
  }
  for (const std::string& path : {r1 + ".secrets", r2 + ".secrets"})
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // The secrets file made readable by others: --resume sets it back to 0600 before it appends
  // (every row is done: nothing is sent).
  std::filesystem::permissions(r2 + ".secrets", std::filesystem::perms::group_read |
                                                    std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  const int64_t before = MockStats(mock).at("requests_total").as_int64();
  ProcessResult readable = RunOktaBulk({"reactivate", dir.File("provisioned.csv"), "-o", r2,
                                        "--no-send-email", "--write-activation-links", "--resume"},
                                       mock.base_url());
  EXPECT_EQ(readable.exit_code, 0) << readable.out << readable.err;
  EXPECT_EQ(std::filesystem::status(r2 + ".secrets").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(ReadCsvFile(r2 + ".secrets").size(), 1u);
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), before);

  ProcessResult with_email = RunOktaBulk({"reactivate", dir.File("provisioned.csv"), "-o",
                                          dir.File("r3.csv"), "--write-activation-links"},
                                         mock.base_url());
  EXPECT_EQ(with_email.exit_code, 2);
  EXPECT_NE(with_email.err.find("--write-activation-links goes with --send-email off"),
            std::string::npos)
      << with_email.err;
}

TEST(LifecycleEndToEndTest, DryRunSendsNothingAndSaysWhatWouldBeSent) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("users.csv", "login\na@example.com\nb@example.com\n");
  ProcessResult run = RunOktaBulk({"suspend", dir.File("users.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("lifecycle/suspend"), std::string::npos) << run.out;
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
