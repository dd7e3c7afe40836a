// The run's time series, failures table, summary JSON and HTML report, as pure functions;
// and the report rendered by a real headless browser (Debian's chromium), offline.
#include "pipeline/report/run_report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/testing/import_fixture.h"

namespace okta_bulk {
namespace {

namespace json = boost::json;

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

SeriesPoint Point(double t, uint64_t done, uint32_t in_flight, int64_t remaining) {
  SeriesPoint p;
  p.t_s = t;
  p.done = done;
  p.requests = done;
  p.rate_limited = done / 100;
  p.in_flight = in_flight;
  p.remaining[0] = remaining;
  p.limit[0] = 600;
  return p;
}

RowResult Failed(uint64_t row, std::string login, std::string error, int status = 400,
                 std::string code = "E0000001") {
  RowResult r;
  r.row = row;
  r.login = std::move(login);
  r.outcome = Outcome::kFailed;
  r.http_status = status;
  r.error_code = std::move(code);
  r.error = std::move(error);
  return r;
}

// A run with every chart fed: a minute of samples, latencies, 429s and failures whose
// strings try to break out of the HTML.
struct SampleRun {
  RunRecord record;
  RunSeries series;
  FailureTable failures;
  SampleRun() {
    record.command = "import";
    record.items = 3000;
    record.outcomes[static_cast<std::size_t>(Outcome::kCreated)] = 2990;
    record.outcomes[static_cast<std::size_t>(Outcome::kFailed)] = 10;
    record.elapsed_s = 61;
    record.requests = 3100;
    record.rate_limited = 7;
    auto& create = record.buckets[static_cast<std::size_t>(Bucket::kUsers)];
    create.requests = 3100;
    create.rate_limited = 7;
    create.limit = 600;
    create.window_s = 10;
    for (int i = 0; i < 3100; ++i)
      record.latency.Record(std::chrono::microseconds(2000 + (i % 50) * 900));
    for (int t = 0; t <= 60; ++t)
      series.Add(Point(t, static_cast<uint64_t>(t) * 50, static_cast<uint32_t>(t % 9), 600 - (t % 10) * 60));
    series.Finish();
    for (int i = 0; i < 10; ++i)
      failures.Add(Failed(100 + static_cast<uint64_t>(i), "<script>alert('x')</script>@evil.com",
                          "create failed: Api validation failed: <img src=x onerror=alert(1)> & \"quotes\""));
  }
};

constexpr const char* kToken = "00TokEnXyZ-SeCrEt_1234567890abcdef";

RunIdentity SampleIdentity() {
  RunIdentity id;
  id.started = std::chrono::system_clock::time_point(std::chrono::seconds(1714564984));
  id.ended = *id.started + std::chrono::seconds(61);
  id.version = "9.8.7";
  const std::vector<std::string> args = {"import", "users.csv", "-o", "results.csv",
                                         "--token-file", "/home/me/okta token.txt",
                                         std::string("--note=") + kToken};
  const std::vector<std::string> secrets = {kToken};
  id.command_line = RedactedCommandLine(args, secrets);
  id.input_path = "users.csv";
  id.input_bytes = 1234567;
  id.input_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  id.org_host = "acme.okta.com";
  id.org_url = "https://acme.okta.com";
  id.auth = "API token";
  return id;
}

// Sets TZ for the scope of a test, and puts it back.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) ::setenv("TZ", old_->c_str(), 1); else ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(RunSeriesTest, ATenHourRunStaysWithinTheCapByHalvingTheResolution) {
  RunSeries series(2000);
  const int samples = 10 * 3600;
  for (int t = 1; t <= samples; ++t)
    series.Add(Point(t, static_cast<uint64_t>(t) * 3, t == 20000 ? 77 : 8, 600 - t % 600));
  series.Finish();
  const auto& pts = series.points();
  EXPECT_LE(pts.size(), 2000u);
  EXPECT_GE(pts.size(), 1000u) << "halving keeps at least half the cap";
  EXPECT_EQ(series.stride(), 32u);  // 36,000 samples / 32 = 1,125 points
  EXPECT_DOUBLE_EQ(pts.back().t_s, samples) << "the last sample is kept";
  EXPECT_EQ(pts.back().done, static_cast<uint64_t>(samples) * 3);
  uint32_t peak = 0;
  int64_t lowest = 1000;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    peak = std::max(peak, pts[i].in_flight);
    lowest = std::min(lowest, pts[i].remaining[0]);
    if (i) {
      EXPECT_GT(pts[i].t_s, pts[i - 1].t_s);
    }
  }
  EXPECT_EQ(peak, 77u) << "merging keeps the highest in-flight count";
  EXPECT_EQ(lowest, 1) << "merging keeps the lowest remaining";
}

