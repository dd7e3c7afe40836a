// okta-bulk groups create and groups export: their flags and their help.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// The help of "groups" (both second words), "groups create" or "groups export"; "" for any
// other command.
std::string GroupsCommandHelp(std::string_view command);

// Parse `okta-bulk groups create` into c->groups_create and `okta-bulk groups export` into
// c->groups_export (args[0] is "create" or "export"); see ParseCommandLine.
bool ParseGroupsCreate(const std::vector<std::string>& args, CliConfig* c, std::string* error);
bool ParseGroupsExport(const std::vector<std::string>& args, CliConfig* c, std::string* error);

}  // namespace okta_bulk
