// The dispatcher and the import row state machine, driven over a fake transport (no sockets).
#include "pipeline/engine/dispatcher.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <ctime>
#include <deque>
#include <functional>
#include <set>

#include "pipeline/jobs/import_task.h"
#include "tools/okta_mock/mock_tenant.h"  // HttpDate: the Date header as okta-mock writes it

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
using Result = boost::system::result<HttpResponse>;

std::string OktaTime(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

HttpResponse Response(int status, std::string body,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("date", mock::HttpDate(std::chrono::system_clock::now()));
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

HttpResponse UserJson(const std::string& id, std::time_t created = std::time(nullptr)) {
  return Response(200, R"({"id":")" + id + R"(","status":"ACTIVE","created":")" +
                           OktaTime(created) + R"("})");
}

HttpResponse Duplicate() {
  return Response(400, R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login",)"
                       R"("errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]})");
}

class FakeTransport final : public HttpTransport {
 public:
  std::function<Result(const HttpRequest&)> handler;
  std::vector<std::string> log;
  const AuthFailure* failure = nullptr;
  asio::awaitable<Result> Send(const HttpRequest& request) override {
    log.push_back(std::string(request.method) + " " + request.target);
    co_return handler(request);
  }
  const AuthFailure* auth_failure() const override { return failure; }
  std::string_view refusal_advice() const override { return "Check the fake's advice"; }
};

// Makes each task when the dispatcher asks for it, as the real sources do.
class VectorSource final : public TaskSource {
 public:
  std::deque<std::function<std::unique_ptr<Task>()>> tasks;
  std::unique_ptr<Task> Next() override {
    if (tasks.empty()) return nullptr;
    auto make = std::move(tasks.front());
    tasks.pop_front();
    return make();
  }
};

struct Harness {
  asio::io_context io;
  FakeTransport transport;
  RunContext run;
  VectorSource source;
  ImportTaskOptions task_options;
  std::vector<RowResult> results;
  std::string abort_reason;
  DispatcherStats stats;

  void AddRows(int n, std::vector<std::string> groups = {}) {
    for (int i = 1; i <= n; ++i) {
      PreparedRow row;
      row.row = source.tasks.size() + 1;
      row.login = "u" + std::to_string(row.row) + "@example.com";
      row.create_body = R"({"profile":{"login":")" + row.login + R"("}})";
      row.group_ids = groups;
      source.tasks.push_back([this, row = std::move(row)]() mutable {
        return std::make_unique<ImportTask>(std::move(row), task_options, run);
      });
    }
  }

  void Run(DispatcherOptions options = {}) {
    options.seed = 7;
    options.backoff_base = std::chrono::milliseconds(1);
    options.backoff_cap = std::chrono::milliseconds(5);
    GovernorOptions g;
    g.max_in_flight = options.workers;
    RateGovernor governor(g);
    Dispatcher d(io.get_executor(), transport, governor, run, source, options,
                 [this](Task& t) {
                   results.push_back(t.result());
                   return true;
                 });
    bool finished = false;
    asio::co_spawn(io, d.Run(), [&](std::exception_ptr e) {
      finished = true;
      if (e) std::rethrow_exception(e);
    });
    io.run_for(std::chrono::seconds(30));  // a hung dispatcher fails instead of hanging CI
    ASSERT_TRUE(finished) << "dispatcher did not finish";
    abort_reason = d.abort_reason();
    stats = d.stats();
  }
};

TEST(DispatcherTest, NewUsersAreCreatedWithOneRequestEach) {
  Harness h;
  h.AddRows(50, {"00g1"});
  int n = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/api/v1/users?activate=true");
    return UserJson("00u" + std::to_string(++n));
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 50u);
  for (const auto& r : h.results) {
    EXPECT_EQ(r.outcome, Outcome::kCreated);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.user_status, "ACTIVE");
  }
  EXPECT_EQ(h.transport.log.size(), 50u);
}

TEST(DispatcherTest, ServerErrorsAreRetriedAndTheRowStillSucceeds) {
  Harness h;
  h.AddRows(1);
  int calls = 0;
  h.transport.handler = [&](const HttpRequest&) -> Result {
    if (++calls < 3) return Response(503, R"({"errorCode":"E0000010","errorSummary":"Service is in read only mode"})");
    return UserJson("00uA");
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kCreated);
  EXPECT_EQ(h.results[0].attempts, 3);
  EXPECT_EQ(h.stats.retried, 2u);
}