TEST(RunSeriesTest, UnknownRemainingDoesNotHideAKnownOne) {
  SeriesPoint a = Point(1, 1, 1, -1), b = Point(2, 2, 1, 40);
  RunSeries::Merge(a, b);
  EXPECT_EQ(a.remaining[0], 40);
  EXPECT_EQ(a.remaining[1], -1);
  EXPECT_EQ(a.done, 2u);
}

TEST(FailureTableTest, RowsAreGroupedByErrorWithTheFirstRowAsExample) {
  FailureTable t;
  t.Add(Failed(12, "a@example.com", "row 12 (line 13), field 'login': 'a@example.com' is the same login as row 3 (Okta compares logins ignoring case and diacritics); not sent"));
  t.Add(Failed(40, "b@example.com", "row 40 (line 41), field 'login': 'b@example.com' is the same login as row 7 (Okta compares logins ignoring case and diacritics); not sent"));
  t.Add(Failed(41, "c@example.com", "HTTP 500 after 5 attempts: Internal error", 500, "E0000009"));
  RowResult ok;
  ok.outcome = Outcome::kCreated;
  t.Add(ok);
  EXPECT_EQ(t.total(), 3u);
  auto entries = t.Sorted();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].count, 2u);
  EXPECT_EQ(entries[0].example_row, 12u);
  EXPECT_EQ(entries[0].example_login, "a@example.com");
  EXPECT_EQ(entries[0].key,
            "field 'login': '…' is the same login as row # (Okta compares logins ignoring case and diacritics); not sent");
  EXPECT_EQ(entries[1].http_status, 500);
  EXPECT_EQ(entries[1].error_code, "E0000009");
}

TEST(FailureTableTest, MessagesDifferingOnlyInAnIdAreOneGroupShownByAVerbatimExample) {
  FailureTable t;
  t.Add(Failed(7, "a@example.com", "Resource not found: 00gmock1abc (UserGroup)", 404, "E0000007"));
  t.Add(Failed(9, "b@example.com", "Resource not found: 00gmock2xyz (UserGroup)", 404, "E0000007"));
  const auto entries = t.Sorted();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].count, 2u);
  EXPECT_EQ(entries[0].example_row, 7u);
  EXPECT_EQ(entries[0].example_error, "Resource not found: 00gmock1abc (UserGroup)");

  RunRecord record;
  const std::string html = RenderHtmlReport(record, RunSeries(), t);
  EXPECT_NE(html.find("row 7"), std::string::npos);
  EXPECT_NE(html.find("Resource not found: 00gmock1abc (UserGroup)"), std::string::npos);
  EXPECT_EQ(html.find("#gmock#"), std::string::npos) << "the grouping key is never shown";
  EXPECT_EQ(html.find("00gmock2xyz"), std::string::npos) << "one example per group";
}

