#include "tools/okta_bulk/cli_groups.h"

#include "tools/okta_bulk/cli_export.h"  // the listings' shared parse
#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {
namespace {

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

}  // namespace

std::string GroupsCommandHelp(std::string_view command) {
  if (command == "groups create") return GroupsCreateHelp();
  if (command == "groups export") return GroupsExportHelp();
  if (command == "groups") return GroupsHelp();
  return {};
}

bool ParseGroupsCreate(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  GroupCreateJobOptions& job = c->groups_create;
  auto own = [](FlagCursor&) { return FlagStatus::kNotMine; };  // the shared flags only
  SharedFlags shared;
  if (!ParseCommand(args, own, c, &job, &shared, error)) return false;
  if (c->help) return true;
  return FinishJobFlags(shared, /*with_groups=*/false, c, &job, error);
}

bool ParseGroupsExport(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  GroupExportOptions& options = c->groups_export;
  auto own = [&](FlagCursor& f) -> FlagStatus {
    const std::string& name = f.name();
    // groups export writes a listing (whole, renamed into place) and reads no rows.
    if (name == "--concurrency" || name == "--retry-failed" || name == "--dry-run" ||
        name == "--resume" || name == "--overwrite" || name == "--delimiter")
      return f.DoesNotApply();
    return TakeListingFlag(f, options, 10000, "groups");
  };
  // Its default OAuth scope is okta.groups.read already (DefaultScopes("groups export")).
  return ParseListing(args, own, /*default_output=*/"groups.csv", [] { return false; }, c,
                      options, error);
}

}  // namespace okta_bulk