TEST(DispatcherTest, ServerErrorsBeyondMaxAttemptsFailTheRowWithOktasError) {
  Harness h;
  h.AddRows(1);
  h.transport.handler = [&](const HttpRequest&) -> Result {
    return Response(500, R"({"errorCode":"E0000009","errorSummary":"Internal Server Error"})");
  };
  DispatcherOptions o;
  o.max_attempts = 3;
  h.Run(o);
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].http_status, 500);
  EXPECT_EQ(h.results[0].error_code, "E0000009");
  EXPECT_NE(h.results[0].error.find("after 3 attempts"), std::string::npos) << h.results[0].error;
  EXPECT_EQ(h.transport.log.size(), 3u);
}

TEST(DispatcherTest, NetworkFailuresBeyondMaxAttemptsFailTheRowWithTheReason) {
  Harness h;
  h.AddRows(2);
  h.transport.handler = [&](const HttpRequest&) -> Result {
    return boost::system::error_code(asio::error::connection_reset);
  };
  DispatcherOptions o;
  o.max_attempts = 4;
  h.Run(o);
  ASSERT_EQ(h.results.size(), 2u);
  for (const auto& r : h.results) {
    EXPECT_EQ(r.outcome, Outcome::kFailed);
    EXPECT_EQ(r.attempts, 4);
    EXPECT_NE(r.error.find("connection reset"), std::string::npos) << r.error;
  }
}

TEST(DispatcherTest, BucketRateLimitsAreWaitedOutAndNeverCountAsTheRowsFailure) {
  Harness h;
  h.AddRows(3);
  int calls = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET")  // looked up while creates wait: nobody there yet
      return Response(404, R"j({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (User)"})j");
    if (++calls == 1) {
      auto now = std::time(nullptr);
      return Response(429, R"({"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."})",
                      {{"x-rate-limit-limit", "10"}, {"x-rate-limit-remaining", "0"},
                       {"x-rate-limit-reset", std::to_string(now + 1)}});
    }
    return UserJson("00u" + std::to_string(calls));
  };
  DispatcherOptions o;
  o.max_attempts = 1;  // a 429 is not an attempt: the row must still succeed
  h.Run(o);
  ASSERT_EQ(h.results.size(), 3u);
  for (const auto& r : h.results) EXPECT_EQ(r.outcome, Outcome::kCreated) << r.error;
  EXPECT_EQ(h.stats.rate_limited, 1u);
}

TEST(DispatcherTest, StatsCountRequestsAnd429sPerBucketAndEveryLatency) {
  Harness h;
  h.AddRows(3);
  int creates = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET")
      return Response(404, R"j({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (User)"})j");
    if (++creates == 1) {
      auto now = std::time(nullptr);
      return Response(429, R"({"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."})",
                      {{"x-rate-limit-limit", "10"}, {"x-rate-limit-remaining", "0"},
                       {"x-rate-limit-reset", std::to_string(now + 1)}});
    }
    if (creates == 2)  // too many in flight org-wide
      return Response(429, R"({"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."})",
                      {{"x-rate-limit-limit", "0"}, {"x-rate-limit-remaining", "0"},
                       {"x-rate-limit-reset", std::to_string(std::time(nullptr) + 1)}});
    return UserJson("00u" + std::to_string(creates));
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 3u);
  const auto create = static_cast<std::size_t>(Bucket::kUsers);
  const auto get = static_cast<std::size_t>(Bucket::kUserGet);
  EXPECT_EQ(h.stats.requests_by_bucket[create], static_cast<uint64_t>(creates));
  EXPECT_EQ(h.stats.requests_by_bucket[create] + h.stats.requests_by_bucket[get], h.stats.requests);
  EXPECT_EQ(h.stats.rate_limited_by_bucket[create], 1u);
  EXPECT_EQ(h.stats.concurrency_limited_by_bucket[create], 1u);
  EXPECT_EQ(h.stats.rate_limited_by_bucket[get], 0u);
  EXPECT_EQ(h.stats.latency.total(), h.stats.requests) << "every request's latency is recorded";
  EXPECT_EQ(h.stats.in_flight, 0u) << "nothing is in flight once the run is over";
}

