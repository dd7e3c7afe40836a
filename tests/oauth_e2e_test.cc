// okta-bulk authenticated as an OAuth 2.0 service app against okta-mock, end to end: imports
// with Bearer and with DPoP tokens across token refreshes (a short --token-ttl), refusals at
// the token endpoint, and configuration errors. Keys are made at test time in a temp dir.
// Servers: okta-mock on 127.0.0.1, port 0, started and stopped by each test.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/testing/import_fixture.h"
#include "tests/testing/test_keys.h"

namespace okta_bulk::testing {
namespace {

// A JWT (RFC 7519 compact form): three base64url segments, the first a JSON header ("eyJ" is
// base64 of '{"'). Okta ids are random letters and digits and may hold "eyJ" by chance, so
// the whole shape is matched, not the prefix alone.
bool ContainsJwt(const std::string& text) {
  static const std::regex kJwt(R"(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})");
  return std::regex_search(text, kJwt);
}

const std::string kG1 = "00gmock0000000000001";

void GenerateUsers(const TempDir& dir, int count) {
  ProcessResult r = RunProcess({GEN_USERS_PATH, "--count", std::to_string(count), "--groups", kG1,
                                "-o", dir.File("users.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// Writes the client's key pair into `dir` as client.pem / client.pub.
TestKeyPair WriteKeys(const TempDir& dir, bool rsa) {
  TestKeyPair pair = rsa ? MakeRsaKey() : MakeEcKey();
  dir.Write("client.pem", pair.private_pem);
  dir.Write("client.pub", pair.public_pem);
  return pair;
}

// The middle line of a PEM body: if it shows up anywhere, the key leaked.
std::string KeyMarker(const std::string& pem) {
  std::size_t a = pem.find('\n');
  return pem.substr(a + 1, 40);
}

void ExpectEveryRowCreated(const TempDir& dir, const MockProcess& mock, int rows) {
  auto results = ReadCsvFile(dir.File("results.csv"));
  ASSERT_EQ(results.size(), static_cast<std::size_t>(rows));
  for (const auto& row : results) {
    EXPECT_EQ(row.at("outcome"), "created") << row.at("row") << ": " << row.at("error");
    EXPECT_NE(row.at("httpStatus"), "401") << row.at("row");
  }
  EXPECT_EQ(MockUsers(mock).size(), static_cast<std::size_t>(rows));
}

TEST(OAuthEndToEndTest, ImportWithBearerTokensCrossesTokenRefreshesAndCreatesEveryRow) {
  TempDir dir;
  GenerateUsers(dir, 3000);
  TestKeyPair keys = WriteKeys(dir, /*rsa=*/false);
  // Tokens live 1 s: a run of a few seconds needs several, fetched while rows keep flowing.
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub"),
                    "--token-ttl", "1", "--latency-ms", "5"});
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--concurrency", "8", "--client-id", "0oaBulk", "--private-key",
                                   dir.File("client.pem"), "--key-id", "kid1"},
                                  mock.base_url(), /*token=*/"");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ExpectEveryRowCreated(dir, mock, 3000);
  auto oauth = MockStats(mock).at("oauth").as_object();
  EXPECT_GE(oauth.at("tokens_issued").as_int64(), 2) << "the run did not cross a token refresh";
  EXPECT_EQ(oauth.at("dpop_tokens_issued").as_int64(), 0);
  EXPECT_EQ(oauth.at("token_errors").as_int64(), 0);
  const std::string everything = run.out + run.err + dir.Read("results.csv");
  EXPECT_EQ(everything.find(KeyMarker(keys.private_pem)), std::string::npos);
  EXPECT_FALSE(ContainsJwt(everything));  // no JWT (assertion or proof)
}

TEST(OAuthEndToEndTest, ImportWithDpopFindsOutTheOrgWantsItAndCreatesEveryRowAcrossRefreshes) {
  TempDir dir;
  GenerateUsers(dir, 3000);
  WriteKeys(dir, /*rsa=*/true);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub"),
                    "--token-ttl", "1", "--latency-ms", "5", "--require-dpop"});
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--concurrency", "8", "--client-id", "0oaBulk", "--private-key",
                                   dir.File("client.pem")},
                                  mock.base_url(), /*token=*/"");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ExpectEveryRowCreated(dir, mock, 3000);
  auto oauth = MockStats(mock).at("oauth").as_object();
  EXPECT_GE(oauth.at("dpop_tokens_issued").as_int64(), 2);
  EXPECT_EQ(oauth.at("tokens_issued").as_int64(), oauth.at("dpop_tokens_issued").as_int64());
  // No proof, then no nonce: two refusals before the first token, none after (the nonce is kept).
  EXPECT_EQ(oauth.at("token_errors").as_int64(), 2);
  EXPECT_FALSE(ContainsJwt(run.err));
}

