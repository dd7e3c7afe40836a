// DispatchCore on a fake clock: which task goes next, when to wait, what an answer means.
// No sockets, no io_context, no sleeping: time is a parameter, and a 60 s rate-limit reset
// is waited out by passing a later `now`.
#include "pipeline/engine/dispatch_core.h"

#include <gtest/gtest.h>

#include <ctime>
#include <deque>
#include <optional>

namespace okta_bulk {
namespace {

using namespace std::chrono_literals;
using Clock = DispatchCore::Clock;
using TimePoint = DispatchCore::TimePoint;
using Order = DispatchCore::Order;
using Fate = DispatchCore::Fate;
using Result = boost::system::result<HttpResponse>;

const TimePoint kT0 = TimePoint{} + 1000s;
constexpr int64_t kEpoch0 = 1'800'000'000;  // the server's clock at kT0

int64_t ServerEpoch(TimePoint t) {
  return kEpoch0 + std::chrono::duration_cast<std::chrono::seconds>(t - kT0).count();
}

std::string HttpDate(int64_t epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

struct RateLimit {
  int64_t limit;
  int64_t remaining;
  int64_t reset_epoch;
};

// An answer as Okta writes it at local time `now`: a Date, and the bucket's headers if given.
Result Reply(int status, TimePoint now, std::string body, std::optional<RateLimit> rl = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("date", HttpDate(ServerEpoch(now)));
  if (rl) {
    r.headers.emplace_back("x-rate-limit-limit", std::to_string(rl->limit));
    r.headers.emplace_back("x-rate-limit-remaining", std::to_string(rl->remaining));
    r.headers.emplace_back("x-rate-limit-reset", std::to_string(rl->reset_epoch));
  }
  return r;
}

const char kRateLimited[] =
    R"({"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."})";

// A row that sends one request per step in its bucket. A 2xx takes the next of `steps`
// (none left: the row is created); a 4xx fails the row.
class FakeTask final : public Task {
 public:
  FakeTask(uint64_t row, Bucket bucket) {
    request_.bucket = bucket;
    request_.http.method = "POST";
    request_.http.target = "/row/" + std::to_string(row);
    result_.row = row;
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader&) override {
    if (response.status >= 300) {
      result_.outcome = Outcome::kFailed;
      result_.http_status = response.status;
      return TaskStep::Done();
    }
    if (!steps.empty()) {
      TaskStep step = steps.front();
      steps.pop_front();
      return step;
    }
    result_.outcome = Outcome::kCreated;
    return TaskStep::Done();
  }
  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.outcome = Outcome::kFailed;
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = std::move(error);
  }
  bool TryAlternative() override {
    ++offers;
    if (!alternative) return false;
    request_.bucket = *alternative;
    alternative.reset();
    return true;
  }

  std::deque<TaskStep> steps;
  std::optional<Bucket> alternative;
  int offers = 0;

 private:
  TaskRequest request_;
};

class FakeSource final : public TaskSource {
 public:
  std::deque<std::unique_ptr<Task>> tasks;
  std::unique_ptr<Task> Next() override {
    if (tasks.empty()) return nullptr;
    auto t = std::move(tasks.front());
    tasks.pop_front();
    return t;
  }
};

// Never asked to send: the core only reads its messages.
class QuietTransport final : public HttpTransport {
 public:
  boost::asio::awaitable<Result> Send(const HttpRequest&) override {
    co_return boost::system::error_code();
  }
  std::string_view refusal_advice() const override { return "Check the fake's advice"; }
};

DispatcherOptions Options() {
  DispatcherOptions o;
  o.seed = 7;
  return o;
}

GovernorOptions Governor(const DispatcherOptions& o) {
  GovernorOptions g;
  g.max_in_flight = o.workers;
  g.reset_jitter = 0ms;  // the reset the core waits for is the governor's estimate, exactly
  return g;
}

struct Rig {
  explicit Rig(DispatcherOptions o = Options())
      : governor(Governor(o)),
        core(governor, run, source, transport, o,
             [this](Task& t) {
               done.push_back(t.result());
               return true;
             },
             kT0) {}

  FakeTask* Add(Bucket bucket) {
    auto t = std::make_unique<FakeTask>(++rows, bucket);
    FakeTask* raw = t.get();
    source.tasks.push_back(std::move(t));
    return raw;
  }
  DispatchCore::AnswerResult Answer(Task* task, TimePoint sent_at, TimePoint now, Result result) {
    return core.OnAnswer(task, sent_at, now, result);
  }

