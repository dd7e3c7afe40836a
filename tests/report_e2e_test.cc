// okta-bulk's progress lines, --summary-json and --report against okta-mock, end to end.
// Servers: okta-mock on 127.0.0.1, port 0, started and stopped by each test.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <csignal>

#include <boost/json.hpp>

#include "net/jose.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

std::string Hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

void WriteUsers(const TempDir& dir, int n, bool with_invalid) {
  std::string csv = "login,email,firstName,lastName,title\n";
  for (int i = 1; i <= n; ++i) {
    const std::string login = "p" + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",A,B,\"two\nlines\"\n";  // a record spanning lines
  }
  if (with_invalid) {
    csv += "<script>x</script>,s@example.com,A,B,\n";
    csv += "p1@example.com,dup@example.com,A,B,\n";  // the same login as row 1
  }
  dir.Write("users.csv", csv);
}

TEST(ReportEndToEndTest, ARateLimitedImportShowsProgressAndWritesTheSummaryJsonAndTheReport) {
  TempDir dir;
  WriteUsers(dir, 300, /*with_invalid=*/true);
  MockProcess mock({"--limits", "create=100", "--window", "2"});
  ASSERT_NE(mock.port(), 0);
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--progress-interval", "1", "--summary-json", dir.File("run.json"),
                                   "--report", dir.File("report.html")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;  // two invalid rows

  // Not a terminal: plain lines, with the total counted up front (records, not lines).
  EXPECT_GE(Count(run.err, "okta-bulk: "), 2u) << run.err;
  EXPECT_NE(run.err.find("/302 rows ("), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("limit: create bucket"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << "no redrawing when not a terminal";
  EXPECT_EQ(run.err.find('\x1b'), std::string::npos) << "no colour when not a terminal";

  boost::system::error_code ec;
  json::value v = json::parse(dir.Read("run.json"), ec);
  ASSERT_FALSE(ec) << dir.Read("run.json");
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("command").as_string(), "import");
  EXPECT_EQ(o.at("exitCode").as_int64(), 1);
  EXPECT_TRUE(o.at("abortReason").is_null());
  EXPECT_EQ(o.at("rows").as_int64(), 302);
  EXPECT_EQ(o.at("outcomes").at("created").as_int64(), 300);
  EXPECT_EQ(o.at("outcomes").at("invalid").as_int64(), 2);
  EXPECT_GT(o.at("elapsedSeconds").to_number<double>(), 1.0) << "three windows of 100 take over 2 s";
  const json::object& create = o.at("buckets").at("create").as_object();
  EXPECT_EQ(create.at("requests").as_int64() - create.at("rateLimited").as_int64(), 300);
  EXPECT_EQ(create.at("limit").as_int64(), 100);
  EXPECT_EQ(create.at("windowSeconds").to_number<double>(), 2.0);
  EXPECT_GT(create.at("efficiency").to_number<double>(), 0.5);
  EXPECT_LE(create.at("efficiency").to_number<double>(), 1.0);
  // Every request okta-mock received: the rows' and the schema read before the first row.
  EXPECT_EQ(RowRequests(mock), o.at("requests").as_int64() - o.at("orgRequests").as_int64());
  EXPECT_EQ(o.at("orgRequests").as_int64(), 1);
  // Which run it was.
  const json::object& id = o.at("run").as_object();
  for (const char* t : {"startedUtc", "endedUtc"})
    EXPECT_TRUE(std::string(id.at(t).as_string()).ends_with("Z")) << t;
  for (const char* t : {"startedLocal", "endedLocal"})
    EXPECT_EQ(id.at(t).as_string().size(), 25u) << t << ": 2024-05-01T14:03:04+02:00";
  EXPECT_LE(std::string(id.at("startedUtc").as_string()), std::string(id.at("endedUtc").as_string()));
  EXPECT_EQ(id.at("version").as_string(), OKTA_BULK_VERSION);
  EXPECT_EQ(id.at("commandLine").as_string(),
            "okta-bulk import " + dir.File("users.csv") + " -o " + dir.File("results.csv") +
                " --progress-interval 1 --summary-json " + dir.File("run.json") + " --report " +
                dir.File("report.html"));
  const std::string users_csv = dir.Read("users.csv");
  EXPECT_EQ(id.at("input").at("path").as_string(), dir.File("users.csv"));
  EXPECT_EQ(id.at("input").at("bytes").as_int64(), static_cast<int64_t>(users_csv.size()));
  EXPECT_EQ(id.at("input").at("sha256").as_string(), Hex(Sha256(users_csv)));
  EXPECT_EQ(id.at("orgHost").as_string(), "127.0.0.1");
  EXPECT_EQ(id.at("orgUrl").as_string(), mock.base_url());
  EXPECT_EQ(id.at("auth").as_string(), "API token");

  const std::string html = dir.Read("report.html");
  for (const char* id : {"chart-throughput", "chart-in-flight", "chart-remaining", "chart-429s", "chart-latency"})
    EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  // Failures by error: a real message, verbatim, with its row.
  EXPECT_NE(html.find("is the same login as row 1"), std::string::npos);
  EXPECT_EQ(html.find("row #"), std::string::npos) << "the grouping key is never shown";
  EXPECT_NE(html.find("<table id=\"run\">"), std::string::npos);
  for (const std::string& shown : {std::string(id.at("startedUtc").as_string()),
                                  std::string(id.at("endedLocal").as_string()),
                                  std::string(OKTA_BULK_VERSION), Hex(Sha256(users_csv)),
                                  mock.base_url(), std::string("API token")})
    EXPECT_NE(html.find(shown), std::string::npos) << shown;
}

// The token reaches okta-bulk from the environment or a file; neither output holds it.
TEST(ReportEndToEndTest, TheSummaryJsonAndTheReportNeverHoldTheToken) {
  const std::string token = "00tOkEn-Report-e2e-5ecret";
  TempDir dir;
  WriteUsers(dir, 3, false);
  dir.Write("token.txt", token + "\n");
  ::chmod(dir.File("token.txt").c_str(), 0600);
  MockProcess mock({"--token", token});
  ASSERT_NE(mock.port(), 0);
  ProcessResult by_env = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("env.csv"),
                                      "--summary-json", dir.File("env.json"), "--report",
                                      dir.File("env.html")},
                                     mock.base_url(), token);
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  ProcessResult by_file = RunOktaBulk({"update", dir.File("users.csv"), "-o", dir.File("file.csv"),
                                       "--token-file", dir.File("token.txt"), "--summary-json",
                                       dir.File("file.json"), "--report", dir.File("file.html")},
                                      mock.base_url(), "");
  ASSERT_EQ(by_file.exit_code, 0) << by_file.err;
  for (const char* f : {"env.json", "env.html", "file.json", "file.html"}) {
    const std::string text = dir.Read(f);
    EXPECT_EQ(text.find(token), std::string::npos) << f;
    EXPECT_EQ(text.find("SSWS"), std::string::npos) << f;
    EXPECT_NE(text.find("API token"), std::string::npos) << f;
  }
  EXPECT_NE(json::parse(dir.Read("file.json")).at("run").at("commandLine").as_string().find(
                "--token-file " + dir.File("token.txt")),
            std::string::npos)
      << "the path stays";
}

