// Running one Task alone: a paged listing (export, groups export) or the look-ups before a
// job (org_lookup) is a single Task that asks for one page after another. It runs on a
// Dispatcher of its own with one worker, paced by its own RateGovernor and retried like any
// row's request, so a 429 or a 503 is waited out, not fatal.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "net/http_transport.h"
#include "net/rate_governor.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/engine/job_observer.h"
#include "pipeline/engine/row_result.h"
#include "pipeline/engine/task.h"

namespace okta_bulk {

// A TaskSource of one task: hands it out once, then nothing.
class OneTaskSource final : public TaskSource {
 public:
  explicit OneTaskSource(std::unique_ptr<Task> task) : task_(std::move(task)) {}
  std::unique_ptr<Task> Next() override { return std::move(task_); }

 private:
  std::unique_ptr<Task> task_;
};

struct SingleTaskRun {
  GovernorOptions governor;
  DispatcherOptions dispatch;  // its `workers` is ignored: one cursor, one request at a time
  // Shown the dispatcher before it runs (Ctrl-C reaches the run through it); optional.
  std::function<void(Dispatcher&)> on_dispatcher;
  // Told OnStart (with `view`, its executor, dispatcher and governor filled in) and OnFinish;
  // optional, not owned.
  JobObserver* observer = nullptr;
  RunView view;
  // Sees the task when it ends, before it is destroyed (to copy what it gathered); optional.
  std::function<void(Task&)> on_end;
};

struct SingleTaskOutcome {
  bool finished = false;     // the task ended; false: interrupted, or the dispatcher aborted
  RowResult result;          // the task's result, when finished
  std::string abort_reason;  // why the dispatcher stopped the run (e.g. the token was
                             // refused); "" when it did not
  DispatcherStats stats;
};

// Runs `task` to its end on `io` (single-threaded) through `transport`. Errors are in the
// outcome; nothing is thrown for I/O.
SingleTaskOutcome RunSingleTask(boost::asio::io_context& io, HttpTransport& transport,
                                std::unique_ptr<Task> task, const SingleTaskRun& run);

}  // namespace okta_bulk
