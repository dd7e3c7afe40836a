// Dispatcher: drives Tasks over an HttpTransport with a fixed set of worker coroutines.
// Ready tasks wait in one FIFO per rate-limit bucket; a worker takes a task only when the
// RateGovernor grants a permit for that task's bucket, so a spent bucket (say, creates)
// never holds back tasks that need another one (lookups, group assignments).
// Transient failures (5xx, transport errors) are retried with capped, fully jittered
// exponential backoff; 429s are waited out through the governor and never count as the
// row's failure. Single-threaded: everything runs on one io_context thread.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "net/rate_governor.h"
#include "pipeline/engine/dispatch_core.h"
#include "net/retry_policy.h"
#include "pipeline/engine/latency_histogram.h"
#include "pipeline/engine/stall_watch.h"
#include "pipeline/okta/okta_json.h"
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
  bool interrupted() const { return interrupted_; }
  // Rows open when the run ended without a result (interrupted, aborted): --resume sends them.
  uint64_t unfinished() const { return unfinished_; }

  // Set when the org refused our credentials (401, or 403 E0000005), when the transport can
  // get no credential at all (AuthFailedError: its auth_failure() message is the reason), or
  // when on_done failed: every later row would fail the same way, so the run stops at once.
  bool aborted() const { return !abort_reason_.empty(); }
  const std::string& abort_reason() const { return abort_reason_; }
  const DispatcherStats& stats() const { return stats_; }
  std::size_t live_tasks() const { return live_; }
  // Tasks waiting for a permit of `bucket` now (not in flight, not delayed for a retry).
  std::size_t queued(Bucket bucket) const {
    const auto b = static_cast<std::size_t>(bucket);
    return ready_[b].size() + first_[b].size();
  }
  const RateGovernor& governor() const { return governor_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Delayed {
    Clock::time_point at;
    uint64_t seq;
    Task* task;
    bool operator>(const Delayed& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  boost::asio::awaitable<void> Worker();
  boost::asio::awaitable<Task*> Acquire(boost::asio::steady_timer& timer);
  void Complete(Task* task, Clock::time_point sent_at, Clock::time_point now,
                boost::system::result<HttpResponse>& result);
  void Enqueue(Task* task);
  void Delay(Task* task, Clock::duration delay);
  void Finish(Task* task);
  void Drop(Task* task);
  // Lets tasks stuck behind spent `bucket` switch to another bucket; true if any did.
  bool OfferAlternatives(std::size_t bucket);
  // A bucket that refuses for longer than this counts as spent.
  static constexpr std::chrono::milliseconds kBlockedAfter{100};
  void Abort(std::string reason);
  void Notify();
  // Ends the run when no row has finished for too long (StallWatch), or abandons the
  // requests in flight once an interrupt's grace is over.
  boost::asio::awaitable<void> Watchdog(boost::asio::steady_timer& timer);

  boost::asio::any_io_executor executor_;
  HttpTransport& transport_;
  RateGovernor& governor_;
  RunContext& run_;
  TaskSource& source_;
  DispatcherOptions options_;
  RetryOptions retry_options_;
  std::function<bool(Task&)> on_done_;
  ResponseReader reader_;
  std::vector<boost::asio::steady_timer*> waiting_;  // timers of workers waiting for work
  std::mt19937_64 rng_;

  std::array<std::deque<Task*>, kBucketCount> ready_;
  std::array<std::deque<Task*>, kBucketCount> first_;  // served before ready_ (kNextFirst)
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  uint64_t delayed_seq_ = 0;
  std::size_t live_ = 0;
  std::size_t next_bucket_ = 0;
  bool source_done_ = false;
  bool any_response_ = false;
  bool blocked_ = false;       // some bucket with waiting tasks is spent  // some request of this run got an HTTP response
  bool interrupted_ = false;
  bool finished_ = false;  // every worker has returned
  bool stalled_ = false;   // aborted by the StallWatch: requests in flight are abandoned
  Clock::time_point interrupted_at_{};
  uint64_t unfinished_ = 0;
  std::string abort_reason_;
  DispatcherStats stats_;
  Clock::time_point run_started_ = Clock::now();
  StallWatch stall_;
  boost::asio::steady_timer* watchdog_timer_ = nullptr;
};

}  // namespace okta_bulk
