// Hashed passwords, --password-hook, --next-login and typed attributes, end to end against
// okta-mock (which checks each hash algorithm's fields as contract §2 describes).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) out.emplace(std::string(u.at("login").as_string()), u.as_object());
  return out;
}

std::map<std::string, ResultRow> ResultsByLogin(const std::string& path) {
  std::map<std::string, ResultRow> out;
  for (auto& r : ReadCsvFile(path)) out.emplace(r.at("login"), r);
  return out;
}

TEST(CredentialsEndToEndTest, EachHashAlgorithmIsImportedAndBadHashesAreInvalidNamingTheField) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv",
            "login,firstName,lastName,email,passwordHash,hashAlgorithm,passwordSalt,saltOrder,workFactor,"
            "iterationCount,keySize,digestAlgorithm\n"
            "bc@example.com,B,C,bc@example.com,$2y$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna,,,,,,,\n"
            "sha@example.com,S,H,sha@example.com,47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=,SHA-256,c2FsdA==,POSTFIX,,,,\n"
            "md5@example.com,M,D,md5@example.com,1B2M2Y8AsgTpgAmY7PhCfg==,MD5,,,,,,\n"
            "pb@example.com,P,B,pb@example.com,47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=,PBKDF2,c2FsdA==,,,10000,32,SHA512_HMAC\n"
            "bad@example.com,B,D,bad@example.com,47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=,PBKDF2,c2FsdA==,,,100,32,SHA512_HMAC\n"
            "none@example.com,N,O,none@example.com,,,,,,,,\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")}, mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ResultsByLogin(dir.File("r.csv"));
  EXPECT_EQ(results.at("bad@example.com").at("outcome"), "invalid");
  EXPECT_EQ(results.at("bad@example.com").at("error"),
            "row 5, field 'iterationCount': must be a whole number of at least 4096");
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 5u);
  for (const char* login : {"bc@example.com", "sha@example.com", "md5@example.com", "pb@example.com"}) {
    EXPECT_EQ(results.at(login).at("outcome"), "created") << login << results.at(login).at("error");
    EXPECT_EQ(users.at(login).at("credential"), "hash") << login;
    EXPECT_EQ(users.at(login).at("status"), "ACTIVE") << login;
    // The hash columns are credentials, never profile attributes.
    EXPECT_FALSE(users.at(login).at("profile").as_object().contains("passwordHash")) << login;
    EXPECT_FALSE(users.at(login).at("profile").as_object().contains("hashAlgorithm")) << login;
  }
  EXPECT_EQ(users.at("bc@example.com").at("hash").at("workFactor"), 10);
  EXPECT_EQ(users.at("bc@example.com").at("hash").at("salt"), "rwh3vH166HCH/NT9XV5FYu");
  EXPECT_EQ(users.at("sha@example.com").at("hash").at("saltOrder"), "POSTFIX");
  EXPECT_EQ(users.at("pb@example.com").at("hash").at("iterationCount"), 10000);
  EXPECT_EQ(users.at("none@example.com").at("credential"), "none");
}

TEST(CredentialsEndToEndTest, PasswordHookGoesToRowsWithoutTheirOwnPassword) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv",
            "login,firstName,lastName,email,password\n"
            "hook@example.com,H,K,hook@example.com,\n"
            "own@example.com,O,W,own@example.com,S3cret-Pass9\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"), "--password-hook"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto users = UsersByLogin(mock);
  EXPECT_EQ(users.at("hook@example.com").at("credential"), "hook");
  EXPECT_EQ(users.at("hook@example.com").at("status"), "ACTIVE");
  EXPECT_EQ(users.at("own@example.com").at("credential"), "password");
}

