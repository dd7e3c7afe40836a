// Dispatcher: drives Tasks over an HttpTransport with a fixed set of worker coroutines.
// Every decision is DispatchCore's (dispatch_core.h: which task goes next and when, retries
// with capped jittered backoff, 429s waited out through the RateGovernor, alternatives for
// tasks behind a spent bucket, interrupt, stall, abort); the dispatcher only does the I/O
// it asks for: it sends, sleeps on timers, wakes waiting workers and abandons requests in
// flight. Single-threaded: everything runs on one io_context thread.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "net/rate_governor.h"
#include "pipeline/engine/dispatch_core.h"
#include "pipeline/engine/task.h"

namespace okta_bulk {

class Dispatcher {
 public:
  // `on_done` receives every finished task (its result() filled); returning false aborts
  // the run (e.g. the results file cannot be written). All references must outlive Run().
  Dispatcher(boost::asio::any_io_executor executor, HttpTransport& transport,
             RateGovernor& governor, RunContext& run, TaskSource& source,
             DispatcherOptions options, std::function<bool(Task&)> on_done);

  // Runs until every task is done, or the run is aborted. Errors: none thrown for I/O.
  boost::asio::awaitable<void> Run();
  // Runs Run() on `io` (which must drive this dispatcher's executor) until it ends, then
  // stops `io`, even though other work (a signal handler) still waits on it. Rethrows what
  // Run() threw.
  void RunToCompletion(boost::asio::io_context& io);

  // Ctrl-C / SIGTERM: no request is sent after this call, wherever the workers wait (a
  // spent bucket, a backoff, a 429 pause). Requests in flight get options.interrupt_grace
  // to finish; then the transport abandons them. Rows not finished get no result, so
  // --resume sends them. Run() ends once the requests in flight are done or abandoned.
  void Interrupt();
  bool interrupted() const { return core_.interrupted(); }
  // Rows open when the run ended without a result (interrupted, aborted): --resume sends them.
  uint64_t unfinished() const { return core_.unfinished(); }

  // Set when the org refused our credentials (401, or 403 E0000005), when the transport can
  // get no credential at all (AuthFailedError: its auth_failure() message is the reason), or
  // when on_done failed: every later row would fail the same way, so the run stops at once.
  bool aborted() const { return core_.aborted(); }
  const std::string& abort_reason() const { return core_.abort_reason(); }
  const DispatcherStats& stats() const { return core_.stats(); }
  std::size_t live_tasks() const { return core_.live_tasks(); }
  // Tasks waiting for a permit of `bucket` now (not in flight, not delayed for a retry).
  std::size_t queued(Bucket bucket) const { return core_.queued(bucket); }
  const RateGovernor& governor() const { return core_.governor(); }

 private:
  using Clock = std::chrono::steady_clock;

  // Asks the core for a task, sends it and feeds the answer back, until the core says stop.
  boost::asio::awaitable<void> Worker();
  // Does what DispatchCore::Watch says: abandons the requests in flight after an interrupt's
  // grace or a stall, and wakes the workers when a stall ends the run.
  boost::asio::awaitable<void> Watchdog(boost::asio::steady_timer& timer);
  // Wakes every worker waiting on its timer, to ask the core again.
  void Notify();
  void Abort(std::string reason);

  boost::asio::any_io_executor executor_;
  HttpTransport& transport_;
  DispatchCore core_;
  std::vector<boost::asio::steady_timer*> waiting_;  // timers of workers waiting for work
  bool finished_ = false;  // every worker has returned
  boost::asio::steady_timer* watchdog_timer_ = nullptr;
};

}  // namespace okta_bulk
