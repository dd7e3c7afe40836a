// The runs of a job (report/job_runs): the sidecar beside the results file and the rates
// computed from it. Pure, plus one temporary directory.
#include "pipeline/report/job_runs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>

#include "pipeline/report/run_monitor.h"
#include "pipeline/report/run_report.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

RunSegment Segment(int64_t start_ms, double elapsed_s, std::optional<uint64_t> done,
                   std::optional<int> exit_code) {
  RunSegment s;
  s.start = RunSegment::TimePoint(milliseconds(start_ms));
  s.end = s.start + milliseconds(static_cast<int64_t>(elapsed_s * 1000));
  s.elapsed_s = elapsed_s;
  s.done = done;
  s.exit_code = exit_code;
  return s;
}

TEST(JobRunsTest, SegmentsSurviveTheSidecarRoundTripIncludingUnknownFields) {
  std::vector<RunSegment> runs = {Segment(1714564984000, 12.5, 600, 130),
                                  Segment(1714565984123, 3.25, std::nullopt, std::nullopt)};
  runs[1].end.reset();
  std::vector<RunSegment> back;
  std::string error;
  ASSERT_TRUE(ParseJobRuns(JobRunsText(runs), &back, &error)) << error;
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].start, runs[0].start);
  EXPECT_EQ(back[0].end, runs[0].end);
  EXPECT_DOUBLE_EQ(back[0].elapsed_s, 12.5);
  EXPECT_EQ(back[0].done, 600u);
  EXPECT_EQ(back[0].exit_code, 130);
  EXPECT_EQ(back[1].start, runs[1].start);
  EXPECT_FALSE(back[1].end);
  EXPECT_FALSE(back[1].done);
  EXPECT_FALSE(back[1].exit_code);
}

TEST(JobRunsTest, AFileThatIsNotARunsFileIsRefused) {
  std::vector<RunSegment> runs;
  std::string error;
  EXPECT_FALSE(ParseJobRuns("login,email\n", &runs, &error));
  EXPECT_FALSE(ParseJobRuns("{\"format\": \"something else\", \"runs\": []}", &runs, &error));
  EXPECT_FALSE(ParseJobRuns("{\"format\": \"okta-bulk job runs 1\", \"runs\": [{\"done\": 3}]}",
                            &runs, &error));
  EXPECT_FALSE(error.empty());
}

TEST(JobRunsTest, SavedAtomicallyAs0600AndAMissingFileIsNoRunsYet) {
  testing::TempDir dir;
  const std::string path = JobRunsPath(dir.File("results.csv"));
  EXPECT_EQ(path, dir.File("results.csv.runs"));
  std::vector<RunSegment> runs;
  std::string error;
  ASSERT_TRUE(LoadJobRuns(path, &runs, &error)) << error;
  EXPECT_TRUE(runs.empty());
  ASSERT_TRUE(SaveJobRuns(path, {Segment(1000, 2, 10, 0)}, &error)) << error;
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(LoadJobRuns(path, &runs, &error)) << error;
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].done, 10u);
  dir.Write("results.csv.runs", "garbage");
  EXPECT_FALSE(LoadJobRuns(path, &runs, &error));
  EXPECT_NE(error.find("results.csv.runs"), std::string::npos) << error;
}

TEST(JobRunsTest, TheJobRateCountsOnlyRowsEachRunDidOverTheTimeTheRunsTook) {
  // 600 rows in 10 s, then a resumed run that skipped those 600 and did 400 in 10 s.
  const std::vector<RunSegment> runs = {Segment(0, 10, 600, 130), Segment(60000, 10, 400, 0)};
  EXPECT_DOUBLE_EQ(*runs[1].Rate(), 40.0);
  EXPECT_DOUBLE_EQ(*JobRate(runs), 50.0);
  // A run killed before it said how much it did does not count.
  EXPECT_DOUBLE_EQ(*JobRate({runs[0], Segment(5000, 3, std::nullopt, std::nullopt)}), 60.0);
  EXPECT_FALSE(JobRate({}));
}

