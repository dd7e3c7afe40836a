// okta-bulk export: its flags and its help.
#pragma once
#include <string>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

std::string ExportHelp();

// Parses `okta-bulk export` (args[0] is "export") into c->export_options (its shared flags go
// through c->job() first); see ParseCommandLine.
bool ParseExport(const std::vector<std::string>& args, CliConfig* c, std::string* error);

}  // namespace okta_bulk
