// okta-bulk's command line as a library (tools/okta_bulk/cli.h): every flag lands in the
// right option, every usage error says what was wrong, the environment fills what the flags
// leave out and flags win over it. No process is started and nothing is sent.
#include "tools/okta_bulk/cli.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"  // TempDir

namespace okta_bulk {
namespace {

using namespace std::chrono_literals;

// Clears the OKTA_CLIENT_* variables for the test's lifetime (restoring them after), so the
// machine's environment never leaks into a test, and lets a test set its own.
class Environment {
 public:
  Environment() {
    for (const char* name : kNames) {
      if (const char* v = std::getenv(name)) saved_[name] = v;
      ::unsetenv(name);
    }
  }
  ~Environment() {
    for (const char* name : kNames) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  void Set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

 private:
  static constexpr const char* kNames[] = {"OKTA_CLIENT_ORGURL",   "OKTA_CLIENT_TOKEN",
                                           "OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_PRIVATEKEY",
                                           "OKTA_CLIENT_PRIVATEKEYID", "OKTA_CLIENT_SCOPES"};
  std::map<std::string, std::string> saved_;
};

struct Parsed {
  bool ok = false;
  CliConfig config;
  std::string error;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "okta-bulk");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Parsed p;
  p.ok = ParseCommandLine(static_cast<int>(argv.size()), argv.data(), &p.config, &p.error);
  return p;
}

// A parse that must fail, with `expected` in its message.
void ExpectUsageError(std::vector<std::string> args, const std::string& expected) {
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  Parsed p = Parse(std::move(args));
  EXPECT_FALSE(p.ok) << joined;
  EXPECT_NE(p.error.find(expected), std::string::npos) << joined << "\n  -> " << p.error;
}

TEST(CliTest, EveryCommonFlagOfImportLandsInItsOption) {
  Environment env;
  env.Set("OKTA_CLIENT_TOKEN", "00abcTOKEN");
  Parsed p = Parse({"import", "users.csv", "-o", "r.csv", "--org-url", "https://acme.okta.com/",
                    "--concurrency", "16", "--max-attempts", "3", "--request-timeout", "10",
                    "--max-share", "0.5", "--max-stall", "120", "--ca-file", "ca.pem",
                    "--quiet", "--summary-json", "s.json", "--report", "r.html",
                    "--progress-interval", "7", "--overwrite", "--group", "00g1", "--group=00g2",
                    "--no-activate", "--existing", "update"});
  ASSERT_TRUE(p.ok) << p.error;
  const CliConfig& c = p.config;
  EXPECT_EQ(c.command, "import");
  EXPECT_EQ(c.import.input_path, "users.csv");
  EXPECT_EQ(c.import.results_path, "r.csv");
  EXPECT_EQ(c.http.org.host, "acme.okta.com");
  EXPECT_TRUE(c.http.org.tls);
  EXPECT_EQ(c.import.dispatch.workers, 16);
  EXPECT_EQ(c.import.governor.max_in_flight, 16);
  EXPECT_EQ(c.import.dispatch.max_attempts, 3);
  EXPECT_EQ(c.http.timeout, std::chrono::milliseconds(10s));
  EXPECT_DOUBLE_EQ(c.import.governor.max_share, 0.5);
  EXPECT_EQ(c.import.dispatch.max_stall, 120s);
  EXPECT_EQ(c.import.dispatch.interrupt_grace, std::chrono::milliseconds(5s));
  EXPECT_EQ(c.http.ca_file, "ca.pem");
  EXPECT_TRUE(c.quiet);
  EXPECT_EQ(c.summary_json, "s.json");
  EXPECT_EQ(c.report, "r.html");
  EXPECT_EQ(c.progress_interval_s, 7);
  EXPECT_TRUE(c.import.overwrite);
  EXPECT_EQ(c.import.extra_group_ids, (std::vector<std::string>{"00g1", "00g2"}));
  EXPECT_FALSE(c.import.task.activate);
  EXPECT_EQ(c.import.task.existing, ExistingPolicy::kUpdate);
  EXPECT_EQ(c.http.authorization, "SSWS 00abcTOKEN");
}

TEST(CliTest, TheInterruptGraceIsFiveSecondsOrTheRequestTimeoutIfShorter) {
  Environment env;
  env.Set("OKTA_CLIENT_TOKEN", "t");
  Parsed p = Parse({"import", "u.csv", "--org-url", "https://a.okta.com", "--request-timeout", "2"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.config.import.dispatch.interrupt_grace, std::chrono::milliseconds(2s));
  EXPECT_EQ(p.config.import.dispatch.max_stall, 900s);  // the default
}

TEST(CliTest, TheEnvironmentFillsTheOrgAndTokenAndFlagsWinOverIt) {
  Environment env;
  env.Set("OKTA_CLIENT_ORGURL", "https://env.okta.com");
  env.Set("OKTA_CLIENT_TOKEN", "  envtoken \n");
  Parsed from_env = Parse({"update", "u.csv"});
  ASSERT_TRUE(from_env.ok) << from_env.error;
  EXPECT_EQ(from_env.config.http.org.host, "env.okta.com");
  EXPECT_EQ(from_env.config.http.authorization, "SSWS envtoken");
  EXPECT_EQ(from_env.config.op.task.op, UserOp::kUpdate);
  EXPECT_EQ(from_env.config.op.results_path, "results.csv");

  testing::TempDir dir;
  dir.Write("token", "filetoken\n");
  Parsed flags = Parse({"update", "u.csv", "--org-url", "https://flag.okta.com", "--token-file",
                        dir.File("token")});
  ASSERT_TRUE(flags.ok) << flags.error;
  EXPECT_EQ(flags.config.http.org.host, "flag.okta.com");
  EXPECT_EQ(flags.config.http.authorization, "SSWS filetoken");
}

TEST(CliTest, EachSubcommandSelectsItsOperationAndItsOwnFlags) {
  Environment env;
  env.Set("OKTA_CLIENT_ORGURL", "https://a.okta.com");
  env.Set("OKTA_CLIENT_TOKEN", "t");
  EXPECT_EQ(Parse({"assign", "u.csv", "--group", "00g1"}).config.op.task.op, UserOp::kAssign);
  EXPECT_EQ(Parse({"deactivate", "u.csv", "--yes"}).config.op.task.op, UserOp::kDeactivate);
  Parsed del = Parse({"delete", "u.csv", "--missing-ok", "--yes"});
  ASSERT_TRUE(del.ok) << del.error;
  EXPECT_EQ(del.config.op.task.op, UserOp::kDelete);
  EXPECT_TRUE(del.config.op.task.missing_ok);
  EXPECT_TRUE(del.config.yes);
  Parsed clear = Parse({"update", "u.csv", "--empty-cells", "clear"});
  ASSERT_TRUE(clear.ok) << clear.error;
  EXPECT_TRUE(clear.config.op.clear_empty);
  Parsed exp = Parse({"export", "-o", "out.csv", "--search", "profile.department eq \"Sales\"",
                      "--columns", "id,login,department", "--page-size", "50", "--groups"});
  ASSERT_TRUE(exp.ok) << exp.error;
  EXPECT_EQ(exp.config.export_options.output_path, "out.csv");
  EXPECT_EQ(exp.config.export_options.search, "profile.department eq \"Sales\"");
  EXPECT_EQ(exp.config.export_options.columns, (std::vector<std::string>{"id", "login", "department"}));
  EXPECT_EQ(exp.config.export_options.page_size, 50);
  EXPECT_TRUE(exp.config.export_options.groups);
  EXPECT_EQ(exp.config.export_options.org.host, "a.okta.com");
}

TEST(CliTest, ADryRunNeedsNoOrgAndNoToken) {
  Environment env;
  Parsed p = Parse({"import", "u.csv", "--dry-run"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.config.import.dry_run);
}

TEST(CliTest, BadValuesAreUsageErrorsThatSayWhatIsAllowed) {
  Environment env;
  env.Set("OKTA_CLIENT_ORGURL", "https://a.okta.com");
  env.Set("OKTA_CLIENT_TOKEN", "t");
  ExpectUsageError({"import", "u.csv", "--concurrency", "0"}, "--concurrency");
  ExpectUsageError({"import", "u.csv", "--concurrency", "many"}, "--concurrency");
  ExpectUsageError({"import", "u.csv", "--max-attempts", "101"}, "--max-attempts takes a whole number from 1 to 100");
  ExpectUsageError({"import", "u.csv", "--request-timeout", "0"}, "--request-timeout takes seconds");
  ExpectUsageError({"import", "u.csv", "--max-share", "1.5"}, "--max-share takes a fraction");
  ExpectUsageError({"import", "u.csv", "--max-stall", "0"}, "--max-stall takes seconds");
  ExpectUsageError({"import", "u.csv", "--progress-interval", "0"}, "--progress-interval takes seconds");
  ExpectUsageError({"import", "u.csv", "--existing", "merge"}, "--existing takes 'assign', 'skip' or 'update'");
  ExpectUsageError({"import", "u.csv", "--next-login", "now"}, "--next-login takes 'change-password'");
  ExpectUsageError({"update", "u.csv", "--empty-cells", "wipe"}, "--empty-cells takes 'keep' or 'clear'");
  ExpectUsageError({"export", "--page-size", "500"}, "--page-size");
  ExpectUsageError({"import", "u.csv", "--concurrency"}, "--concurrency needs a value");
}

TEST(CliTest, FlagsThatDoNotGoTogetherOrDoNotApplyAreUsageErrors) {
  Environment env;
  env.Set("OKTA_CLIENT_ORGURL", "https://a.okta.com");
  env.Set("OKTA_CLIENT_TOKEN", "t");
  ExpectUsageError({"import", "u.csv", "--retry-failed"}, "--retry-failed goes with --resume");
  ExpectUsageError({"import", "u.csv", "--resume", "--overwrite"}, "give one");
  ExpectUsageError({"import", "u.csv", "--no-activate", "--next-login", "change-password"},
                   "--next-login change-password needs activated users");
  ExpectUsageError({"export", "--concurrency", "4"}, "does not apply to export");
  ExpectUsageError({"deactivate", "u.csv", "--missing-ok"}, "unknown flag '--missing-ok'");
  ExpectUsageError({"import", "u.csv", "--frobnicate"}, "unknown flag '--frobnicate'");
  ExpectUsageError({"import", "u.csv", "--token", "abc"}, "never taken from the command line");
  ExpectUsageError({"import", "u.csv", "--private-key", "k.pem"}, "go with --client-id");
}

TEST(CliTest, CommandsAndTheOrgAreCheckedBeforeAnythingRuns) {
  Environment env;
  ExpectUsageError({}, "no command given");
  ExpectUsageError({"migrate", "u.csv"}, "unknown command 'migrate'");
  env.Set("OKTA_CLIENT_TOKEN", "t");
  ExpectUsageError({"import", "u.csv"}, "no org URL");
  ExpectUsageError({"import", "u.csv", "--org-url", "acme.okta.com"}, "must start with https://");
  ExpectUsageError({"import", "u.csv", "--org-url", "https://acme.okta.com/api/v1"}, "no path");
  ExpectUsageError({"import", "u.csv", "--org-url", "http://acme.example.com"}, "refusing plain http://");
  ExpectUsageError({"import", "u.csv", "--org-url", "http://127.attacker.example"}, "refusing plain http://");
  EXPECT_TRUE(Parse({"import", "u.csv", "--org-url", "http://127.0.0.1:8080"}).ok);
  EXPECT_TRUE(Parse({"import", "u.csv", "--org-url", "http://acme.example.com", "--allow-insecure-http"}).ok);
}

TEST(CliTest, AMissingOrMalformedTokenIsAUsageErrorThatSaysWhereToPutIt) {
  Environment env;
  env.Set("OKTA_CLIENT_ORGURL", "https://a.okta.com");
  ExpectUsageError({"import", "u.csv"}, "no API token: set OKTA_CLIENT_TOKEN or pass --token-file");
  env.Set("OKTA_CLIENT_TOKEN", "two words");
  ExpectUsageError({"import", "u.csv"}, "contains whitespace");
  testing::TempDir dir;
  dir.Write("token", "t");
  env.Set("OKTA_CLIENT_CLIENTID", "0oa1");
  ExpectUsageError({"import", "u.csv", "--token-file", dir.File("token")}, "two ways to authenticate");
}

TEST(CliTest, HelpAndVersionAreAnswersNotErrors) {
  Environment env;
  Parsed main_help = Parse({"--help"});
  ASSERT_TRUE(main_help.ok);
  EXPECT_TRUE(main_help.config.help);
  EXPECT_NE(main_help.config.help_text.find("import"), std::string::npos);
  Parsed version = Parse({"--version"});
  ASSERT_TRUE(version.ok);
  EXPECT_NE(version.config.help_text.find("okta-bulk "), std::string::npos);
  for (std::string cmd : {"import", "update", "assign", "deactivate", "delete", "export"}) {
    Parsed p = Parse({cmd, "--help"});
    ASSERT_TRUE(p.ok) << cmd;
    EXPECT_TRUE(p.config.help);
    EXPECT_EQ(p.config.help_text, CommandHelp(cmd));
    EXPECT_NE(p.config.help_text.find("Usage: okta-bulk " + cmd), std::string::npos) << cmd;
    EXPECT_NE(p.config.help_text.find("--max-stall"), std::string::npos) << cmd;
  }
  EXPECT_NE(CommandHelp("delete").find("--yes"), std::string::npos);
  EXPECT_NE(CommandHelp("deactivate").find("--yes"), std::string::npos);
  EXPECT_NE(CommandHelp("import").find("--overwrite"), std::string::npos);
}

}  // namespace
}  // namespace okta_bulk
