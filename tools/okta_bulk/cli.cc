#include "tools/okta_bulk/cli.h"
#include "tools/okta_bulk/cli_sync.h"

#include "pipeline/files/safe_file.h"
#include "pipeline/rows/user_row.h"
#include "tools/build_info.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace okta_bulk {
namespace {

bool ParseInt(std::string_view s, int lo, int hi, int* out) {
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string& s, double* out) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return false;
  *out = v;
  return true;
}

// A token or a PEM key is a few KiB at most; anything larger is the wrong file, and
// /dev/zero must not fill memory (issue 13).
constexpr std::size_t kMaxCredentialFileBytes = 64 * 1024;

// Reads the credential file at `path`, which `source` names for messages ("--token-file
// 'tok.txt'"); false with `error` set.
bool ReadCredentialFile(const std::string& path, const std::string& source, std::string* out,
                        std::string* error) {
  std::string why;
  switch (ReadSmallFile(path, kMaxCredentialFileBytes, out, &why)) {
    case ReadStatus::kOk: return true;
    case ReadStatus::kTooLarge:
      *error = source + " is larger than " + ByteLimitText(kMaxCredentialFileBytes) +
               "; is it the right file?";
      return false;
    case ReadStatus::kCannotRead: break;
  }
  *error = "cannot read " + source;
  return false;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

// Reads the service app's private key (a path, or PEM text from OKTA_CLIENT_PRIVATEKEY) and
// fills c->oauth.
bool LoadOAuth(const std::string& client_id, std::string private_key, const std::string& key_id,
               std::vector<std::string> scopes, bool dpop, int max_attempts, CliConfig* c,
               std::string* error) {
  std::string source = "--private-key '" + private_key + "'";
  if (private_key.empty()) {
    const char* env = std::getenv("OKTA_CLIENT_PRIVATEKEY");
    if (!env || Trim(env).empty()) {
      *error = "--client-id needs the app's private key: --private-key key.pem (or "
               "OKTA_CLIENT_PRIVATEKEY). The public half must be registered with the app";
      return false;
    }
    private_key = env;
    source = "OKTA_CLIENT_PRIVATEKEY";
  }
  std::string pem = private_key;
  if (Trim(private_key).rfind("-----BEGIN", 0) != 0) {  // a path
    if (source == "OKTA_CLIENT_PRIVATEKEY") source += " ('" + private_key + "')";
    if (!ReadCredentialFile(private_key, source, &pem, error)) return false;
  }
  std::string why;
  auto key = JwsKey::FromPem(pem, /*allow_public=*/false, &why);
  if (!key) {
    *error = source + ": " + why;
    return false;
  }
  OAuthOptions o;
  o.client_id = client_id;
  o.key_id = key_id;
  o.key = std::make_shared<const JwsKey>(std::move(*key));
  o.scopes = std::move(scopes);
  o.dpop = dpop ? DpopMode::kAlways : DpopMode::kAuto;
  o.max_attempts = max_attempts;
  c->oauth = std::move(o);
  return true;
}

}  // namespace

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

