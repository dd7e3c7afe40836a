// DispatchCore: the dispatcher's decisions as a sans-I/O state machine (issue 12). It owns the
// open rows (tasks), one FIFO per rate-limit bucket plus a priority FIFO per bucket, the
// delayed set (backoff, concurrency pauses, a task's own retry), and decides which task goes
// next, when to wait, what an answer means (done, retry, give up, abort the run), when an
// interrupt abandons the requests in flight and when a run without progress has stalled.
// Time is always a parameter, as in RateGovernor and StallWatch, so tests drive it on a fake
// clock; the Dispatcher coroutine only does the I/O the core asks for.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "net/rate_governor.h"
#include "net/retry_policy.h"
#include "pipeline/engine/latency_histogram.h"
#include "pipeline/engine/stall_watch.h"
#include "pipeline/engine/task.h"
#include "pipeline/okta/okta_json.h"

namespace okta_bulk {

// Where tasks come from. Next() returns nullptr at the end of the input. It may write
// results of its own (invalid rows) before returning.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  virtual std::unique_ptr<Task> Next() = 0;
};

struct DispatcherOptions {
  int workers = 8;                 // --concurrency: requests in flight at most
  int max_attempts = 5;            // --max-attempts: tries of one request on transient failures
  std::chrono::milliseconds backoff_base{300};
  std::chrono::milliseconds backoff_cap{20000};
  int max_rate_limited = 200;      // 429s one request may meet before its row fails
  std::size_t max_live_tasks = 0;  // rows open at once; 0 = 4 x workers
  // Rows open at once while a bucket is spent, so that rows needing other buckets (or able
  // to use one instead, see Task::TryAlternative) keep flowing; 0 = max(1024, the above).
  std::size_t max_live_tasks_blocked = 0;
  uint64_t seed = 0;               // 0 = random
  // After Interrupt(), how long requests in flight may still finish before they are
  // abandoned (HttpTransport::CancelAll). okta-bulk: 5 s, --request-timeout at most.
  std::chrono::milliseconds interrupt_grace{5000};
  // --max-stall: the longest wait without any row finishing before the run stops (exit 3);
  // shorter once rate-limit resets have been seen (see StallWatch).
  std::chrono::seconds max_stall{900};
  // The requests carry an OAuth access token: a 403 E0000006 is a missing scope, and the
  // row's error names it (okta/okta_scopes.h). Also recognised without this flag by a
  // WWW-Authenticate header saying insufficient_scope.
  bool oauth = false;
};

struct DispatcherStats {
  uint64_t requests = 0;
  uint64_t rate_limited = 0;        // bucket 429s
  uint64_t concurrency_limited = 0; // 429s with x-rate-limit-limit: 0
  uint64_t retried = 0;             // transient failures retried
  uint64_t transport_errors = 0;
  // For progress and reports (kept cheap: fixed arrays, no allocation per request).
  uint64_t in_flight = 0;           // requests sent and not yet answered, now
  std::array<uint64_t, kBucketCount> requests_by_bucket{};
  std::array<uint64_t, kBucketCount> rate_limited_by_bucket{};         // bucket 429s
  std::array<uint64_t, kBucketCount> concurrency_limited_by_bucket{};  // concurrency 429s
  // Send to answer (or to transport failure) of every request.
  LatencyHistogram latency;
};

// The decisions of a Dispatcher run. Single-threaded: one owner calls every method (the
// dispatcher's io_context thread, or a test). `governor`, `run`, `source` and `transport`
// must outlive the core; `transport` is only asked for its messages (auth_failure(),
// refusal_advice(), Describe()), never to send. The core owns every task it took from
// `source` until it hands it to `on_done` (then deletes it) or drops it.
//
// How a caller drives it: each worker asks Next(now). On kSend it sends task->request() and
// reports the outcome with OnAnswer exactly once (sent_at: when it was sent, not before that
// `now`). On kWait it asks again at `until`, or earlier after any OnAnswer or Interrupt
// (`until == TimePoint::max()`: only then). On kStop it ends. A watchdog calls Watch(now) and
// again at the time it says (or after Interrupt). When every worker has ended, DropRest().
class DispatchCore {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // What a worker does next.
  struct Order {
    enum Kind : unsigned char {
      kSend,  // send task->request() now (a permit of its bucket is held), then OnAnswer
      kWait,  // ask again at `until`, or after the next OnAnswer or Interrupt
      kStop,  // every row is done, or the run stops (aborted, interrupted): the worker ends
    } kind = kStop;
    Task* task = nullptr;                // kSend
    TimePoint until = TimePoint::max();  // kWait; max(): until an answer or an interrupt
  };

  // What became of a task after OnAnswer.
  enum class Fate : unsigned char {
    kFinished,  // its row ended: on_done has seen it and it is deleted
    kQueued,    // waits in its bucket's queue: a next request, or a 429 waited out through
                // the governor (first in line at the bucket's reset)
    kDelayed,   // waits until `at`: backoff, a concurrency pause, the task's own retry
    kDropped,   // the run stops: deleted without a result, counted in unfinished()
  };
  struct AnswerResult {
    Fate fate = Fate::kFinished;
    TimePoint at{};  // kDelayed: when it goes back into its bucket's queue
  };

