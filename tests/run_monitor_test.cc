// RunMonitor watching a real job (RunImport over a fake transport, no sockets): what it sees
// mid-run, the failures it collects, and the record it hands to --summary-json / --report.
#include "pipeline/report/run_monitor.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <ctime>

#include "pipeline/jobs/import_job.h"
#include "tests/testing/import_fixture.h"
#include "tools/okta_mock/mock_tenant.h"  // HttpDate: the Date header as okta-mock writes it

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
using Result = boost::system::result<HttpResponse>;

// Creates every user, except logins starting with "bad", which Okta refuses (400) and which
// a lookup does not find (404); answers
// carry the create bucket's rate-limit headers (limit 1000, counting down).
class FakeOkta final : public HttpTransport {
 public:
  std::function<void()> during_send;
  int created = 0;
  asio::awaitable<Result> Send(const HttpRequest& request) override {
    if (during_send) during_send();
    HttpResponse r;
    const std::time_t now = std::time(nullptr);
    r.headers = {{"date", mock::HttpDate(std::chrono::system_clock::from_time_t(now))},
                 {"x-rate-limit-limit", "1000"},
                 {"x-rate-limit-remaining", std::to_string(999 - created)},
                 {"x-rate-limit-reset", std::to_string(now + 60)}};
    if (request.method == "GET") {  // a refused create's login is looked up: not there
      r.status = 404;
      r.body = R"j({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (User)"})j";
    } else if (request.body.find("\"bad") != std::string::npos) {
      r.status = 400;
      r.body = R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login",)"
               R"("errorCauses":[{"errorSummary":"login: <b>not</b> allowed"}]})";
    } else {
      ++created;
      r.status = 200;
      r.body = R"({"id":"00u)" + std::to_string(created) + R"(","status":"ACTIVE","created":"2099-01-01T00:00:00.000Z"})";
    }
    co_return r;
  }
};

TEST(RunMonitorTest, SeesTheRunAsItGoesAndRecordsFailuresBucketsAndLatency) {
  testing::TempDir dir;
  std::string csv = "login,email,firstName,lastName\n";
  for (int i = 1; i <= 40; ++i) {
    const std::string login = (i % 10 == 0 ? "bad" : "u") + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",A,B\n";
  }
  csv += "not-an-email,x@example.com,A,B\n";  // invalid: never sent
  dir.Write("users.csv", csv);

  asio::io_context io;
  FakeOkta okta;
  MonitorOptions mo;
  mo.keep_series = true;
  mo.total = CountCsvRecords(dir.File("users.csv"));
  ASSERT_EQ(mo.total, 41u);
  RunMonitor monitor(mo);
  uint64_t max_in_flight_seen = 0, last_done = 0;
  bool done_never_decreased = true;
  okta.during_send = [&] {
    ProgressState s = monitor.Snapshot(RunMonitor::Clock::now());
    max_in_flight_seen = std::max(max_in_flight_seen, s.in_flight);
    done_never_decreased &= s.done >= last_done;
    last_done = s.done;
    EXPECT_EQ(s.total, 41u);
  };
  ImportOptions options;
  options.input_path = dir.File("users.csv");
  options.results_path = dir.File("results.csv");
  options.dispatch.workers = 4;
  options.governor.max_in_flight = 4;
  options.observer = &monitor;
  JobSummary summary;
  std::string error;
  ASSERT_TRUE(RunImport(io, okta, options, &summary, &error)) << error;
  EXPECT_GE(max_in_flight_seen, 1u) << "a request being sent is in flight";
  EXPECT_TRUE(done_never_decreased);
  EXPECT_GT(last_done, 0u);

  ASSERT_EQ(summary.counts[static_cast<std::size_t>(Outcome::kCreated)], 36u);
  const auto entries = monitor.failures().Sorted();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].count, 4u);
  EXPECT_EQ(entries[0].error_code, "E0000001");
  EXPECT_NE(entries[0].example_error.find("<b>not</b> allowed"), std::string::npos);
  EXPECT_EQ(entries[1].outcome, Outcome::kInvalid);
  EXPECT_EQ(entries[1].example_login, "not-an-email");

  RunRecord record = RecordOf(summary);
  monitor.FillRecord(&record);
  const BucketReport& create = record.buckets[static_cast<std::size_t>(Bucket::kUsers)];
  // 40 creates, and a lookup for each of the 4 refused ones (in the get bucket).
  EXPECT_EQ(create.requests, 40u);
  EXPECT_EQ(summary.stats.requests, 44u);
  EXPECT_EQ(create.limit, 1000);
  EXPECT_EQ(record.latency.total(), summary.stats.requests);
  EXPECT_EQ(record.exit_code, 1);
  ASSERT_FALSE(monitor.series().points().empty()) << "the end of the run is sampled";
  EXPECT_EQ(monitor.series().points().back().done, 41u);
  EXPECT_EQ(monitor.series().points().back().limit[static_cast<std::size_t>(Bucket::kUsers)], 1000);
  const std::string html = RenderHtmlReport(record, monitor.series(), monitor.failures());
  EXPECT_NE(html.find("&lt;b&gt;not&lt;/b&gt; allowed"), std::string::npos);
}

TEST(RunMonitorTest, AResumedRunCountsTheRowsAlreadyDone) {
  testing::TempDir dir;
  dir.Write("users.csv", "login,email,firstName,lastName\n"
                         "a@example.com,a@example.com,A,B\n"
                         "b@example.com,b@example.com,A,B\n"
                         "c@example.com,c@example.com,A,B\n");
  dir.Write("results.csv", "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts\n"
                           "1,a@example.com,created,00u1,ACTIVE,200,,,1\n"
                           "2,b@example.com,created,00u2,ACTIVE,200,,,1\n");
  asio::io_context io;
  FakeOkta okta;
  MonitorOptions mo;
  mo.total = 3;
  RunMonitor monitor(mo);
  uint64_t done_at_first_send = 99;
  okta.during_send = [&] {
    if (done_at_first_send == 99) done_at_first_send = monitor.Snapshot(RunMonitor::Clock::now()).done;
  };
  ImportOptions options;
  options.input_path = dir.File("users.csv");
  options.results_path = dir.File("results.csv");
  options.resume = true;
  options.observer = &monitor;
  JobSummary summary;
  std::string error;
  ASSERT_TRUE(RunImport(io, okta, options, &summary, &error)) << error;
  EXPECT_EQ(done_at_first_send, 2u) << "the two rows of the first run are done already";
  EXPECT_EQ(okta.created, 1);
}

}  // namespace
}  // namespace okta_bulk
