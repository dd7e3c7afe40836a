#include "tools/okta_bulk/confirm.h"

#include <cstdio>
#include <functional>
#include <vector>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/engine/resume_journal.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/engine/run_files.h"
#include "pipeline/files/platform.h"

namespace okta_bulk {

bool CheckRunFiles(const CliConfig& config, std::string* error) {
  std::vector<NamedPath> paths;
  if (config.command == "export") {
    paths.push_back({"-o", config.export_options.output_path});
  } else {
    const JobOptions& job = const_cast<CliConfig&>(config).job();
    paths.push_back({"the input", job.input_path});
    if (!job.dry_run) paths.push_back({"-o", job.results_path});
    if (!job.dry_run && config.op.write_secrets && job.results_path != "-")
      paths.push_back({"the secrets file (-o PATH.secrets)", SecretsPathFor(job.results_path)});
  }
  paths.push_back({"--summary-json", config.summary_json});
  paths.push_back({"--report", config.report});
  return CheckDistinctFiles(paths, error);
}

bool SummaryJsonMayBeWritten(const CliConfig& config, const std::vector<std::string>& other_paths) {
  if (config.summary_json.empty()) return false;
  std::vector<std::string> others = other_paths;
  if (config.command == "export") {
    others.push_back(config.export_options.output_path);
  } else {
    const JobOptions& job = const_cast<CliConfig&>(config).job();
    others.push_back(job.input_path);
    others.push_back(job.results_path);
    if (!job.results_path.empty() && job.results_path != "-") {
      others.push_back(SecretsPathFor(job.results_path));
      others.push_back(JobFilePath(job.results_path));
    }
  }
  others.push_back(config.report);
  std::string ignored;
  for (const std::string& other : others)
    if (!CheckDistinctFiles({{"--summary-json", config.summary_json}, {"", other}}, &ignored))
      return false;
  return true;
}

namespace {

// Data rows in `path` (records after the header), or -1 when it cannot be read.
long long CountRows(const std::string& path, char delimiter) {
  CsvOptions options;
  options.delimiter = delimiter;  // quotes open after a delimiter: the count depends on it
  long long n = 0;
  std::string error;
  if (!ForEachCsvRecord(path, options, [&](uint64_t, const CsvRecord&, const CsvRecord&) { ++n; },
                        &error))
    return -1;
  return n;
}

// Asks for the org's host name on the terminal; false with the message when the answer is not
// it.
bool AskForHost(const std::string& host, std::string* error) {
  std::fprintf(stderr, "Type the org's host name (%s) to go on: ", host.c_str());
  std::fflush(stderr);
  char line[512];
  std::string answer = std::fgets(line, sizeof line, stdin) ? line : "";
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == '\r' || answer.back() == ' '))
    answer.pop_back();
  if (answer != host) {
    *error = "not confirmed ('" + answer + "' is not " + host + "); nothing was sent";
    return false;
  }
  return true;
}

}  // namespace

std::function<bool(const std::string&, std::string*)> DeactivationQuestion(const CliConfig& config) {
  const bool yes = config.yes;
  const std::string host = config.http.org.host, origin = config.http.org.Origin();
  return [yes, host, origin](const std::string& what, std::string* error) {
    if (yes) return true;
    if (!platform::IsTerminal(0) || !platform::IsTerminal(2)) {
      *error = "sync in " + origin + ": " + what + ": pass --yes to confirm (asked because no "
               "terminal can answer; review them first with --plan --plan-out PLAN.csv); "
               "nothing was sent";
      return false;
    }
    std::fprintf(stderr, "okta-bulk sync in %s: %s.\n", origin.c_str(), what.c_str());
    return AskForHost(host, error);
  };
}

bool ConfirmDestructive(const CliConfig& config, std::string* error) {
  // What each command that locks people out (or removes them) does, for the question.
  const std::string& cmd = config.command;
  const std::string what = cmd == "delete"            ? "delete for good"
                           : cmd == "deactivate"      ? "deactivate"
                           : cmd == "suspend"         ? "suspend"
                           : cmd == "expire-password" ? "expire the passwords of"
                           : cmd == "reset-password"  ? "reset the passwords of"
                                                      : "";
  if (what.empty()) return true;
  const JobOptions& job = const_cast<CliConfig&>(config).job();
  if (job.dry_run || config.yes) return true;
  const std::string& host = config.http.org.host;
  if (!platform::IsTerminal(0) || !platform::IsTerminal(2)) {  // stdin, stderr
    *error = config.command + " would " + what + " the users of " + job.input_path + " in " +
             config.http.org.Origin() + ": pass --yes to confirm (asked because no terminal "
             "can answer; try --dry-run first)";
    return false;
  }
  const long long rows = CountRows(job.input_path, job.delimiter);
  const std::string row_count =
      rows < 0 ? std::string("? rows") : Count(static_cast<uint64_t>(rows), "row", "rows");
  std::fprintf(stderr, "okta-bulk %s: %s the users of %s (%s) in %s.\n",
               config.command.c_str(), what.c_str(), job.input_path.c_str(), row_count.c_str(),
               config.http.org.Origin().c_str());
  return AskForHost(host, error);
}

}  // namespace okta_bulk
