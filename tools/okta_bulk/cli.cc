#include "tools/okta_bulk/cli.h"

// The command line, one subcommand family a file: cli_import, cli_user_ops (update, assign,
// unassign, deactivate, delete, the lifecycle actions), cli_export, cli_groups, cli_sync, each
// with its help beside its parser; cli_common holds the flags they share. This file answers
// --help and --version and hands each command to its parser.
#include "tools/build_info.h"
#include "tools/okta_bulk/cli_export.h"
#include "tools/okta_bulk/cli_groups.h"
#include "tools/okta_bulk/cli_import.h"
#include "tools/okta_bulk/cli_sync.h"
#include "tools/okta_bulk/cli_user_ops.h"

namespace okta_bulk {

std::string MainHelp() {
  return "okta-bulk " OKTA_BULK_VERSION
         ": move users into an Okta org from CSV, as fast as its rate limits allow.\n"
         "\n"
         "Usage: okta-bulk <command> [flags]\n"
         "\n"
         "Commands:\n"
         "  import USERS.csv      create users (and add them to groups)\n"
         "  update USERS.csv      change attributes of existing users (partial update)\n"
         "  assign MEMBERS.csv    add existing users to groups\n"
         "  unassign MEMBERS.csv  remove users from groups\n"
         "  groups create GROUPS.csv\n"
         "                        create groups (a name that exists is 'existed', with its id)\n"
         "  groups export -o GROUPS.csv\n"
         "                        write the org's groups to a CSV (id, name, description,\n"
         "                        type, usersCount), which groups create reads back\n"
         "  deactivate USERS.csv  deactivate users (status DEPROVISIONED)\n"
         "  delete USERS.csv      delete users (deactivating them first)\n"
         "  activate, reactivate, suspend, unsuspend, unlock, expire-password,\n"
         "  reset-password USERS.csv\n"
         "                        lifecycle actions; each user's status decides (--help each)\n"
         "  export -o USERS.csv   write the org's users to a CSV (re-importable)\n"
         "  sync USERS.csv        make the org match the file, sending only what differs\n"
         "Each command has its flags and an example under okta-bulk <command> --help.\n"
         "okta-bulk completion bash|zsh|fish prints a completion script, okta-bulk man the man\n"
         "page, okta-bulk --version the version, commit and library versions.\n"
         "\n"
         "The org and the credentials come from the environment (or files), never from flags:\n"
         "  OKTA_CLIENT_ORGURL=https://acme.okta.com   (or --org-url)\n"
         "  OKTA_CLIENT_TOKEN=<API token>              (or --token-file PATH)\n"
         "or, as an OAuth 2.0 service app (private_key_jwt; DPoP when the org requires it):\n"
         "  OKTA_CLIENT_CLIENTID=<client id>           (or --client-id ID)\n"
         "  OKTA_CLIENT_PRIVATEKEY=<PEM file or text>  (or --private-key key.pem)\n"
         "\n"
         "Example:\n"
         "  okta-bulk import users.csv -o results.csv --concurrency 8 --group 00g1abc\n"
         "  okta-bulk import users.csv --summary-json run.json --report report.html\n";
}

std::string CommandHelp(std::string_view command) {
  if (command == "import") return ImportHelp();
  if (command == "export") return ExportHelp();
  if (command == "sync") return SyncHelp();
  if (command.starts_with("groups")) return GroupsCommandHelp(command);
  return UserOpHelp(command);
}

bool ParseCommandLine(int argc, char** argv, CliConfig* c, std::string* error) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    *error = "no command given.\n\n" + MainHelp();
    return false;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    c->help = true;
    c->help_text = MainHelp();
    return true;
  }
  if (args[0] == "--version") {
    c->help = true;
    c->help_text = VersionText("okta-bulk");
    return true;
  }
  c->command = args[0];
  if (c->command == "groups") {  // a second word: groups create, groups export
    if (args.size() >= 2 && (args[1] == "--help" || args[1] == "-h" || args[1] == "help")) {
      c->help = true;
      c->help_text = CommandHelp("groups");
      return true;
    }
    if (args.size() < 2 || (args[1] != "create" && args[1] != "export")) {
      *error = "groups takes a second word: okta-bulk groups create GROUPS.csv -o results.csv, "
               "or okta-bulk groups export -o groups.csv";
      return false;
    }
    c->command = "groups " + args[1];
    args.erase(args.begin());
  }
  const std::string& cmd = c->command;
  if (CommandHelp(cmd).empty()) {
    *error = "unknown command '" + cmd +
             "'. The commands are: import, update, assign, deactivate, delete, export, activate, "
             "reactivate, suspend, unsuspend, unlock, expire-password, reset-password, unassign, "
             "groups create, groups export, sync (okta-bulk --help describes them)";
    return false;
  }
  if (cmd == "import") return ParseImport(args, c, error);
  if (cmd == "export") return ParseExport(args, c, error);
  if (cmd == "groups create") return ParseGroupsCreate(args, c, error);
  if (cmd == "groups export") return ParseGroupsExport(args, c, error);
  if (cmd == "sync") return ParseSync(args, c, error);
  return ParseUserOp(args, c, error);  // the rest: CommandHelp knows it
}

}  // namespace okta_bulk