TEST(FailureTableTest, LoginsAndNumbersLeaveTheKeyAndKindsAreBounded) {
  EXPECT_EQ(FailureTable::Normalize("no user with login jane@example.com"), "no user with login …");
  EXPECT_EQ(FailureTable::Normalize("row 5, field 'groupId': '00g bad' is not a group id"),
            "field 'groupId': '…' is not a group id");
  EXPECT_EQ(FailureTable::Normalize("Resource not found: 00g1abcd2EFGH3ijk4x5 (UserGroup)"),
            "Resource not found: # (UserGroup)");
  EXPECT_EQ(FailureTable::Normalize("password: at least 8 characters, UTF-8"),
            "password: at least # characters, UTF-#");
  FailureTable t;
  for (std::size_t i = 0; i < FailureTable::kMaxKinds + 50; ++i)
    t.Add(Failed(i + 1, "x@example.com", "error kind " + std::string(1 + i / 26, static_cast<char>('a' + i % 26))));
  auto entries = t.Sorted();
  EXPECT_EQ(entries.size(), FailureTable::kMaxKinds + 1);
  EXPECT_EQ(entries.back().count, 50u);
  EXPECT_TRUE(entries.back().other);
  EXPECT_EQ(entries.back().example_row, FailureTable::kMaxKinds + 1);
}

TEST(HtmlEscapeTest, MarkupQuotesAndBadBytesAreNeutralised) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("Zoë"), "Zoë");
  EXPECT_EQ(HtmlEscape("a\xC3\x28z"), "a\xEF\xBF\xBD(z") << "invalid UTF-8 becomes U+FFFD";
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
}

