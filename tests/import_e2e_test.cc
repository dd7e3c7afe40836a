// okta-bulk import against okta-mock, end to end: every valid row becomes exactly one user
// with the right profile, groups and credential, and results.csv agrees row for row.
// Servers: okta-mock on 127.0.0.1, port 0, started and stopped by each test.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "pipeline/csv/csv_reader.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;
const std::string kG1 = "00gmock0000000000001", kG2 = "00gmock0000000000002",
                  kG3 = "00gmock0000000000003";

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::set<std::string> GroupsOf(const json::object& user) {
  std::set<std::string> out;
  for (const auto& g : user.at("groupIds").as_array()) out.insert(Str(g));
  return out;
}

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) {
    const auto& o = u.as_object();
    EXPECT_TRUE(out.emplace(Str(o.at("login")), o).second) << "two users for " << o.at("login");
  }
  return out;
}

void GenerateUsers(const TempDir& dir, int count, const std::string& groups, bool awkward) {
  std::vector<std::string> argv = {GEN_USERS_PATH, "--count", std::to_string(count), "--groups",
                                   groups, "-o", dir.File("users.csv")};
  if (awkward) argv.push_back("--awkward");
  ProcessResult r = RunProcess(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(ImportEndToEndTest, EveryRowBecomesOneUserWithProfileGroupsAndPasswordAndResultsAgree) {
  TempDir dir;
  GenerateUsers(dir, 3000, kG1 + "," + kG2, /*awkward=*/true);
  MockProcess mock({"--groups-count", "3"});
  ASSERT_NE(mock.port(), 0);

  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--concurrency", "16", "--group", kG3},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("3,000 created"), std::string::npos) << run.out;

  auto input = ReadCsvFile(dir.File("users.csv"));
  auto results = ReadCsvFile(dir.File("results.csv"));
  auto users = UsersByLogin(mock);
  ASSERT_EQ(input.size(), 3000u);
  ASSERT_EQ(results.size(), 3000u);
  ASSERT_EQ(users.size(), 3000u);

  std::set<std::string> rows_seen;
  for (const auto& r : results) {
    EXPECT_TRUE(rows_seen.insert(r.at("row")).second) << "row twice: " << r.at("row");
    std::size_t row = std::stoul(r.at("row"));
    ASSERT_GE(row, 1u);
    ASSERT_LE(row, input.size());
    const auto& in = input[row - 1];
    EXPECT_EQ(r.at("login"), in.at("login"));
    EXPECT_EQ(r.at("outcome"), "created");
    EXPECT_EQ(r.at("userStatus"), "ACTIVE");
    EXPECT_EQ(r.at("httpStatus"), "200");
    auto it = users.find(in.at("login"));
    ASSERT_NE(it, users.end()) << in.at("login");
    const json::object& user = it->second;
    EXPECT_EQ(Str(user.at("id")), r.at("userId"));
    const json::object& profile = user.at("profile").as_object();
    EXPECT_EQ(Str(profile.at("email")), in.at("email"));
    EXPECT_EQ(Str(profile.at("firstName")), in.at("firstName"));
    EXPECT_EQ(Str(profile.at("lastName")), in.at("lastName"));
    EXPECT_EQ(Str(profile.at("department")), in.at("department"));  // commas, quotes, newlines
    EXPECT_EQ(Str(profile.at("employeeNumber")), in.at("employeeNumber"));
    EXPECT_EQ(GroupsOf(user), (std::set<std::string>{in.at("groupId"), kG3}));
    EXPECT_EQ(Str(user.at("credential")), "password");
  }
  // Passwords never appear in what okta-bulk writes or prints.
  std::string written = dir.Read("results.csv") + run.out + run.err;
  EXPECT_EQ(written.find("-secret-Ab9"), std::string::npos);
  // One request per new user, groups included; before the first, the org's schema and its
  // groups (one page) were read.
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 3000 + 2);
}

TEST(ImportEndToEndTest, SecondRunReportsExistedCreatesNobodyAndAddsTheNewGroup) {
  TempDir dir;
  GenerateUsers(dir, 1000, kG1, false);
  MockProcess mock({"--groups-count", "3"});
  ProcessResult first = RunOktaBulk(
      {"import", dir.File("users.csv"), "-o", dir.File("first.csv"), "--concurrency", "8"},
      mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto before = UsersByLogin(mock);

  ProcessResult second =
      RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("second.csv"),
                   "--concurrency", "8", "--group", kG2},
                  mock.base_url());
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  auto results = ReadCsvFile(dir.File("second.csv"));
  ASSERT_EQ(results.size(), 1000u);
  auto after = UsersByLogin(mock);
  ASSERT_EQ(after.size(), 1000u);
  for (const auto& r : results) {
    EXPECT_EQ(r.at("outcome"), "existed") << r.at("login") << ": " << r.at("error");
    const auto& user = after.at(r.at("login"));
    EXPECT_EQ(Str(user.at("id")), r.at("userId"));
    EXPECT_EQ(Str(before.at(r.at("login")).at("id")), r.at("userId"));
    EXPECT_EQ(r.at("userStatus"), "ACTIVE");
    EXPECT_EQ(GroupsOf(user), (std::set<std::string>{kG1, kG2}));
  }
}