namespace {

const char kCommonFlags[] =
    "  -o, --output PATH        results file (default results.csv; '-' = stdout)\n"
    "  --delimiter C            the input's field separator: ',', ';', 'tab' (or '\\t') or\n"
    "                           '|' (default: whichever of ',', ';' and TAB splits the\n"
    "                           header line into the most columns; the results file is ',')\n"
    "  --org-url URL            the org, e.g. https://acme.okta.com (default $OKTA_CLIENT_ORGURL)\n"
    "  --token-file PATH        file holding the API token (default: $OKTA_CLIENT_TOKEN)\n"
    "  --client-id ID           authenticate as this OAuth 2.0 service app instead of with\n"
    "                           an API token (default $OKTA_CLIENT_CLIENTID)\n"
    "  --private-key PEM        the app's private key, RSA or EC P-256, for private_key_jwt\n"
    "                           (default $OKTA_CLIENT_PRIVATEKEY: a PEM file or the PEM text)\n"
    "  --key-id KID             the key's kid in the app (default $OKTA_CLIENT_PRIVATEKEYID)\n"
    "  --scopes 'S1 S2'         scopes to request (default: what the command needs;\n"
    "                           $OKTA_CLIENT_SCOPES)\n"
    "  --dpop                   send DPoP proofs from the first token request (default:\n"
    "                           only once the org asks for them)\n"
    "  --concurrency N          requests in flight at most (default 8; 1-512)\n"
    "  --max-attempts N         tries per request on 5xx/network errors (default 5)\n"
    "  --request-timeout SEC    bound on each phase of a request (default 30)\n"
    "  --max-stall SEC          stop (exit 3) when no row finishes for SEC seconds (default\n"
    "                           900; less once rate-limit resets are seen: 3 resets + 30 s)\n"
    "  --max-share F            use at most this share of each rate-limit bucket (0<F<=1,\n"
    "                           default 1)\n"
    "  --ca-file PEM            also trust this CA (TLS peer verification stays on)\n"
    "  --allow-insecure-http    allow http:// to a non-loopback host (never for a real org)\n"
    "  --resume                 continue an interrupted run: rows already in the results\n"
    "                           file are skipped, the rest are appended to it\n"
    "  --retry-failed           with --resume: send the rows that failed again too\n"
    "  --retry-changed          with --resume: send again the finished rows edited in the\n"
    "                           input since they ended (without it they are only counted)\n"
    "  --overwrite              start over although the results file holds an earlier\n"
    "                           run's results (kept as RESULTS.1); without it, and without\n"
    "                           --resume, such a file stops the run (exit 2)\n"
    "  --dry-run                validate the whole file and say what would be sent; sends\n"
    "                           nothing but, when credentials are set, the look-ups of the\n"
    "                           org's schema and groups (exit 1 if any row is invalid)\n"
    "  --quiet                  print nothing but errors (no progress line)\n"
    "  --progress-interval SEC  when stderr is not a terminal, a progress line every SEC\n"
    "                           seconds (default 5; on a terminal the line is redrawn in\n"
    "                           place a few times a second; NO_COLOR turns colours off)\n"
    "  --summary-json PATH      at the end, write the counts, rates, 429s and efficiency per\n"
    "                           bucket, exit status and abort reason as JSON (atomically)\n"
    "  --report PATH            at the end, write a self-contained HTML report: throughput,\n"
    "                           in flight, remaining budget per bucket and 429s over time,\n"
    "                           latency histogram, failures by error (open it in a browser)\n"
    "\n"
    "Exit status: 0 every row succeeded; 1 some rows invalid or failed; 2 bad usage or\n"
    "configuration (nothing sent); 3 aborted (e.g. the token was refused); 130 interrupted.\n"
    "The results file has one row per input row: row, login, outcome, userId, userStatus,\n"
    "httpStatus, errorCode, error, attempts, rowHash.\n";

const char kWhoColumns[] =
    "  login or id              which user; a row may give either (id wins when both are\n"
    "                           given; a login costs one lookup where an id is needed)\n";

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
         "  --group-name NAME        also add every user to the group named NAME (repeatable)\n" +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  printf 'login,department,costCenter\\njane@example.com,Sales,CC-17\\n' > changes.csv\n"
         "  okta-bulk update changes.csv -o update-results.csv\n";
}

std::string GroupsCreateHelp() {
  return std::string(
             "Usage: okta-bulk groups create GROUPS.csv [flags]\n"
             "\n"
             "Creates one OKTA_GROUP per row: a lookup by name (GET /api/v1/groups?search=\n"
             "profile.name eq \"NAME\"), then POST /api/v1/groups when there is none. A name that\n"
             "exists already (Okta's group names are unique; okta-bulk assumes they ignore case) is\n"
             "'existed' with the group's id, so a second run creates nothing. The results file\n"
             "carries the name in 'login', the group id in 'userId' and its type in 'userStatus'.\n"
             "\n"
             "CSV columns (header first, any order, names case-insensitive):\n"
             "  name (required), description; any other column is a custom group profile\n"
             "  attribute (it must exist in the org's group profile), typed like import's\n"
             "  (cost:integer); an empty cell leaves it out. id, type and usersCount (the\n"
             "  columns of groups export) are ignored, so its file reads back as it is.\n") +
         kCommonFlags +
         "\n"
         "Example:\n"
         "  okta-bulk groups create groups.csv -o groups-results.csv\n";
}