TEST(SummaryJsonTest, AResumedJobListsEveryRunAndItsRateExcludesTheSkippedRows) {
  RunRecord r;
  r.command = "import";
  r.items = 1000;
  r.resumed_rows = 600;
  r.elapsed_s = 10;
  r.exit_code = 0;
  r.runs = {Segment(1714564984000, 10, 600, 130), Segment(1714565984000, 10, 400, 0)};
  const json::object o = json::parse(SummaryJson(r)).as_object();
  EXPECT_DOUBLE_EQ(o.at("rowsPerSecond").to_number<double>(), 50.0) << "not 1000 rows / 10 s";
  const json::array& runs = o.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("start").as_string(), "2024-05-01T12:03:04Z");
  EXPECT_EQ(runs[0].at("end").as_string(), "2024-05-01T12:03:14Z");
  EXPECT_EQ(runs[0].at("rowsDone").as_int64(), 600);
  EXPECT_EQ(runs[0].at("exitCode").as_int64(), 130);
  EXPECT_EQ(runs[1].at("rowsDone").as_int64(), 400);
  EXPECT_DOUBLE_EQ(runs[1].at("rowsPerSecond").to_number<double>(), 40.0);

  const std::string html = RenderHtmlReport(r, RunSeries(), FailureTable());
  EXPECT_NE(html.find("<table id=\"runs\">"), std::string::npos);
  EXPECT_NE(html.find("2024-05-01T12:19:44Z"), std::string::npos) << "the second run's start";
  EXPECT_NE(html.find("<td>50.0 (over every run of the job)</td>"), std::string::npos);
}


// What the monitor keeps: earlier runs only when this run continues their results.
std::vector<RunSegment> RunsAfterAMonitoredRun(const std::string& results, bool resume) {
  MonitorOptions options;
  options.results_path = results;
  options.resume = resume;
  RunMonitor monitor(options);
  std::array<uint64_t, kOutcomeCount> counts{};
  RunView view;
  view.counts = &counts;
  view.resumed[static_cast<std::size_t>(Outcome::kCreated)] = 600;  // done before this run
  monitor.OnStart(view);
  counts[static_cast<std::size_t>(Outcome::kCreated)] = 400;
  monitor.OnFinish();
  RunRecord record;
  record.exit_code = 0;
  monitor.FillRecord(&record);
  std::string error;
  EXPECT_TRUE(WriteRunOutputs(record, monitor, "", "", &error)) << error;
  std::vector<RunSegment> saved;
  EXPECT_TRUE(LoadJobRuns(JobRunsPath(results), &saved, &error)) << error;
  EXPECT_EQ(saved.size(), record.runs.size());
  return saved;
}

TEST(JobRunsTest, AResumedRunKeepsTheEarlierRunsAndCountsOnlyItsOwnRows) {
  testing::TempDir dir;
  const std::string results = dir.File("results.csv");
  std::string error;
  ASSERT_TRUE(SaveJobRuns(JobRunsPath(results), {Segment(1000, 10, 600, 130)}, &error)) << error;
  dir.Write("results.csv", "row,login,outcome\n");

  const std::vector<RunSegment> runs = RunsAfterAMonitoredRun(results, /*resume=*/true);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].done, 600u);
  EXPECT_EQ(runs[1].done, 400u) << "not the 600 rows the earlier run finished";
  EXPECT_EQ(runs[1].exit_code, 0);
  EXPECT_TRUE(runs[1].end);

  // Without --resume (or with results since deleted), this run starts a new history.
  EXPECT_EQ(RunsAfterAMonitoredRun(results, /*resume=*/false).size(), 1u);
  ASSERT_TRUE(SaveJobRuns(JobRunsPath(results), {Segment(1000, 10, 600, 130)}, &error)) << error;
  std::filesystem::remove(results);
  EXPECT_EQ(RunsAfterAMonitoredRun(results, /*resume=*/true).size(), 1u);
}

}  // namespace
}  // namespace okta_bulk
