#include "pipeline/engine/dispatcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>

#include "net/rate_limit_headers.h"
#include "net/retry_policy.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/okta/okta_scopes.h"

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
      rng_(options.seed ? options.seed : std::random_device{}()),
      stall_(options.max_stall, Clock::now()) {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.max_live_tasks == 0) options_.max_live_tasks = 4 * options_.workers;
  if (options_.max_live_tasks_blocked < options_.max_live_tasks)
    options_.max_live_tasks_blocked = std::max<std::size_t>(options_.max_live_tasks, 1024);
  retry_options_.max_attempts = options_.max_attempts;
  retry_options_.backoff_base = options_.backoff_base;
  retry_options_.backoff_cap = options_.backoff_cap;
}

void Dispatcher::Interrupt() {
  if (interrupted_) return;
  interrupted_ = true;
  interrupted_at_ = Clock::now();
  Notify();
  if (watchdog_timer_) watchdog_timer_->cancel();  // re-arms at the end of the grace
}

void Dispatcher::Notify() {
  for (asio::steady_timer* t : waiting_) t->cancel();
}

void Dispatcher::Abort(std::string reason) {
  if (abort_reason_.empty()) abort_reason_ = std::move(reason);
  Notify();
}

asio::awaitable<void> Dispatcher::Watchdog(asio::steady_timer& timer) {
  while (!finished_) {
    const auto now = Clock::now();
    if (interrupted_ || stalled_) {
      const auto abandon_at = interrupted_ ? interrupted_at_ + options_.interrupt_grace : now;
      if (now >= abandon_at) {
        transport_.CancelAll();  // the workers' Send()s end with operation_aborted
        timer.expires_at(now + std::chrono::milliseconds(100));  // again, for a retry in flight
      } else {
        timer.expires_at(abandon_at);
      }
    } else if (aborted()) {
      timer.expires_at(Clock::time_point::max());  // in-flight requests end by their timeout
    } else if (stall_.Stalled(now)) {
      stalled_ = true;
      Abort(stall_.Describe(now) + " (--max-stall " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(stall_.Bound()).count()) +
            " s); no further rows were sent.");
      continue;
    } else {
      timer.expires_at(stall_.Deadline());
    }
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

void Dispatcher::Enqueue(Task* task) {
  ready_[static_cast<std::size_t>(task->request().bucket)].push_back(task);
}

bool Dispatcher::OfferAlternatives(std::size_t bucket) {
  // Offer the tasks first in line for the spent bucket (they would spend it first at its
  // reset). Stop once the bucket they move to has about one round of workers queued; a
  // bounded scan per call keeps this cheap however many rows are open.
  const std::size_t enough = static_cast<std::size_t>(options_.workers);
  bool moved = false;
  auto& queue = ready_[bucket];
  std::size_t scanned = 0;
  for (auto it = queue.begin(); it != queue.end() && scanned < 64;) {
    ++scanned;
    Task* task = *it;
    if (!task->TryAlternative()) {
      ++it;
      continue;
    }
    it = queue.erase(it);
    Enqueue(task);
    moved = true;
    const std::size_t target = static_cast<std::size_t>(task->request().bucket);
    if (ready_[target].size() + first_[target].size() >= enough) break;
  }
  return moved;
}

void Dispatcher::Delay(Task* task, Clock::duration delay) {
  delayed_.push({Clock::now() + delay, delayed_seq_++, task});
}

void Dispatcher::Finish(Task* task) {
  std::unique_ptr<Task> owned(task);
  --live_;
  stall_.OnProgress(Clock::now());
  task->result().attempts = task->attempts;
  if (!on_done_(*task)) Abort("cannot write the results file");
}

asio::awaitable<Task*> Dispatcher::Acquire(asio::steady_timer& timer) {
  for (;;) {
    if (aborted() || interrupted_) co_return nullptr;
    auto now = Clock::now();
    while (!delayed_.empty() && delayed_.top().at <= now) {
      Enqueue(delayed_.top().task);
      delayed_.pop();
    }
    // While some bucket is spent, open more rows so that the others have work (bounded).
    const std::size_t max_live = blocked_ ? options_.max_live_tasks_blocked : options_.max_live_tasks;
    while (!source_done_ && live_ < max_live) {
      std::unique_ptr<Task> task = source_.Next();
      if (!task) {
        source_done_ = true;
        break;
      }
      ++live_;
      if (task->FinishedBeforeSending()) {  // nothing to send: its result is known already
        Finish(task.release());
        if (aborted()) co_return nullptr;
        continue;
      }
      Enqueue(task.release());
    }
    if (live_ == 0 && source_done_) co_return nullptr;

    Clock::time_point wake_at = delayed_.empty() ? Clock::time_point::max() : delayed_.top().at;
    bool blocked = false;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      std::size_t b = (next_bucket_ + i) % kBucketCount;
      if (ready_[b].empty() && first_[b].empty()) continue;
      auto decision = governor_.TryAcquire(static_cast<Bucket>(b), now);
      if (decision.go) {
        auto& queue = first_[b].empty() ? ready_[b] : first_[b];
        Task* task = queue.front();
        queue.pop_front();
        next_bucket_ = (b + 1) % kBucketCount;  // round-robin between buckets
        co_return task;
      }
      if (decision.retry_at < wake_at) wake_at = decision.retry_at;
      if (decision.retry_at != Clock::time_point::max()) stall_.OnResetWait(decision.retry_at - now);
      if (decision.retry_at - now > kBlockedAfter && decision.retry_at != Clock::time_point::max()) {
        blocked = true;
        if (OfferAlternatives(static_cast<std::size_t>(b))) {
          wake_at = now;  // look again at once: the moved tasks may go now
          break;
        }
      }
    }
    blocked_ = blocked;
    // Each worker sleeps on its own timer: re-arming a shared one would cancel the others'
    // waits and make them wake each other forever.
    timer.expires_at(wake_at);
    waiting_.push_back(&timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(waiting_, &timer);
  }
}

asio::awaitable<void> Dispatcher::Worker() {
  asio::steady_timer timer(executor_);
  for (;;) {
    Task* task = co_await Acquire(timer);
    if (!task) co_return;
    auto sent_at = Clock::now();
    ++task->attempts;
    ++stats_.requests;
    ++stats_.requests_by_bucket[static_cast<std::size_t>(task->request().bucket)];
    ++stats_.in_flight;
    boost::system::result<HttpResponse> result = co_await transport_.Send(task->request().http);
    --stats_.in_flight;
    const auto answered_at = Clock::now();
    stats_.latency.Record(answered_at - sent_at);
    Complete(task, sent_at, answered_at, result);
  }
}

void Dispatcher::Complete(Task* task, Clock::time_point sent_at, Clock::time_point now,
                          boost::system::result<HttpResponse>& result) {
  const Bucket bucket = task->request().bucket;
  Notify();  // a permit is released either way: waiting workers look again

  Attempt attempt;
  OktaError error;
  HttpResponse* response = nullptr;
  if (!result && IsAuthFailedError(result.error())) {
    // Not sent: no credential can be had (the OAuth token endpoint refused the service app).
    // Every row would end the same way; the authenticator says why and what to check.
    const AuthFailure* failure = transport_.auth_failure();
    Abort((failure ? failure->message : std::string("could not authenticate to the org")) +
          "; no further rows were sent.");
    Drop(task);
    return;
  }
  if (!result) {
    stall_.OnAnswer(0, false);
    governor_.OnNoResponse(bucket, now, sent_at);
    ++stats_.transport_errors;
    task->OnNoResponse();
    attempt.transport = ClassifyTransportError(result.error());
    if (IsCertificateError(result.error())) {
      Abort("the org's TLS certificate could not be verified (" + result.error().message() +
            "). If the org uses a private CA, pass it with --ca-file PEM.");
      Drop(task);
      return;
    }
  } else {
    response = &result.value();
    any_response_ = true;
    // A success moves the run even before its row ends: an export is one task of many pages.
    if (response->status >= 200 && response->status < 300) stall_.OnProgress(now);
    RateLimitSnapshot snapshot;
    for (const auto& [name, value] : response->headers) snapshot.AddHeader(name, value);
    governor_.OnResponse(bucket, response->status, snapshot, now, sent_at);
    if (run_.run_start_server_epoch == 0 && snapshot.date_epoch_s) {
      auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - run_started_).count();
      run_.run_start_server_epoch = *snapshot.date_epoch_s - elapsed - 2;
      if (run_.on_run_start) run_.on_run_start(run_.run_start_server_epoch);
    }
    attempt.http_status = response->status;
    attempt.concurrency_limited = response->status == 429 && snapshot.IsConcurrencyLimit();
    stall_.OnAnswer(response->status, attempt.concurrency_limited);
    if (response->status >= 400) {
      std::string body = response->body;  // the reader pads it; the task may read it again
      error = reader_.ReadError(body);
      attempt.error_code = error.code;
    }
  }

  RetryDecision d = DecideRetry(attempt, task->failures + 1, retry_options_,
                                std::uniform_real_distribution<double>(0, 1)(rng_));
  if ((aborted() || interrupted_) && d.verdict != RetryVerdict::kSuccess) {
    Drop(task);  // stopping: no result, so --resume sends this row again
    return;
  }
  switch (d.verdict) {
    case RetryVerdict::kAbortRun:
      Abort("Okta refused the credentials (HTTP " + std::to_string(attempt.http_status) +
            (error.code.empty() ? "" : " " + error.code) + ": " + error.Describe() +
            "). " + std::string(transport_.refusal_advice()) + "; no further rows were sent.");
      Drop(task);
      return;
    case RetryVerdict::kRetry:
      if (d.counts_as_attempt) {
        ++task->failures;
        ++stats_.retried;
      }
      switch (d.pace) {
        case RetryPace::kGovernor:
          ++stats_.rate_limited;
          ++stats_.rate_limited_by_bucket[static_cast<std::size_t>(bucket)];
          if (++task->rate_limited > options_.max_rate_limited) {
            task->OnGiveUp(429, error.code, "rate limited " +
                                                Count(task->rate_limited, "time", "times") +
                                                " in a row; giving up on this row");
            Finish(task);
            return;
          }
          ready_[static_cast<std::size_t>(bucket)].push_front(task);  // first in line at reset
          return;
        case RetryPace::kConcurrencyPause:
          ++stats_.concurrency_limited;
          ++stats_.concurrency_limited_by_bucket[static_cast<std::size_t>(bucket)];
          Delay(task, governor_.ConcurrencyRetryDelay());
          return;
        default:
          Delay(task, d.delay);
          return;
      }
    case RetryVerdict::kFail:
      if (response && response->status >= 400 && response->status < 500 &&
          response->status != 408 && response->status != 429) {
        break;  // a 4xx is the task's business: a duplicate login, a 404 to wait out, ...
      }
      if (response) {
        task->OnGiveUp(response->status, error.code,
                       "HTTP " + std::to_string(response->status) + " after " +
                           Count(task->failures + 1, "attempt", "attempts") + ": " +
                           error.Describe());
      } else {
        if (!any_response_ && attempt.transport == TransportError::kConnectFailed) {
          // Not one answer yet and we cannot even connect: every row would end the same.
          Abort(ConnectFailureMessage(result.error(), transport_.Describe()) + ".");
          Drop(task);
          return;
        }
        task->OnGiveUp(0, "", std::string(d.reason) + " after " +
                                  Count(task->failures + 1, "attempt", "attempts") + ": " +
                                  result.error().message());
      }
      Finish(task);
      return;
    case RetryVerdict::kSuccess:
      if (response->status < 200 || response->status >= 300) {
        task->OnGiveUp(response->status, "",
                       "unexpected HTTP status " + std::to_string(response->status));
        Finish(task);
        return;
      }
      break;
  }

  const int failures_before = task->failures;
  task->failures = 0;
  task->rate_limited = 0;
  // Under OAuth a 403 E0000006 means the token lacks the request's scope: the row's error
  // says which, and how to grant it (asked before the task moves on to another request).
  std::string scope_advice;
  if (response->status == 403 && error.code == "E0000006" &&
      (options_.oauth ||
       response->Header("www-authenticate").find("insufficient_scope") != std::string_view::npos))
    scope_advice = MissingScopeAdvice(task->request().http.method, task->request().http.target);
  TaskStep step = task->OnResponse(*response, reader_);
  switch (step.kind) {
    case TaskStep::kNext: Enqueue(task); break;
    case TaskStep::kNextFirst: first_[static_cast<std::size_t>(task->request().bucket)].push_back(task); break;
    case TaskStep::kRetryAfter: Delay(task, step.delay); break;
    case TaskStep::kDone:
      if (!scope_advice.empty() && task->result().http_status == 403 &&
          !IsSuccess(task->result().outcome))
        task->result().error += "; " + scope_advice;
      Finish(task);
      break;
    case TaskStep::kNotMine: {
      // Another request's answer: this request's own answer was lost on the way.
      task->failures = failures_before;
      ++stats_.transport_errors;
      task->OnNoResponse();
      Attempt lost;
      lost.transport = TransportError::kClosedBeforeResponse;
      RetryDecision retry = DecideRetry(lost, task->failures + 1, retry_options_,
                                        std::uniform_real_distribution<double>(0, 1)(rng_));
      if (retry.verdict == RetryVerdict::kRetry) {
        ++task->failures;
        ++stats_.retried;
        Delay(task, retry.delay);
        return;
      }
      task->OnGiveUp(0, "", "the server answered with another user's data " +
                                Count(task->failures + 1, "time", "times") +
                                " (a proxy or server pairs answers with the wrong "
                                "requests); nothing was recorded for this row");
      Finish(task);
      break;
    }
  }
}

void Dispatcher::Drop(Task* task) {
  delete task;
  --live_;
  ++unfinished_;
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
  for (auto* queues : {&ready_, &first_}) {
    for (auto& q : *queues) {
      unfinished_ += q.size();
      for (Task* t : q) delete t;
      q.clear();
    }
  }
  while (!delayed_.empty()) {
    ++unfinished_;
    delete delayed_.top().task;
    delayed_.pop();
  }
}

}  // namespace okta_bulk
