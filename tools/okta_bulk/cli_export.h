// okta-bulk export: its flags and its help; and what the two listings (`export`, `groups
// export`) share in their parsers.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"
#include "tools/okta_bulk/cli_common.h"

namespace okta_bulk {

std::string ExportHelp();

// Parses `okta-bulk export` (args[0] is "export") into c->export_options (its shared flags go
// through c->job() first); see ParseCommandLine.
bool ParseExport(const std::vector<std::string>& args, CliConfig* c, std::string* error);

// A listing's --filter, --search and --page-size (1 to `max_page_size`, Okta's largest page
// of `what`), into `options`; kNotMine for any other flag.
template <typename Options>
FlagStatus TakeListingFlag(FlagCursor& f, Options& options, int max_page_size, const char* what) {
  const std::string& name = f.name();
  if (name == "--filter") return f.Need(&options.filter) ? FlagStatus::kTaken : FlagStatus::kError;
  if (name == "--search") return f.Need(&options.search) ? FlagStatus::kTaken : FlagStatus::kError;
  if (name != "--page-size") return FlagStatus::kNotMine;
  std::string v;
  if (!f.Need(&v)) return FlagStatus::kError;
  if (!ParseInt(v, 1, max_page_size, &options.page_size))
    return f.Fail("--page-size takes a whole number from 1 to " + std::to_string(max_page_size) +
                  " (Okta's largest " + what + " page)");
  return FlagStatus::kTaken;
}

// A listing's parse after its own flags (`own`): the shared flags (-o defaults to
// `default_output` in usage errors), then the listing's copy of the job's output, dispatch,
// governor and org. The dispatch carries whether the run uses OAuth, so that a 403 E0000006
// names the scope the request needed. `with_groups`, asked once the flags are read: the
// default OAuth scopes include the groups' (export --groups needs okta.groups.read).
template <typename Options>
bool ParseListing(const std::vector<std::string>& args, const SubcommandFlags& own,
                  const char* default_output, const std::function<bool()>& with_groups,
                  CliConfig* c, Options& options, std::string* error) {
  JobOptions& job = c->job();  // the shared flags land here first, then are copied
  SharedFlags shared;
  if (!ParseCommand(args, own, c, &job, &shared, error, default_output)) return false;
  if (c->help) return true;
  options.output_path = job.results_path;
  options.dispatch = job.dispatch;
  options.governor = job.governor;
  if (!FinishJobFlags(shared, with_groups(), c, &job, error)) return false;
  options.org = c->http.org;  // `next` links are followed on this origin only
  options.dispatch.oauth = job.dispatch.oauth;
  return true;
}

}  // namespace okta_bulk
