#include "tools/okta_bulk/cli_user_ops.h"

#include <utility>

#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {
namespace {

constexpr std::pair<std::string_view, UserOp> kUserOps[] = {
    {"update", UserOp::kUpdate},
    {"assign", UserOp::kAssign},
    {"unassign", UserOp::kUnassign},
    {"deactivate", UserOp::kDeactivate},
    {"delete", UserOp::kDelete},
    {"activate", UserOp::kActivate},
    {"reactivate", UserOp::kReactivate},
    {"suspend", UserOp::kSuspend},
    {"unsuspend", UserOp::kUnsuspend},
    {"unlock", UserOp::kUnlock},
    {"expire-password", UserOp::kExpirePassword},
    {"reset-password", UserOp::kResetPassword},
};

std::string UpdateHelp() {
  return std::string(
             "Usage: okta-bulk update USERS.csv [flags]\n"
             "\n"
             "Changes attributes of existing users: one partial update per row\n"
             "(POST /api/v1/users/{id or login}, never PUT, so attributes the file does not\n"
             "name are kept). Outcome 'updated'; a login that does not exist fails its row.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive):\n") +
         kWhoColumns +
         "  groupId                  optional: also add the user to these groups (';'-separated)\n"
         "  groupName                optional: the same by name (';'-separated), resolved once\n"
         "                           before the first row (one listing of the org's groups)\n"
         "  any other column         a profile attribute to set, sent as a string (email,\n"
         "                           firstName, lastName or a custom one; with an id column,\n"
         "                           login too, which renames the user), or typed when the\n"
         "                           header says name:type (integer, number, boolean, string[],\n"
         "                           integer[], number[]; as import). No password or hash\n"
         "                           column; a 'status' column (from an export) is ignored.\n"
         "\n"
         "Flags:\n"
         "  --empty-cells keep|clear an empty cell leaves the attribute as it is (keep, default)\n"
         "                           or removes it (clear: sent as null)\n"
         "  --group ID               also add every user to this group (repeatable)\n"
         "  --group-name NAME        also add every user to the group named NAME (repeatable)\n"
         "  --create-missing-groups  create the groups that groupName/--group-name name and\n"
         "                           the org does not have, before the first row\n"
         "  --no-schema-check        do not read the org's user schema (fixed checks only)\n" +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  printf 'login,department,costCenter\\njane@example.com,Sales,CC-17\\n' > changes.csv\n"
         "  okta-bulk update changes.csv -o update-results.csv\n";
}

std::string UnassignHelp() {
  return std::string(
             "Usage: okta-bulk unassign MEMBERS.csv [flags]\n"
             "\n"
             "Removes users from groups: for a login, one lookup (GET /api/v1/users/{login}) for\n"
             "its id; then its groups (GET /api/v1/users/{id}/groups), and DELETE\n"
             "/api/v1/groups/{groupId}/users/{userId} for each of the row's groups it is in.\n"
             "Outcome 'unassigned'; 'unchanged' when the user is in none of them (nothing is\n"
             "sent), so a second run is harmless. A missing user fails the row. Users are not\n"
             "changed otherwise: no confirmation is asked.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive; others are ignored):\n") +
         kWhoColumns +
         "  groupId                  one group id or several separated by ';' (may be left out\n"
         "                           when --group is given)\n"
         "  groupName                the same by name (';'-separated): before the first row one\n"
         "                           listing of the org's groups resolves every name; a missing,\n"
         "                           ambiguous or app group stops the run (exit 2), naming its row\n"
         "\n"
         "Flags:\n"
         "  --group ID               remove every user from this group too (repeatable)\n"
         "  --group-name NAME        remove every user from the group named NAME too (repeatable)\n" +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  okta-bulk unassign leavers.csv --group 00g1abcd2EFGH3ijk4x5 -o unassign-results.csv\n";
}

std::string AssignHelp() {
  return std::string(
             "Usage: okta-bulk assign MEMBERS.csv [flags]\n"
             "\n"
             "Adds existing users to groups: for a login, one lookup (GET /api/v1/users/{login})\n"
             "for its id, then PUT /api/v1/groups/{groupId}/users/{userId} per group. Adding a\n"
             "member again is harmless. Outcome 'assigned'; a missing user or group fails the row\n"
             "and the error names it.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive; others are ignored):\n") +
         kWhoColumns +
         "  groupId                  one group id or several separated by ';' (may be left out\n"
         "                           when --group is given)\n"
         "  groupName                the same by name (';'-separated): before the first row one\n"
         "                           listing of the org's groups resolves every name; a missing,\n"
         "                           ambiguous or app group stops the run (exit 2), naming its row\n"
         "\n"
         "Flags:\n"
         "  --group ID               add every user to this group too (repeatable)\n"
         "  --group-name NAME        add every user to the group named NAME too (repeatable)\n"
         "  --create-missing-groups  create the groups that groupName/--group-name name and\n"
         "                           the org does not have, before the first row\n" +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  okta-bulk assign users.csv --group 00g1abcd2EFGH3ijk4x5 -o assign-results.csv\n";
}

std::string DeactivateHelp() {
  return std::string(
             "Usage: okta-bulk deactivate USERS.csv [flags]\n"
             "\n"
             "Deactivates users (POST /api/v1/users/{id}/lifecycle/deactivate; status becomes\n"
             "DEPROVISIONED). A user already DEPROVISIONED is not sent again. Outcome\n"
             "'deactivated'; a login that does not exist fails its row.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive; others are ignored):\n") +
         kWhoColumns +
         "\n"
         "Flags:\n"
         "  --yes                    do not ask: on a terminal, deactivate asks you to type\n"
         "                           the org's host name first; elsewhere it needs --yes\n" +
         kCommonFlags +
         "\n"
         "Example (clean up after a trial import, same file):\n"
         "  okta-bulk deactivate users.csv -o deactivate-results.csv\n";
}

std::string DeleteHelp() {
  return std::string(
             "Usage: okta-bulk delete USERS.csv [flags]\n"
             "\n"
             "Deletes users for good: looks each one up, deactivates it unless it is DEPROVISIONED\n"
             "already (Okta deletes only deactivated users), then DELETE /api/v1/users/{id}.\n"
             "Outcome 'deleted'. There is no undo.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive; others are ignored):\n") +
         kWhoColumns +
         "\n"
         "Flags:\n"
         "  --missing-ok             a user that does not exist counts as 'deleted' (default:\n"
         "                           the row fails with \"no user with login ...\"), so a\n"
         "                           cleanup can be run again\n"
         "  --yes                    do not ask: on a terminal, delete asks you to type the\n"
         "                           org's host name first; elsewhere (scripts, CI) it needs\n"
         "                           --yes or stops with exit 2\n" +
         kCommonFlags +
         "\n"
         "Example (remove a trial import, same file; try --dry-run first):\n"
         "  okta-bulk delete users.csv --dry-run\n"
         "  okta-bulk delete users.csv -o delete-results.csv --missing-ok\n"
         "  okta-bulk delete users.csv -o delete-results.csv --missing-ok --yes   # in a script\n";
}

// The lifecycle actions: what each does, in the words of the spec; "" for another command.
struct LifecycleHelpText {
  std::string_view command, does, accepts, example;
  bool destructive;  // asks first (ConfirmDestructive)
};
constexpr LifecycleHelpText kLifecycleHelp[] = {
    {"activate", "Activates users (POST .../lifecycle/activate?sendEmail=false unless --send-email):\n"
                 "a user with a password becomes ACTIVE, one without PROVISIONED (until the user\n"
                 "follows the activation link). Outcome 'activated'.",
     "STAGED or DEPROVISIONED (ACTIVE or PROVISIONED: 'unchanged')",
     "okta-bulk activate staged.csv -o activate-results.csv --send-email", false},
    {"reactivate", "Sends the activation again to users who did not complete it\n"
                   "(POST .../lifecycle/reactivate?sendEmail=true). Status PROVISIONED. Outcome\n"
                   "'reactivated'; every run sends a new activation.",
     "PROVISIONED or RECOVERY (ACTIVE: 'unchanged')",
     "okta-bulk reactivate provisioned.csv -o reactivate-results.csv", false},
    {"suspend", "Suspends users (POST .../lifecycle/suspend): they cannot sign in until unsuspended;\n"
                "groups and apps stay. Status SUSPENDED. Outcome 'suspended'.",
     "ACTIVE (SUSPENDED: 'unchanged')", "okta-bulk suspend leavers.csv -o suspend-results.csv",
     true},
    {"unsuspend", "Unsuspends users (POST .../lifecycle/unsuspend). Status ACTIVE. Outcome\n"
                  "'unsuspended'.",
     "SUSPENDED (ACTIVE: 'unchanged')", "okta-bulk unsuspend returners.csv -o unsuspend-results.csv",
     false},
    {"unlock", "Unlocks locked-out users (POST .../lifecycle/unlock); they sign in with their\n"
               "current password. Status ACTIVE. Outcome 'unlocked'.",
     "LOCKED_OUT (ACTIVE: 'unchanged')", "okta-bulk unlock locked.csv -o unlock-results.csv", false},
    {"expire-password", "Expires passwords (POST .../lifecycle/expire_password): each user must\n"
                        "choose a new password at the next sign-in. Status PASSWORD_EXPIRED.\n"
                        "Outcome 'password_expired'.",
     "ACTIVE (PASSWORD_EXPIRED: 'unchanged')",
     "okta-bulk expire-password users.csv -o expire-results.csv", true},
    {"reset-password", "Starts a password reset (POST .../lifecycle/reset_password?sendEmail=true):\n"
                       "Okta emails each user a reset link; until they use it they cannot sign in.\n"
                       "Status RECOVERY. Outcome 'password_reset'.",
     "ACTIVE, PASSWORD_EXPIRED or LOCKED_OUT (RECOVERY: 'unchanged')",
     "okta-bulk reset-password users.csv -o reset-results.csv", true},
};

std::string LifecycleHelp(std::string_view command) {
  for (const LifecycleHelpText& h : kLifecycleHelp) {
    if (h.command != command) continue;
    std::string s = "Usage: okta-bulk " + std::string(command) + " USERS.csv [flags]\n\n" +
                    std::string(h.does) +
                    "\n\nEach user is looked up first and its status decides: the action is sent\n"
                    "only to a user in a status it accepts; a user already where the action leads\n"
                    "is 'unchanged' (a rerun is harmless); any other status fails the row, naming\n"
                    "it. Accepted: " + std::string(h.accepts) + ".\n"
                    "\nCSV columns (header first, any order, names case-insensitive; others are ignored):\n" +
                    kWhoColumns + "\nFlags:\n";
    if (command == "activate")
      s += "  --send-email             have Okta email the activation (default: no email; the\n"
           "                           activation link Okta returns instead is not kept unless\n"
           "                           --write-activation-links)\n";
    if (command == "reactivate")
      s += "  --no-send-email          no email (default: Okta emails the activation; without\n"
           "                           it the link Okta returns is not kept unless\n"
           "                           --write-activation-links)\n";
    if (command == "expire-password")
      s += "  --temp-password          also set a temporary password (Okta's\n"
           "                           expire_password_with_temp_password); needs\n"
           "                           --write-temp-passwords\n";
    if (command == "reset-password")
      s += "  --no-send-email          no email: Okta returns the reset link instead; needs\n"
           "                           --write-temp-passwords\n";
    if (command == "expire-password" || command == "reset-password")
      s += "  --write-temp-passwords   write each temporary password / reset link to\n"
           "                           RESULTS.secrets (row,login,userId,kind,secret; mode 0600,\n"
           "                           appended to, never printed); refused for -o -\n";
    if (command == "activate" || command == "reactivate")
      s += "  --write-activation-links write each activation link Okta returns (email off) to\n"
           "                           RESULTS.secrets (row,login,userId,kind,secret; mode 0600,\n"
           "                           appended to, never printed); refused for -o -\n";
    if (h.destructive)
      s += "  --yes                    do not ask: on a terminal, " + std::string(command) +
           " asks you to type\n"
           "                           the org's host name first; elsewhere it needs --yes\n";
    s += kCommonFlags;
    s += "\nExample:\n  " + std::string(h.example) + "\n";
    return s;
  }
  return {};
}

}  // namespace