  RateGovernor governor;
  RunContext run;
  FakeSource source;
  QuietTransport transport;
  std::vector<RowResult> done;
  uint64_t rows = 0;
  DispatchCore core;
};

TEST(DispatchCoreTest, ABucket429IsWaitedOutUntilItsResetAndNeverFailsTheRow) {
  DispatcherOptions o = Options();
  o.max_attempts = 1;  // a 429 is not an attempt
  Rig r(o);
  FakeTask* t = r.Add(Bucket::kUsers);
  Order order = r.core.Next(kT0);
  ASSERT_EQ(order.kind, Order::kSend);
  ASSERT_EQ(order.task, t);
  const int64_t reset = ServerEpoch(kT0) + 60;
  auto fate = r.Answer(t, kT0, kT0 + 10ms, Reply(429, kT0 + 10ms, kRateLimited, RateLimit{10, 0, reset}));
  EXPECT_EQ(fate.fate, Fate::kQueued);
  EXPECT_TRUE(r.done.empty());

  const Order wait = r.core.Next(kT0 + 20ms);
  ASSERT_EQ(wait.kind, Order::kWait);
  EXPECT_GE(wait.until, kT0 + 59s);  // the reset, 60 s away (the Date has whole seconds)
  EXPECT_LE(wait.until, kT0 + 61s);
  const Order halfway = r.core.Next(kT0 + 30s);
  ASSERT_EQ(halfway.kind, Order::kWait) << "nothing is sent before the reset";
  EXPECT_EQ(halfway.until, wait.until);

  const Order again = r.core.Next(wait.until);
  ASSERT_EQ(again.kind, Order::kSend);
  ASSERT_EQ(again.task, t);
  fate = r.Answer(t, wait.until, wait.until + 10ms,
                  Reply(200, wait.until + 10ms, "{}", RateLimit{10, 9, reset + 60}));
  EXPECT_EQ(fate.fate, Fate::kFinished);
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].outcome, Outcome::kCreated);
  EXPECT_EQ(r.done[0].attempts, 2);
  EXPECT_EQ(r.core.stats().rate_limited, 1u);
  EXPECT_EQ(r.core.stats().rate_limited_by_bucket[static_cast<std::size_t>(Bucket::kUsers)], 1u);
  EXPECT_EQ(r.core.stats().retried, 0u);
  EXPECT_EQ(r.core.Next(wait.until + 20ms).kind, Order::kStop);
}

TEST(DispatchCoreTest, ServerErrorsAreRetriedWithBackoffInsideTheCapThenTheRowFailsWithOktasError) {
  DispatcherOptions o = Options();
  o.max_attempts = 4;
  o.backoff_base = 300ms;
  o.backoff_cap = 1000ms;
  Rig r(o);
  FakeTask* t = r.Add(Bucket::kUsers);
  TimePoint now = kT0;
  for (int attempt = 1; attempt <= 4; ++attempt) {
    const Order order = r.core.Next(now);
    ASSERT_EQ(order.kind, Order::kSend) << "attempt " << attempt;
    ASSERT_EQ(order.task, t);
    const TimePoint answered = now + 5ms;
    const auto fate = r.Answer(
        t, now, answered,
        Reply(503, answered, R"({"errorCode":"E0000010","errorSummary":"Service is in read only mode"})"));
    if (attempt == 4) {
      EXPECT_EQ(fate.fate, Fate::kFinished);
      break;
    }
    ASSERT_EQ(fate.fate, Fate::kDelayed) << "attempt " << attempt;
    const auto bound = std::min<Clock::duration>(1000ms, 300ms * (1 << (attempt - 1)));
    EXPECT_GE(fate.at - answered, Clock::duration(0)) << "attempt " << attempt;
    EXPECT_LE(fate.at - answered, bound) << "attempt " << attempt;
    EXPECT_EQ(r.core.delayed(), 1u);
    if (fate.at > answered) {
      const Order wait = r.core.Next(answered);
      ASSERT_EQ(wait.kind, Order::kWait);
      EXPECT_EQ(wait.until, fate.at) << "the worker sleeps until the backoff is over";
    }
    now = fate.at;
  }
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r.done[0].http_status, 503);
  EXPECT_EQ(r.done[0].error_code, "E0000010");
  EXPECT_EQ(r.done[0].error, "HTTP 503 after 4 attempts: Service is in read only mode") << r.done[0].error;
  EXPECT_EQ(r.done[0].attempts, 4);
  EXPECT_EQ(r.core.stats().retried, 3u);
}