TEST(DispatcherTest, RefusedCredentialsAbortTheRunAfterAFewRequests) {
  Harness h;
  h.AddRows(200);
  h.transport.handler = [&](const HttpRequest&) -> Result {
    return Response(401, R"({"errorCode":"E0000011","errorSummary":"Invalid token provided"})");
  };
  h.Run();
  EXPECT_NE(h.abort_reason.find("E0000011"), std::string::npos) << h.abort_reason;
  EXPECT_NE(h.abort_reason.find("Check the fake's advice"), std::string::npos) << h.abort_reason;
  EXPECT_LE(h.transport.log.size(), 8u);
  EXPECT_TRUE(h.results.empty()) << "rows not done are left for --resume";
}

TEST(DispatcherTest, AnAuthFailureAbortsWithTheAuthenticatorsMessageNotAFaked401) {
  Harness h;
  h.AddRows(200);
  AuthFailure failure{"invalid_scope", 400, "The following scopes are not allowed for this client: openid",
                      "could not get an access token: POST https://acme.okta.com/oauth2/v1/token answered "
                      "HTTP 400 invalid_scope (The following scopes are not allowed for this client: openid)"};
  h.transport.failure = &failure;
  h.transport.handler = [&](const HttpRequest&) -> Result { return AuthFailedError(); };
  h.Run();
  EXPECT_EQ(h.abort_reason.rfind(failure.message, 0), 0u) << h.abort_reason;
  EXPECT_EQ(h.abort_reason.find("HTTP 401"), std::string::npos) << h.abort_reason;
  EXPECT_EQ(h.abort_reason.find("Check the fake's advice"), std::string::npos) << h.abort_reason;
  EXPECT_LE(h.transport.log.size(), 8u) << "an auth failure is not retried";
  EXPECT_EQ(h.stats.retried, 0u);
  EXPECT_TRUE(h.results.empty()) << "rows not done are left for --resume";
}

TEST(DispatcherTest, AnExistingLoginIsLookedUpThenAddedToEachOfItsGroups) {
  Harness h;
  h.AddRows(1, {"00gA", "00gB"});
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST") return Duplicate();
    if (r.method == "GET") return UserJson("00uOLD", std::time(nullptr) - 86400);
    return Response(204, "");
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kExisted);
  EXPECT_EQ(h.results[0].user_id, "00uOLD");
  EXPECT_EQ(h.transport.log,
            (std::vector<std::string>{"POST /api/v1/users?activate=true",
                                      "GET /api/v1/users/u1%40example.com",
                                      "PUT /api/v1/groups/00gA/users/00uOLD",
                                      "PUT /api/v1/groups/00gB/users/00uOLD"}));
}

TEST(DispatcherTest, AGroupAssignmentRetriesA404WhileOktaCatchesUp) {
  Harness h;
  h.task_options.not_found_delay = std::chrono::milliseconds(1);
  h.AddRows(1, {"00gA"});
  int puts = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST") return Duplicate();
    if (r.method == "GET") return UserJson("00uOLD", std::time(nullptr) - 86400);
    if (++puts < 3) return Response(404, R"j({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00uOLD (User)"})j");
    return Response(204, "");
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kExisted) << h.results[0].error;
  EXPECT_EQ(puts, 3);
}

TEST(DispatcherTest, AnUnknownGroupFailsTheRowAndSaysWhichGroup) {
  Harness h;
  h.task_options.not_found_retries = 1;
  h.task_options.not_found_delay = std::chrono::milliseconds(1);
  h.AddRows(1, {"00gNOPE"});
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST") return Duplicate();
    if (r.method == "GET") return UserJson("00uOLD", std::time(nullptr) - 86400);
    return Response(404, R"j({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00gNOPE (UserGroup)"})j");
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].user_id, "00uOLD");
  EXPECT_EQ(h.results[0].error_code, "E0000007");
  EXPECT_NE(h.results[0].error.find("00gNOPE"), std::string::npos) << h.results[0].error;
}