TEST(RunReportTest, HasEveryChartAndTheFailuresTableAndEscapesEveryDataString) {
  SampleRun run;
  run.record.run = SampleIdentity();
  const std::string html = RenderHtmlReport(run.record, run.series, run.failures);
  for (const char* id : {"chart-throughput", "chart-in-flight", "chart-remaining", "chart-429s", "chart-latency"})
    EXPECT_EQ(Count(html, std::string("<svg id=\"") + id + "\""), 1u) << id;
  EXPECT_GE(Count(html, "<polyline"), 4u);
  EXPECT_GE(Count(html, "<rect class=\"bar\""), 10u);
  EXPECT_NE(html.find("<table id=\"failures\">"), std::string::npos);
  EXPECT_NE(html.find(">10</td><td>failed</td><td>400</td><td>E0000001</td>"), std::string::npos);
  // No markup from data survives; its escaped form is there.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;@evil.com"), std::string::npos);
  // Self-contained: nothing to fetch. The only URL is the SVG namespace name.
  EXPECT_EQ(html.find(" src=\""), std::string::npos);
  EXPECT_EQ(html.find(" href=\""), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(Count(html, "=\"http"), Count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(RunReportTest, ARunTooShortForSamplesStillRendersEveryChart) {
  RunRecord record;
  record.command = "delete";
  RunSeries series;
  FailureTable failures;
  const std::string html = RenderHtmlReport(record, series, failures);
  for (const char* id : {"chart-throughput", "chart-in-flight", "chart-remaining", "chart-429s", "chart-latency"})
    EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("No row failed."), std::string::npos);
  EXPECT_NE(html.find("no requests"), std::string::npos);
}

// The remaining budget of buckets whose limits differ a hundredfold: each is drawn as the
// share of its own limit (a 100-request bucket half spent sits at 50, not flat on the floor
// of a 10,000 axis), and the legend names each limit.
TEST(RunReportTest, RemainingBudgetIsEachBucketsShareOfItsOwnLimitNamedInTheLegend) {
  RunRecord record;
  record.command = "import";
  RunSeries series;
  for (int t = 0; t <= 20; ++t) {
    SeriesPoint p = Point(t, static_cast<uint64_t>(t) * 10, 1, 50);
    p.limit[0] = 100;
    p.remaining[1] = 10000;
    p.limit[1] = 10000;
    series.Add(p);
  }
  series.Finish();
  FailureTable failures;
  const std::string html = RenderHtmlReport(record, series, failures);
  const std::size_t at = html.find("<svg id=\"chart-remaining\"");
  ASSERT_NE(at, std::string::npos);
  const std::string chart = html.substr(at, html.find("</svg>", at) - at);
  EXPECT_NE(chart.find(">create (limit 100)<"), std::string::npos) << chart;
  EXPECT_NE(chart.find(">get (limit 10,000)<"), std::string::npos) << chart;
  EXPECT_NE(chart.find("% of limit left"), std::string::npos) << chart;
  EXPECT_NE(chart.find(">100<"), std::string::npos) << chart;  // the axis ends at 100 %
  EXPECT_EQ(chart.find(">10k<"), std::string::npos) << chart;
  EXPECT_EQ(chart.find(">10,000<"), std::string::npos) << chart;
}

// A resumed job's outcomes count rows an earlier run failed; this run's table cannot show
// them, and the report says so instead of letting the counts disagree silently.
TEST(RunReportTest, FailuresOfAnEarlierRunAreCountedAndPointedToTheResultsFile) {
  SampleRun run;  // 10 failed, all of this run
  std::string html = RenderHtmlReport(run.record, run.series, run.failures);
  EXPECT_EQ(html.find("failures-earlier"), std::string::npos);
  run.record.outcomes[static_cast<std::size_t>(Outcome::kInvalid)] = 5;  // from an earlier run
  html = RenderHtmlReport(run.record, run.series, run.failures);
  EXPECT_NE(html.find("<p id=\"failures-earlier\">5 failed or invalid rows ended in an earlier "
                      "run of this job and are not listed here"),
            std::string::npos)
      << html;
  FailureTable none;
  html = RenderHtmlReport(run.record, run.series, none);
  EXPECT_NE(html.find("15 failed or invalid rows ended in an earlier run"), std::string::npos);
  EXPECT_NE(html.find("No row failed in this run."), std::string::npos);
}

TEST(SummaryJsonTest, IsValidJsonWithCountsRatesBucketsAndTheAbortReason) {
  SampleRun run;
  run.record.exit_code = 3;
  run.record.abort_reason = "Okta refused the credentials (HTTP 401 E0000011: \"Invalid token\"\n)\xC3\x28";
  const std::string text = SummaryJson(run.record);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  ASSERT_FALSE(ec) << ec.message() << "\n" << text;
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("command").as_string(), "import");
  EXPECT_EQ(o.at("exitCode").as_int64(), 3);
  EXPECT_EQ(o.at("abortReason").as_string(),
            "Okta refused the credentials (HTTP 401 E0000011: \"Invalid token\"\n)\xEF\xBF\xBD(");
  EXPECT_EQ(o.at("rows").as_int64(), 3000);
  EXPECT_NEAR(o.at("rowsPerSecond").as_double(), 3000.0 / 61, 1e-3);
  EXPECT_EQ(o.at("outcomes").at("created").as_int64(), 2990);
  EXPECT_EQ(o.at("outcomes").at("failed").as_int64(), 10);
  EXPECT_EQ(o.at("requests").as_int64(), 3100);
  EXPECT_EQ(o.at("latencyMs").at("count").as_int64(), 3100);
  const json::object& create = o.at("buckets").at("create").as_object();
  EXPECT_EQ(create.at("rateLimited").as_int64(), 7);
  // 61 s over 10 s windows: 6 whole windows of 600, and 1 s of the seventh (60 pro rata, as
  // the 3,093 counted did not even fill the six): 3,660 permitted.
  EXPECT_DOUBLE_EQ(create.at("permitted").to_number<double>(), 3660);
  EXPECT_NEAR(create.at("efficiency").as_double(), 3093.0 / 3660, 1e-5);
  EXPECT_TRUE(create.at("learntCap").is_null());
  EXPECT_FALSE(o.at("buckets").as_object().contains("get")) << "unused buckets are left out";
  run.record.abort_reason.clear();
  EXPECT_TRUE(json::parse(SummaryJson(run.record)).as_object().at("abortReason").is_null());
}

TEST(SummaryJsonTest, EfficiencyIsUnknownWithoutALimitAndHonoursMaxShare) {
  RunRecord r;
  r.elapsed_s = 120;
  auto& b = r.buckets[static_cast<std::size_t>(Bucket::kUsers)];
  b.requests = 600;
  EXPECT_FALSE(BucketEfficiency(r, Bucket::kUsers)) << "not metered: nothing to compare with";
  b.limit = 600;
  b.window_s = 60;
  EXPECT_DOUBLE_EQ(*BucketEfficiency(r, Bucket::kUsers), 0.5);
  r.max_share = 0.5;  // 300 per window x 2 windows
  EXPECT_DOUBLE_EQ(*BucketEfficiency(r, Bucket::kUsers), 1.0);
}

TEST(SummaryJsonTest, ThePartOfTheLastWindowTheRunDidNotNeedIsNoWaste) {
  // tools/demo.sh: 20,000 rows at 6,000 per 10 s; every permit of the first three windows
  // used, the last 2,000 sent at the start of the fourth. It used to show 20,000 / 24,000.
  RunRecord r;
  r.elapsed_s = 30.4;
  auto& b = r.buckets[static_cast<std::size_t>(Bucket::kUsers)];
  b.requests = 20000;
  b.limit = 6000;
  b.window_s = 10;
  EXPECT_DOUBLE_EQ(*BucketPermitted(r, Bucket::kUsers), 20000);
  EXPECT_DOUBLE_EQ(*BucketEfficiency(r, Bucket::kUsers), 1.0);
  // A run still sending late in its last window was slow: that window counts pro rata.
  r.elapsed_s = 39;
  EXPECT_NEAR(*BucketPermitted(r, Bucket::kUsers), 18000 + 5400, 1e-6);
  // 429s are not counted; a run inside its first window needed only what it sent.
  r.elapsed_s = 0.5;
  b.requests = 1010;
  b.rate_limited = 10;
  EXPECT_DOUBLE_EQ(*BucketEfficiency(r, Bucket::kUsers), 1.0);
}

TEST(SummaryJsonTest, ALearntTokenShareIsShownAndIsWhatEfficiencyIsMeasuredAgainst) {
  RunRecord r;
  r.command = "import";
  r.elapsed_s = 60;
  auto& b = r.buckets[static_cast<std::size_t>(Bucket::kUsers)];
  b.requests = 608;
  b.rate_limited = 8;
  b.limit = 200;
  b.window_s = 10;
  b.learnt_cap = 100;
  const json::object create =
      json::parse(SummaryJson(r)).as_object().at("buckets").at("create").as_object();
  EXPECT_EQ(create.at("learntCap").as_int64(), 100);
  EXPECT_DOUBLE_EQ(create.at("permitted").to_number<double>(), 600);
  EXPECT_DOUBLE_EQ(create.at("efficiency").to_number<double>(), 1.0);
  FailureTable failures;
  const std::string html = RenderHtmlReport(r, RunSeries(), failures);
  EXPECT_NE(html.find("token share about 50% of 200 per 10.0 s, learnt from 429s"), std::string::npos);
}

TEST(RunIdentityTest, TimesAreIso8601InUtcAndInTheLocalZoneWithItsOffset) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1714564984));
  EXPECT_EQ(Iso8601Utc(t), "2024-05-01T12:03:04Z");
  {
    ScopedTimeZone tz("XYZ-2");  // two hours east of UTC, no daylight saving
    EXPECT_EQ(Iso8601Local(t), "2024-05-01T14:03:04+02:00");
  }
  {
    ScopedTimeZone tz("ABC5:30");
    EXPECT_EQ(Iso8601Local(t), "2024-05-01T06:33:04-05:30");
  }
}

