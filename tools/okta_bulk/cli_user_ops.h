// okta-bulk's commands on existing users: update, assign, unassign, deactivate, delete and the
// lifecycle actions (activate, reactivate, suspend, unsuspend, unlock, expire-password,
// reset-password). Their flags and their help.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// Whether `command` is one of them.
bool IsUserOpCommand(std::string_view command);

// The help of `command`; "" when it is not one of them.
std::string UserOpHelp(std::string_view command);

// Parses `okta-bulk COMMAND` (args[0] is COMMAND, one of them) into c->op; see ParseCommandLine.
bool ParseUserOp(const std::vector<std::string>& args, CliConfig* c, std::string* error);

}  // namespace okta_bulk