std::string GroupsExportHelp() {
  return "Usage: okta-bulk groups export -o GROUPS.csv [flags]\n"
         "\n"
         "Writes the org's groups to a CSV with the columns id, name, description, type and\n"
         "usersCount (the member count Okta gives with expand=stats; empty when its answer has\n"
         "none). Pages of GET /api/v1/groups?limit=200&expand=stats are followed through their\n"
         "Link rel=\"next\" headers, each link checked first (it must stay on the org and never\n"
         "point back to a page already fetched; a refused link stops the run, exit 3). The file\n"
         "is written to a 0600 temporary beside GROUPS.csv and renamed over it only when every\n"
         "page has come: a failed or interrupted export leaves an existing file as it was.\n"
         "'groups create' reads the file back as it is (it ignores id, type and usersCount).\n"
         "\n"
         "Flags:\n"
         "  -o, --output PATH        the CSV to write (required; '-' = stdout, as pages arrive)\n"
         "  --search EXPR            Okta search, e.g. 'profile.name sw \"Sales\"' or\n"
         "                           'type eq \"OKTA_GROUP\"'\n"
         "  --filter EXPR            Okta filter (id, type, lastUpdated, lastMembershipUpdated),\n"
         "                           e.g. 'type eq \"OKTA_GROUP\"' (one of --search and --filter)\n"
         "  --page-size N            groups per page (1-10000, default 200)\n"
         "  --org-url URL            the org (default $OKTA_CLIENT_ORGURL)\n"
         "  --token-file PATH        file holding the API token (default: $OKTA_CLIENT_TOKEN)\n"
         "  --client-id ID, --private-key PEM, --key-id KID, --scopes 'S1 S2', --dpop\n"
         "                           OAuth 2.0 service app instead of an API token, as for\n"
         "                           import (default scope okta.groups.read)\n"
         "  --max-attempts N         tries per request on 5xx/network errors (default 5)\n"
         "  --request-timeout SEC    bound on each phase of a request (default 30)\n"
         "  --max-stall SEC          stop (exit 3) when no page arrives for SEC seconds (default 900)\n"
         "  --max-share F            use at most this share of each rate-limit bucket (default 1)\n"
         "  --ca-file PEM            also trust this CA (TLS peer verification stays on)\n"
         "  --allow-insecure-http    allow http:// to a non-loopback host (never for a real org)\n"
         "  --quiet                  print nothing but errors (no progress line)\n"
         "  --progress-interval SEC  not a terminal: a progress line every SEC s (default 5)\n"
         "  --summary-json PATH      at the end, write counts, rates and 429s as JSON\n"
         "  --report PATH            at the end, write a self-contained HTML report\n"
         "\n"
         "Exit status: 0 every page written; 1 the listing failed (GROUPS.csv not written); 2 bad\n"
         "usage; 3 aborted (a refused token or next link); 130 interrupted.\n"
         "\n"
         "Example (copy an org's groups to another org):\n"
         "  okta-bulk groups export -o groups.csv --search 'type eq \"OKTA_GROUP\"'\n"
         "  OKTA_CLIENT_ORGURL=https://other.okta.com okta-bulk groups create groups.csv \\\n"
         "    -o groups-results.csv\n";
}