TEST(RunIdentityTest, TheCommandLineKeepsPathsAndLosesEverySecret) {
  const std::vector<std::string> secrets = {kToken};
  auto line = [&](std::vector<std::string> args) { return RedactedCommandLine(args, secrets); };
  EXPECT_EQ(line({"import", "users.csv", "--token-file", "/tmp/tok en.txt", "--private-key", "key.pem"}),
            "okta-bulk import users.csv --token-file '/tmp/tok en.txt' --private-key key.pem");
  EXPECT_EQ(line({"import", "u.csv", "--token", "abc123", "--api-token=def456"}),
            "okta-bulk import u.csv --token [redacted] --api-token=[redacted]");
  EXPECT_EQ(line({"export", "--private-key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}),
            "okta-bulk export --private-key [redacted]");
  EXPECT_EQ(line({"export", "--private-key=-----BEGIN PRIVATE KEY-----"}),
            "okta-bulk export --private-key=[redacted]");
  EXPECT_EQ(line({"import", std::string("x") + kToken + "y"}), "okta-bulk import x[redacted]y")
      << "the token read from the environment or a file, pasted into an argument";
  EXPECT_EQ(line({"import", "it's.csv"}), "okta-bulk import 'it'\\''s.csv'");
}

TEST(RunIdentityTest, TheInputIsHashedWithSha256AndAPipeIsNotRead) {
  testing::TempDir dir;
  dir.Write("abc.csv", "abc");
  uint64_t bytes = 0;
  std::string hex, error;
  ASSERT_TRUE(HashInputFile(dir.File("abc.csv"), &bytes, &hex, &error)) << error;
  EXPECT_EQ(bytes, 3u);
  EXPECT_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Larger than one read block: 200,000 x 'a' (its SHA-256 as sha256sum gives it).
  dir.Write("big.csv", std::string(200000, 'a'));
  ASSERT_TRUE(HashInputFile(dir.File("big.csv"), &bytes, &hex, &error)) << error;
  EXPECT_EQ(bytes, 200000u);
  EXPECT_EQ(hex, "2287d207f24a941ff3b56c04c8a25ad56b63e3023207b3bb5b4ac0c9869d74be");
  ASSERT_EQ(::mkfifo(dir.File("pipe").c_str(), 0600), 0);
  EXPECT_FALSE(HashInputFile(dir.File("pipe"), &bytes, &hex, &error)) << "must not block on a pipe";
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  EXPECT_FALSE(HashInputFile(dir.File("missing.csv"), &bytes, &hex, &error));
}

TEST(SummaryJsonTest, NamesTheRunAndNeverHoldsTheToken) {
  ScopedTimeZone tz("XYZ-2");
  SampleRun run;
  run.record.run = SampleIdentity();
  const std::string text = SummaryJson(run.record);
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  const json::object& id = v.at("run").as_object();
  EXPECT_EQ(id.at("startedUtc").as_string(), "2024-05-01T12:03:04Z");
  EXPECT_EQ(id.at("startedLocal").as_string(), "2024-05-01T14:03:04+02:00");
  EXPECT_EQ(id.at("endedUtc").as_string(), "2024-05-01T12:04:05Z");
  EXPECT_EQ(id.at("endedLocal").as_string(), "2024-05-01T14:04:05+02:00");
  EXPECT_EQ(id.at("version").as_string(), "9.8.7");
  EXPECT_EQ(id.at("commandLine").as_string(),
            "okta-bulk import users.csv -o results.csv --token-file '/home/me/okta token.txt' "
            "--note=[redacted]");
  EXPECT_EQ(id.at("input").at("path").as_string(), "users.csv");
  EXPECT_EQ(id.at("input").at("bytes").as_int64(), 1234567);
  EXPECT_EQ(id.at("input").at("sha256").as_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(id.at("orgHost").as_string(), "acme.okta.com");
  EXPECT_EQ(id.at("auth").as_string(), "API token");
  EXPECT_EQ(text.find(kToken), std::string::npos);

  const std::string html = RenderHtmlReport(run.record, run.series, run.failures);
  EXPECT_NE(html.find("<table id=\"run\">"), std::string::npos);
  for (const char* shown : {"2024-05-01T12:03:04Z", "2024-05-01T14:03:04+02:00",
                            "2024-05-01T12:04:05Z", "9.8.7", "okta token.txt", "1,234,567 bytes",
                            "ba7816bf8f01cfea", "https://acme.okta.com", "API token"})
    EXPECT_NE(html.find(shown), std::string::npos) << shown;
  EXPECT_EQ(html.find(kToken), std::string::npos);

  // A run that sent nothing and read no input says so instead of inventing it.
  RunRecord bare;
  const json::object b = json::parse(SummaryJson(bare)).at("run").as_object();
  EXPECT_TRUE(b.at("startedUtc").is_null());
  EXPECT_TRUE(b.at("input").is_null());
  EXPECT_TRUE(b.at("orgHost").is_null());
}

// Debian's chromium, as tools/install-deps.sh installs it; "" when absent.
std::string FindChromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (::access(path, X_OK) == 0) return path;
  return "";
}

// Flags for an offline, throwaway browser: no sync, no updates, no first-run fetches, and
// every host name resolves to nothing. Where the system allows it, the browser also runs in
// a network namespace of its own with no interface at all (unshare -n), so not one packet
// can leave the machine whatever it tries.
std::vector<std::string> HeadlessChromium(const std::string& chromium, const std::string& profile) {
  static const bool can_unshare =
      ::access("/usr/bin/unshare", X_OK) == 0 &&
      testing::RunProcess({"/usr/bin/unshare", "-n", "true"}, {}, 30).exit_code == 0;
  std::vector<std::string> argv;
  if (can_unshare) argv = {"/usr/bin/unshare", "-n", chromium};
  else argv = {chromium};
  const std::vector<std::string> flags = {
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
      "--disable-extensions", "--disable-sync", "--no-first-run", "--metrics-recording-only",
      "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + profile};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return argv;
}

TEST(RunReportBrowserTest, ChromiumRendersEveryChartOfTheReport) {
  const std::string chromium = FindChromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed, so the report cannot be rendered in a browser "
                    "(tools/install-deps.sh installs it; CI runs this test)";
  testing::TempDir dir;
  SampleRun run;
  run.record.run = SampleIdentity();
  dir.Write("report.html", RenderHtmlReport(run.record, run.series, run.failures));
  const std::string url = "file://" + dir.File("report.html");

  auto argv = HeadlessChromium(chromium, dir.File("profile-dom"));
  argv.push_back("--dump-dom");
  argv.push_back(url);
  testing::ProcessResult dom = testing::RunProcess(argv, {}, 120);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  // The DOM as the browser built it (re-serialized: the SVG elements parsed as SVG).
  for (const char* id : {"chart-throughput", "chart-in-flight", "chart-remaining", "chart-429s", "chart-latency"})
    EXPECT_NE(dom.out.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id << "\n" << dom.out.substr(0, 2000);
  EXPECT_GE(Count(dom.out, "<polyline"), 4u);
  EXPECT_GE(Count(dom.out, "</polyline>"), 4u) << "the browser re-serializes SVG elements it parsed";
  EXPECT_GE(Count(dom.out, "<rect class=\"bar\""), 10u);
  EXPECT_NE(dom.out.find("<table id=\"failures\">"), std::string::npos);
  EXPECT_EQ(dom.out.find("<img"), std::string::npos) << "escaped data must not become elements";
  EXPECT_EQ(dom.out.find("<script"), std::string::npos);

  argv = HeadlessChromium(chromium, dir.File("profile-png"));
  argv.push_back("--window-size=1000,2400");
  argv.push_back("--screenshot=" + dir.File("report.png"));
  argv.push_back(url);
  testing::ProcessResult shot = testing::RunProcess(argv, {}, 120);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const std::string png = dir.Read("report.png");
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A blank 1000x2400 page compresses to a few KB; charts and tables take far more.
  EXPECT_GT(png.size(), 40000u);
}


// Issue 19: in a browser, by bounding boxes: no legend on a title or on the data, no label
// clipped by its chart, no two tick labels on each other, ticks at round steps.
TEST(RunReportBrowserTest, LegendsTitlesTickLabelsAndPlotsNeverOverlapOrLeaveTheChart) {
  const std::string chromium = FindChromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed, so the report cannot be rendered in a browser "
                    "(tools/install-deps.sh installs it; CI runs this test)";
  // The report of the issue: 12.3 s of samples, two buckets, latencies up to about 53 ms.
  SampleRun run;
  run.record.run = SampleIdentity();
  run.series = RunSeries();
  for (int i = 0; i <= 123; ++i) {
    SeriesPoint p = Point(i / 10.0, static_cast<uint64_t>(i) * 5, static_cast<uint32_t>(i % 9), 600 - (i % 10) * 60);
    p.remaining[2] = 100 - (i % 20) * 5;
    p.limit[2] = 100;
    run.series.Add(p);
  }
  run.series.Finish();
  run.record.latency = LatencyHistogram();
  for (int i = 0; i < 3000; ++i) run.record.latency.Record(std::chrono::microseconds(2000 + (i % 60) * 850));
  // The check runs in the page once laid out, and writes what it found into the DOM.
  const std::string script = R"JS(<script>
(function () {
  const problems = [];
  let texts = 0, legends = 0;
  const box = (e) => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
  const hit = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const inside = (a, b) => a.l >= b.l - 0.5 && a.r <= b.r + 0.5 && a.t >= b.t - 0.5 && a.b <= b.b + 0.5;
  for (const svg of document.querySelectorAll('svg.chart')) {
    const id = svg.id, chart = box(svg);
    const plot = box(svg.querySelector('rect.plot')), title = box(svg.querySelector('text.ctitle'));
    if (hit(title, plot)) problems.push(id + ': the title overlaps the plot');
    for (const t of svg.querySelectorAll('text')) {
      ++texts;
      if (!inside(box(t), chart)) problems.push(id + ': "' + t.textContent + '" is clipped');
    }
    for (const e of svg.querySelectorAll('.legend rect, .legend text')) {
      ++legends;
      const b = box(e);
      if (hit(b, title)) problems.push(id + ': legend "' + e.textContent + '" overlaps the title');
      if (hit(b, plot)) problems.push(id + ': legend "' + e.textContent + '" overlaps the plot');
    }
    for (const cls of ['xtick', 'ytick']) {
      const ticks = [...svg.querySelectorAll('text.' + cls)];
      ticks.forEach((a, i) => {
        if (hit(box(a), plot)) problems.push(id + ': tick label "' + a.textContent + '" is on the plot');
        ticks.slice(i + 1).forEach((b) => {
          if (hit(box(a), box(b))) problems.push(id + ': tick labels "' + a.textContent + '" and "' + b.textContent + '" overlap');
        });
      });
    }
    const xs = [...svg.querySelectorAll('text.xtick')].map((t) => t.textContent);
    problems.push('#ticks ' + id + ' ' + xs.join(','));
  }
  const pre = document.createElement('pre');
  pre.id = 'layout';
  pre.textContent = 'texts=' + texts + ' legends=' + legends + '\n' + problems.join('\n') + '\nend';
  document.body.appendChild(pre);
})();
</script>
)JS";
  std::string html = RenderHtmlReport(run.record, run.series, run.failures);
  const std::size_t body_end = html.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  html.insert(body_end, script);
  testing::TempDir dir;
  dir.Write("layout.html", html);
  auto argv = HeadlessChromium(chromium, dir.File("profile-layout"));
  argv.push_back("--window-size=1000,2400");
  argv.push_back("--dump-dom");
  argv.push_back("file://" + dir.File("layout.html"));
  testing::ProcessResult dom = testing::RunProcess(argv, {}, 120);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::size_t at = dom.out.find("<pre id=\"layout\">");
  ASSERT_NE(at, std::string::npos) << "the check did not run\n" << dom.out.substr(0, 2000);
  const std::string report = dom.out.substr(at, dom.out.find("</pre>", at) - at);
  std::string problems, ticks;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#ticks ")) ticks += line + "\n";
    else if (!line.starts_with("<pre") && line != "end") problems += line + "\n";
  }
  EXPECT_EQ(problems, "") << report;
  EXPECT_NE(report.find("texts="), std::string::npos);
  EXPECT_GE(Count(report, "legends="), 1u);
  EXPECT_EQ(report.find("legends=0"), std::string::npos) << "two buckets: the remaining chart has a legend";
  EXPECT_NE(ticks.find("#ticks chart-throughput 0s,2s,4s,6s,8s,10s,12s,14s"), std::string::npos) << ticks;
}

}  // namespace
}  // namespace okta_bulk
