// Numbers in sentences: one helper for plurals and thousands separators, and the end-of-run
// summaries that use it.
#include "pipeline/engine/count_text.h"

#include <gtest/gtest.h>

#include "pipeline/engine/job.h"
#include "pipeline/jobs/export_job.h"

namespace okta_bulk {
namespace {

TEST(CountTextTest, OneTakesTheSingularAndEveryOtherCountThePluralWithSeparators) {
  EXPECT_EQ(Count(0, "request", "requests"), "0 requests");
  EXPECT_EQ(Count(1, "request", "requests"), "1 request");
  EXPECT_EQ(Count(2, "request", "requests"), "2 requests");
  EXPECT_EQ(Count(1234, "row was", "rows were"), "1,234 rows were");
  EXPECT_EQ(Count(1000000, "page", "pages"), "1,000,000 pages");
  EXPECT_EQ(GroupDigits(999), "999");
  EXPECT_EQ(GroupDigits(1000), "1,000");
}

TEST(CountTextTest, AJobSummaryOfOneOfEachSpeaksInTheSingular) {
  JobSummary s;
  s.rows = 1;
  s.elapsed_s = 1;
  s.counts[static_cast<std::size_t>(Outcome::kCreated)] = 1;
  s.stats.requests = 1;
  s.prechecks = 1;
  s.precheck_hits = 1;
  s.resumed_rows = 1;
  s.unfinished = 1;
  const std::string d = s.Describe();
  EXPECT_EQ(d.rfind("1 row in 1.0 s (1.0 rows/s): 1 created, 0 existed, 0 invalid, 0 failed. "
                    "1 request, 0 rate-limited (429), 0 concurrency-limited, 0 retried.", 0), 0u)
      << d;
  EXPECT_NE(d.find(" 1 login was looked up before a create"), std::string::npos) << d;
  EXPECT_NE(d.find(" 1 of these rows was already done"), std::string::npos) << d;
  EXPECT_NE(d.find(" 1 row was open when the run stopped"), std::string::npos) << d;
  for (const char* wrong : {"1 rows", "1 requests", "1 logins", "rows were already"})
    EXPECT_EQ(d.find(wrong), std::string::npos) << wrong << " in: " << d;
}

TEST(CountTextTest, AJobSummaryGroupsTheDigitsOfEveryCount) {
  JobSummary s;
  s.rows = 12345;
  s.elapsed_s = 10;
  s.counts[static_cast<std::size_t>(Outcome::kCreated)] = 12000;
  s.counts[static_cast<std::size_t>(Outcome::kFailed)] = 345;
  s.stats.requests = 13001;
  s.stats.rate_limited = 1001;
  s.stats.retried = 2002;
  s.prechecks = 4004;
  s.precheck_hits = 3003;
  s.resumed_rows = 5005;
  s.unfinished = 6006;
  const std::string d = s.Describe();
  for (const char* shown : {"12,345 rows in", "12,000 created", "345 failed", "13,001 requests",
                            "1,001 rate-limited", "2,002 retried", "4,004 logins were",
                            "3,003 already existed", "5,005 of these rows were",
                            "6,006 rows were open"})
    EXPECT_NE(d.find(shown), std::string::npos) << shown << " in: " << d;

  JobSummary dry;
  dry.dry_run = true;
  dry.rows = 1;
  dry.would_send = 1;
  dry.with_password = 1000;
  EXPECT_EQ(dry.Describe(),
            "Dry run: 1 row read; 1 would be sent as one POST /api/v1/users each (1,000 with a "
            "password, 0 with groups), 0 invalid. Nothing was sent.");
  dry.rows = 2500;
  dry.dry_run_action = "one DELETE each";
  EXPECT_EQ(dry.Describe(),
            "Dry run: 2,500 rows read; 1 would be sent (one DELETE each), 0 invalid. Nothing was sent.");
}

TEST(CountTextTest, AnExportSummaryAgreesWithItsCounts) {
  ExportSummary s;
  s.users = 1;
  s.pages = 1;
  s.stats.requests = 1;
  s.output_path = "out.csv";
  s.elapsed_s = 0.5;
  EXPECT_EQ(s.Describe(), "Exported 1 user in 1 page to out.csv in 0.5 s. 1 request, 0 rate-limited (429), 0 retried.");
  s.users = 123456;
  s.pages = 618;
  s.stats.requests = 1200;
  s.groups = 3;
  s.memberships = 1;
  const std::string d = s.Describe();
  EXPECT_NE(d.find("Exported 123,456 users in 618 pages"), std::string::npos) << d;
  EXPECT_NE(d.find("1,200 requests"), std::string::npos) << d;
  EXPECT_NE(d.find("Groups: 3, 1 membership."), std::string::npos) << d;
  s.already_complete = true;
  EXPECT_NE(s.Describe().find("(123,456 users)"), std::string::npos) << s.Describe();
}

}  // namespace
}  // namespace okta_bulk