TEST(OAuthEndToEndTest, ClientIdAndKeyMayComeFromTheEnvironmentAndDpopMayBeForced) {
  TempDir dir;
  GenerateUsers(dir, 200);
  TestKeyPair keys = WriteKeys(dir, /*rsa=*/false);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaEnv=" + dir.File("client.pub")});
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--dpop"},
                                  mock.base_url(), /*token=*/"",
                                  {{"OKTA_CLIENT_CLIENTID", "0oaEnv"},
                                   {"OKTA_CLIENT_PRIVATEKEY", keys.private_pem}});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ExpectEveryRowCreated(dir, mock, 200);
  auto oauth = MockStats(mock).at("oauth").as_object();
  EXPECT_EQ(oauth.at("dpop_tokens_issued").as_int64(), 1);  // --dpop: DPoP though not required
  EXPECT_EQ(oauth.at("token_requests").as_int64(), 1);
}

TEST(OAuthEndToEndTest, ExportAsksOnlyForReadAccessAndWorks) {
  TempDir dir;
  GenerateUsers(dir, 50);
  WriteKeys(dir, /*rsa=*/false);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub")});
  std::vector<std::string> auth = {"--client-id", "0oaBulk", "--private-key", dir.File("client.pem")};
  std::vector<std::string> import = {"import", dir.File("users.csv"), "-o", dir.File("results.csv")};
  import.insert(import.end(), auth.begin(), auth.end());
  ASSERT_EQ(RunOktaBulk(import, mock.base_url(), "").exit_code, 0);
  std::vector<std::string> exp = {"export", "-o", dir.File("out.csv")};
  exp.insert(exp.end(), auth.begin(), auth.end());
  ProcessResult run = RunOktaBulk(exp, mock.base_url(), "");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(ReadCsvFile(dir.File("out.csv")).size(), 50u);
  // A read-only token may not create: the mock checks scopes like Okta (403 E0000006).
  std::vector<std::string> ro = import;
  ro.insert(ro.end(), {"--scopes", "okta.users.read"});
  dir.Write("more.csv", "login,email,firstName,lastName\nnew1@example.com,new1@example.com,N,One\n");
  ro[1] = dir.File("more.csv");
  ro[3] = dir.File("more-results.csv");
  ProcessResult denied = RunOktaBulk(ro, mock.base_url(), "");
  EXPECT_EQ(denied.exit_code, 1) << denied.out << denied.err;
  auto rows = ReadCsvFile(dir.File("more-results.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("httpStatus"), "403");
  EXPECT_EQ(rows[0].at("errorCode"), "E0000006");
}

// export --groups reads the groups too: its default scopes include okta.groups.read, so it
// works without --scopes. groups export under OAuth names the scope a 403 lacked, as every
// other command does (issue 19).
TEST(OAuthEndToEndTest, ExportWithGroupsWorksWithTheDefaultScopesAndGroupsExportNamesAMissingOne) {
  TempDir dir;
  GenerateUsers(dir, 20);
  WriteKeys(dir, /*rsa=*/false);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub")});
  std::vector<std::string> auth = {"--client-id", "0oaBulk", "--private-key", dir.File("client.pem")};
  std::vector<std::string> import = {"import", dir.File("users.csv"), "-o", dir.File("results.csv")};
  import.insert(import.end(), auth.begin(), auth.end());
  ASSERT_EQ(RunOktaBulk(import, mock.base_url(), "").exit_code, 0);

  std::vector<std::string> exp = {"export", "-o", dir.File("out.csv"), "--groups"};
  exp.insert(exp.end(), auth.begin(), auth.end());
  ProcessResult run = RunOktaBulk(exp, mock.base_url(), "");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto rows = ReadCsvFile(dir.File("out.csv"));
  ASSERT_EQ(rows.size(), 20u);
  EXPECT_EQ(rows[0].at("groupId"), kG1);

  std::vector<std::string> groups = {"groups", "export", "-o", dir.File("groups.csv"), "--scopes",
                                     "okta.users.read"};
  groups.insert(groups.end(), auth.begin(), auth.end());
  ProcessResult denied = RunOktaBulk(groups, mock.base_url(), "");
  EXPECT_EQ(denied.exit_code, 1) << denied.out << denied.err;
  const std::string said = denied.out + denied.err;
  EXPECT_NE(said.find("You do not have permission"), std::string::npos) << said;
  EXPECT_NE(said.find("GET /api/v1/groups needs the OAuth scope okta.groups.read"), std::string::npos)
      << said;
}

TEST(OAuthEndToEndTest, ATokenEndpointRefusalStopsTheRunWithExitThreeAndAClearMessage) {
  TempDir dir;
  GenerateUsers(dir, 500);
  TestKeyPair keys = WriteKeys(dir, /*rsa=*/false);
  MockProcess mock({"--groups-count", "1", "--oauth-client", "0oaBulk=" + dir.File("client.pub")});
  // An unknown client id.
  ProcessResult unknown = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r1.csv"),
                                       "--client-id", "0oaSomeoneElse", "--private-key", dir.File("client.pem")},
                                      mock.base_url(), "");
  EXPECT_EQ(unknown.exit_code, 3) << unknown.out << unknown.err;
  // The token endpoint's real status, error and description, and advice that fits OAuth.
  EXPECT_NE(unknown.err.find("answered HTTP 401 invalid_client (Invalid value for 'client_id' parameter.)"),
            std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("--client-id"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("--key-id"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("--resume"), std::string::npos) << unknown.err;
  EXPECT_EQ(unknown.err.find("Check the token"), std::string::npos) << unknown.err;
  EXPECT_EQ(unknown.err.find("refused the credentials"), std::string::npos) << unknown.err;
  // A scope the app may not have.
  ProcessResult scope = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r2.csv"),
                                     "--client-id", "0oaBulk", "--private-key", dir.File("client.pem"),
                                     "--scopes", "openid"},
                                    mock.base_url(), "");
  EXPECT_EQ(scope.exit_code, 3) << scope.out << scope.err;
  EXPECT_NE(scope.err.find("answered HTTP 400 invalid_scope (The following scopes are not allowed for "
                           "this client: openid)"),
            std::string::npos) << scope.err;
  EXPECT_NE(scope.err.find("--scopes"), std::string::npos) << scope.err;
  EXPECT_EQ(scope.err.find("HTTP 401"), std::string::npos) << scope.err;
  EXPECT_EQ(scope.err.find("Check the token"), std::string::npos) << scope.err;
  // Nothing was sent to the API, no row was lost (none is in the results: --resume sends them).
  auto stats = MockStats(mock);
  EXPECT_EQ(stats.at("requests_total").as_int64(), 0);
  EXPECT_EQ(ReadCsvFile(dir.File("r1.csv")).size(), 0u);
  const std::string everything = unknown.out + unknown.err + scope.out + scope.err;
  EXPECT_EQ(everything.find(KeyMarker(keys.private_pem)), std::string::npos);
  EXPECT_FALSE(ContainsJwt(everything));
}