TEST(ReportEndToEndTest, QuietPrintsNoProgressButStillWritesTheSummary) {
  TempDir dir;
  WriteUsers(dir, 20, false);
  MockProcess mock({"--latency-ms", "60"});
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--quiet", "--progress-interval", "1", "--concurrency", "1",
                                   "--summary-json", dir.File("run.json")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "") << "--quiet: no progress line";
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(json::parse(dir.Read("run.json")).at("outcomes").at("created").as_int64(), 20);
}

TEST(ReportEndToEndTest, ExportReportsUsersAndPagesWithNoOutcomes) {
  TempDir dir;
  WriteUsers(dir, 450, false);
  MockProcess mock;
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--quiet"},
                        mock.base_url()).exit_code, 0);
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("out.csv"), "--summary-json",
                                   dir.File("export.json"), "--report", dir.File("export.html")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json::object o = json::parse(dir.Read("export.json")).as_object();
  EXPECT_EQ(o.at("command").as_string(), "export");
  EXPECT_EQ(o.at("users").as_int64(), 450);
  EXPECT_EQ(o.at("pages").as_int64(), 3);
  EXPECT_FALSE(o.contains("outcomes"));
  EXPECT_NE(dir.Read("export.html").find("<svg id=\"chart-latency\""), std::string::npos);
}

