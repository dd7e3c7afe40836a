// `okta-bulk sync`'s flags (tools/okta_bulk/cli_sync.h) through the whole command line: each
// lands in SyncJobOptions, the shared flags still reach the job, and every misuse is a usage
// error naming the flag. Nothing is started or sent.
#include "tools/okta_bulk/cli_sync.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {
namespace {

// The org and a token in the environment for the test's lifetime (restored after).
class OrgEnvironment {
 public:
  explicit OrgEnvironment(bool set) {
    for (const char* name : kNames) {
      if (const char* v = std::getenv(name)) saved_.emplace_back(name, v);
      ::unsetenv(name);
    }
    if (set) {
      ::setenv("OKTA_CLIENT_ORGURL", "http://127.0.0.1:9", 1);
      ::setenv("OKTA_CLIENT_TOKEN", "test-token", 1);
    }
  }
  ~OrgEnvironment() {
    for (const char* name : kNames) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  static constexpr const char* kNames[] = {"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN",
                                           "OKTA_CLIENT_CLIENTID", "OKTA_CLIENT_PRIVATEKEY"};
  std::vector<std::pair<std::string, std::string>> saved_;
};

bool Parse(std::vector<std::string> args, CliConfig* config, std::string* error) {
  args.insert(args.begin(), "okta-bulk");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), config, error);
}

TEST(CliSyncTest, EveryFlagLandsInTheSyncOptionsAndTheSharedOnesStillApply) {
  OrgEnvironment env(true);
  CliConfig c;
  std::string error;
  ASSERT_TRUE(Parse({"sync", "hr.csv", "--plan-out", "plan.csv", "--exact-groups", "--group-scope",
                     "00g1abc", "--group", "00g2def", "--scope", "profile.department eq \"Sales\"",
                     "--read-org=list", "--empty-cells", "clear", "-o", "r.csv", "--concurrency", "4",
                     "--no-activate"},
                    &c, &error))
      << error;
  EXPECT_EQ(c.command, "sync");
  EXPECT_EQ(&c.job(), static_cast<JobOptions*>(&c.sync));
  EXPECT_TRUE(c.sync.plan) << "--plan-out implies --plan";
  EXPECT_TRUE(c.sync.dry_run) << "a plan sends nothing";
  EXPECT_TRUE(c.sync.org_checks) << "a plan reads the org";
  EXPECT_EQ(c.sync.plan_out, "plan.csv");
  EXPECT_TRUE(c.sync.exact_groups);
  EXPECT_EQ(c.sync.group_scope, std::vector<std::string>{"00g1abc"});
  EXPECT_EQ(c.sync.extra_group_ids, std::vector<std::string>{"00g2def"});
  EXPECT_EQ(c.sync.scope, "profile.department eq \"Sales\"");
  EXPECT_EQ(c.sync.read_org, SyncJobOptions::ReadOrg::kList);
  EXPECT_TRUE(c.sync.clear_empty);
  EXPECT_FALSE(c.sync.activate);
  EXPECT_EQ(c.sync.input_path, "hr.csv");
  EXPECT_EQ(c.sync.results_path, "r.csv");
  EXPECT_EQ(c.sync.dispatch.workers, 4);
}

TEST(CliSyncTest, MaxDeactivateTakesACountOrAPercentAndDefaultsToTenPercent) {
  OrgEnvironment env(true);
  const std::vector<std::string> base = {"sync", "hr.csv", "--deactivate-missing", "--scope", "x"};
  CliConfig c;
  std::string error;
  ASSERT_TRUE(Parse(base, &c, &error)) << error;
  EXPECT_EQ(c.sync.max_deactivate, -1);
  EXPECT_EQ(c.sync.max_deactivate_percent, 10);
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--max-deactivate", "500"});
  CliConfig count;
  ASSERT_TRUE(Parse(args, &count, &error)) << error;
  EXPECT_EQ(count.sync.max_deactivate, 500);
  args = base;
  args.insert(args.end(), {"--max-deactivate", "2.5%"});
  CliConfig percent;
  ASSERT_TRUE(Parse(args, &percent, &error)) << error;
  EXPECT_EQ(percent.sync.max_deactivate, -1);
  EXPECT_EQ(percent.sync.max_deactivate_percent, 2.5);
}

