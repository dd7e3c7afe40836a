// okta-bulk import: its flags and its help.
#pragma once
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// Parses `okta-bulk import` (args[0] is "import") into c->import; see ParseCommandLine.
bool ParseImport(const std::vector<std::string>& args, CliConfig* c, std::string* error);

}  // namespace okta_bulk
