#include "tools/okta_bulk/cli_sync.h"

#include "pipeline/csv/csv_reader.h"
#include "pipeline/rows/user_row.h"
#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {

namespace {

// sync's own flags; the shared ones (-o, --resume, credentials, ...) are ParseCommand's.
FlagStatus SyncFlag(FlagCursor& f, SyncJobOptions* o) {
  const std::string& name = f.name();
  std::string value;
  if (name == "--plan") {
    o->plan = true;
  } else if (name == "--plan-out") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (value.empty() || value == "-")
      return f.Fail("--plan-out takes a file to write, e.g. --plan-out plan.csv");
    o->plan_out = value;
  } else if (name == "--empty-cells") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (value != "ignore" && value != "keep" && value != "clear")
      return f.Fail("--empty-cells takes 'ignore' or 'clear' (got '" + value + "')");
    o->clear_empty = value == "clear";
  } else if (name == "--exact-groups") {
    o->exact_groups = true;
  } else if (name == "--group-scope" || name == "--group") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (!ValidOktaId(value))
      return f.Fail(name + " takes a group id, like " + name + " 00g1abcd2EFGH3ijk4x5 (got '" +
                    value + "')");
    (name == "--group" ? o->extra_group_ids : o->group_scope).push_back(value);
  } else if (name == "--scope") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (TrimSpaces(value).empty())
      return f.Fail("--scope takes an Okta search expression, e.g. --scope "
                    "'profile.department eq \"Sales\"'");
    o->scope = value;
  } else if (name == "--read-org") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (value != "auto" && value != "list" && value != "lookup")
      return f.Fail("--read-org takes 'auto', 'list' or 'lookup' (got '" + value + "')");
    o->read_org = value == "list"     ? SyncJobOptions::ReadOrg::kList
                  : value == "lookup" ? SyncJobOptions::ReadOrg::kLookup
                                      : SyncJobOptions::ReadOrg::kAuto;
  } else if (name == "--apply") {
    if (!f.Need(&value)) return FlagStatus::kError;
    if (value.empty())
      return f.Fail("--apply takes the plan file --plan-out wrote, e.g. --apply plan.csv");
    o->apply_path = value;
  } else if (name == "--deactivate-missing") {
    o->deactivate_missing = true;
  } else if (name == "--max-deactivate") {
    if (!f.Need(&value)) return FlagStatus::kError;
    const bool percent = !value.empty() && value.back() == '%';
    double number = 0;
    if (!ParseDouble(percent ? value.substr(0, value.size() - 1) : value, &number) ||
        !(number >= 0) || number > (percent ? 100 : 1e12) ||
        (!percent && number != static_cast<double>(static_cast<int64_t>(number))))
      return f.Fail("--max-deactivate takes a count of users or a percent of the scope's, e.g. "
                    "--max-deactivate 500 or --max-deactivate 5% (got '" + value + "')");
    o->max_deactivate = percent ? -1 : static_cast<int64_t>(number);
    o->max_deactivate_percent = percent ? number : 0;
    o->max_deactivate_set = true;
  } else if (name == "--no-activate") {
    o->activate = false;
  } else if (name == "--no-schema-check") {
    o->schema_check = false;
  } else {
    return FlagStatus::kNotMine;
  }
  return FlagStatus::kTaken;
}

}  // namespace

bool ParseSync(const std::vector<std::string>& args, CliConfig* c, std::string* error) {
  SyncJobOptions& o = c->sync;
  SharedFlags shared;
  if (!ParseCommand(args, [&](FlagCursor& f) { return SyncFlag(f, &o); }, c, &o, &shared, error))
    return false;
  if (c->help) return true;
  if (!o.plan_out.empty()) o.plan = true;
  if (o.plan && !o.apply_path.empty()) {
    *error = "--apply sends a reviewed plan and --plan makes one; give one";
    return false;
  }
  if (o.plan) o.dry_run = true;  // sends nothing but the reads
  if (!o.group_scope.empty() && !o.exact_groups) {
    *error = "--group-scope limits the removes of --exact-groups; add --exact-groups";
    return false;
  }
  if (o.max_deactivate_set && !o.deactivate_missing) {
    *error = "--max-deactivate limits --deactivate-missing; add --deactivate-missing --scope EXPR";
    return false;
  }
  if (o.deactivate_missing && o.scope.empty()) {
    *error = "--deactivate-missing needs --scope EXPR: the users the file is the whole of "
             "(e.g. --scope 'profile.employeeType eq \"HR\"'); a user outside it is never touched";
    return false;
  }
  return FinishJobFlags(shared, /*with_groups=*/true, c, &o, error);
}

