// `okta-bulk sync`'s own flags and help (issue 17), apart from the parser of every job's
// flags (cli.cc), which takes what remains.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/jobs/sync_job.h"

namespace okta_bulk {

// Takes sync's own flags (and their values) out of `args` (args[0] is the command) into
// `options`, leaving the shared ones (-o, --resume, credentials, ...) for the common parser.
// False with `error` for a bad value (exit 2).
bool TakeSyncFlags(std::vector<std::string>* args, SyncJobOptions* options, std::string* error);

// The help of `okta-bulk sync`; `common_flags` are the flags every job takes.
std::string SyncHelp(std::string_view common_flags);

}  // namespace okta_bulk
