// Command-line parsing for okta-bulk: flags to job options and connection settings.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/oauth.h"
#include "pipeline/jobs/export_job.h"
#include "pipeline/jobs/group_create_job.h"
#include "pipeline/jobs/group_export_job.h"
#include "pipeline/jobs/import_job.h"
#include "pipeline/jobs/sync_job.h"
#include "pipeline/jobs/user_op_job.h"

namespace okta_bulk {

struct CliConfig {
  // "import", "update", "assign", "deactivate", "delete", "export", or a lifecycle action
  // ("activate", "reactivate", "suspend", "unsuspend", "unlock", "expire-password",
  // "reset-password")
  std::string command;
  ImportOptions import;  // import
  UserOpJobOptions op;   // update, assign, deactivate, delete, the lifecycle actions
  ExportOptions export_options;  // export
  GroupCreateJobOptions groups_create;  // "groups create"
  GroupExportOptions groups_export;     // "groups export" (its shared flags are parsed
                                        // into job() and copied, as for export)
  SyncJobOptions sync;                  // sync (cli_sync.h)
  // The options of `command`, shared by every job (export parses its shared flags here
  // and copies them to export_options).
  JobOptions& job() {
    if (command == "groups create") return groups_create;
    if (command == "sync") return sync;
    return command == "import" ? static_cast<JobOptions&>(import) : op;
  }
  HttpClientOptions http;
  // Set when the run authenticates as an OAuth 2.0 service app instead of with an API token.
  std::optional<OAuthOptions> oauth;
  bool quiet = false;             // --quiet: no progress line, no summary
  bool yes = false;  // --yes: delete/deactivate/suspend/expire-/reset-password without asking
  std::string summary_json;       // --summary-json PATH
  std::string report;             // --report PATH (HTML)
  int progress_interval_s = 5;    // --progress-interval SEC: plain lines when not a terminal
  bool help = false;
  std::string help_text;
};

// Parses argv and the environment (OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN; for OAuth
// OKTA_CLIENT_CLIENTID, OKTA_CLIENT_PRIVATEKEY, OKTA_CLIENT_PRIVATEKEYID, OKTA_CLIENT_SCOPES;
// flags win over the environment). Returns false
// with a message that says what was wrong and what to type instead (exit status 2).
bool ParseCommandLine(int argc, char** argv, CliConfig* config, std::string* error);

std::string MainHelp();
std::string ImportHelp();
// Help for `command` (any of CliConfig::command), "" for an unknown one.
std::string CommandHelp(std::string_view command);

}  // namespace okta_bulk