TEST(ImportEndToEndTest, ExistingSkipLeavesExistingUsersOutOfTheGroups) {
  TempDir dir;
  GenerateUsers(dir, 50, kG1, false);
  MockProcess mock({"--groups-count", "3"});
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("a.csv")}, mock.base_url())
                .exit_code, 0);
  ProcessResult second = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("b.csv"),
                                      "--existing", "skip", "--group", kG2},
                                     mock.base_url());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  for (const auto& r : ReadCsvFile(dir.File("b.csv"))) EXPECT_EQ(r.at("outcome"), "existed");
  for (const auto& [login, user] : UsersByLogin(mock))
    EXPECT_EQ(GroupsOf(user), std::set<std::string>{kG1}) << login;
}

TEST(ImportEndToEndTest, AwkwardButValidCsvArrivesByteForByte) {
  TempDir dir;
  // BOM, CRLF records, columns in another order with other case and spaces, quoted commas,
  // doubled quotes, an embedded CRLF and LF, a custom attribute left empty, no final newline.
  std::string csv =
      "\xEF\xBB\xBF LastName ,EMAIL,login,FirstName,title,Password\r\n"
      "\"O'Brien, Jr.\",a1@example.com,a1@example.com,\"Ann \"\"Annie\"\"\",\"line1\r\nline2\",\r\n"
      "Zoë,a2@example.com,a2@example.com,José,,Secr3t-Pass\r\n"
      "\"x\ny\",a3@example.com,a3@example.com,Q,\"comma,inside\",\"\"\r\n"
      // Okta's default schema requires firstName: the row fails with Okta's own error.
      "Nofirst,a4@example.com,a4@example.com,,,\"\"";
  dir.Write("users.csv", csv);
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 3u);
  const auto& p1 = users.at("a1@example.com").at("profile").as_object();
  EXPECT_EQ(Str(p1.at("lastName")), "O'Brien, Jr.");
  EXPECT_EQ(Str(p1.at("firstName")), "Ann \"Annie\"");
  EXPECT_EQ(Str(p1.at("title")), "line1\r\nline2");
  EXPECT_EQ(Str(users.at("a1@example.com").at("credential")), "none");
  const auto& p2 = users.at("a2@example.com").at("profile").as_object();
  EXPECT_EQ(Str(p2.at("lastName")), "Zoë");
  EXPECT_EQ(Str(p2.at("firstName")), "José");
  EXPECT_FALSE(p2.contains("title")) << "an empty cell leaves the attribute out";
  EXPECT_EQ(Str(users.at("a2@example.com").at("credential")), "password");
  const auto& p3 = users.at("a3@example.com").at("profile").as_object();
  EXPECT_EQ(Str(p3.at("lastName")), "x\ny");
  EXPECT_EQ(Str(p3.at("title")), "comma,inside");
  auto results = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 4u);
  std::set<std::string> statuses;
  for (const auto& r : results) {
    if (r.at("row") == "4") {
      EXPECT_EQ(r.at("outcome"), "failed");
      EXPECT_EQ(r.at("httpStatus"), "400");
      EXPECT_EQ(r.at("errorCode"), "E0000001");
      EXPECT_NE(r.at("error").find("firstName"), std::string::npos) << r.at("error");
      continue;
    }
    statuses.insert(r.at("row") + ":" + r.at("userStatus"));
  }
  // No password + activate -> PROVISIONED; a password -> ACTIVE (contract §2).
  EXPECT_EQ(statuses, (std::set<std::string>{"1:PROVISIONED", "2:ACTIVE", "3:PROVISIONED"}));
}