TEST(CliSyncTest, ASyncWithoutPlanSendsAndNeedsTheOrg) {
  {
    OrgEnvironment env(true);
    CliConfig c;
    std::string error;
    ASSERT_TRUE(Parse({"sync", "hr.csv"}, &c, &error)) << error;
    EXPECT_FALSE(c.sync.plan);
    EXPECT_FALSE(c.sync.dry_run);
    EXPECT_FALSE(c.sync.clear_empty) << "--empty-cells ignore is the default";
    EXPECT_EQ(c.sync.read_org, SyncJobOptions::ReadOrg::kAuto);
  }
  OrgEnvironment none(false);
  CliConfig c;
  std::string error;
  EXPECT_FALSE(Parse({"sync", "hr.csv"}, &c, &error));
  EXPECT_NE(error.find("no org URL"), std::string::npos) << error;
}

TEST(CliSyncTest, MisusesAreUsageErrorsNamingTheFlag) {
  OrgEnvironment env(true);
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const Case cases[] = {
      {{"sync", "hr.csv", "--deactivate-missing"}, "--deactivate-missing needs --scope"},
      {{"sync", "hr.csv", "--group-scope", "00g1abc"}, "add --exact-groups"},
      {{"sync", "hr.csv", "--read-org", "all"}, "--read-org takes 'auto', 'list' or 'lookup'"},
      {{"sync", "hr.csv", "--empty-cells", "wipe"}, "--empty-cells takes 'ignore' or 'clear'"},
      {{"sync", "hr.csv", "--exact-groups", "--group-scope", "not an id"}, "--group-scope takes a group id"},
      {{"sync", "hr.csv", "--scope", " "}, "--scope takes an Okta search expression"},
      {{"sync", "hr.csv", "--plan-out"}, "--plan-out needs a value"},
      {{"sync", "hr.csv", "--existing", "update"}, "unknown flag '--existing' for sync"},
      {{"sync", "hr.csv", "--plan", "--apply", "plan.csv"}, "--apply sends a reviewed plan and --plan makes one"},
      {{"sync", "hr.csv", "--max-deactivate", "5"}, "--max-deactivate limits --deactivate-missing"},
      {{"sync", "hr.csv", "--deactivate-missing", "--scope", "x", "--max-deactivate", "-1"}, "--max-deactivate takes a count"},
      {{"sync", "hr.csv", "--deactivate-missing", "--scope", "x", "--max-deactivate", "2.5"}, "--max-deactivate takes a count"},
      {{"sync", "hr.csv", "--deactivate-missing", "--scope", "x", "--max-deactivate", "101%"}, "--max-deactivate takes a count"},
      {{"sync", "hr.csv", "--deactivate-missing", "--scope", "x", "--max-deactivate", "%"}, "--max-deactivate takes a count"},
  };
  for (const Case& k : cases) {
    CliConfig c;
    std::string error;
    EXPECT_FALSE(Parse(k.args, &c, &error)) << k.args.back();
    EXPECT_NE(error.find(k.says), std::string::npos) << error;
  }
}

TEST(CliSyncTest, TheHelpNamesEveryFlagTheParserTakes) {
  const std::string help = CommandHelp("sync");
  for (const char* flag : {"--plan", "--plan-out", "--empty-cells", "--exact-groups", "--group-scope",
                           "--group", "--scope", "--deactivate-missing", "--read-org", "--no-activate",
                           "--no-schema-check", "--apply", "--resume", "-o, --output"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  EXPECT_NE(MainHelp().find("sync USERS.csv"), std::string::npos);
}

}  // namespace
}  // namespace okta_bulk
