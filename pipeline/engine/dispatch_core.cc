#include "pipeline/engine/dispatch_core.h"

#include <algorithm>

#include "net/rate_limit_headers.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/okta/okta_scopes.h"

namespace okta_bulk {

DispatchCore::DispatchCore(RateGovernor& governor, RunContext& run, TaskSource& source,
                           const HttpTransport& transport, DispatcherOptions options,
                           std::function<bool(Task&)> on_done, TimePoint start)
    : governor_(governor),
      run_(run),
      source_(source),
      transport_(transport),
      options_(options),
      on_done_(std::move(on_done)),
      rng_(options.seed ? options.seed : std::random_device{}()),
      run_started_(start),
      stall_(options.max_stall, start) {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.max_live_tasks == 0) options_.max_live_tasks = 4 * options_.workers;
  if (options_.max_live_tasks_blocked < options_.max_live_tasks)
    options_.max_live_tasks_blocked = std::max<std::size_t>(options_.max_live_tasks, 1024);
  retry_options_.max_attempts = options_.max_attempts;
  retry_options_.backoff_base = options_.backoff_base;
  retry_options_.backoff_cap = options_.backoff_cap;
}

DispatchCore::~DispatchCore() {
  // Normally empty (DropRest); tasks in flight belong to no queue and are the caller's to
  // answer, so only queued and delayed ones are deleted here.
  for (auto* queues : {&ready_, &first_})
    for (auto& q : *queues)
      for (Task* t : q) delete t;
  while (!delayed_.empty()) {
    delete delayed_.top().task;
    delayed_.pop();
  }
}

double DispatchCore::Random01() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

void DispatchCore::Interrupt(TimePoint now) {
  if (interrupted_) return;
  interrupted_ = true;
  interrupted_at_ = now;
}

void DispatchCore::Abort(std::string reason) {
  if (abort_reason_.empty()) abort_reason_ = std::move(reason);
}

DispatchCore::WatchOrder DispatchCore::Watch(TimePoint now) {
  WatchOrder order;
  if (!interrupted_ && !stalled_ && !aborted() && stall_.Stalled(now)) {
    stalled_ = true;
    Abort(stall_.Describe(now) + " (--max-stall " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(stall_.Bound()).count()) +
          " s); no further rows were sent.");
    order.wake_workers = true;
  }
  if (interrupted_ || stalled_) {
    const TimePoint abandon_at = interrupted_ ? interrupted_at_ + options_.interrupt_grace : now;
    if (now >= abandon_at) {
      order.cancel_in_flight = true;  // the workers' Send()s end with operation_aborted
      order.next = now + std::chrono::milliseconds(100);  // again, for a retry in flight
    } else {
      order.next = abandon_at;
    }
  } else if (aborted()) {
    order.next = TimePoint::max();  // in-flight requests end by their timeout
  } else {
    order.next = stall_.Deadline();
  }
  return order;
}

void DispatchCore::Enqueue(Task* task) {
  ready_[static_cast<std::size_t>(task->request().bucket)].push_back(task);
}

bool DispatchCore::OfferAlternatives(std::size_t bucket) {
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

DispatchCore::TimePoint DispatchCore::Delay(Task* task, TimePoint now, Clock::duration delay) {
  const TimePoint at = now + delay;
  delayed_.push({at, delayed_seq_++, task});
  return at;
}

void DispatchCore::Finish(Task* task, TimePoint now) {
  std::unique_ptr<Task> owned(task);
  --live_;
  stall_.OnProgress(now);
  task->result().attempts = task->attempts;
  if (!on_done_(*task)) Abort("cannot write the results file");
}

void DispatchCore::Drop(Task* task) {
  delete task;
  --live_;
  ++unfinished_;
}

DispatchCore::Order DispatchCore::Next(TimePoint now) {
  Order order;  // kStop
  if (stopping()) return order;
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
      Finish(task.release(), now);
      if (aborted()) return order;
      continue;
    }
    Enqueue(task.release());
  }
  if (live_ == 0 && source_done_) return order;

  TimePoint wake_at = delayed_.empty() ? TimePoint::max() : delayed_.top().at;
  bool blocked = false;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    const std::size_t b = (next_bucket_ + i) % kBucketCount;
    if (ready_[b].empty() && first_[b].empty()) continue;
    const auto decision = governor_.TryAcquire(static_cast<Bucket>(b), now);
    if (decision.go) {
      auto& queue = first_[b].empty() ? ready_[b] : first_[b];
      Task* task = queue.front();
      queue.pop_front();
      next_bucket_ = (b + 1) % kBucketCount;  // round-robin between buckets
      ++task->attempts;
      ++stats_.requests;
      ++stats_.requests_by_bucket[b];
      ++stats_.in_flight;
      order.kind = Order::kSend;
      order.task = task;
      return order;
    }
    if (decision.retry_at < wake_at) wake_at = decision.retry_at;
    if (decision.retry_at != TimePoint::max()) stall_.OnResetWait(decision.retry_at - now);
    if (decision.retry_at - now > kBlockedAfter && decision.retry_at != TimePoint::max()) {
      blocked = true;
      if (OfferAlternatives(b)) {
        wake_at = now;  // look again at once: the moved tasks may go now
        break;
      }
    }
  }
  blocked_ = blocked;
  order.kind = Order::kWait;
  order.until = wake_at;
  return order;
}

