#include "pipeline/engine/single_task.h"

namespace okta_bulk {

SingleTaskOutcome RunSingleTask(boost::asio::io_context& io, HttpTransport& transport,
                                std::unique_ptr<Task> task, const SingleTaskRun& options) {
  SingleTaskOutcome outcome;
  OneTaskSource source(std::move(task));
  RunContext run;
  RateGovernor governor(options.governor);
  DispatcherOptions dispatch = options.dispatch;
  dispatch.workers = 1;  // one cursor: pages come one after another
  Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, dispatch,
                        [&](Task& t) {  // the task dies after this call
                          if (options.on_end) options.on_end(t);
                          outcome.result = t.result();
                          outcome.finished = true;
                          return true;
                        });
  if (options.on_dispatcher) options.on_dispatcher(dispatcher);
  if (options.observer) {
    RunView view = options.view;
    view.executor = io.get_executor();
    view.dispatcher = &dispatcher;
    view.governor = &governor;
    options.observer->OnStart(view);
  }
  dispatcher.RunToCompletion(io);
  if (options.observer) options.observer->OnFinish();
  outcome.abort_reason = dispatcher.abort_reason();
  outcome.stats = dispatcher.stats();
  return outcome;
}

}  // namespace okta_bulk