bool IsUserOpCommand(std::string_view command) {
  for (const auto& [name, op] : kUserOps)
    if (name == command) return true;
  return false;
}

std::string UserOpHelp(std::string_view command) {
  if (command == "update") return UpdateHelp();
  if (command == "assign") return AssignHelp();
  if (command == "unassign") return UnassignHelp();
  if (command == "deactivate") return DeactivateHelp();
  if (command == "delete") return DeleteHelp();
  return LifecycleHelp(command);
}

bool ParseUserOp(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  UserOpJobOptions& op = c->op;
  const std::string& cmd = c->command;
  for (const auto& [name, user_op] : kUserOps)
    if (name == cmd) op.task.op = user_op;
  // Okta's sendEmail defaults differ (activate: true); okta-bulk's: activate sends no email
  // unless asked, reactivate and reset-password do (their point is the email).
  op.task.send_email = cmd == "reactivate" || cmd == "reset-password";
  const bool takes_groups = cmd == "update" || cmd == "assign" || cmd == "unassign";
  const bool takes_send_email = cmd == "activate" || cmd == "reactivate" || cmd == "reset-password";
  bool write_links = false;  // --write-activation-links (activate, reactivate)
  auto own = [&](FlagCursor& f) -> FlagStatus {
    const std::string& name = f.name();
    if (name == "--group" && takes_groups) return TakeGroupId(f, &op.extra_group_ids);
    if (name == "--group-name" && takes_groups) return TakeGroupName(f, &op.extra_group_names);
    if (name == "--create-missing-groups" && (cmd == "assign" || cmd == "update")) {
      op.create_missing_groups = true;
    } else if (name == "--no-schema-check" && cmd == "update") {
      op.schema_check = false;
    } else if (name == "--empty-cells" && cmd == "update") {
      std::string empty_cells;
      if (!f.Need(&empty_cells)) return FlagStatus::kError;
      if (empty_cells != "keep" && empty_cells != "clear")
        return f.Fail("--empty-cells takes 'keep' or 'clear' (got '" + empty_cells + "')");
      op.clear_empty = empty_cells == "clear";
    } else if (name == "--send-email" && takes_send_email) {
      if (f.has_inline() && f.inline_value() != "true" && f.inline_value() != "false")
        return f.Fail("--send-email takes no value, or =true or =false (got '" + f.inline_value() +
                      "')");
      op.task.send_email = !f.has_inline() || f.inline_value() == "true";
    } else if (name == "--no-send-email" && takes_send_email) {
      op.task.send_email = false;
    } else if (name == "--temp-password" && cmd == "expire-password") {
      op.task.temp_password = true;
    } else if (name == "--write-temp-passwords" &&
               (cmd == "expire-password" || cmd == "reset-password")) {
      op.write_secrets = true;
    } else if (name == "--write-activation-links" && (cmd == "activate" || cmd == "reactivate")) {
      write_links = true;
      op.write_secrets = true;
    } else if (name == "--missing-ok" && cmd == "delete") {
      op.task.missing_ok = true;
    } else {
      return FlagStatus::kNotMine;
    }
    return FlagStatus::kTaken;
  };
  SharedFlags shared;
  if (!ParseCommand(args, own, c, &op, &shared, error)) return false;
  if (c->help) return true;
  // What Okta returns only once (a temporary password, a reset link) goes to the 0600 file
  // RESULTS.secrets with --write-temp-passwords, and nowhere else; without that flag a run
  // that would receive one is refused, as the secret would be lost.
  const bool returns_secret = (cmd == "expire-password" && op.task.temp_password) ||
                              (cmd == "reset-password" && !op.task.send_email);
  if (returns_secret && !op.write_secrets) {
    *error = cmd + (cmd == "reset-password" ? " --no-send-email" : " --temp-password") +
             " returns a secret for each user: add --write-temp-passwords to keep it in " +
             op.results_path + ".secrets (mode 0600, never printed)";
    return false;
  }
  if (write_links && op.task.send_email) {
    *error = "--write-activation-links goes with --send-email off (--no-send-email): with the "
             "email Okta sends the link to the user and answers with none";
    return false;
  }
  if (op.write_secrets && !returns_secret && !write_links) {
    *error = "--write-temp-passwords goes with expire-password --temp-password or "
             "reset-password --no-send-email (nothing else returns a secret)";
    return false;
  }
  if (op.write_secrets && op.results_path == "-") {
    *error = "--write-temp-passwords needs a results file (-o PATH), not stdout: the secrets go "
             "to PATH.secrets";
    return false;
  }
  return FinishJobFlags(shared,
                        /*with_groups=*/!op.extra_group_ids.empty() || !op.extra_group_names.empty(),
                        c, &op, error);
}

}  // namespace okta_bulk