DispatchCore::AnswerResult DispatchCore::OnAnswer(Task* task, TimePoint sent_at, TimePoint now,
                                                  boost::system::result<HttpResponse>& result) {
  --stats_.in_flight;
  stats_.latency.Record(now - sent_at);
  const Bucket bucket = task->request().bucket;
  const auto b = static_cast<std::size_t>(bucket);
  const AnswerResult finished{Fate::kFinished, {}};
  const AnswerResult dropped{Fate::kDropped, {}};
  const AnswerResult queued{Fate::kQueued, {}};

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
    return dropped;
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
      return dropped;
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

  const RetryDecision d = DecideRetry(attempt, task->failures + 1, retry_options_, Random01());
  if (stopping() && d.verdict != RetryVerdict::kSuccess) {
    Drop(task);  // stopping: no result, so --resume sends this row again
    return dropped;
  }
  switch (d.verdict) {
    case RetryVerdict::kAbortRun:
      Abort("Okta refused the credentials (HTTP " + std::to_string(attempt.http_status) +
            (error.code.empty() ? "" : " " + error.code) + ": " + error.Describe() +
            "). " + std::string(transport_.refusal_advice()) + "; no further rows were sent.");
      Drop(task);
      return dropped;
    case RetryVerdict::kRetry:
      if (d.counts_as_attempt) {
        ++task->failures;
        ++stats_.retried;
      }
      switch (d.pace) {
        case RetryPace::kGovernor:
          ++stats_.rate_limited;
          ++stats_.rate_limited_by_bucket[b];
          if (++task->rate_limited > options_.max_rate_limited) {
            task->OnGiveUp(429, error.code, "rate limited " +
                                                Count(task->rate_limited, "time", "times") +
                                                " in a row; giving up on this row");
            Finish(task, now);
            return finished;
          }
          ready_[b].push_front(task);  // first in line at reset
          return queued;
        case RetryPace::kConcurrencyPause:
          ++stats_.concurrency_limited;
          ++stats_.concurrency_limited_by_bucket[b];
          return {Fate::kDelayed, Delay(task, now, governor_.ConcurrencyRetryDelay())};
        default:
          return {Fate::kDelayed, Delay(task, now, d.delay)};
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
          return dropped;
        }
        task->OnGiveUp(0, "", std::string(d.reason) + " after " +
                                  Count(task->failures + 1, "attempt", "attempts") + ": " +
                                  result.error().message());
      }
      Finish(task, now);
      return finished;
    case RetryVerdict::kSuccess:
      if (response->status < 200 || response->status >= 300) {
        task->OnGiveUp(response->status, "",
                       "unexpected HTTP status " + std::to_string(response->status));
        Finish(task, now);
        return finished;
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
  const TaskStep step = task->OnResponse(*response, reader_);
  switch (step.kind) {
    case TaskStep::kNext:
      Enqueue(task);
      return queued;
    case TaskStep::kNextFirst:
      first_[static_cast<std::size_t>(task->request().bucket)].push_back(task);
      return queued;
    case TaskStep::kRetryAfter:
      return {Fate::kDelayed, Delay(task, now, step.delay)};
    case TaskStep::kDone:
      if (!scope_advice.empty() && task->result().http_status == 403 &&
          !IsSuccess(task->result().outcome))
        task->result().error += "; " + scope_advice;
      Finish(task, now);
      return finished;
    case TaskStep::kNotMine: {
      // Another request's answer: this request's own answer was lost on the way.
      task->failures = failures_before;
      ++stats_.transport_errors;
      task->OnNoResponse();
      Attempt lost;
      lost.transport = TransportError::kClosedBeforeResponse;
      const RetryDecision retry = DecideRetry(lost, task->failures + 1, retry_options_, Random01());
      if (retry.verdict == RetryVerdict::kRetry) {
        ++task->failures;
        ++stats_.retried;
        return {Fate::kDelayed, Delay(task, now, retry.delay)};
      }
      task->OnGiveUp(0, "", "the server answered with another user's data " +
                                Count(task->failures + 1, "time", "times") +
                                " (a proxy or server pairs answers with the wrong "
                                "requests); nothing was recorded for this row");
      Finish(task, now);
      return finished;
    }
  }
  return finished;  // not reached: every TaskStep kind returns above
}

void DispatchCore::DropRest() {
  // Tasks still queued after an abort or an interrupt are dropped without a result: --resume
  // redoes them.
  for (auto* queues : {&ready_, &first_}) {
    for (auto& q : *queues) {
      for (Task* t : q) Drop(t);
      q.clear();
    }
  }
  while (!delayed_.empty()) {
    Drop(delayed_.top().task);
    delayed_.pop();
  }
}

}  // namespace okta_bulk
