#include "tools/okta_bulk/cli_export.h"

#include <algorithm>

#include "pipeline/jobs/export_writer.h"  // IsGroupIdColumn, IsGroupNameColumn
#include "pipeline/rows/user_row.h"
#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {

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
         "                           import (default scope okta.users.read, and okta.groups.read\n"
         "                           with --groups or a groupId/groupName column)\n"
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

bool ParseExport(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  ExportOptions& options = c->export_options;
  auto own = [&](FlagCursor& f) -> FlagStatus {
    const std::string& name = f.name();
    // export writes a listing and reads no rows.
    if (name == "--concurrency" || name == "--retry-failed" || name == "--dry-run")
      return f.DoesNotApply();
    if (name == "--delimiter" || name == "--offline" || name == "--retry-changed")
      return f.Unknown();
    if (FlagStatus s = TakeListingFlag(f, options, 200, "users"); s != FlagStatus::kNotMine)
      return s;
    if (name == "--groups") {
      options.groups = true;
    } else if (name == "--columns") {
      std::string v;
      if (!f.Need(&v)) return FlagStatus::kError;
      options.columns.clear();
      std::string_view rest = v;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string col(TrimSpaces(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (col.empty()) continue;
        if (std::find(options.columns.begin(), options.columns.end(), col) ==
            options.columns.end())
          options.columns.push_back(col);
      }
      if (options.columns.empty())
        return f.Fail("--columns takes column names separated by ',', e.g. --columns login,email,department");
    } else {
      return FlagStatus::kNotMine;
    }
    return FlagStatus::kTaken;
  };
  // --groups, or a groupId / groupName column: the groups are read too (RunExport).
  auto with_groups = [&options] {
    return options.groups || std::any_of(options.columns.begin(), options.columns.end(),
                                         [](const std::string& col) {
                                           return IsGroupIdColumn(col) || IsGroupNameColumn(col);
                                         });
  };
  if (!ParseListing(args, own, /*default_output=*/"users.csv", with_groups, c, options, error))
    return false;
  options.resume = c->job().resume;
  return true;
}

}  // namespace okta_bulk