TEST(OAuthEndToEndTest, OAuthConfigurationErrorsExitTwoBeforeSendingAnything) {
  TempDir dir;
  dir.Write("users.csv", "login\nu1@example.com\n");
  WriteKeys(dir, /*rsa=*/false);
  dir.Write("small.pem", MakeRsaKey(1024).private_pem);
  MockProcess mock;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"import", dir.File("users.csv"), "-o", dir.File("r.csv")});
    return RunOktaBulk(args, mock.base_url(), "");
  };
  ProcessResult no_key = run({"--client-id", "0oa1"});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("--private-key"), std::string::npos) << no_key.err;
  ProcessResult both = run({"--client-id", "0oa1", "--private-key", dir.File("client.pem"),
                            "--token-file", dir.File("users.csv")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("give one"), std::string::npos) << both.err;
  ProcessResult public_only = run({"--client-id", "0oa1", "--private-key", dir.File("client.pub")});
  EXPECT_EQ(public_only.exit_code, 2);
  EXPECT_NE(public_only.err.find("client.pub"), std::string::npos) << public_only.err;
  ProcessResult small = run({"--client-id", "0oa1", "--private-key", dir.File("small.pem")});
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_NE(small.err.find("2048"), std::string::npos) << small.err;
  ProcessResult missing = run({"--client-id", "0oa1", "--private-key", dir.File("nope.pem")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.pem"), std::string::npos) << missing.err;
  ProcessResult stray = run({"--dpop"});
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_NE(stray.err.find("--client-id"), std::string::npos) << stray.err;
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
  EXPECT_EQ(MockStats(mock).at("oauth").as_object().at("token_requests").as_int64(), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
