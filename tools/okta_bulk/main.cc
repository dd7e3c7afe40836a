// okta-bulk: a thin shell over the pipeline library.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>

#include "net/http_client.h"
#include "pipeline/import_job.h"
#include "tools/okta_bulk/cli.h"

namespace asio = boost::asio;
using namespace okta_bulk;

int main(int argc, char** argv) {
  CliConfig config;
  std::string error;
  if (!ParseCommandLine(argc, argv, &config, &error)) {
    std::fprintf(stderr, "okta-bulk: %s\n", error.c_str());
    return 2;
  }
  if (config.help) {
    std::fputs(config.help_text.c_str(), stdout);
    return 0;
  }
  try {
    asio::io_context io;
    HttpClient client(io.get_executor(), config.http);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    int signal_count = 0;
    std::function<void(const boost::system::error_code&, int)> on_signal;
    Dispatcher* dispatcher = nullptr;
    on_signal = [&](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (++signal_count > 1) {
        std::fputs("\nokta-bulk: second interrupt, exiting now; results written so far are intact\n",
                   stderr);
        ::_exit(130);
      }
      std::fputs("\nokta-bulk: interrupted: finishing the requests in flight "
                 "(press Ctrl-C again to exit at once)\n", stderr);
      if (dispatcher) dispatcher->StopIntake();
      signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);

    JobSummary summary;
    bool ok = RunImport(io, client, config.import, &summary, &error, [&](Dispatcher& d) {
      dispatcher = &d;
    });
    if (!ok) {
      std::fprintf(stderr, "okta-bulk: %s\n", error.c_str());
      return 2;
    }
    if (!config.quiet || summary.ExitCode() >= 3)
      std::fprintf(summary.ExitCode() >= 3 ? stderr : stdout, "%s\n", summary.Describe().c_str());
    if (summary.interrupted)
      std::fprintf(stderr,
                   "okta-bulk: rows missing from %s were not sent or did not finish; "
                   "run the same command again with --resume to complete them\n",
                   config.import.results_path.c_str());
    return summary.ExitCode();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "okta-bulk: %s\n", e.what());
    return 2;
  }
}