TEST(DispatchCoreTest, TheSameSeedPicksTheSameBackoffAndAnotherSeedAnother) {
  auto backoff = [](uint64_t seed) {
    DispatcherOptions o = Options();
    o.seed = seed;
    o.backoff_base = 10s;
    o.backoff_cap = 10s;
    Rig r(o);
    FakeTask* t = r.Add(Bucket::kUsers);
    EXPECT_EQ(r.core.Next(kT0).task, t);
    return r.Answer(t, kT0, kT0, Reply(500, kT0, "{}")).at - kT0;
  };
  EXPECT_EQ(backoff(42), backoff(42));
  EXPECT_NE(backoff(42), backoff(43));
}

TEST(DispatchCoreTest, ASpentCreateBucketDoesNotHoldBackALookup) {
  Rig r;
  FakeTask* create = r.Add(Bucket::kUsers);
  FakeTask* lookup = r.Add(Bucket::kUserGet);
  ASSERT_EQ(r.core.Next(kT0).task, create);
  const int64_t reset = ServerEpoch(kT0) + 60;
  r.Answer(create, kT0, kT0 + 10ms, Reply(429, kT0 + 10ms, kRateLimited, RateLimit{10, 0, reset}));

  const Order order = r.core.Next(kT0 + 20ms);
  ASSERT_EQ(order.kind, Order::kSend);
  EXPECT_EQ(order.task, lookup);
  EXPECT_EQ(r.Answer(lookup, kT0 + 20ms, kT0 + 30ms, Reply(200, kT0 + 30ms, "{}")).fate,
            Fate::kFinished);
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].row, 2u);
  EXPECT_EQ(r.core.queued(Bucket::kUsers), 1u) << "the create still waits for its reset";
  const Order wait = r.core.Next(kT0 + 40ms);
  ASSERT_EQ(wait.kind, Order::kWait);
  EXPECT_GE(wait.until, kT0 + 59s);
}

TEST(DispatchCoreTest, AWaitShorterThanBlockedAfterOffersNoAlternative) {
  DispatcherOptions o = Options();
  o.workers = 1;
  Rig r(o);
  FakeTask* a1 = r.Add(Bucket::kUsers);
  FakeTask* a2 = r.Add(Bucket::kUsers);
  a1->alternative = a2->alternative = Bucket::kUserGet;
  ASSERT_EQ(r.core.Next(kT0).task, a1);
  r.Answer(a1, kT0, kT0 + 10ms,
           Reply(429, kT0 + 10ms, kRateLimited, RateLimit{10, 0, ServerEpoch(kT0) + 60}));
  const auto reset = r.governor.Stats(Bucket::kUsers).reset_local;
  ASSERT_TRUE(reset.has_value());

  const TimePoint now = *reset - 50ms;  // the reset is closer than kBlockedAfter
  const Order order = r.core.Next(now);
  ASSERT_EQ(order.kind, Order::kWait);
  EXPECT_LE(order.until - now, DispatchCore::kBlockedAfter);
  EXPECT_GT(order.until, now);
  EXPECT_EQ(a1->offers, 0);
  EXPECT_EQ(a2->offers, 0);
  EXPECT_EQ(r.core.queued(Bucket::kUsers), 2u);
  EXPECT_EQ(r.core.queued(Bucket::kUserGet), 0u);
}

TEST(DispatchCoreTest, AWaitLongerThanBlockedAfterMovesTheFirstTasksToTheirAlternative) {
  DispatcherOptions o = Options();
  o.workers = 1;  // one task queued in the other bucket is enough
  Rig r(o);
  FakeTask* a1 = r.Add(Bucket::kUsers);
  FakeTask* a2 = r.Add(Bucket::kUsers);
  a1->alternative = a2->alternative = Bucket::kUserGet;
  ASSERT_EQ(r.core.Next(kT0).task, a1);
  r.Answer(a1, kT0, kT0 + 10ms,
           Reply(429, kT0 + 10ms, kRateLimited, RateLimit{10, 0, ServerEpoch(kT0) + 60}));

  const TimePoint now = kT0 + 20ms;
  const Order look_again = r.core.Next(now);
  ASSERT_EQ(look_again.kind, Order::kWait);
  EXPECT_EQ(look_again.until, now) << "a task moved: look again at once";
  EXPECT_EQ(a1->offers, 1) << "the 429'd task is first in line, so it is offered first";
  EXPECT_EQ(a2->offers, 0) << "one queued task is a round for one worker";
  EXPECT_EQ(r.core.queued(Bucket::kUsers), 1u);
  EXPECT_EQ(r.core.queued(Bucket::kUserGet), 1u);

  const Order order = r.core.Next(now);
  ASSERT_EQ(order.kind, Order::kSend);
  EXPECT_EQ(order.task, a1);
  EXPECT_EQ(a1->request().bucket, Bucket::kUserGet);
  // Answered, as a worker would: a task handed out is the caller's until it is answered (a
  // test that leaves it in flight leaks it; LeakSanitizer in CI said so).
  EXPECT_EQ(r.Answer(a1, now, now + 10ms, Reply(200, now + 10ms, "{}")).fate, Fate::kFinished);
}