// `okta-bulk groups --help`: both second words.
std::string GroupsHelp() {
  return "Usage: okta-bulk groups create GROUPS.csv [flags]\n"
         "       okta-bulk groups export -o GROUPS.csv [flags]\n"
         "\n"
         "  groups create   create one OKTA_GROUP per row (okta-bulk groups create --help)\n"
         "  groups export   write the org's groups to a CSV (okta-bulk groups export --help)\n";
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
         "  --group-name NAME        add every user to the group named NAME too (repeatable)\n" +
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

std::string ExportHelp() {
  return "Usage: okta-bulk export -o USERS.csv [flags]\n"
         "\n"
         "Writes the org's users to a CSV that import and update read back as it is. Attributes\n"
         "whose values are numbers, booleans or arrays get a typed header (age:number,\n"
         "vip:boolean, tags:string[]) so that import sends them back as the same type.\n"
         "Passwords and hashes are never exported (Okta never returns them). Pages of\n"
         "GET /api/v1/users?limit=200 are followed through their Link rel=\"next\" headers and\n"
         "written as they arrive (memory stays flat). Listing spends the same rate-limit\n"
         "bucket as creating users. Without --filter or --search Okta leaves DEPROVISIONED\n"
         "users out.\n"
         "\n"
         "Flags:\n"
         "  -o, --output PATH        the CSV to write (required; '-' = stdout)\n"
         "  --filter EXPR            Okta filter, e.g. 'status eq \"ACTIVE\"' or\n"
         "                           'lastUpdated gt \"2026-01-01T00:00:00.000Z\"'\n"
         "  --search EXPR            Okta search, e.g. 'profile.department eq \"Sales\"'\n"
         "                           (one of --filter and --search)\n"
         "  --columns A,B,...        the columns, in order: 'id' and 'status' are the user's own\n"
         "                           fields, 'groupId' its groups, any other name a profile\n"
         "                           attribute, optionally typed (age:number) (default: login,\n"
         "                           email, firstName, lastName, then every other attribute of\n"
         "                           the first page; the summary names any that appear later)\n"
         "  --groups                 add a groupId column: each user's OKTA_GROUP groups, ';'-\n"
         "                           separated (reads GET /api/v1/groups and each group's\n"
         "                           members first, 1 request per 1,000 members, in the groups\n"
         "                           bucket; about 32 bytes of memory per membership)\n"
         "  --resume                 continue an interrupted export (kill -9, Ctrl-C, a failed\n"
         "                           page) from the state file USERS.csv.export beside it\n"
         "  --page-size N            users per page (1-200, default 200)\n"
         "  --org-url URL            the org (default $OKTA_CLIENT_ORGURL)\n"
         "  --token-file PATH        file holding the API token (default: $OKTA_CLIENT_TOKEN)\n"
         "  --client-id ID, --private-key PEM, --key-id KID, --scopes 'S1 S2', --dpop\n"
         "                           OAuth 2.0 service app instead of an API token, as for\n"
         "                           import (default scope okta.users.read)\n"
         "  --max-attempts N         tries per request on 5xx/network errors (default 5)\n"
         "  --request-timeout SEC    bound on each phase of a request (default 30)\n"
         "  --max-stall SEC          stop (exit 3) when no page arrives for SEC seconds (default 900)\n"
         "  --max-share F            use at most this share of each rate-limit bucket (default 1)\n"
         "  --ca-file PEM            also trust this CA (TLS peer verification stays on)\n"
         "  --allow-insecure-http    allow http:// to a non-loopback host (never for a real org)\n"
         "  --quiet                  print nothing but errors (no progress line)\n"
         "  --progress-interval SEC  not a terminal: a progress line every SEC s (default 5)\n"
         "  --summary-json PATH      at the end, write counts, rates and 429s as JSON\n"
         "  --report PATH            at the end, write a self-contained HTML report\n"
         "\n"
         "Exit status: 0 every page written; 1 the listing failed part way (the file holds the\n"
         "pages before it); 2 bad usage; 3 aborted (e.g. the token was refused); 130 interrupted.\n"
         "\n"
         "Example (a round trip: export, edit, update):\n"
         "  okta-bulk export -o users.csv --search 'profile.department eq \"Sales\"' \\\n"
         "    --columns id,login,email,firstName,lastName,department\n"
         "  okta-bulk update users.csv -o update-results.csv\n"
         "Example (a whole org with its groups; after a crash the same command + --resume):\n"
         "  okta-bulk export -o users.csv --groups\n"
         "  okta-bulk export -o users.csv --groups --resume\n";
}

}  // namespace

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

