// `okta-bulk sync`'s flags and help (issue 17).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// Parses `okta-bulk sync ...` (args[0] is the command) into c->sync: sync's own flags, then
// the shared ones. false with `error` on a usage error (exit 2).
bool ParseSync(const std::vector<std::string>& args, CliConfig* c, std::string* error);

// The help of `okta-bulk sync`.
std::string SyncHelp();

}  // namespace okta_bulk
