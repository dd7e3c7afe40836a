// A Task is one input row's work as a sans-I/O state machine: it says which request it wants
// next, and advances on each final response. The Dispatcher drives tasks over the network,
// paces them with the rate governor and handles retries of transient failures, so a task only
// ever sees responses that are its own business (2xx, and 4xx other than 429).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "net/http_transport.h"
#include "pipeline/engine/row_result.h"
#include "pipeline/okta/task_request.h"

namespace okta_bulk {

class ResponseReader;

// What a task does after a response.
struct TaskStep {
  // kNextFirst: like kNext, but ahead of the tasks in its bucket's queue that were not
  // given priority (a row a lookup proved new spends a create better than an unknown row).
  // kNotMine: the answer is about another user (IsAnswerFor in okta_json.h): it belongs to
  // another request, so the dispatcher treats request() as sent without a response (the
  // server may have acted on it) and retries it under the usual transport-failure rules.
  // The task must not have changed its state before returning it.
  enum Kind : unsigned char { kNext, kNextFirst, kRetryAfter, kDone, kNotMine } kind = kDone;
  std::chrono::milliseconds delay{0};  // for kRetryAfter: send request() again after this
  static TaskStep NotMine() { return {kNotMine, {}}; }
  static TaskStep Next() { return {kNext, {}}; }
  static TaskStep NextFirst() { return {kNextFirst, {}}; }
  static TaskStep Done() { return {kDone, {}}; }
  static TaskStep RetryAfter(std::chrono::milliseconds d) { return {kRetryAfter, d}; }
};

// Facts about the run that tasks may consult. Owned by the job; outlives every task.
struct RunContext {
  // Server clock (epoch seconds) at which this job started (for a resumed job: the first
  // run's start), estimated from the first response's Date; 0 until known. Used to tell
  // "created by this job" from "existed".
  int64_t run_start_server_epoch = 0;
  // Called once, when the dispatcher learns run_start_server_epoch.
  std::function<void(int64_t)> on_run_start;
  // Lookups made before creates, and how many found the user.
  uint64_t prechecks = 0;
  uint64_t precheck_hits = 0;
  // How often rows turn out to exist already, judged per batch of answers (a create that
  // met "already exists" or a lookup that found the user, against all create and lookup
  // answers); see LookUpFirst in import_task.cc.
  uint64_t batch_seen = 0, batch_existing = 0;
  enum class LookUp : unsigned char { kNever, kWhileWaiting, kEveryRow } look_up = LookUp::kNever;
  // Records one answer about a row's existence and re-judges at the end of a batch.
  void ObserveExistence(bool existed);
  // Set while a row is built for its key only (the duplicate scan's scratch context, and a
  // resumed job's finished rows: JobSource in job.cc): its task is dropped, never sent, so
  // a handler counts nothing for it.
  bool key_only = false;
};

class Task {
 public:
  virtual ~Task() = default;
  // The request to send now. REQUIRES: the task is not done.
  virtual const TaskRequest& request() const = 0;
  // A final response to request(): 2xx or a 4xx other than 429.
  virtual TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) = 0;
  // The dispatcher gave up on request() (5xx or transport failures beyond --max-attempts,
  // or a response it cannot use). `http_status` is 0 for transport failures.
  virtual void OnGiveUp(int http_status, std::string error_code, std::string error) = 0;
  // Called when request() was sent but no response came back (the server may have acted).
  virtual void OnNoResponse() {}
  // The task's bucket is spent for a while. A task that can make progress through another
  // bucket meanwhile switches request() and returns true (an import row looks its login up
  // before spending a create on it).
  virtual bool TryAlternative() { return false; }
  // The row's result is known before any request (a row that asks for nothing): the
  // dispatcher records it as it is, and request() is never called.
  bool FinishedBeforeSending() const { return finished_before_sending_; }

  RowResult& result() { return result_; }
  int attempts = 0;   // requests sent for this row, all phases (429 waits included)
  int failures = 0;   // consecutive transient failures of the current request
  int rate_limited = 0;  // consecutive bucket 429s of the current request

 protected:
  // Ends the row as `failed` with Okta's errorCode and error from `response`, prefixed by
  // `context` (what the row was doing).
  TaskStep Fail(const HttpResponse& response, ResponseReader& reader, std::string_view context);
  // Takes a 200 answer that is a User object about the user asked for by `asked_id` (when set)
  // or `asked_login` (IsAnswerFor): sets result_.user_id and user_status and returns nullopt.
  // Otherwise returns the step to take: Done (failed, `context` + why) for a body that is not
  // a user, NotMine for an answer about another user (issue 13: later requests act on this id).
  std::optional<TaskStep> TakeUserAnswer(HttpResponse& response, ResponseReader& reader,
                                         std::string_view context, std::string_view asked_id,
                                         std::string_view asked_login);

  RowResult result_;
  bool finished_before_sending_ = false;  // set by a constructor: see FinishedBeforeSending
};

}  // namespace okta_bulk
