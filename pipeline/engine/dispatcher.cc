#include "pipeline/engine/dispatcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <exception>

namespace okta_bulk {

namespace asio = boost::asio;

Dispatcher::Dispatcher(asio::any_io_executor executor, HttpTransport& transport,
                       RateGovernor& governor, RunContext& run, TaskSource& source,
                       DispatcherOptions options, std::function<bool(Task&)> on_done)
    : executor_(executor),
      transport_(transport),
      core_(governor, run, source, transport, options, std::move(on_done), Clock::now()) {}

void Dispatcher::Interrupt() {
  if (core_.interrupted()) return;
  core_.Interrupt(Clock::now());
  Notify();
  if (watchdog_timer_) watchdog_timer_->cancel();  // re-arms at the end of the grace
}

void Dispatcher::Notify() {
  for (asio::steady_timer* t : waiting_) t->cancel();
}

void Dispatcher::Abort(std::string reason) {
  core_.Abort(std::move(reason));
  Notify();
}

asio::awaitable<void> Dispatcher::Watchdog(asio::steady_timer& timer) {
  while (!finished_) {
    const DispatchCore::WatchOrder order = core_.Watch(Clock::now());
    if (order.wake_workers) Notify();
    if (order.cancel_in_flight) transport_.CancelAll();  // the Send()s end with operation_aborted
    timer.expires_at(order.next);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Dispatcher::Worker() {
  asio::steady_timer timer(executor_);
  for (;;) {
    const DispatchCore::Order order = core_.Next(Clock::now());
    if (order.kind == DispatchCore::Order::kStop) co_return;
    if (order.kind == DispatchCore::Order::kWait) {
      // Each worker sleeps on its own timer: re-arming a shared one would cancel the others'
      // waits and make them wake each other forever.
      timer.expires_at(order.until);
      waiting_.push_back(&timer);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      std::erase(waiting_, &timer);
      continue;
    }
    Task* task = order.task;
    const auto sent_at = Clock::now();
    boost::system::result<HttpResponse> result = co_await transport_.Send(task->request().http);
    const auto answered_at = Clock::now();
    core_.OnAnswer(task, sent_at, answered_at, result);
    Notify();  // a permit is released either way: waiting workers look again
  }
}

void Dispatcher::RunToCompletion(asio::io_context& io) {
  std::exception_ptr failure;
  asio::co_spawn(io, Run(), [&](std::exception_ptr e) {
    failure = e;
    io.stop();
  });
  io.restart();  // a job may run more than one dispatcher on `io` (org look-ups first)
  io.run();
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<void> Dispatcher::Run() {
  const int workers = core_.options().workers;
  int running = workers;
  asio::steady_timer all_done(executor_, Clock::time_point::max());
  for (int i = 0; i < workers; ++i) {
    auto on_exit = [&running, &all_done, this](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          Abort(std::string("internal error in a worker: ") + ex.what());
        }
      }
      if (--running == 0) all_done.cancel();
      Notify();
    };
    asio::co_spawn(executor_, Worker(), on_exit);
  }
  asio::steady_timer watchdog_timer(executor_);
  watchdog_timer_ = &watchdog_timer;
  bool watchdog_done = false;
  auto on_watchdog_exit = [&](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        Abort(std::string("internal error in the watchdog: ") + ex.what());
      }
    }
    watchdog_done = true;
    all_done.cancel();
  };
  asio::co_spawn(executor_, Watchdog(watchdog_timer), on_watchdog_exit);
  while (running > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  finished_ = true;
  watchdog_timer.cancel();
  while (!watchdog_done) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  watchdog_timer_ = nullptr;
  // Tasks still queued after an abort or an interrupt are dropped without a result: --resume
  // redoes them.
  core_.DropRest();
}

}  // namespace okta_bulk
