// Each subcommand has its own parser (tools/okta_bulk/cli_*.cc): a flag of one subcommand is
// refused by every other one with a clear error, the listings (export, groups export) refuse
// the flags of the row-reading commands, and every subcommand's --help is its own. Nothing is
// sent; the assertions hold whatever OKTA_CLIENT_* the environment holds (every error checked
// here comes before the org and the credentials are read).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {
namespace {

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

// The flags only some subcommands take, by subcommand (the flags every job takes are not
// listed: cli_test covers them).
const std::map<std::string, std::set<std::string>>& OwnFlags() {
  static const std::map<std::string, std::set<std::string>> own = {
      {"import",
       {"--group", "--group-name", "--create-missing-groups", "--no-schema-check", "--no-activate",
        "--password-hook", "--next-login", "--existing"}},
      {"update", {"--group", "--group-name", "--no-schema-check", "--empty-cells", "--create-missing-groups"}},
      {"assign", {"--group", "--group-name", "--create-missing-groups"}},
      {"unassign", {"--group", "--group-name"}},
      {"deactivate", {}},
      {"delete", {"--missing-ok"}},
      {"activate", {"--send-email", "--no-send-email", "--write-activation-links"}},
      {"reactivate", {"--send-email", "--no-send-email", "--write-activation-links"}},
      {"suspend", {}},
      {"unsuspend", {}},
      {"unlock", {}},
      {"expire-password", {"--temp-password", "--write-temp-passwords"}},
      {"reset-password", {"--send-email", "--no-send-email", "--write-temp-passwords"}},
      {"export", {"--filter", "--search", "--page-size", "--groups", "--columns"}},
      {"groups create", {}},
      {"groups export", {"--filter", "--search", "--page-size"}},
      {"sync",
       {"--plan", "--plan-out", "--empty-cells", "--exact-groups", "--group-scope", "--group",
        "--scope", "--read-org", "--apply", "--deactivate-missing", "--max-deactivate", "--no-activate",
        "--no-schema-check"}},
  };
  return own;
}

// A valid value for the flags that take one.
const std::map<std::string, std::string>& Values() {
  static const std::map<std::string, std::string> values = {
      {"--group", "00g1abcd2EFGH3ijk4x5"}, {"--group-name", "Engineering"},
      {"--next-login", "change-password"}, {"--existing", "skip"},
      {"--empty-cells", "clear"},          {"--filter", "status eq \"ACTIVE\""},
      {"--search", "profile.department eq \"Sales\""},
      {"--page-size", "50"},               {"--columns", "id,login"},
      {"--plan-out", "plan.csv"},          {"--group-scope", "00g1abcd2EFGH3ijk4x5"},
      {"--scope", "profile.department eq \"Sales\""}, {"--read-org", "list"},
      {"--apply", "plan.csv"},            {"--max-deactivate", "5%"},
  };
  return values;
}

// Flags a subcommand takes that its help does not list: the explicit form of the default
// (activate sends no email, reactivate and reset-password do).
const std::set<std::string>& NotInHelp() {
  static const std::set<std::string> not_in_help = {
      "activate --no-send-email", "reactivate --send-email", "reset-password --send-email"};
  return not_in_help;
}

bool Lists(const std::string& command) {
  return command == "export" || command == "groups export";
}

// `okta-bulk COMMAND` with what it needs besides flags, then `flags`.
std::vector<std::string> CommandLine(const std::string& command, std::vector<std::string> flags) {
  std::vector<std::string> args;
  if (command.starts_with("groups ")) {
    args = {"groups", command.substr(7)};
  } else {
    args = {command};
  }
  if (Lists(command)) {
    args.insert(args.end(), {"-o", "out.csv"});
  } else {
    args.push_back("in.csv");
  }
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

TEST(CliSubcommandsTest, EverySubcommandRefusesAnotherSubcommandsFlagNamingIt) {
  std::set<std::string> all;
  for (const auto& [command, flags] : OwnFlags()) all.insert(flags.begin(), flags.end());
  int refused = 0;
  for (const auto& [command, own] : OwnFlags()) {
    for (const std::string& flag : all) {
      if (own.count(flag)) continue;
      std::vector<std::string> flags = {flag};
      if (Values().count(flag)) flags.push_back(Values().at(flag));
      Parsed p = Parse(CommandLine(command, flags));
      EXPECT_FALSE(p.ok) << command << " " << flag;
      EXPECT_EQ(p.error, "unknown flag '" + flag + "' for " + command + " (okta-bulk " + command +
                             " --help lists them)")
          << command << " " << flag;
      ++refused;
    }
  }
  EXPECT_GT(refused, 100);  // the table is not empty
}

TEST(CliSubcommandsTest, EverySubcommandTakesItsOwnFlags) {
  for (const auto& [command, own] : OwnFlags()) {
    for (const std::string& flag : own) {
      std::vector<std::string> flags = {flag};
      if (Values().count(flag)) flags.push_back(Values().at(flag));
      Parsed p = Parse(CommandLine(command, flags));
      // It may still fail later (no org, a flag that needs another): never on the flag itself.
      EXPECT_EQ(p.error.find("unknown flag"), std::string::npos) << command << " " << flag << ": " << p.error;
      EXPECT_EQ(p.error.find("does not apply"), std::string::npos) << command << " " << flag << ": " << p.error;
      EXPECT_EQ(p.error.find(" takes "), std::string::npos) << command << " " << flag << ": " << p.error;
    }
  }
}

TEST(CliSubcommandsTest, TheListingsRefuseTheFlagsOfTheRowReadingCommands) {
  for (std::string flag : {"--concurrency", "--retry-failed", "--dry-run"}) {
    for (std::string command : {"export", "groups export"}) {
      Parsed p = Parse(CommandLine(command, {flag, "4"}));
      EXPECT_FALSE(p.ok) << command << " " << flag;
      EXPECT_EQ(p.error, flag + " does not apply to " + command + " (okta-bulk " + command +
                             " --help lists its flags)");
    }
  }
  // groups export writes its file whole (renamed into place): nothing to resume or keep aside.
  for (std::string flag : {"--resume", "--overwrite", "--delimiter"}) {
    Parsed p = Parse(CommandLine("groups export", {flag}));
    EXPECT_FALSE(p.ok) << flag;
    EXPECT_NE(p.error.find(flag + " does not apply to groups export"), std::string::npos) << p.error;
  }
  // export reads no file: no delimiter, nothing to dry-run offline, no edited rows.
  for (std::string flag : {"--delimiter", "--offline", "--retry-changed"}) {
    Parsed p = Parse(CommandLine("export", {flag}));
    EXPECT_FALSE(p.ok) << flag;
    EXPECT_NE(p.error.find("unknown flag '" + flag + "' for export"), std::string::npos) << p.error;
  }
}

TEST(CliSubcommandsTest, EverySubcommandsHelpIsItsOwnAndListsItsOwnFlags) {
  for (const auto& [command, own] : OwnFlags()) {
    Parsed p = Parse(CommandLine(command, {"--help"}));
    ASSERT_TRUE(p.ok) << command << ": " << p.error;
    EXPECT_TRUE(p.config.help);
    EXPECT_EQ(p.config.help_text, CommandHelp(command)) << command;
    EXPECT_TRUE(p.config.help_text.starts_with("Usage: okta-bulk " + command + " ")) << command;
    for (const std::string& flag : own) {
      if (NotInHelp().count(command + " " + flag)) continue;
      EXPECT_NE(p.config.help_text.find(flag), std::string::npos) << command << " " << flag;
    }
  }
  Parsed groups = Parse({"groups", "--help"});
  ASSERT_TRUE(groups.ok);
  EXPECT_EQ(groups.config.help_text, CommandHelp("groups"));
  EXPECT_NE(groups.config.help_text.find("groups create"), std::string::npos);
  EXPECT_NE(groups.config.help_text.find("groups export"), std::string::npos);
  EXPECT_EQ(CommandHelp("groups list"), "");
  EXPECT_EQ(CommandHelp("sync-everything"), "");
}

TEST(CliSubcommandsTest, AFlagBeforeHelpIsStillCheckedAndOneAfterItIsNot) {
  Parsed before = Parse(CommandLine("export", {"--concurrency", "4", "--help"}));
  EXPECT_FALSE(before.ok);
  EXPECT_NE(before.error.find("does not apply to export"), std::string::npos) << before.error;
  Parsed after = Parse(CommandLine("export", {"--help", "--concurrency", "4"}));
  EXPECT_TRUE(after.ok) << after.error;
  EXPECT_TRUE(after.config.help);
}

TEST(CliSubcommandsTest, EachUserOperationSelectsItsOperationAndItsEmailDefault) {
  const std::map<std::string, std::pair<UserOp, bool>> expected = {
      {"update", {UserOp::kUpdate, false}},
      {"assign", {UserOp::kAssign, false}},
      {"unassign", {UserOp::kUnassign, false}},
      {"deactivate", {UserOp::kDeactivate, false}},
      {"delete", {UserOp::kDelete, false}},
      {"activate", {UserOp::kActivate, false}},
      {"reactivate", {UserOp::kReactivate, true}},
      {"suspend", {UserOp::kSuspend, false}},
      {"unsuspend", {UserOp::kUnsuspend, false}},
      {"unlock", {UserOp::kUnlock, false}},
      {"expire-password", {UserOp::kExpirePassword, false}},
      {"reset-password", {UserOp::kResetPassword, true}},
  };
  for (const auto& [command, op_and_email] : expected) {
    // --dry-run --offline: parsed to the end without an org.
    Parsed p = Parse(CommandLine(command, {"--dry-run", "--offline"}));
    ASSERT_TRUE(p.ok) << command << ": " << p.error;
    EXPECT_EQ(p.config.command, command);
    EXPECT_EQ(p.config.op.task.op, op_and_email.first) << command;
    EXPECT_EQ(p.config.op.task.send_email, op_and_email.second) << command;
    EXPECT_EQ(p.config.op.input_path, "in.csv") << command;
  }
}

}  // namespace
}  // namespace okta_bulk
