#include "tools/okta_bulk/cli_import.h"

#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {

std::string ImportHelp() {
  return std::string(
             "Usage: okta-bulk import USERS.csv [flags]\n"
             "\n"
             "Creates one Okta user per CSV row (POST /api/v1/users with its groups in one request)\n"
             "and writes one result row per input row to the results file as rows finish.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive):\n"
             "  login (required), email, firstName, lastName, password (empty = none),\n"
             "  groupId (one id or several separated by ';'), groupName (group names, ';'-\n"
             "  separated, resolved once at the start); any other column is a profile\n"
             "  attribute of the org (an empty cell leaves it out). Before the first row the\n"
             "  org's user schema is read: a column not in it stops the run (exit 2, naming\n"
             "  the closest names), each column is typed as the schema says (a header may\n"
             "  still say name:type: string, integer, number, boolean, string[], integer[],\n"
             "  number[]; it must agree), and each cell is checked against the schema's\n"
             "  required, enum, length and read-only rules (a row that breaks one is invalid).\n"
             "  Hashed passwords: passwordHash, hashAlgorithm (BCRYPT, SHA-512, SHA-256, SHA-1,\n"
             "  MD5, PBKDF2), passwordSalt, saltOrder (PREFIX|POSTFIX), workFactor (bcrypt),\n"
             "  iterationCount, keySize, digestAlgorithm (PBKDF2). A whole bcrypt string\n"
             "  ($2a$10$...) in passwordHash needs no other column. A row has a password or a\n"
             "  hash, not both.\n"
             "\n"
             "Flags:\n"
             "  --group ID               add every user to this group too (repeatable)\n"
             "  --group-name NAME        add every user to the group named NAME too (repeatable)\n"
             "  --create-missing-groups  create the groups that groupName/--group-name name and\n"
             "                           the org lacks (POST /api/v1/groups) before the first\n"
             "                           user; without it a missing group stops the run (exit 2)\n"
             "  --no-schema-check        do not read the org's user schema (fixed checks only)\n"
             "  --offline                with --dry-run: check the file alone, without asking the\n"
             "                           org (a dry run with credentials reads its schema and groups)\n"
             "  --no-activate            create users STAGED (activate=false) instead of activating\n"
             "  --password-hook          rows with neither password nor passwordHash are created\n"
             "                           with credentials.password.hook {\"type\":\"default\"}: Okta\n"
             "                           asks your password inline hook at first sign-in (a row's\n"
             "                           own password or hash wins)\n"
             "  --next-login change-password\n"
             "                           users must change their password at first sign-in\n"
             "                           (nextLogin=changePassword); every row needs a password or\n"
             "                           hash, and --no-activate cannot be used\n"
             "  --existing assign|skip|update\n"
             "                           a login that already exists: add it to the row's groups\n"
             "                           (assign, default; outcome 'existed'), leave it alone (skip;\n"
             "                           'existed'), or set its profile to the row's non-empty cells\n"
             "                           (a partial update, password and login left alone) and add\n"
             "                           it to the row's groups (update; outcome 'updated')\n") +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  OKTA_CLIENT_ORGURL=https://acme.okta.com OKTA_CLIENT_TOKEN=$(cat token) \\\n"
         "    okta-bulk import users.csv -o results.csv --concurrency 8 --group 00g1abc\n"
         "  okta-bulk import users.csv --summary-json run.json --report report.html\n"
         "As an OAuth 2.0 service app (its public key registered in Okta, scopes granted):\n"
         "  OKTA_CLIENT_ORGURL=https://acme.okta.com okta-bulk import users.csv -o results.csv \\\n"
         "    --client-id 0oa1b2c3d4EXAMPLE --private-key okta-bulk.key --key-id KID\n";
}

bool ParseImport(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  ImportOptions& import = c->import;
  std::string existing = "assign";
  auto own = [&](FlagCursor& f) -> FlagStatus {
    const std::string& name = f.name();
    std::string v;
    if (name == "--group") return TakeGroupId(f, &import.extra_group_ids);
    if (name == "--group-name") return TakeGroupName(f, &import.extra_group_names);
    if (name == "--create-missing-groups") {
      import.create_missing_groups = true;
    } else if (name == "--no-schema-check") {
      import.schema_check = false;
    } else if (name == "--no-activate") {
      import.task.activate = false;
    } else if (name == "--password-hook") {
      import.password_hook = true;
    } else if (name == "--next-login") {
      if (!f.Need(&v)) return FlagStatus::kError;
      if (v != "change-password")
        return f.Fail("--next-login takes 'change-password' (got '" + v + "')");
      import.task.change_password_next_login = true;
    } else if (name == "--existing") {
      if (!f.Need(&existing)) return FlagStatus::kError;
      if (existing != "assign" && existing != "skip" && existing != "update")
        return f.Fail("--existing takes 'assign', 'skip' or 'update' (got '" + existing + "')");
    } else {
      return FlagStatus::kNotMine;
    }
    return FlagStatus::kTaken;
  };
  SharedFlags shared;
  if (!ParseCommand(args, own, c, &import, &shared, error)) return false;
  if (c->help) return true;
  import.task.existing = existing == "skip"     ? ExistingPolicy::kSkip
                         : existing == "update" ? ExistingPolicy::kUpdate
                                                : ExistingPolicy::kAssign;
  if (import.task.change_password_next_login && !import.task.activate) {
    *error = "--next-login change-password needs activated users (Okta refuses it with "
             "activate=false: E0000125); drop --no-activate or --next-login";
    return false;
  }
  if (import.task.change_password_next_login && import.password_hook) {
    *error = "--next-login change-password and --password-hook cannot be combined: a hook user "
             "has no password to expire (Okta refuses it: E0000124)";
    return false;
  }
  return FinishJobFlags(shared, /*with_groups=*/false, c, &import, error);
}

}  // namespace okta_bulk