TEST(DispatchCoreTest, MaxRateLimited429sInARowFailTheRow) {
  DispatcherOptions o = Options();
  o.max_rate_limited = 2;
  Rig r(o);
  FakeTask* t = r.Add(Bucket::kUsers);
  TimePoint now = kT0;
  DispatchCore::AnswerResult fate;
  for (int k = 1; k <= 3; ++k) {
    Order order = r.core.Next(now);
    for (int waits = 0; order.kind == Order::kWait && waits < 10; ++waits) {
      ASSERT_NE(order.until, TimePoint::max());
      now = std::max(now, order.until);
      order = r.core.Next(now);
    }
    ASSERT_EQ(order.kind, Order::kSend) << "429 number " << k;
    ASSERT_EQ(order.task, t);
    fate = r.Answer(t, now, now + 10ms,
                    Reply(429, now + 10ms, kRateLimited, RateLimit{10, 0, ServerEpoch(now) + 2}));
    now += 10ms;
    if (k < 3) {
      EXPECT_EQ(fate.fate, Fate::kQueued) << "429 number " << k;
    }
  }
  EXPECT_EQ(fate.fate, Fate::kFinished);
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r.done[0].http_status, 429);
  EXPECT_EQ(r.done[0].error_code, "E0000047");
  EXPECT_EQ(r.done[0].error, "rate limited 3 times in a row; giving up on this row");
  EXPECT_EQ(r.core.stats().rate_limited, 3u);
}

TEST(DispatchCoreTest, AfterAnInterruptNoTaskIsHandedOutAndOpenRowsAreUnfinished) {
  Rig r;
  FakeTask* t1 = r.Add(Bucket::kUsers);
  r.Add(Bucket::kUsers);
  r.Add(Bucket::kUserGet);
  ASSERT_EQ(r.core.Next(kT0).task, t1);
  const TimePoint at = kT0 + 1s;
  r.core.Interrupt(at);
  EXPECT_TRUE(r.core.interrupted());
  EXPECT_EQ(r.core.Next(at).kind, Order::kStop);
  EXPECT_EQ(r.core.Next(at + 10s).kind, Order::kStop);

  // The request in flight gets the grace, then is abandoned.
  auto watch = r.core.Watch(at);
  EXPECT_FALSE(watch.cancel_in_flight);
  EXPECT_EQ(watch.next, at + 5s);
  watch = r.core.Watch(at + 5s);
  EXPECT_TRUE(watch.cancel_in_flight);

  // An answer that came in time is still the row's result.
  EXPECT_EQ(r.Answer(t1, kT0, at + 1s, Reply(200, at + 1s, "{}")).fate, Fate::kFinished);
  r.core.DropRest();
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].outcome, Outcome::kCreated);
  EXPECT_EQ(r.core.unfinished(), 2u);
  EXPECT_EQ(r.core.live_tasks(), 0u);
}