TEST(CredentialsEndToEndTest, NextLoginRefusesWhatOktaWouldRefuseBeforeSendingAnything) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv",
            "login,firstName,lastName,email,password\n"
            "pw@example.com,P,W,pw@example.com,S3cret-Pass9\n"
            "nopw@example.com,N,P,nopw@example.com,\n");
  ProcessResult staged = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r0.csv"), "--next-login",
                                      "change-password", "--no-activate"},
                                     mock.base_url());
  EXPECT_EQ(staged.exit_code, 2);
  EXPECT_NE(staged.err.find("E0000125"), std::string::npos) << staged.err;
  ProcessResult hook = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r0.csv"), "--next-login",
                                    "change-password", "--password-hook"},
                                   mock.base_url());
  EXPECT_EQ(hook.exit_code, 2);
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);

  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"), "--next-login",
                                   "change-password"},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ResultsByLogin(dir.File("r.csv"));
  EXPECT_EQ(results.at("pw@example.com").at("outcome"), "created");
  EXPECT_EQ(results.at("nopw@example.com").at("outcome"), "invalid");
  EXPECT_NE(results.at("nopw@example.com").at("error").find("field 'password': is empty"), std::string::npos);
  EXPECT_EQ(UsersByLogin(mock).size(), 1u);

  dir.Write("nopwcol.csv", "login,firstName,lastName,email\na@example.com,A,B,a@example.com\n");
  ProcessResult no_column = RunOktaBulk({"import", dir.File("nopwcol.csv"), "-o", dir.File("r2.csv"), "--next-login",
                                         "change-password"},
                                        mock.base_url());
  EXPECT_EQ(no_column.exit_code, 2) << no_column.out << no_column.err;
  EXPECT_NE(no_column.err.find("'password' or 'passwordHash' column"), std::string::npos) << no_column.err;
}

TEST(CredentialsEndToEndTest, NextLoginCreatesUsersWhosePasswordIsExpired) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv",
            "login,firstName,lastName,email,password,passwordHash,hashAlgorithm\n"
            "pw@example.com,P,W,pw@example.com,S3cret-Pass9,,\n"
            "hash@example.com,H,A,hash@example.com,,$2b$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna,\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"), "--next-login",
                                   "change-password"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto results = ResultsByLogin(dir.File("r.csv"));
  EXPECT_EQ(results.at("pw@example.com").at("outcome"), "created");
  EXPECT_EQ(results.at("hash@example.com").at("outcome"), "created");
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users.at("pw@example.com").at("status"), "PASSWORD_EXPIRED");
  EXPECT_EQ(users.at("hash@example.com").at("status"), "PASSWORD_EXPIRED");
  // Without the flag the same rows are plain ACTIVE users.
  MockProcess other;
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r2.csv")}, other.base_url()).exit_code, 0);
  EXPECT_EQ(UsersByLogin(other).at("pw@example.com").at("status"), "ACTIVE");
}

// The custom attributes of the typed columns (age, score, vip, tags), which okta-mock's
// default profile refuses like a real org without them.
const std::string kTypedSchema = std::string(TEST_DATA_DIR) + "/okta_mock_schema_typed.json";

TEST(CredentialsEndToEndTest, TypedAttributesReachOktaAsTheirJsonTypesOnImportAndUpdate) {
  TempDir dir;
  MockProcess mock({"--schema", kTypedSchema});
  dir.Write("users.csv",
            "login,firstName,lastName,email,age:integer,score:number,vip:boolean,tags:string[]\n"
            "t@example.com,T,Y,t@example.com,41,2.5,true,a;b\n"
            "bad@example.com,B,D,bad@example.com,forty,,,\n");
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")}, mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(ResultsByLogin(dir.File("r.csv")).at("bad@example.com").at("error"),
            "row 2, field 'age:integer': 'forty' is not an integer (digits, optionally after '-')");
  auto profile = UsersByLogin(mock).at("t@example.com").at("profile").as_object();
  EXPECT_EQ(json::serialize(profile.at("age")), "41");
  EXPECT_EQ(profile.at("score").as_double(), 2.5);
  EXPECT_EQ(profile.at("vip"), true);
  EXPECT_EQ(json::serialize(profile.at("tags")), R"(["a","b"])");

  dir.Write("changes.csv", "login,age:integer,tags:string[]\nt@example.com,42,\n");
  ProcessResult update = RunOktaBulk({"update", dir.File("changes.csv"), "-o", dir.File("u.csv"), "--empty-cells",
                                      "clear"},
                                     mock.base_url());
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  profile = UsersByLogin(mock).at("t@example.com").at("profile").as_object();
  EXPECT_EQ(json::serialize(profile.at("age")), "42");
  EXPECT_FALSE(profile.contains("tags"));
  EXPECT_EQ(profile.at("vip"), true);
}