TEST(ReportEndToEndTest, AnInterruptedRunSaysSoInItsSummaryJsonAndReport) {
  TempDir dir;
  WriteUsers(dir, 2000, false);
  MockProcess mock({"--latency-ms", "20"});
  ProcessResult run = RunOktaBulkWithSignals(
      {"import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "4",
       "--summary-json", dir.File("run.json"), "--report", dir.File("report.html")},
      mock.base_url(), {{SIGINT, 800}}, dir.path().string());
  ASSERT_EQ(run.exit_code, 130) << run.out << run.err;
  const json::object o = json::parse(dir.Read("run.json")).as_object();
  EXPECT_EQ(o.at("exitCode").as_int64(), 130);
  EXPECT_TRUE(o.at("interrupted").as_bool());
  EXPECT_LT(o.at("rows").as_int64(), 2000);
  EXPECT_EQ(o.at("rows").as_int64(), static_cast<int64_t>(ReadCsvFile(dir.File("results.csv")).size()));
  EXPECT_NE(dir.Read("report.html").find("<th>interrupted</th>"), std::string::npos);
}

TEST(ReportEndToEndTest, ADryRunSaysSoInItsSummaryJson) {
  TempDir dir;
  WriteUsers(dir, 5, /*with_invalid=*/true);
  ProcessResult run = RunProcess({OKTA_BULK_PATH, "import", dir.File("users.csv"), "--dry-run",
                                  "--summary-json", dir.File("run.json")});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const json::object o = json::parse(dir.Read("run.json")).as_object();
  EXPECT_TRUE(o.at("dryRun").as_bool());
  EXPECT_EQ(o.at("wouldSend").as_int64(), 5);
  EXPECT_EQ(o.at("outcomes").at("invalid").as_int64(), 2);
  EXPECT_EQ(o.at("requests").as_int64(), 0);
}

TEST(ReportEndToEndTest, ARunThatCannotStartStillLeavesItsSummaryJson) {
  TempDir dir;
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("missing.csv"), "-o", dir.File("results.csv"),
                                   "--summary-json", dir.File("run.json")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 2) << run.err;
  const json::object o = json::parse(dir.Read("run.json")).as_object();
  EXPECT_EQ(o.at("exitCode").as_int64(), 2);
  EXPECT_NE(std::string(o.at("abortReason").as_string()).find("missing.csv"), std::string::npos);
}