TEST(ImportEndToEndTest, InvalidRowsNameRowAndFieldAndTheRunGoesOn) {
  TempDir dir;
  std::string csv =
      "login,email,firstName,lastName,groupId\n"
      "good1@example.com,good1@example.com,A,B,\n"     // 1 ok
      ",x@example.com,A,B,\n"                          // 2 blank login
      "not-an-email,n@example.com,A,B,\n"              // 3 login not an email
      "good2@example.com,good2@example.com,A,B,extra,\n"  // 4 too many fields
      "e@example.com,e@example.com,\xF0\x9F\x98\x80,B,\n"  // 5 emoji in firstName
      "bad@example.com,bad@example.com,\xC3\x28,B,\n"  // 6 invalid UTF-8
      "g@example.com,g@example.com,A,B,00g bad\n"      // 7 malformed group id
      "good3@example.com,good3@example.com,A,B,\n";    // 8 ok
  dir.Write("users.csv", csv);
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 8u);
  std::map<std::string, ResultRow> by_row;
  for (auto& r : results) by_row[r.at("row")] = r;
  EXPECT_EQ(by_row["1"].at("outcome"), "created");
  EXPECT_EQ(by_row["8"].at("outcome"), "created");
  auto expect_invalid = [&](const std::string& row, const std::string& needle) {
    EXPECT_EQ(by_row[row].at("outcome"), "invalid") << row;
    EXPECT_NE(by_row[row].at("error").find("row " + row), std::string::npos) << by_row[row].at("error");
    EXPECT_NE(by_row[row].at("error").find(needle), std::string::npos) << by_row[row].at("error");
  };
  expect_invalid("2", "'login'");
  expect_invalid("3", "'login'");
  expect_invalid("4", "6 fields");
  expect_invalid("5", "'firstName'");
  expect_invalid("6", "'firstName'");
  expect_invalid("7", "'groupId'");
  EXPECT_EQ(MockUsers(mock).size(), 2u);
}

TEST(ImportEndToEndTest, RefusedTokenStopsTheRunWithExitThreeAndNeverShowsTheToken) {
  TempDir dir;
  GenerateUsers(dir, 500, kG1, false);
  MockProcess mock({"--groups-count", "1"});
  const std::string wrong = "wrong-token-AbC123xyz";
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--concurrency", "4"},
                                  mock.base_url(), wrong);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("E0000011"), std::string::npos) << run.err;
  std::string everything = run.out + run.err + dir.Read("r.csv");
  EXPECT_EQ(everything.find(wrong), std::string::npos);
  // Stopped at once: a handful of requests, not 500.
  EXPECT_LT(MockStats(mock).at("requests_total").as_int64(), 20);
  EXPECT_EQ(MockUsers(mock).size(), 0u);
}

TEST(ImportEndToEndTest, UsageAndConfigurationErrorsExitTwoBeforeSendingAnything) {
  TempDir dir;
  dir.Write("users.csv", "login\nu1@example.com\n");
  MockProcess mock;
  // A token on the command line is refused.
  auto r1 = RunOktaBulk({"import", dir.File("users.csv"), "--token", "abc"}, mock.base_url());
  EXPECT_EQ(r1.exit_code, 2);
  EXPECT_NE(r1.err.find("OKTA_CLIENT_TOKEN"), std::string::npos) << r1.err;
  // Plain http to a non-loopback host is refused (nothing is contacted).
  auto r2 = RunOktaBulk({"import", dir.File("users.csv")}, "http://acme.okta.example");
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("https"), std::string::npos) << r2.err;
  // So is a name that only starts like a loopback address (refused before any lookup).
  auto r2b = RunOktaBulk({"import", dir.File("users.csv")}, "http://127.attacker.example");
  EXPECT_EQ(r2b.exit_code, 2);
  EXPECT_NE(r2b.err.find("refusing plain http:// to 127.attacker.example"), std::string::npos) << r2b.err;
  EXPECT_NE(r2b.err.find("--allow-insecure-http"), std::string::npos) << r2b.err;
  // No login column.
  dir.Write("nologin.csv", "email,firstName\na@example.com,A\n");
  auto r3 = RunOktaBulk({"import", dir.File("nologin.csv"), "-o", dir.File("r.csv")}, mock.base_url());
  EXPECT_EQ(r3.exit_code, 2);
  EXPECT_NE(r3.err.find("login"), std::string::npos) << r3.err;
  // Missing input file.
  auto r4 = RunOktaBulk({"import", dir.File("missing.csv")}, mock.base_url());
  EXPECT_EQ(r4.exit_code, 2);
  EXPECT_NE(r4.err.find("missing.csv"), std::string::npos) << r4.err;
  // Unknown flag.
  auto r5 = RunOktaBulk({"import", dir.File("users.csv"), "--concurrenc", "3"}, mock.base_url());
  EXPECT_EQ(r5.exit_code, 2);
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
}