TEST(CredentialsEndToEndTest, AHashedTypedImportKilledMidwayResumesWithEveryUserOnceAndItsHash) {
  TempDir dir;
  const std::size_t kRows = 1200;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", std::to_string(kRows), "--hashes", "--typed", "-o",
                                  dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess mock({"--latency-ms", "20", "--schema", kTypedSchema});
  const std::vector<std::string> args = {"import", dir.File("users.csv"), "-o", dir.File("r.csv"), "--concurrency", "8"};
  ProcessResult killed = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGKILL, 800}}, dir.path().string());
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL);
  ASSERT_LT(ReadCsvFile(dir.File("r.csv")).size(), kRows) << "finished before the kill";
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(resume, mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  auto results = ReadCsvFile(dir.File("r.csv"));
  EXPECT_EQ(results.size(), kRows);
  EXPECT_EQ(ResultsByLogin(dir.File("r.csv")).size(), kRows);  // each row once
  auto users = UsersByLogin(mock);
  ASSERT_EQ(users.size(), kRows);
  for (const auto& [login, u] : users) {
    EXPECT_EQ(u.at("credential"), "hash") << login;
    EXPECT_EQ(u.at("hash").at("algorithm"), "BCRYPT") << login;
    EXPECT_TRUE(u.at("profile").at("age").is_int64()) << login;
  }
}

// A credential file is read with a limit (64 KiB): a large file is the wrong file, and
// /dev/zero would otherwise grow without end (issue 13). Exit 2, nothing sent.
TEST(CredentialsEndToEndTest, ATokenFileLargerThan64KiBIsRefusedBeforeSendingAnything) {
  TempDir dir;
  dir.Write("users.csv", "login\nu1@example.com\n");
  dir.Write("big.token", std::string(64 * 1024 + 1, 'a'));
  dir.Write("ok.token", std::string(100, 'a') + "\n");
  MockProcess mock;
  ProcessResult big = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--token-file", dir.File("big.token")},
                                  mock.base_url(), "");
  EXPECT_EQ(big.exit_code, 2) << big.out << big.err;
  EXPECT_NE(big.err.find("--token-file '" + dir.File("big.token") +
                         "' is larger than 64 KiB; is it the right file?"),
            std::string::npos)
      << big.err;
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
  ProcessResult fits = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r2.csv"),
                                    "--token-file", dir.File("ok.token")},
                                   mock.base_url(), "");
  EXPECT_NE(fits.exit_code, 2) << fits.out << fits.err;  // the mock takes any token
}

TEST(CredentialsEndToEndTest, DevZeroAsTokenFileOrPrivateKeyIsRefusedAtOnce) {
  TempDir dir;
  dir.Write("users.csv", "login\nu1@example.com\n");
  MockProcess mock;
  const auto started = std::chrono::steady_clock::now();
  ProcessResult token = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                     "--token-file", "/dev/zero"},
                                    mock.base_url(), "");
  EXPECT_EQ(token.exit_code, 2) << token.err;
  EXPECT_NE(token.err.find("is larger than 64 KiB; is it the right file?"), std::string::npos)
      << token.err;
  ProcessResult key = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--client-id", "0oa1", "--private-key", "/dev/zero"},
                                  mock.base_url(), "");
  EXPECT_EQ(key.exit_code, 2) << key.err;
  EXPECT_NE(key.err.find("--private-key '/dev/zero' is larger than 64 KiB"), std::string::npos)
      << key.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
