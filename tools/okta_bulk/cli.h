// Command-line parsing for okta-bulk: flags to ImportOptions and connection settings.
#pragma once
#include <string>
#include <vector>

#include "net/http_client.h"
#include "pipeline/import_job.h"

namespace okta_bulk {

struct CliConfig {
  std::string command;  // "import"
  ImportOptions import;
  HttpClientOptions http;
  bool quiet = false;
  bool help = false;
  std::string help_text;
};

// Parses argv and the environment (OKTA_CLIENT_ORGURL, OKTA_CLIENT_TOKEN). Returns false
// with a message that says what was wrong and what to type instead (exit status 2).
bool ParseCommandLine(int argc, char** argv, CliConfig* config, std::string* error);

std::string MainHelp();
std::string ImportHelp();

}  // namespace okta_bulk
