// Dispatcher::Interrupt and the stall watchdog (issue 13): after Ctrl-C no request is sent,
// requests in flight get a bounded grace, and a run that finishes no row stops by itself.
// Fake transports, no sockets; short real-time bounds (each test ends in about a second).
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <functional>

#include "pipeline/engine/dispatcher.h"
#include "pipeline/engine/single_task.h"
#include "pipeline/jobs/import_task.h"

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Result = boost::system::result<HttpResponse>;
using Clock = std::chrono::steady_clock;

// Answers each request after `answer_after` with `answer(n)` (n = requests so far), or never
// (until CancelAll) when `answer` is empty.
class SlowTransport final : public HttpTransport {
 public:
  explicit SlowTransport(asio::any_io_executor ex) : ex_(ex) {}
  std::function<Result(int)> answer;
  Clock::duration answer_after = 60s;
  int sent = 0;
  std::vector<Clock::time_point> sent_at;

  asio::awaitable<Result> Send(const HttpRequest&) override {
    const int n = ++sent;
    sent_at.push_back(Clock::now());
    asio::steady_timer timer(ex_, answer ? answer_after : Clock::duration(3600s));
    timers_.push_back(&timer);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(timers_, &timer);
    if (ec || !answer) co_return boost::system::error_code(asio::error::operation_aborted);
    co_return answer(n);
  }
  void CancelAll() override {
    for (auto* t : timers_) t->cancel();
  }

 private:
  asio::any_io_executor ex_;
  std::vector<asio::steady_timer*> timers_;
};

class RowsSource final : public TaskSource {
 public:
  RowsSource(int rows, RunContext& run) : left_(rows), run_(run) {}
  std::unique_ptr<Task> Next() override {
    if (left_ == 0) return nullptr;
    --left_;
    PreparedRow row;
    row.row = ++made_;
    row.login = "u" + std::to_string(row.row) + "@example.com";
    row.create_body = R"({"profile":{"login":")" + row.login + R"("}})";
    return std::make_unique<ImportTask>(std::move(row), options_, run_);
  }

 private:
  int left_;
  uint64_t made_ = 0;
  RunContext& run_;
  ImportTaskOptions options_;
};

HttpResponse Created(int n, int remaining, int64_t reset_epoch) {
  HttpResponse r;
  r.status = 200;
  r.body = R"({"id":"00u)" + std::to_string(n) + R"(","status":"ACTIVE","profile":{"login":"u)" +
           std::to_string(n) + R"(@example.com"}})";
  r.headers = {{"x-rate-limit-limit", "2"},
               {"x-rate-limit-remaining", std::to_string(remaining)},
               {"x-rate-limit-reset", std::to_string(reset_epoch)}};
  return r;
}

struct RunHarness {
  asio::io_context io;
  SlowTransport transport{io.get_executor()};
  RunContext run;
  std::vector<RowResult> results;
  std::optional<Dispatcher> dispatcher;
  std::optional<RateGovernor> governor;
  std::optional<RowsSource> source;
  Clock::time_point ended;

  void Start(int rows, DispatcherOptions options) {
    options.seed = 3;
    options.backoff_base = 1ms;
    options.backoff_cap = 5ms;
    GovernorOptions g;
    g.max_in_flight = options.workers;
    governor.emplace(g);
    source.emplace(rows, run);
    dispatcher.emplace(io.get_executor(), transport, *governor, run, *source, options, [this](Task& t) {
      results.push_back(t.result());
      return true;
    });
    asio::co_spawn(io, dispatcher->Run(), [this](std::exception_ptr e) {
      ended = Clock::now();
      if (e) std::rethrow_exception(e);
    });
  }
  // Runs the loop until Run() ends or `limit` passes; true when Run() ended.
  bool RunFor(Clock::duration limit) {
    const auto start = Clock::now();
    while (ended == Clock::time_point{} && Clock::now() - start < limit) io.run_for(10ms);
    return ended != Clock::time_point{};
  }
};

TEST(DispatcherInterruptTest, AfterAnInterruptWhileTheBucketIsSpentNoRequestIsSent) {
  RunHarness r;
  const int64_t reset = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count() + 3600;
  r.transport.answer_after = 1ms;
  r.transport.answer = [&](int n) { return Created(n, n >= 2 ? 0 : 2 - n, reset); };
  DispatcherOptions o;
  o.workers = 2;
  r.Start(50, o);
  r.RunFor(300ms);  // two creates spend the bucket; the rest wait for a reset an hour away
  ASSERT_EQ(r.ended, Clock::time_point{}) << "the run should still be waiting for the reset";
  const int sent_before = r.transport.sent;
  const auto interrupted_at = Clock::now();
  r.dispatcher->Interrupt();
  ASSERT_TRUE(r.RunFor(5s)) << "Run() did not end after Interrupt()";
  EXPECT_LT(r.ended - interrupted_at, Clock::duration(200ms));
  EXPECT_EQ(r.transport.sent, sent_before) << "a request was sent after the interrupt";
  EXPECT_EQ(r.results.size(), 2u);
  EXPECT_TRUE(r.dispatcher->interrupted());
  EXPECT_GT(r.dispatcher->unfinished(), 0u);  // rows opened and waiting: no result, --resume sends them
  EXPECT_LE(r.dispatcher->unfinished() + r.results.size(), 50u);
}