TEST(DispatchCoreTest, AStallEndsTheRunAndAFailureInFlightIsDroppedNotFailed) {
  DispatcherOptions o = Options();
  o.max_stall = 900s;
  Rig r(o);
  FakeTask* t1 = r.Add(Bucket::kUsers);
  r.Add(Bucket::kUsers);
  ASSERT_EQ(r.core.Next(kT0).task, t1);

  auto watch = r.core.Watch(kT0);
  EXPECT_FALSE(watch.cancel_in_flight);
  EXPECT_EQ(watch.next, kT0 + 900s);
  EXPECT_FALSE(r.core.Watch(kT0 + 899s).cancel_in_flight);
  EXPECT_FALSE(r.core.aborted());

  watch = r.core.Watch(kT0 + 900s);
  EXPECT_TRUE(watch.cancel_in_flight);
  EXPECT_TRUE(watch.wake_workers);
  EXPECT_TRUE(r.core.aborted());
  EXPECT_EQ(r.core.abort_reason(),
            "no row finished for 900 s; no answer came from the server (--max-stall 900 s); "
            "no further rows were sent.");
  EXPECT_EQ(r.core.Next(kT0 + 900s).kind, Order::kStop);

  Result aborted = boost::system::error_code(boost::system::errc::operation_canceled,
                                             boost::system::generic_category());
  EXPECT_EQ(r.core.OnAnswer(t1, kT0, kT0 + 900s, aborted).fate, Fate::kDropped);
  r.core.DropRest();
  EXPECT_TRUE(r.done.empty());
  EXPECT_EQ(r.core.unfinished(), 2u);
}

TEST(DispatchCoreTest, A401AbortsTheRunAndNoTaskIsHandedOutAfterIt) {
  Rig r;
  FakeTask* t1 = r.Add(Bucket::kUsers);
  r.Add(Bucket::kUsers);
  r.Add(Bucket::kUserGet);
  ASSERT_EQ(r.core.Next(kT0).task, t1);
  const auto fate = r.Answer(
      t1, kT0, kT0 + 10ms,
      Reply(401, kT0 + 10ms, R"({"errorCode":"E0000011","errorSummary":"Invalid token provided"})"));
  EXPECT_EQ(fate.fate, Fate::kDropped);
  EXPECT_TRUE(r.core.aborted());
  EXPECT_EQ(r.core.abort_reason(),
            "Okta refused the credentials (HTTP 401 E0000011: Invalid token provided). Check the "
            "fake's advice; no further rows were sent.");
  EXPECT_EQ(r.core.Next(kT0 + 20ms).kind, Order::kStop);
  r.core.DropRest();
  EXPECT_TRUE(r.done.empty()) << "rows not done are left for --resume";
  EXPECT_EQ(r.core.unfinished(), 3u);
  EXPECT_EQ(r.core.stats().retried, 0u);
}

TEST(DispatchCoreTest, TasksOfOneBucketGoInArrivalOrderAndAPriorityStepGoesFirst) {
  Rig r;
  FakeTask* a = r.Add(Bucket::kUsers);
  FakeTask* b = r.Add(Bucket::kUsers);
  r.Add(Bucket::kUsers);
  a->steps = {TaskStep::NextFirst()};  // its next request jumps the queue
  b->steps = {TaskStep::Next()};       // its next request queues behind the others
  std::vector<uint64_t> sent;
  TimePoint now = kT0;
  for (int i = 0; i < 10; ++i) {
    const Order order = r.core.Next(now);
    if (order.kind == Order::kStop) break;
    ASSERT_EQ(order.kind, Order::kSend);
    sent.push_back(order.task->result().row);
    r.Answer(order.task, now, now + 1ms, Reply(200, now + 1ms, "{}"));
    now += 2ms;
  }
  EXPECT_EQ(sent, (std::vector<uint64_t>{1, 1, 2, 3, 2}));
  EXPECT_EQ(r.done.size(), 3u);
}

TEST(DispatchCoreTest, AResultsFileThatCannotBeWrittenStopsTheRun) {
  DispatcherOptions o = Options();
  RateGovernor governor(Governor(o));
  RunContext run;
  FakeSource source;
  QuietTransport transport;
  for (uint64_t row = 1; row <= 3; ++row)
    source.tasks.push_back(std::make_unique<FakeTask>(row, Bucket::kUsers));
  int calls = 0;
  DispatchCore core(governor, run, source, transport, o,
                    [&](Task&) {
                      ++calls;
                      return false;
                    },
                    kT0);
  const Order order = core.Next(kT0);
  ASSERT_EQ(order.kind, Order::kSend);
  Result ok = Reply(200, kT0, "{}");
  EXPECT_EQ(core.OnAnswer(order.task, kT0, kT0, ok).fate, Fate::kFinished);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(core.abort_reason(), "cannot write the results file");
  EXPECT_EQ(core.Next(kT0).kind, Order::kStop);
  core.DropRest();
  EXPECT_EQ(core.unfinished(), 2u);
}

}  // namespace
}  // namespace okta_bulk