TEST(DispatcherTest, ACreateWhoseResponseWasLostIsReportedCreatedNotExisted) {
  Harness h;
  h.AddRows(1);
  int posts = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST") {
      // The first create reached the server and created the user; its answer was lost.
      if (++posts == 1) return boost::system::error_code(asio::error::eof);
      return Duplicate();
    }
    return UserJson("00uMINE", std::time(nullptr));
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kCreated);
  EXPECT_EQ(h.results[0].user_id, "00uMINE");
}

TEST(DispatcherTest, ADuplicateCreatedBeforeTheRunIsExistedEvenAfterALostResponse) {
  Harness h;
  h.AddRows(1);
  int posts = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST") {
      if (++posts == 1) return boost::system::error_code(asio::error::eof);
      return Duplicate();
    }
    return UserJson("00uOLD", std::time(nullptr) - 3600);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kExisted);
}

TEST(DispatcherTest, OnceExistingLoginsShowUpTheyAreLookedUpFirstAndSpendNoCreate) {
  Harness h;
  h.AddRows(120);
  std::set<int> posted;
  // Rows that are multiples of 3 exist already (a third of the file).
  auto exists = [](int n) { return n % 3 == 0; };
  auto row_of = [](const std::string& s) { return std::stoi(s.substr(s.find("\"u") + 2)); };
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET") {
      int n = std::stoi(r.target.substr(r.target.rfind("/u") + 2));
      if (exists(n)) return UserJson("00uOLD" + std::to_string(n), std::time(nullptr) - 86400);
      return Response(404, R"j({"errorCode":"E0000007","errorSummary":"Not found: x (User)"})j");
    }
    int n = row_of(r.body);
    posted.insert(n);
    if (exists(n)) return Duplicate();
    return UserJson("00uNEW" + std::to_string(n));
  };
  DispatcherOptions o;
  o.workers = 1;  // one row at a time, so the switch point is exact
  h.Run(o);
  ASSERT_EQ(h.results.size(), 120u);
  int existed = 0;
  for (const auto& r : h.results) {
    EXPECT_EQ(r.outcome, exists(static_cast<int>(r.row)) ? Outcome::kExisted : Outcome::kCreated) << r.row;
    existed += r.outcome == Outcome::kExisted;
  }
  EXPECT_EQ(existed, 40);
  // After the first batch of answers showed existing logins, they cost no create.
  int late_existing_posted = 0;
  for (int n : posted) late_existing_posted += n > 40 && exists(n);
  EXPECT_EQ(late_existing_posted, 0);
}

TEST(DispatcherTest, AFreshImportSendsExactlyOneRequestPerUserEvenWhenRateLimited) {
  Harness h;
  h.AddRows(30);
  int64_t remaining = 5;
  std::time_t reset = std::time(nullptr) + 1;
  int requests = 0;
  h.transport.handler = [&](const HttpRequest& r) -> Result {
    EXPECT_EQ(r.method, "POST") << "no lookups when no login exists";
    std::time_t now = std::time(nullptr);
    if (remaining == 0 && now >= reset) {
      remaining = 1000;
      reset = now + 60;
    }
    std::vector<std::pair<std::string, std::string>> rl = {
        {"x-rate-limit-limit", remaining > 5 ? "1000" : "5"},
        {"x-rate-limit-remaining", std::to_string(remaining > 0 ? remaining - 1 : 0)},
        {"x-rate-limit-reset", std::to_string(reset)}};
    if (remaining == 0) return Response(429, R"({"errorCode":"E0000047","errorSummary":"rate"})", rl);
    --remaining;
    ++requests;
    return Response(200, R"({"id":"00uNEW","status":"ACTIVE"})", rl);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 30u);
  EXPECT_EQ(requests, 30);
}

TEST(ImportTaskTest, ParsesOktaTimestamps) {
  EXPECT_EQ(ParseOktaTimestamp("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(ParseOktaTimestamp("2013-07-02T21:36:25.344Z"), 1372800985);
  EXPECT_EQ(ParseOktaTimestamp("2013-07-02 21:36:25"), -1);
  EXPECT_EQ(ParseOktaTimestamp(""), -1);
}

}  // namespace
}  // namespace okta_bulk