TEST(DispatcherInterruptTest, RequestsThatNeverAnswerAreAbandonedAfterTheGrace) {
  RunHarness r;  // `answer` empty: the server never answers
  DispatcherOptions o;
  o.workers = 4;
  o.interrupt_grace = 300ms;
  r.Start(10, o);
  r.RunFor(50ms);
  const int sent_before = r.transport.sent;  // the governor's first probe of an unknown bucket
  ASSERT_GE(sent_before, 1);
  const auto interrupted_at = Clock::now();
  r.dispatcher->Interrupt();
  ASSERT_TRUE(r.RunFor(5s)) << "Run() did not end after the grace";
  EXPECT_GE(r.ended - interrupted_at, Clock::duration(290ms));
  EXPECT_LT(r.ended - interrupted_at, Clock::duration(1s));
  EXPECT_EQ(r.transport.sent, sent_before);
  EXPECT_TRUE(r.results.empty());
  EXPECT_EQ(r.dispatcher->unfinished(), 10u);
}

TEST(DispatcherInterruptTest, RequestsAnsweredWithinTheGraceStillRecordTheirRows) {
  RunHarness r;
  r.transport.answer_after = 150ms;
  r.transport.answer = [](int n) { return Created(n, 100, 0); };
  DispatcherOptions o;
  o.workers = 3;
  o.interrupt_grace = 2s;
  r.Start(10, o);
  r.RunFor(200ms);  // the first answer (150 ms) opens the bucket: three in flight after it
  const int sent_before = r.transport.sent;
  ASSERT_GE(sent_before, 2);
  r.dispatcher->Interrupt();
  ASSERT_TRUE(r.RunFor(5s));
  EXPECT_EQ(r.transport.sent, sent_before);
  // Every request in flight answered within the grace, and its row is recorded.
  EXPECT_EQ(r.results.size(), static_cast<std::size_t>(sent_before));
  for (const auto& row : r.results) EXPECT_EQ(row.outcome, Outcome::kCreated) << row.error;
}

TEST(DispatcherInterruptTest, ARunThatFinishesNoRowStopsAfterMaxStallSayingWhatTheServerAnswered) {
  RunHarness r;
  r.transport.answer_after = 5ms;
  r.transport.answer = [](int) {  // a concurrency limit that never lifts
    HttpResponse h;
    h.status = 429;
    h.body = R"({"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."})";
    h.headers = {{"x-rate-limit-limit", "0"}, {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "0"}};
    return h;
  };
  DispatcherOptions o;
  o.workers = 2;
  o.max_stall = 1s;
  r.Start(5, o);
  ASSERT_TRUE(r.RunFor(10s)) << "the stalled run did not stop";
  EXPECT_TRUE(r.dispatcher->aborted());
  EXPECT_NE(r.dispatcher->abort_reason().find("no row finished for 1 s"), std::string::npos)
      << r.dispatcher->abort_reason();
  EXPECT_NE(r.dispatcher->abort_reason().find("429 (concurrency limit) x"), std::string::npos)
      << r.dispatcher->abort_reason();
  EXPECT_TRUE(r.results.empty());
}

TEST(DispatcherInterruptTest, AHangingServerIsAbandonedWhenTheRunStalls) {
  RunHarness r;  // never answers
  DispatcherOptions o;
  o.workers = 2;
  o.max_stall = 1s;
  r.Start(5, o);
  const auto start = Clock::now();
  ASSERT_TRUE(r.RunFor(10s)) << "the stalled run did not stop";
  EXPECT_LT(r.ended - start, Clock::duration(3s));
  EXPECT_NE(r.dispatcher->abort_reason().find("no answer came from the server"), std::string::npos)
      << r.dispatcher->abort_reason();
}

// One task of many requests, as an export is (one task, one request per page).
class PagesTask final : public Task {
 public:
  explicit PagesTask(int pages) : left_(pages) {
    request_.bucket = Bucket::kUsers;
    request_.http.method = "GET";
    request_.http.target = "/api/v1/users?limit=200";
    result_.row = 1;
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse&, ResponseReader&) override {
    if (--left_ > 0) return TaskStep::Next();
    result_.outcome = Outcome::kExisted;
    return TaskStep::Done();
  }
  void OnGiveUp(int, std::string, std::string error) override { result_.error = std::move(error); }

 private:
  int left_;
  TaskRequest request_;
};

TEST(DispatcherInterruptTest, ALongTaskWhoseRequestsSucceedIsNotAStall) {
  asio::io_context io;
  SlowTransport transport(io.get_executor());
  transport.answer_after = 300ms;  // 6 pages: 1.8 s, longer than max_stall
  transport.answer = [](int) { return Created(1, 100, 0); };
  RunContext run;
  OneTaskSource source(std::make_unique<PagesTask>(6));
  DispatcherOptions o;
  o.workers = 1;
  o.max_stall = 1s;
  GovernorOptions g;
  g.max_in_flight = 1;
  RateGovernor governor(g);
  std::vector<RowResult> results;
  Dispatcher d(io.get_executor(), transport, governor, run, source, o, [&](Task& t) {
    results.push_back(t.result());
    return true;
  });
  bool ended = false;
  asio::co_spawn(io, d.Run(), [&](std::exception_ptr e) {
    ended = true;
    if (e) std::rethrow_exception(e);
  });
  io.run_for(10s);
  ASSERT_TRUE(ended);
  EXPECT_FALSE(d.aborted()) << d.abort_reason();
  EXPECT_EQ(transport.sent, 6);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::kExisted);
}

}  // namespace
}  // namespace okta_bulk