std::string CommandHelp(std::string_view command) {
  if (command == "import") return ImportHelp();
  if (command == "update") return UpdateHelp();
  if (command == "assign") return AssignHelp();
  if (command == "unassign") return UnassignHelp();
  if (command == "groups create") return GroupsCreateHelp();
  if (command == "groups export") return GroupsExportHelp();
  if (command == "groups") return GroupsHelp();
  if (command == "deactivate") return DeactivateHelp();
  if (command == "delete") return DeleteHelp();
  if (command == "export") return ExportHelp();
  if (command == "sync") return SyncHelp(kCommonFlags);
  return LifecycleHelp(command);
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
  if (cmd == "sync" && !TakeSyncFlags(&args, &c->sync, error)) return false;  // cli_sync.h
  const bool is_import = cmd == "import";
  const bool is_export = cmd == "export";
  const bool is_group_export = cmd == "groups export";
  const bool lists = is_export || is_group_export;  // writes a listing; reads no rows
  if (cmd == "update") c->op.task.op = UserOp::kUpdate;
  if (cmd == "assign") c->op.task.op = UserOp::kAssign;
  if (cmd == "unassign") c->op.task.op = UserOp::kUnassign;
  if (cmd == "deactivate") c->op.task.op = UserOp::kDeactivate;
  if (cmd == "delete") c->op.task.op = UserOp::kDelete;
  if (cmd == "activate") c->op.task.op = UserOp::kActivate;
  if (cmd == "reactivate") c->op.task.op = UserOp::kReactivate;
  if (cmd == "suspend") c->op.task.op = UserOp::kSuspend;
  if (cmd == "unsuspend") c->op.task.op = UserOp::kUnsuspend;
  if (cmd == "unlock") c->op.task.op = UserOp::kUnlock;
  if (cmd == "expire-password") c->op.task.op = UserOp::kExpirePassword;
  if (cmd == "reset-password") c->op.task.op = UserOp::kResetPassword;
  // Okta's sendEmail defaults differ (activate: true); okta-bulk's: activate sends no email
  // unless asked, reactivate and reset-password do (their point is the email).
  c->op.task.send_email = cmd == "reactivate" || cmd == "reset-password";
  JobOptions& job = c->job();
  std::string empty_cells = "keep";

  std::string org_url, token_file, existing = "assign";
  std::string client_id, private_key, key_id, scopes;
  bool dpop = false;
  bool allow_insecure = false;
  bool offline = false;  // --offline: a dry run that does not ask the org
  bool write_links = false;  // --write-activation-links (activate, reactivate)
  double max_share = 1.0;
  int timeout_s = 30;
  std::vector<std::string> positional;
  bool output_given = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool has_inline = false;
    if (a.starts_with("--") && a.find('=') != std::string::npos) {
      name = a.substr(0, a.find('='));
      value = a.substr(a.find('=') + 1);
      has_inline = true;
    }
    auto need = [&](std::string* out) -> bool {
      if (has_inline) {
        *out = value;
        return true;
      }
      if (i + 1 >= args.size()) {
        *error = name + " needs a value (okta-bulk " + cmd + " --help)";
        return false;
      }
      *out = args[++i];
      return true;
    };
    std::string v;
    if (lists && (name == "--concurrency" || name == "--retry-failed" || name == "--dry-run" ||
                  (is_group_export && (name == "--resume" || name == "--overwrite" ||
                                       name == "--delimiter")))) {
      *error = name + " does not apply to " + cmd + " (okta-bulk " + cmd + " --help lists its flags)";
      return false;
    } else if (name == "--help" || name == "-h") {
      c->help = true;
      c->help_text = CommandHelp(cmd);
      return true;
    } else if (name == "-o" || name == "--output") {
      if (!need(&job.results_path)) return false;
      output_given = true;
    } else if (name == "--delimiter" && !lists) {
      if (!need(&v)) return false;
      if (v == "," || v == ";" || v == "|") {
        job.delimiter = v[0];
      } else if (v == "tab" || v == "TAB" || v == "\\t" || v == "\t") {
        job.delimiter = '\t';
      } else {
        *error = "--delimiter takes ',', ';', 'tab' or '|' (got '" + v + "')";
        return false;
      }
    } else if (name == "--org-url") {
      if (!need(&org_url)) return false;
    } else if (name == "--token-file") {
      if (!need(&token_file)) return false;
    } else if (name == "--token" || name == "--api-token") {
      *error = "the token is never taken from the command line (it would show in ps and shell "
               "history). Use OKTA_CLIENT_TOKEN=... or --token-file PATH";
      return false;
    } else if (name == "--client-id") {
      if (!need(&client_id)) return false;
    } else if (name == "--private-key") {
      if (!need(&private_key)) return false;
    } else if (name == "--key-id") {
      if (!need(&key_id)) return false;
    } else if (name == "--scopes") {
      if (!need(&scopes)) return false;
    } else if (name == "--dpop") {
      dpop = true;
    } else if (name == "--concurrency") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 512, &job.dispatch.workers)) {
        *error = "--concurrency takes a whole number from 1 to 512, e.g. --concurrency 8";
        return false;
      }
    } else if (name == "--group" &&
               (is_import || cmd == "update" || cmd == "assign" || cmd == "unassign")) {
      if (!need(&v)) return false;
      if (!ValidOktaId(v)) {
        *error = "--group takes a group id, like --group 00g1abcd2EFGH3ijk4x5 (got '" + v + "')";
        return false;
      }
      (is_import ? c->import.extra_group_ids : c->op.extra_group_ids).push_back(v);
    } else if (name == "--group-name" && is_import) {
      if (!need(&v)) return false;
      if (TrimSpaces(v).empty() || v.find(';') != std::string::npos) {
        *error = "--group-name takes one group's name, e.g. --group-name Engineering (repeat the "
                 "flag for several)";
        return false;
      }
      c->import.extra_group_names.emplace_back(TrimSpaces(v));
    } else if (name == "--group-name" &&
               (cmd == "update" || cmd == "assign" || cmd == "unassign")) {
      if (!need(&v)) return false;
      if (TrimSpaces(v).empty() || v.find(';') != std::string::npos) {
        *error = "--group-name takes one group's name, e.g. --group-name Engineering (repeat the "
                 "flag for several)";
        return false;
      }
      c->op.extra_group_names.emplace_back(TrimSpaces(v));
    } else if (name == "--create-missing-groups" && is_import) {
      c->import.create_missing_groups = true;
    } else if (name == "--no-schema-check" && (is_import || cmd == "update")) {
      job.schema_check = false;
    } else if (name == "--offline" && !is_export) {
      offline = true;
    } else if (name == "--no-activate" && is_import) {
      c->import.task.activate = false;
    } else if (name == "--password-hook" && is_import) {
      c->import.password_hook = true;
    } else if (name == "--next-login" && is_import) {
      if (!need(&v)) return false;
      if (v != "change-password") {
        *error = "--next-login takes 'change-password' (got '" + v + "')";
        return false;
      }
      c->import.task.change_password_next_login = true;
    } else if (name == "--existing" && is_import) {
      if (!need(&existing)) return false;
      if (existing != "assign" && existing != "skip" && existing != "update") {
        *error = "--existing takes 'assign', 'skip' or 'update' (got '" + existing + "')";
        return false;
      }
    } else if (name == "--empty-cells" && cmd == "update") {
      if (!need(&empty_cells)) return false;
      if (empty_cells != "keep" && empty_cells != "clear") {
        *error = "--empty-cells takes 'keep' or 'clear' (got '" + empty_cells + "')";
        return false;
      }
      c->op.clear_empty = empty_cells == "clear";
    } else if (name == "--send-email" && (cmd == "activate" || cmd == "reactivate" ||
                                          cmd == "reset-password")) {
      if (has_inline && value != "true" && value != "false") {
        *error = "--send-email takes no value, or =true or =false (got '" + value + "')";
        return false;
      }
      c->op.task.send_email = !has_inline || value == "true";
    } else if (name == "--no-send-email" && (cmd == "activate" || cmd == "reactivate" ||
                                             cmd == "reset-password")) {
      c->op.task.send_email = false;
    } else if (name == "--temp-password" && cmd == "expire-password") {
      c->op.task.temp_password = true;
    } else if (name == "--write-temp-passwords" &&
               (cmd == "expire-password" || cmd == "reset-password")) {
      c->op.write_secrets = true;
    } else if (name == "--write-activation-links" && (cmd == "activate" || cmd == "reactivate")) {
      write_links = true;
      c->op.write_secrets = true;
    } else if (name == "--missing-ok" && cmd == "delete") {
      c->op.task.missing_ok = true;
    } else if (name == "--filter" && is_group_export) {
      if (!need(&c->groups_export.filter)) return false;
    } else if (name == "--search" && is_group_export) {
      if (!need(&c->groups_export.search)) return false;
    } else if (name == "--page-size" && is_group_export) {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 10000, &c->groups_export.page_size)) {
        *error = "--page-size takes a whole number from 1 to 10000 (Okta's largest groups page)";
        return false;
      }
    } else if (name == "--filter" && is_export) {
      if (!need(&c->export_options.filter)) return false;
    } else if (name == "--search" && is_export) {
      if (!need(&c->export_options.search)) return false;
    } else if (name == "--groups" && is_export) {
      c->export_options.groups = true;
    } else if (name == "--page-size" && is_export) {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 200, &c->export_options.page_size)) {
        *error = "--page-size takes a whole number from 1 to 200 (Okta's largest users page)";
        return false;
      }
    } else if (name == "--columns" && is_export) {
      if (!need(&v)) return false;
      c->export_options.columns.clear();
      std::string_view rest = v;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string col(TrimSpaces(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (col.empty()) continue;
        if (std::find(c->export_options.columns.begin(), c->export_options.columns.end(), col) ==
            c->export_options.columns.end())
          c->export_options.columns.push_back(col);
      }
      if (c->export_options.columns.empty()) {
        *error = "--columns takes column names separated by ',', e.g. --columns login,email,department";
        return false;
      }
    } else if (name == "--max-attempts") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 100, &job.dispatch.max_attempts)) {
        *error = "--max-attempts takes a whole number from 1 to 100";
        return false;
      }
    } else if (name == "--request-timeout") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 3600, &timeout_s)) {
        *error = "--request-timeout takes seconds, from 1 to 3600";
        return false;
      }
    } else if (name == "--max-stall") {
      if (!need(&v)) return false;
      int max_stall_s = 0;
      if (!ParseInt(v, 1, 7 * 86400, &max_stall_s)) {
        *error = "--max-stall takes seconds, from 1 to 604800 (a week)";
        return false;
      }
      job.dispatch.max_stall = std::chrono::seconds(max_stall_s);
    } else if (name == "--max-share") {
      if (!need(&v)) return false;
      if (!ParseDouble(v, &max_share) || !(max_share > 0 && max_share <= 1)) {
        *error = "--max-share takes a fraction F with 0 < F <= 1, e.g. --max-share 0.8";
        return false;
      }
    } else if (name == "--ca-file") {
      if (!need(&c->http.ca_file)) return false;
    } else if (name == "--allow-insecure-http") {
      allow_insecure = true;
    } else if (name == "--resume") {
      job.resume = true;
    } else if (name == "--overwrite") {
      job.overwrite = true;
    } else if (name == "--yes") {
      c->yes = true;
    } else if (name == "--retry-failed") {
      job.retry_failed = true;
    } else if (name == "--retry-changed" && !is_export) {
      job.retry_changed = true;
    } else if (name == "--dry-run") {
      job.dry_run = true;
    } else if (name == "--quiet" || name == "-q") {
      c->quiet = true;
      job.quiet = true;
    } else if (name == "--summary-json") {
      if (!need(&c->summary_json)) return false;
    } else if (name == "--report") {
      if (!need(&c->report)) return false;
    } else if (name == "--progress-interval") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 3600, &c->progress_interval_s)) {
        *error = "--progress-interval takes seconds, from 1 to 3600, e.g. --progress-interval 10";
        return false;
      }
    } else if (a.starts_with("-") && a != "-") {
      *error = "unknown flag '" + a + "' for " + cmd + " (okta-bulk " + cmd + " --help lists them)";
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (is_export) {
    if (!positional.empty()) {
      *error = "export reads no file; it writes one: okta-bulk export -o users.csv";
      return false;
    }
    if (job.results_path == JobOptions().results_path && !output_given) {
      *error = "export needs the file to write: okta-bulk export -o users.csv ('-o -' for stdout)";
      return false;
    }
    c->export_options.output_path = job.results_path;
    c->export_options.resume = job.resume;
    positional.push_back("-");  // no input; keeps the shared checks below simple
  }
  if (is_group_export) {
    if (!positional.empty()) {
      *error = "groups export reads no file; it writes one: okta-bulk groups export -o groups.csv";
      return false;
    }
    if (!output_given) {
      *error = "groups export needs the file to write: okta-bulk groups export -o groups.csv "
               "('-o -' for stdout)";
      return false;
    }
    c->groups_export.output_path = job.results_path;
    positional.push_back("-");  // no input; keeps the shared checks below simple
  }
  if (positional.size() != 1) {
    *error = positional.empty() ? cmd + " needs the CSV file: okta-bulk " + cmd + " users.csv -o results.csv"
                                : cmd + " takes one CSV file, got " + std::to_string(positional.size()) +
                                      " (flags go before or after it: okta-bulk " + cmd + " users.csv --concurrency 8)";
    return false;
  }
  job.input_path = positional[0];
  c->import.task.existing = existing == "skip"     ? ExistingPolicy::kSkip
                            : existing == "update" ? ExistingPolicy::kUpdate
                                                   : ExistingPolicy::kAssign;
  job.governor.max_in_flight = job.dispatch.workers;
  job.governor.max_share = max_share;
  // Ctrl-C: requests in flight get a few seconds, never more than a request may take.
  job.dispatch.interrupt_grace =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(5), std::chrono::seconds(timeout_s));
  if (is_export) {
    c->export_options.dispatch = job.dispatch;
    c->export_options.governor = job.governor;
  }
  if (is_group_export) {
    c->groups_export.dispatch = job.dispatch;
    c->groups_export.governor = job.governor;
  }

  if (is_import && c->import.task.change_password_next_login && !c->import.task.activate) {
    *error = "--next-login change-password needs activated users (Okta refuses it with "
             "activate=false: E0000125); drop --no-activate or --next-login";
    return false;
  }
  if (is_import && c->import.task.change_password_next_login && c->import.password_hook) {
    *error = "--next-login change-password and --password-hook cannot be combined: a hook user "
             "has no password to expire (Okta refuses it: E0000124)";
    return false;
  }
  // What Okta returns only once (a temporary password, a reset link) goes to the 0600 file
  // RESULTS.secrets with --write-temp-passwords, and nowhere else; without that flag a run
  // that would receive one is refused, as the secret would be lost.
  const bool returns_secret = (cmd == "expire-password" && c->op.task.temp_password) ||
                              (cmd == "reset-password" && !c->op.task.send_email);
  if (returns_secret && !c->op.write_secrets) {
    *error = cmd + (cmd == "reset-password" ? " --no-send-email" : " --temp-password") +
             " returns a secret for each user: add --write-temp-passwords to keep it in " +
             job.results_path + ".secrets (mode 0600, never printed)";
    return false;
  }
  if (write_links && c->op.task.send_email) {
    *error = "--write-activation-links goes with --send-email off (--no-send-email): with the "
             "email Okta sends the link to the user and answers with none";
    return false;
  }
  if (c->op.write_secrets && !returns_secret && !write_links) {
    *error = "--write-temp-passwords goes with expire-password --temp-password or "
             "reset-password --no-send-email (nothing else returns a secret)";
    return false;
  }
  if (c->op.write_secrets && job.results_path == "-") {
    *error = "--write-temp-passwords needs a results file (-o PATH), not stdout: the secrets go "
             "to PATH.secrets";
    return false;
  }
  if (job.resume && job.overwrite) {
    *error = "--resume continues the results file and --overwrite starts a new one; give one";
    return false;
  }
  if (job.retry_failed && !job.resume) {
    *error = "--retry-failed goes with --resume: okta-bulk " + cmd + " users.csv -o results.csv --resume --retry-failed";
    return false;
  }
  if (job.retry_changed && !job.resume) {
    *error = "--retry-changed goes with --resume: okta-bulk " + cmd + " users.csv -o results.csv --resume --retry-changed";
    return false;
  }
  // The org and the credentials. A dry run sends nothing but the org look-ups (its user
  // schema, its groups: issue 14), and only when it has credentials; without them it stays
  // offline.
  auto connect = [&](std::string* err) -> bool {
    if (org_url.empty()) {
      const char* env = std::getenv("OKTA_CLIENT_ORGURL");
      if (env) org_url = env;
    }
    if (org_url.empty()) {
      *err = "no org URL: set OKTA_CLIENT_ORGURL=https://<your-org>.okta.com or pass --org-url";
      return false;
    }
    if (!OrgUrl::Parse(org_url, &c->http.org, err)) return false;
    c->http.allow_insecure_http = allow_insecure;
    if (!c->http.org.tls && !c->http.org.IsLoopback() && !allow_insecure) {
      *err = "refusing plain http:// to " + c->http.org.host +
               ": the token would cross the network unencrypted. Use https://, or "
               "--allow-insecure-http if you really mean it";
      return false;
    }
    c->export_options.org = c->http.org;  // export follows `next` links on this origin only
    c->groups_export.org = c->http.org;

    c->http.user_agent = "okta-bulk/" OKTA_BULK_VERSION;
    c->http.timeout = std::chrono::seconds(timeout_s);
    if (client_id.empty())
      if (const char* env = std::getenv("OKTA_CLIENT_CLIENTID")) client_id = Trim(env);
    if (!client_id.empty()) {
      if (!token_file.empty()) {
        *err = "--token-file and --client-id are two ways to authenticate; give one";
        return false;
      }
      std::vector<std::string> scope_list;
      if (scopes.empty())
        if (const char* env = std::getenv("OKTA_CLIENT_SCOPES")) scopes = env;
      for (char& ch : scopes)
        if (ch == ',') ch = ' ';
      std::istringstream scope_words(scopes);
      for (std::string w; scope_words >> w;) scope_list.push_back(w);
      if (scope_list.empty()) scope_list = DefaultScopes(cmd, !c->op.extra_group_ids.empty() ||
                                                       !c->op.extra_group_names.empty());
      job.dispatch.oauth = true;  // a 403 E0000006 then names the missing scope
      c->export_options.dispatch.oauth = true;
      if (key_id.empty())
        if (const char* env = std::getenv("OKTA_CLIENT_PRIVATEKEYID")) key_id = Trim(env);
      return LoadOAuth(client_id, private_key, key_id, std::move(scope_list), dpop, job.dispatch.max_attempts,
                       c, err);
    }
    if (!private_key.empty() || !key_id.empty() || !scopes.empty() || dpop) {
      *err = "--private-key, --key-id, --scopes and --dpop go with --client-id (or "
               "OKTA_CLIENT_CLIENTID): okta-bulk " + cmd + " --help";
      return false;
    }

    std::string token;
    if (!token_file.empty()) {
      if (!ReadCredentialFile(token_file, "--token-file '" + token_file + "'", &token, err))
        return false;
      token = Trim(std::move(token));
    } else if (const char* env = std::getenv("OKTA_CLIENT_TOKEN")) {
      token = Trim(env);
    }
    if (token.empty()) {
      *err = "no API token: set OKTA_CLIENT_TOKEN or pass --token-file PATH "
               "(create one in the Admin Console: Security > API > Tokens)";
      return false;
    }
    if (token.find_first_of(" \r\n\t") != std::string::npos) {
      *err = "the API token contains whitespace; check OKTA_CLIENT_TOKEN / --token-file";
      return false;
    }
    c->http.authorization = "SSWS " + token;
    return true;
  };
  if (job.dry_run && offline) return true;
  if (offline) {
    *error = "--offline goes with --dry-run (a run that sends asks the org first)";
    return false;
  }
  if (job.dry_run) {
    const HttpClientOptions offline = c->http;
    std::string ignored;
    if (!connect(&ignored)) {
      c->http = offline;
      c->oauth.reset();
      return true;
    }
    job.org_checks = true;
    job.org = c->http.org;
    return true;
  }
  if (!connect(error)) return false;
  job.org_checks = true;
  job.org = c->http.org;
  return true;
}

}  // namespace okta_bulk