std::string SyncHelp() {
  const std::string_view common_flags = kCommonFlags;
  return std::string(
             "Usage: okta-bulk sync USERS.csv [flags]\n"
             "\n"
             "Makes the org match the file, sending only what differs: the file is the desired\n"
             "state of the users it names. Before the first row the org's state of them is read\n"
             "once (the members of the groups it names, whose pages carry the users, then the\n"
             "cheaper of a listing, 200 users a request, and one lookup per row, weighed by the\n"
             "org's size; it says which and why), then each row sends exactly what it needs: a\n"
             "create for a missing user (outcome 'created'), one partial update carrying only\n"
             "the changed attributes plus its group adds (and removes) ('updated'), or nothing\n"
             "('unchanged').\n"
             "Values are compared as the org's schema types them; logins as Okta folds them.\n"
             "\n"
             "CSV columns: as import (login required; email, firstName, lastName, groupId,\n"
             "groupName, password for creates, any profile attribute of the org).\n"
             "\n"
             "Flags:\n"
             "  --plan                   read the org, compare, print the counts per action and\n"
             "                           stop: nothing is written to the org\n"
             "  --plan-out PATH          with --plan (implied): write every change as CSV (login,\n"
             "                           action, attribute, oldValue, newValue; mode 0600)\n"
             "  --apply PLAN.csv         send exactly the plan --plan-out wrote for this file: each\n"
             "                           row is compared again, and one whose changes differ now\n"
             "                           (the org changed underneath) is refused ('failed'); each\n"
             "                           update reads its user again and is sent with If-Match\n"
             "                           (its ETag): a user changed since is refused on Okta's 412\n"
             "  --empty-cells ignore|clear\n"
             "                           an empty cell leaves the attribute as it is (ignore,\n"
             "                           default) or removes it (clear, where the org allows)\n"
             "  --exact-groups           also remove users from the groups the file names (and\n"
             "                           --group-scope) that their row does not name\n"
             "  --group-scope ID         with --exact-groups: a group the file decides although\n"
             "                           no row names it (repeatable)\n"
             "  --group ID               every user belongs in this group too (repeatable)\n"
             "  --scope EXPR             an Okta search expression selecting the users the file\n"
             "                           is about (e.g. 'profile.department eq \"Sales\"'): the\n"
             "                           listing is narrowed to it\n"
             "  --deactivate-missing     with --scope: deactivate the users of the scope that the\n"
             "                           file does not name (after the rows; outcome\n"
             "                           'deactivated'); a user outside the scope is never touched\n"
             "  --yes                    do not ask: once the org is read, --deactivate-missing\n"
             "                           asks you to type the org's host name on a terminal;\n"
             "                           elsewhere it needs --yes\n"
             "  --max-deactivate N|P%    the most users --deactivate-missing may deactivate in\n"
             "                           one run (default 10% of the scope's users, at least\n"
             "                           10); more stops the run before any write\n"
             "  --read-org auto|list|lookup\n"
             "                           how the rows not among the groups' members are read\n"
             "                           (default auto: the cheaper for the org's size, from its\n"
             "                           Everyone group; unknown size: lookups for at most 200\n"
             "                           rows, else a listing)\n"
             "  --no-activate            create missing users STAGED instead of activating them\n"
             "  --no-schema-check        do not read the org's user schema (values compared as\n"
             "                           the header types them)\n") +
         std::string(common_flags) +
         "\n"
         "Example:\n"
         "  okta-bulk sync hr-export.csv --plan --plan-out plan.csv\n"
         "  okta-bulk sync hr-export.csv -o sync-results.csv --summary-json sync.json\n";
}

}  // namespace okta_bulk
