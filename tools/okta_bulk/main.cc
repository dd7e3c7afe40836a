// okta-bulk: a thin shell over the pipeline library.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "net/oauth_authenticator.h"
#include "pipeline/csv/printable.h"
#include "pipeline/files/platform.h"
#include "pipeline/files/safe_file.h"
#include "pipeline/jobs/export_job.h"
#include "pipeline/jobs/group_export_job.h"
#include "pipeline/jobs/import_job.h"
#include "pipeline/jobs/sync_job.h"
#include "pipeline/report/run_identity.h"
#include "pipeline/report/run_monitor.h"
#include "pipeline/jobs/user_op_job.h"
#include "tools/okta_bulk/cli.h"
#include "tools/okta_bulk/completion.h"
#include "tools/okta_bulk/confirm.h"

namespace asio = boost::asio;
using namespace okta_bulk;

namespace {

// --dry-run sends nothing; this transport makes sure of it.
class NoTransport final : public HttpTransport {
 public:
  asio::awaitable<boost::system::result<HttpResponse>> Send(const HttpRequest&) override {
    co_return boost::system::error_code(asio::error::operation_not_supported);
  }
};

MonitorOptions MonitorOptionsFor(CliConfig& config) {
  MonitorOptions options;
  options.keep_series = !config.report.empty();
  const bool exporting = config.command == "export";  // the job's runs beside its results
  const std::string& out = exporting ? config.export_options.output_path : config.job().results_path;
  const bool group_export = config.command == "groups export";  // no results, no runs file
  if (!out.empty() && out != "-" && !group_export) options.results_path = out;
  options.resume = exporting ? config.export_options.resume : config.job().resume;
  if (config.quiet || config.job().dry_run) return options;
  options.progress_out = stderr;
  DetectTerminal(STDERR_FILENO, &options);
  options.interval = std::chrono::seconds(config.progress_interval_s);
  if (config.command != "export" && !group_export)
    options.total = CountCsvRecords(config.job().input_path, config.job().delimiter);
  return options;
}

// Which run this is, for --summary-json and --report (started now). The input is hashed
// only when one of them is asked for, before the run reads it.
RunIdentity IdentityOf(CliConfig& config, int argc, char** argv) {
  RunIdentity id;
  id.started = std::chrono::system_clock::now();
  id.version = OKTA_BULK_VERSION;
  // The token never comes from a flag (cli.cc refuses --token), but one pasted into an
  // argument by mistake is still taken out.
  std::vector<std::string> secrets;
  if (config.http.authorization.starts_with("SSWS "))
    secrets.push_back(config.http.authorization.substr(5));
  if (const char* env = std::getenv("OKTA_CLIENT_TOKEN")) secrets.emplace_back(env);
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  id.command_line = RedactedCommandLine(args, secrets);
  if (config.command != "export" && config.command != "groups export" &&
      !config.command.empty()) {
    id.input_path = config.job().input_path;
    uint64_t bytes = 0;
    std::string why;
    if ((!config.summary_json.empty() || !config.report.empty()) &&
        HashInputFile(id.input_path, &bytes, &id.input_sha256, &why))
      id.input_bytes = bytes;
  }
  const bool sends = config.command == "export" || !config.job().dry_run;
  if (sends) {
    id.org_host = config.http.org.host;
    id.org_url = config.http.org.Origin();
    id.auth = config.oauth ? "OAuth app " + config.oauth->client_id : "API token";
  }
  return id;
}

// --summary-json and --report at the end of a run; a failure to write them is reported but
// does not change the exit status, which is the run's.
void WriteOutputs(RunRecord record, const RunIdentity& identity, const RunMonitor& monitor,
                  const CliConfig& config) {
  record.run = identity;
  record.run.ended = std::chrono::system_clock::now();
  monitor.FillRecord(&record);
  std::string error;
  if (!WriteRunOutputs(record, monitor, config.summary_json, config.report, &error))
    std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(error).c_str());
}

// A run that could not start (exit 2) still leaves its --summary-json for automation, unless
// that file is one at stake (the input, the results, ...: SummaryJsonMayBeWritten).
// `org_looked_up`: a job refused after its look-ups of the org (a group name not found):
// the requests they cost are in the record, as in a run that went on.
void WriteStartFailure(const CliConfig& config, const RunIdentity& identity,
                       const std::string& error, const std::vector<std::string>& other_paths = {},
                       const JobSummary* org_looked_up = nullptr) {
  if (!SummaryJsonMayBeWritten(config, other_paths)) return;
  RunRecord record;
  record.command = config.command;
  record.run = identity;
  record.run.ended = std::chrono::system_clock::now();
  record.exit_code = 2;
  record.abort_reason = error;
  if (org_looked_up) {
    record.org_requests = record.requests = org_looked_up->org_requests;
    for (std::size_t i = 0; i < kBucketCount; ++i)
      record.buckets[i].requests = org_looked_up->org_requests_by_bucket[i];
  }
  std::string write_error;
  if (!WriteFileAtomically(config.summary_json, SummaryJson(record), &write_error))
    std::fprintf(stderr, "okta-bulk: --summary-json: %s\n", TerminalSafe(write_error).c_str());
}

