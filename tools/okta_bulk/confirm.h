// Guards of okta-bulk's command line against the user's slips (issue 18), before a job starts.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// No output (-o, --summary-json, --report) may be the input file or another output: same
// path, symlink or hard link. False with the message (exit 2; nothing may be written then,
// not even the summary JSON, which could be the very file at stake).
bool CheckRunFiles(const CliConfig& config, std::string* error);

// Whether a refused run (exit 2) may write its --summary-json: it is set and is none of the
// run's other files (input, results and their .secrets and .job, --report) nor any of
// `other_paths` (e.g. every argument of a command line that could not be parsed).
bool SummaryJsonMayBeWritten(const CliConfig& config, const std::vector<std::string>& other_paths = {});

// `delete`, `deactivate`, `suspend`, `expire-password` and `reset-password` (not a dry run)
// lock users out or remove them: on a terminal they show
// the org and the number of rows and ask for the org's host name; elsewhere they need
// --yes. False with the message when not confirmed (exit 2).
bool ConfirmDestructive(const CliConfig& config, std::string* error);

// sync --deactivate-missing's question (SyncJobOptions::confirm_deactivations), asked once
// the org was read and the count is known: true with --yes; on a terminal the user types
// the org's host name; elsewhere false with the message (exit 2, nothing sent).
std::function<bool(const std::string& what, std::string* error)> DeactivationQuestion(
    const CliConfig& config);

}  // namespace okta_bulk