  // What the watchdog does.
  struct WatchOrder {
    bool cancel_in_flight = false;  // abandon every request in flight now (CancelAll)
    bool wake_workers = false;      // the run has just stopped: waiting workers look again
    TimePoint next = TimePoint::max();  // call Watch again then (or after Interrupt)
  };

  // A bucket that refuses for longer than this counts as spent: its tasks are offered
  // their alternatives (Task::TryAlternative) and more rows are opened.
  static constexpr std::chrono::milliseconds kBlockedAfter{100};

  // `start`: when the run starts (the stall watch's first progress, and the origin of the
  // run's server start estimate). `on_done` receives every finished task (its result()
  // filled); returning false aborts the run. Jitter comes from options.seed (0 = random).
  DispatchCore(RateGovernor& governor, RunContext& run, TaskSource& source,
               const HttpTransport& transport, DispatcherOptions options,
               std::function<bool(Task&)> on_done, TimePoint start);
  ~DispatchCore();
  DispatchCore(const DispatchCore&) = delete;
  DispatchCore& operator=(const DispatchCore&) = delete;

  // Opens rows from the source as allowed, moves delayed tasks whose time has come into
  // their queues, and picks a task whose bucket the governor lets go (round-robin between
  // buckets; within one, the priority FIFO before the plain FIFO). A task handed out counts
  // one attempt and one request in flight.
  Order Next(TimePoint now);

  // The answer to a task handed out by Next: `result` is the transport's (a response or an
  // error). Releases the governor's permit, learns from the headers, and retries, gives up,
  // finishes or advances the task; may abort the run (401, certificate, no connection,
  // credentials unobtainable). While the run stops, a task that did not succeed is dropped.
  AnswerResult OnAnswer(Task* task, TimePoint sent_at, TimePoint now,
                        boost::system::result<HttpResponse>& result);

  // Ctrl-C / SIGTERM: Next hands out nothing more; requests in flight get
  // options.interrupt_grace (see Watch). A second call does nothing.
  void Interrupt(TimePoint now);

  // The watchdog's decision at `now`: after an interrupt, abandon the requests in flight once
  // the grace is over; without progress for StallWatch's bound, abort the run (a stall) and
  // abandon them at once; otherwise sleep until the stall deadline.
  WatchOrder Watch(TimePoint now);

  // The run is over (every worker ended): tasks still queued or delayed are dropped without
  // a result (--resume sends them again) and counted in unfinished().
  void DropRest();

  // Stops the run for `reason` (the first reason is kept): Next hands out nothing more, and
  // answers that are not a success drop their task. For the caller's own failures (an
  // internal error in a worker); the core aborts by itself on 401 and the like.
  void Abort(std::string reason);

  bool interrupted() const { return interrupted_; }
  bool aborted() const { return !abort_reason_.empty(); }
  bool stopping() const { return aborted() || interrupted_; }
  const std::string& abort_reason() const { return abort_reason_; }
  uint64_t unfinished() const { return unfinished_; }
  const DispatcherStats& stats() const { return stats_; }
  std::size_t live_tasks() const { return live_; }
  // Tasks waiting for a permit of `bucket` now (not in flight, not delayed).
  std::size_t queued(Bucket bucket) const {
    const auto b = static_cast<std::size_t>(bucket);
    return ready_[b].size() + first_[b].size();
  }
  std::size_t delayed() const { return delayed_.size(); }
  const RateGovernor& governor() const { return governor_; }
  const DispatcherOptions& options() const { return options_; }

 private:
  struct Delayed {
    TimePoint at;
    uint64_t seq;
    Task* task;
    bool operator>(const Delayed& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void Enqueue(Task* task);
  TimePoint Delay(Task* task, TimePoint now, Clock::duration delay);
  void Finish(Task* task, TimePoint now);
  void Drop(Task* task);
  double Random01();
  // Lets tasks stuck behind spent `bucket` switch to another bucket; true if any did.
  bool OfferAlternatives(std::size_t bucket);

  RateGovernor& governor_;
  RunContext& run_;
  TaskSource& source_;
  const HttpTransport& transport_;
  DispatcherOptions options_;
  RetryOptions retry_options_;
  std::function<bool(Task&)> on_done_;
  ResponseReader reader_;
  std::mt19937_64 rng_;

  std::array<std::deque<Task*>, kBucketCount> ready_;
  std::array<std::deque<Task*>, kBucketCount> first_;  // served before ready_ (kNextFirst)
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  uint64_t delayed_seq_ = 0;
  std::size_t live_ = 0;
  std::size_t next_bucket_ = 0;
  bool source_done_ = false;
  bool any_response_ = false;  // some request of this run got an HTTP response
  bool blocked_ = false;       // some bucket with waiting tasks is spent
  bool interrupted_ = false;
  bool stalled_ = false;  // aborted by the StallWatch: requests in flight are abandoned
  TimePoint interrupted_at_{};
  uint64_t unfinished_ = 0;
  std::string abort_reason_;
  DispatcherStats stats_;
  TimePoint run_started_;
  StallWatch stall_;
};

}  // namespace okta_bulk