// What the summary JSON and the report say about a groups export.
RunRecord RecordOfGroupExport(const GroupExportSummary& summary) {
  RunRecord r;
  r.command = "groups export";
  r.unit = "groups";
  r.has_outcomes = false;
  r.items = summary.groups;
  r.pages = summary.pages;
  r.elapsed_s = summary.elapsed_s;
  r.requests = summary.stats.requests;
  r.rate_limited = summary.stats.rate_limited;
  r.concurrency_limited = summary.stats.concurrency_limited;
  r.retried = summary.stats.retried;
  r.transport_errors = summary.stats.transport_errors;
  r.exit_code = summary.ExitCode();
  r.abort_reason = !summary.abort_reason.empty() ? summary.abort_reason : summary.error;
  r.interrupted = summary.interrupted;
  return r;
}

std::string ResumeCommand(int argc, char** argv) {
  std::string cmd = "okta-bulk";
  bool has_resume = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    has_resume |= a == "--resume";
    if (a.find_first_of(" \t'\"$") != std::string::npos) a = "'" + a + "'";
    cmd += " " + a;
  }
  if (!has_resume) cmd += " --resume";
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  platform::UseBinaryStandardStreams();  // CSV through pipes byte for byte (Windows)
  {  // okta-bulk completion bash|zsh|fish, okta-bulk man: generated from the help text
    std::string text, doc_error;
    int doc_exit = 0;
    if (RunDocCommand(std::vector<std::string>(argv + std::min(argc, 1), argv + argc), &text,
                      &doc_error, &doc_exit)) {
      std::fputs(text.c_str(), stdout);
      if (!doc_error.empty()) std::fprintf(stderr, "okta-bulk: %s\n", doc_error.c_str());
      return doc_exit;
    }
  }
  CliConfig config;
  std::string error;
  if (!ParseCommandLine(argc, argv, &config, &error)) {
    std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(error).c_str());
    // The summary JSON is written when the flag was read and names no other argument's file
    // (the rest of the line was not understood: any argument may be the input).
    std::vector<std::string> arguments;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.starts_with("--summary-json=") || std::string_view(argv[i - 1]) == "--summary-json")
        continue;  // the summary JSON's own path
      if (a.starts_with("--") && a.find('=') != std::string::npos) a.erase(0, a.find('=') + 1);
      arguments.push_back(std::move(a));
    }
    arguments.push_back(JobOptions().results_path);  // -o's default
    WriteStartFailure(config, IdentityOf(config, argc, argv), error, arguments);
    return 2;
  }
  if (config.help) {
    std::fputs(config.help_text.c_str(), stdout);
    return 0;
  }
  if (!CheckRunFiles(config, &error)) {
    std::fprintf(stderr, "okta-bulk: %s\n", error.c_str());
    // Unless the summary JSON is one of the files at stake.
    WriteStartFailure(config, IdentityOf(config, argc, argv), error);
    return 2;
  }
  RunIdentity identity = IdentityOf(config, argc, argv);
  if (!ConfirmDestructive(config, &error)) {
    std::fprintf(stderr, "okta-bulk: %s\n", error.c_str());
    WriteStartFailure(config, identity, error);
    return 2;
  }
  // sync --deactivate-missing asks once the org is read (the count is known only then).
  config.sync.confirm_deactivations = DeactivationQuestion(config);
  identity.started = std::chrono::system_clock::now();  // after any question was answered
  try {
    asio::io_context io;
    NoTransport no_transport;
    std::unique_ptr<HttpClient> client;
    std::unique_ptr<OAuthAuthenticator> oauth;
    // A dry run with credentials asks the org for its schema and groups, nothing else.
    if (!config.job().dry_run || config.job().org_checks)
      client = std::make_unique<HttpClient>(io.get_executor(), config.http);
    if (client && config.oauth) {  // token requests go through the same client, unauthenticated
      oauth = std::make_unique<OAuthAuthenticator>(io.get_executor(), *client,
                                                   config.http.org.Origin(), *config.oauth);
      client->SetAuthenticator(oauth.get());
    }
    HttpTransport& transport = client ? static_cast<HttpTransport&>(*client) : no_transport;

    asio::signal_set signals(io, SIGINT, SIGTERM);
#ifdef SIGBREAK  // Windows: Ctrl-Break too; Ctrl-C comes as SIGINT through the C runtime
    signals.add(SIGBREAK);
#endif
    int signal_count = 0;
    std::function<void(const boost::system::error_code&, int)> on_signal;
    Dispatcher* dispatcher = nullptr;
    on_signal = [&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (++signal_count > 1) {
        // Even this way out names the command that completes the job: the rows in flight
        // have no result yet, so --resume sends them again (a create finds its own user).
        // (export never gets here: its first interrupt exits at once.)
        std::fprintf(stderr,
                     "\nokta-bulk: second interrupt, exiting now; results written so far are "
                     "intact. To complete the job:\n  %s\n",
                     ResumeCommand(argc, argv).c_str());
        // Posted, not called: a batch of finished rows whose write to results.csv is already
        // queued on this loop (ResultsSink::SetFlushPoster) goes out first.
        asio::post(io, [] { ::_exit(130); });
        return;
      }
      if (config.command == "export") {  // pages are written whole: the file ends on a row
        const std::string& out = config.export_options.output_path;
        if (out == "-") {
          std::fputs("\nokta-bulk: interrupted; stdout holds the pages written so far\n", stderr);
        } else {  // the state beside the file says where to go on (saved after every page)
          std::fprintf(stderr,
                       "\nokta-bulk: interrupted; %s holds the pages written so far. "
                       "To continue the export:\n  %s\n",
                       out.c_str(), ResumeCommand(argc, argv).c_str());
        }
        ::_exit(130);
      }
      if (dispatcher) {
        const auto grace = std::chrono::duration_cast<std::chrono::seconds>(
            config.job().dispatch.interrupt_grace);
        std::fprintf(stderr,
                     "\nokta-bulk: interrupted: no new requests; waiting at most %lld s for the "
                     "%llu in flight (press Ctrl-C again to exit at once)\n",
                     static_cast<long long>(grace.count()),
                     static_cast<unsigned long long>(dispatcher->stats().in_flight));
        dispatcher->Interrupt();
      }
      signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);

    RunMonitor monitor(MonitorOptionsFor(config));
    config.job().observer = &monitor;
    config.export_options.observer = &monitor;
    config.groups_export.observer = &monitor;
    auto on_dispatcher = [&](Dispatcher& d) {
      dispatcher = &d;
      if (signal_count > 0) d.Interrupt();  // interrupted while the job was starting
    };
    if (config.command == "export") {
      ExportSummary exported;
      if (!RunExport(io, transport, config.export_options, &exported, &error, on_dispatcher)) {
        std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(error).c_str());
        WriteStartFailure(config, identity, error);
        return 2;
      }
      WriteOutputs(RecordOf(exported), identity, monitor, config);
      // With -o - the CSV owns stdout: the summary goes to stderr.
      const bool to_stderr = exported.ExitCode() != 0 || config.export_options.output_path == "-";
      if (!config.quiet || exported.ExitCode() != 0)
        std::fprintf(to_stderr ? stderr : stdout, "%s\n",
                     TerminalSafe(exported.Describe()).c_str());
      return exported.ExitCode();
    }
    if (config.command == "groups export") {
      GroupExportSummary exported;
      if (!RunGroupExport(io, transport, config.groups_export, &exported, &error, on_dispatcher)) {
        std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(error).c_str());
        WriteStartFailure(config, identity, error);
        return 2;
      }
      WriteOutputs(RecordOfGroupExport(exported), identity, monitor, config);
      // With -o - the CSV owns stdout: the summary goes to stderr.
      const bool to_stderr = exported.ExitCode() != 0 || config.groups_export.output_path == "-";
      if (!config.quiet || exported.ExitCode() != 0)
        std::fprintf(to_stderr ? stderr : stdout, "%s\n",
                     TerminalSafe(exported.Describe()).c_str());
      return exported.ExitCode();
    }
    JobSummary summary;
    PlanCounts sync_plan;
    bool ok = config.command == "import"
                  ? RunImport(io, transport, config.import, &summary, &error, on_dispatcher)
              : config.command == "sync"
                  ? RunSync(io, transport, config.sync, &summary, &error, on_dispatcher, &sync_plan)
              : config.command == "groups create"
                  ? RunGroupCreate(io, transport, config.groups_create, &summary, &error,
                                   on_dispatcher)
                  : RunUserOp(io, transport, config.op, &summary, &error, on_dispatcher);
    if (!ok) {
      std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(error).c_str());
      WriteStartFailure(config, identity, error, {}, &summary);
      return 2;
    }
    RunRecord record = RecordOf(summary);
    if (config.command == "sync") record.sync_plan = sync_plan;  // the plan's counts (issue 17)
    WriteOutputs(record, identity, monitor, config);
    if (!config.quiet || summary.ExitCode() >= 3)
      std::fprintf(summary.ExitCode() >= 3 ? stderr : stdout, "%s\n",
                   TerminalSafe(summary.Describe()).c_str());
    if (summary.interrupted || !summary.abort_reason.empty())
      std::fprintf(stderr,
                   "okta-bulk: rows missing from %s were not sent or did not finish. "
                   "To complete them:\n  %s\n",
                   config.job().results_path.c_str(), ResumeCommand(argc, argv).c_str());
    return summary.ExitCode();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "okta-bulk: %s\n", TerminalSafe(e.what()).c_str());
    WriteStartFailure(config, identity, e.what());
    return 2;
  }
}
