#include "pipeline/dispatcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>

#include "net/rate_limit_headers.h"

namespace okta_bulk {

namespace asio = boost::asio;

Dispatcher::Dispatcher(asio::any_io_executor executor, HttpTransport& transport,
                       RateGovernor& governor, RunContext& run, TaskSource& source,
                       DispatcherOptions options, std::function<bool(Task&)> on_done)
    : executor_(executor),
      transport_(transport),
      governor_(governor),
      run_(run),
      source_(source),
      options_(options),
      on_done_(std::move(on_done)),
      wake_(executor, Clock::time_point::max()),
      rng_(options.seed ? options.seed : std::random_device{}()) {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.max_live_tasks == 0) options_.max_live_tasks = 4 * options_.workers;
}

void Dispatcher::StopIntake() {
  intake_stopped_ = true;
  Notify();
}

void Dispatcher::Notify() { wake_.cancel(); }

void Dispatcher::Abort(std::string reason) {
  if (abort_reason_.empty()) abort_reason_ = std::move(reason);
  Notify();
}

Dispatcher::Clock::duration Dispatcher::Backoff(int failures) {
  // Full jitter: uniform in [0, min(cap, base * 2^(failures-1))].
  auto ceiling = options_.backoff_base * (1LL << std::min(failures - 1, 20));
  if (ceiling > options_.backoff_cap) ceiling = options_.backoff_cap;
  std::uniform_int_distribution<int64_t> pick(0, ceiling.count());
  return std::chrono::milliseconds(pick(rng_));
}

void Dispatcher::Enqueue(Task* task) {
  ready_[static_cast<std::size_t>(task->request().bucket)].push_back(task);
}

void Dispatcher::Delay(Task* task, Clock::duration delay) {
  delayed_.push({Clock::now() + delay, delayed_seq_++, task});
}

void Dispatcher::Finish(Task* task) {
  std::unique_ptr<Task> owned(task);
  --live_;
  task->result().attempts = task->attempts;
  if (!on_done_(*task)) Abort("cannot write the results file");
}

asio::awaitable<Task*> Dispatcher::Acquire() {
  for (;;) {
    if (aborted()) co_return nullptr;
    auto now = Clock::now();
    while (!delayed_.empty() && delayed_.top().at <= now) {
      Enqueue(delayed_.top().task);
      delayed_.pop();
    }
    while (!source_done_ && !intake_stopped_ && live_ < options_.max_live_tasks) {
      std::unique_ptr<Task> task = source_.Next();
      if (!task) {
        source_done_ = true;
        break;
      }
      ++live_;
      Enqueue(task.release());
    }
    if (live_ == 0 && (source_done_ || intake_stopped_)) co_return nullptr;

    Clock::time_point wake_at = delayed_.empty() ? Clock::time_point::max() : delayed_.top().at;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      std::size_t b = (next_bucket_ + i) % kBucketCount;
      if (ready_[b].empty()) continue;
      auto decision = governor_.TryAcquire(static_cast<Bucket>(b), now);
      if (decision.go) {
        Task* task = ready_[b].front();
        ready_[b].pop_front();
        next_bucket_ = (b + 1) % kBucketCount;  // round-robin between buckets
        co_return task;
      }
      if (decision.retry_at < wake_at) wake_at = decision.retry_at;
    }
    wake_.expires_at(wake_at);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Dispatcher::Worker() {
  for (;;) {
    Task* task = co_await Acquire();
    if (!task) co_return;
    auto sent_at = Clock::now();
    ++task->attempts;
    ++stats_.requests;
    boost::system::result<HttpResponse> result = co_await transport_.Send(task->request().http);
    Complete(task, sent_at, result);
  }
}

void Dispatcher::Complete(Task* task, Clock::time_point sent_at,
                          boost::system::result<HttpResponse>& result) {
  const Bucket bucket = task->request().bucket;
  auto now = Clock::now();
  Notify();  // a permit is released either way: waiting workers look again

  if (!result) {
    governor_.OnNoResponse(bucket, now, sent_at);
    ++stats_.transport_errors;
    task->OnNoResponse();
    if (++task->failures < options_.max_attempts && !aborted()) {
      ++stats_.retried;
      Delay(task, Backoff(task->failures));
    } else {
      task->OnGiveUp(0, "", "network error after " + std::to_string(task->failures) +
                                " attempts: " + result.error().message());
      Finish(task);
    }
    return;
  }

  HttpResponse& response = result.value();
  RateLimitSnapshot snapshot;
  for (const auto& [name, value] : response.headers) snapshot.AddHeader(name, value);
  governor_.OnResponse(bucket, response.status, snapshot, now, sent_at);
  if (run_.run_start_server_epoch == 0 && snapshot.date_epoch_s) {
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - run_started_).count();
    run_.run_start_server_epoch = *snapshot.date_epoch_s - elapsed - 2;
  }

  if (aborted() && response.status >= 400) {  // stopping: don't start over
    delete task;
    --live_;
    return;
  }

  const int status = response.status;
  if (status == 429) {
    if (snapshot.IsConcurrencyLimit()) {
      ++stats_.concurrency_limited;
      Delay(task, governor_.ConcurrencyRetryDelay());
    } else {
      ++stats_.rate_limited;
      if (task->failures++ >= options_.max_rate_limited) {
        task->OnGiveUp(429, "E0000047", "rate limited too many times in a row");
        Finish(task);
        return;
      }
      ready_[static_cast<std::size_t>(bucket)].push_front(task);  // first in line at reset
    }
    return;
  }
  if (status == 401 || status == 403) {
    std::string body = response.body;
    OktaError e = reader_.ReadError(body);
    if (status == 401 || e.code == "E0000005") {
      Abort("Okta refused the credentials (HTTP " + std::to_string(status) +
            (e.code.empty() ? "" : " " + e.code) + ": " + e.Describe() +
            "). Check the token and the org URL; no further rows were sent.");
      delete task;
      --live_;
      return;
    }
  }
  if (status >= 500 || status == 408) {
    std::string body = response.body;
    OktaError e = reader_.ReadError(body);
    if (++task->failures < options_.max_attempts) {
      ++stats_.retried;
      Delay(task, Backoff(task->failures));
    } else {
      task->OnGiveUp(status, e.code,
                     "HTTP " + std::to_string(status) + " after " +
                         std::to_string(task->failures) + " attempts: " + e.Describe());
      Finish(task);
    }
    return;
  }
  if (status < 200 || (status >= 300 && status < 400)) {
    task->OnGiveUp(status, "", "unexpected HTTP status " + std::to_string(status));
    Finish(task);
    return;
  }

  task->failures = 0;
  TaskStep step = task->OnResponse(response, reader_);
  switch (step.kind) {
    case TaskStep::kNext: Enqueue(task); break;
    case TaskStep::kRetryAfter: Delay(task, step.delay); break;
    case TaskStep::kDone: Finish(task); break;
  }
}

asio::awaitable<void> Dispatcher::Run() {
  int running = options_.workers;
  asio::steady_timer all_done(executor_, Clock::time_point::max());
  for (int i = 0; i < options_.workers; ++i) {
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
  while (running > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  // Tasks still queued after an abort are dropped without a result: --resume redoes them.
  for (auto& q : ready_) {
    for (Task* t : q) delete t;
    q.clear();
  }
  while (!delayed_.empty()) {
    delete delayed_.top().task;
    delayed_.pop();
  }
}

}  // namespace okta_bulk