TEST(ImportEndToEndTest, RateLimitedImportWaitsForResetsAndFailsNoRow) {
  TempDir dir;
  GenerateUsers(dir, 300, kG1, false);
  MockProcess mock({"--groups-count", "1", "--limits", "create=100", "--window", "1"});
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--concurrency", "16"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto results = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 300u);
  for (const auto& r : results) EXPECT_EQ(r.at("outcome"), "created") << r.at("error");
  auto stats = MockStats(mock);
  EXPECT_EQ(stats.at("users_created").as_int64(), 300);
  // The governor paces from the headers: at most a few 429s, not a storm.
  EXPECT_LE(stats.at("rate_limited").as_object().at("create").as_int64(), 6);
}

// CSV cells quoted in messages reach the terminal escaped: a header with an OSC sequence
// (exit 2, stderr) and a dry run's invalid row with a CSI sequence (stdout).
TEST(ImportEndToEndTest, EscapesInCsvCellsAreShownEscapedOnTheTerminal) {
  TempDir dir;
  dir.Write("header.csv", "login,email,bad\x1b]0;pwned\x07:weird\na@example.com,a@example.com,1\n");
  dir.Write("cell.csv", "login,email,groupIds\na@example.com,a@example.com,\"g\x1b[2J x\"\n");
  ProcessResult header = RunOktaBulk({"import", dir.File("header.csv"), "--dry-run", "--offline"}, "http://127.0.0.1:9");
  EXPECT_EQ(header.exit_code, 2) << header.err;
  EXPECT_NE(header.err.find("bad\\x1b]0;pwned\\x07:weird"), std::string::npos) << header.err;
  ProcessResult cell = RunOktaBulk({"import", dir.File("cell.csv"), "--dry-run", "--offline"}, "http://127.0.0.1:9");
  EXPECT_EQ(cell.exit_code, 1) << cell.out << cell.err;
  EXPECT_NE(cell.out.find("'g\\x1b[2J x'"), std::string::npos) << cell.out;
  for (const ProcessResult* r : {&header, &cell}) {
    EXPECT_EQ(r->out.find('\x1b'), std::string::npos);
    EXPECT_EQ(r->err.find('\x1b'), std::string::npos);
  }
}

}  // namespace
}  // namespace okta_bulk::testing

namespace okta_bulk::testing {
namespace {

// A self-signed certificate for 127.0.0.1, made with the openssl command line.
bool MakeCertificate(const TempDir& dir) {
  ProcessResult gen = RunProcess(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.File("key.pem"), "-out",
       dir.File("cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
       "subjectAltName=IP:127.0.0.1"},
      {}, 60);
  return gen.exit_code == 0;
}

TEST(ImportEndToEndTest, ImportsOverTlsWhenTheCaIsGivenAndStopsClearlyWhenItIsNot) {
  TempDir dir;
  ASSERT_TRUE(MakeCertificate(dir)) << "needs the openssl command (tools/install-deps.sh)";
  dir.Write("users.csv",
            "login,email,firstName,lastName\n"
            "t1@example.com,t1@example.com,A,B\n"
            "t2@example.com,t2@example.com,A,B\n");
  MockProcess mock({"--tls-cert", dir.File("cert.pem"), "--tls-key", dir.File("key.pem")});
  ASSERT_EQ(mock.base_url().rfind("https://", 0), 0u) << mock.base_url();

  // Not trusted: the peer is verified by default, so nothing is sent in the clear and the
  // run stops at once with a message that says what to do.
  ProcessResult untrusted = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("a.csv")},
                                        mock.base_url());
  EXPECT_EQ(untrusted.exit_code, 3) << untrusted.out << untrusted.err;
  EXPECT_NE(untrusted.err.find("--ca-file"), std::string::npos) << untrusted.err;
  EXPECT_TRUE(ReadCsvFile(dir.File("a.csv")).empty());

  ProcessResult trusted = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("b.csv"),
                                       "--ca-file", dir.File("cert.pem")},
                                      mock.base_url());
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out << trusted.err;
  auto results = ReadCsvFile(dir.File("b.csv"));
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.at("outcome"), "created");
    EXPECT_EQ(r.at("userId").rfind("00u", 0), 0u);
  }
}

TEST(ImportEndToEndTest, AnOrgThatCannotBeReachedStopsTheRunInsteadOfFailingEveryRow) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "200", "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0);
  uint16_t closed_port;
  {
    MockProcess mock;  // learn a free loopback port, then stop the server
    closed_port = mock.port();
  }
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--max-attempts", "2"},
                                  "http://127.0.0.1:" + std::to_string(closed_port));
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("cannot connect to http://127.0.0.1:" + std::to_string(closed_port) +
                         " (connection refused); check the org URL and the network"),
            std::string::npos)
      << run.err;
  EXPECT_LT(ReadCsvFile(dir.File("r.csv")).size(), 200u);
}

}  // namespace
}  // namespace okta_bulk::testing