// Issue 18: a resumed job's summary and report describe every run of the job, and the
// rows the second run skipped (the first run finished them) never count as its work.
TEST(ReportEndToEndTest, AResumedJobReportsEveryRunWithRatesFromTheRowsEachRunDid) {
  TempDir dir;
  const int kRows = 2000;
  WriteUsers(dir, kRows, false);
  MockProcess mock({"--latency-ms", "20"});
  const std::vector<std::string> args = {
      "import", dir.File("users.csv"), "-o", dir.File("results.csv"), "--concurrency", "4",
      "--summary-json", dir.File("run.json"), "--report", dir.File("report.html")};
  ProcessResult first = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGINT, 1500}},
                                               dir.path().string());
  ASSERT_EQ(first.exit_code, 130) << first.out << first.err;
  const json::object o1 = json::parse(dir.Read("run.json")).as_object();
  ASSERT_EQ(o1.at("runs").as_array().size(), 1u);
  const auto done_first = o1.at("runs").at(0).at("rowsDone").as_int64();
  EXPECT_EQ(o1.at("runs").at(0).at("exitCode").as_int64(), 130);
  EXPECT_EQ(done_first, static_cast<int64_t>(ReadCsvFile(dir.File("results.csv")).size()));
  struct stat st{};
  ASSERT_EQ(::stat(dir.File("results.csv.runs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::vector<std::string> again = args;
  again.push_back("--resume");
  ProcessResult second = RunOktaBulk(again, mock.base_url());
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json::object o = json::parse(dir.Read("run.json")).as_object();
  const json::array& runs = o.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u) << json::serialize(o);
  const int64_t resumed = o.at("resumedRows").as_int64();
  EXPECT_EQ(resumed, done_first);
  // The first run as the first run told it; the second did only the rows left.
  EXPECT_EQ(runs[0].at("rowsDone").as_int64(), done_first);
  EXPECT_EQ(runs[0].at("exitCode").as_int64(), 130);
  EXPECT_EQ(runs[0].at("start").as_string(), o1.at("runs").at(0).at("start").as_string());
  EXPECT_EQ(runs[1].at("rowsDone").as_int64(), kRows - resumed);
  EXPECT_EQ(runs[1].at("exitCode").as_int64(), 0);
  const double elapsed1 = runs[0].at("elapsedSeconds").to_number<double>();
  const double elapsed2 = runs[1].at("elapsedSeconds").to_number<double>();
  ASSERT_GT(elapsed2, 0);
  EXPECT_NEAR(runs[1].at("rowsPerSecond").to_number<double>(),
              static_cast<double>(kRows - resumed) / elapsed2, 0.01 * kRows / elapsed2);
  // The job's rate: every row once, over the time both runs took.
  EXPECT_NEAR(o.at("rowsPerSecond").to_number<double>(), kRows / (elapsed1 + elapsed2),
              0.01 * kRows / (elapsed1 + elapsed2));
  EXPECT_LT(o.at("rowsPerSecond").to_number<double>(), kRows / elapsed2);

  const std::string html = dir.Read("report.html");
  const std::size_t table = html.find("<table id=\"runs\">");
  ASSERT_NE(table, std::string::npos);
  const std::string runs_table = html.substr(table, html.find("</table>", table) - table);
  EXPECT_EQ(Count(runs_table, "<tr><td"), 2u) << runs_table;
  EXPECT_NE(runs_table.find(">130<"), std::string::npos) << runs_table;
}


// A run killed with -9 cannot write its end: the resumed job's summary still lists it, with
// no exit status, and does not count its rows as the resumed run's.
TEST(ReportEndToEndTest, ARunKilledWithSigkillIsStillASegmentOfTheResumedJob) {
  TempDir dir;
  const int kRows = 1000;
  WriteUsers(dir, kRows, false);
  MockProcess mock({"--latency-ms", "20"});
  const std::vector<std::string> args = {"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                         "--concurrency", "4", "--summary-json", dir.File("run.json")};
  ProcessResult killed = RunOktaBulkWithSignals(args, mock.base_url(), {{SIGKILL, 1000}},
                                                dir.path().string());
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL);
  std::vector<std::string> again = args;
  again.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(again, mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  const json::object o = json::parse(dir.Read("run.json")).as_object();
  const json::array& runs = o.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u) << json::serialize(o);
  EXPECT_TRUE(runs[0].at("exitCode").is_null());
  EXPECT_TRUE(runs[0].at("rowsDone").is_null()) << "killed before its first save, 10 s in";
  EXPECT_EQ(runs[1].at("rowsDone").as_int64(), kRows - o.at("resumedRows").as_int64());
  EXPECT_GT(o.at("resumedRows").as_int64(), 0);
  EXPECT_EQ(runs[1].at("exitCode").as_int64(), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
