// `okta-bulk sync USERS.csv` (issue 17): make the org match the file, sending only what
// differs. Before the first row the org's state of the file's users is read once (the managed
// groups' members, whose pages carry the users, then the cheaper of a listing, 200 users a
// request, and per-user lookups for the rest; sync_plan.h compares),
// then each row is a task that sends exactly its plan: a create for a missing user, one
// partial update carrying only the changed attributes, group adds (and removes with
// --exact-groups), or nothing at all (`unchanged`). Same runner as import (results file,
// --resume, progress, summary, report). --plan stops after the comparison: counts per action,
// and with --plan-out a CSV of every change.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

#include "net/http_transport.h"
#include "pipeline/engine/job.h"
#include "pipeline/jobs/sync_plan.h"

namespace okta_bulk {

struct SyncJobOptions : JobOptions {
  // --plan: read the org, compare, print the counts per action and stop (sends nothing but
  // the reads). Set with dry_run.
  bool plan = false;
  std::string plan_out;      // --plan-out PATH: every change as CSV (implies --plan)
  bool clear_empty = false;  // --empty-cells clear: an empty cell removes the attribute
  // --exact-groups: remove users from the managed groups (those the file names, plus
  // --group-scope) their row does not name.
  bool exact_groups = false;
  std::vector<std::string> group_scope;  // --group-scope ID
  std::vector<std::string> extra_group_ids;  // --group ID: every row's
  // --scope EXPR: an Okta search expression selecting the users the file is about; the
  // listing is narrowed to it.
  std::string scope;
  // --apply PLAN.csv: send exactly a plan written by --plan-out from the same file. Each row
  // is planned again against the org as it is now; a row whose changes differ from the
  // reviewed plan's (the org changed underneath: an old value no longer matches) is refused
  // (`failed`, naming both) and nothing is sent for it. With --deactivate-missing only the
  // plan's deactivations are sent.
  std::string apply_path;
  // --deactivate-missing (needs scope): the scope's users the file does not name are
  // deactivated after the rows (outcome `deactivated`, appended to the results file); a user
  // outside the scope is never touched, and one already DEPROVISIONED is left alone.
  bool deactivate_missing = false;
  // --max-deactivate N|P%: the most users --deactivate-missing may deactivate in one run; more
  // stops the run once the org is read, before any write (a truncated HR export must not
  // deactivate half the org). A count when max_deactivate >= 0, else max_deactivate_percent
  // of the scope's users the listing showed that are not DEPROVISIONED (at least 10 users).
  int64_t max_deactivate = -1;
  double max_deactivate_percent = 10;
  bool max_deactivate_set = false;  // given on the command line (it needs --deactivate-missing)
  // Asked (not for --plan) once the org is read and --deactivate-missing would deactivate
  // users: `what` says how many, of what scope. False (with `error`) stops the run before any
  // write. Unset: not asked.
  std::function<bool(const std::string& what, std::string* error)> confirm_deactivations;
  // How the rows not found among the managed groups' members are read: kAuto weighs a
  // listing against lookups by the org's size (org_size.h), else by the row count.
  enum class ReadOrg : unsigned char { kAuto, kList, kLookup };
  ReadOrg read_org = ReadOrg::kAuto;
  int page_size = 200;  // users per listing page (Okta's largest)
  bool activate = true;  // creates: activate=true (--no-activate: STAGED)
};

// Runs the sync on `io` (single-threaded) through `transport`; see RunJob for errors. With
// plan, `summary` is a dry run's. `plan_counts` (optional) gets the plan's counts of the rows
// this run planned (a resumed run: the rows not finished before) and of the deactivations,
// for the summary JSON and the report.
bool RunSync(boost::asio::io_context& io, HttpTransport& transport, const SyncJobOptions& options,
             JobSummary* summary, std::string* error,
             const std::function<void(Dispatcher&)>& on_dispatcher = {},
             PlanCounts* plan_counts = nullptr);

}  // namespace okta_bulk
