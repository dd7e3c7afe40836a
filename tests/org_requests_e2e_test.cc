// What asking the org before the first row costs, as the run tells it (issue 14), end to end
// against okta-mock on 127.0.0.1 port 0: the look-ups (user schema, groups listing, group
// creations) are in the summary JSON's request counts and the closing line; a --resume with
// the results file of another input is refused before any of them; groups export names what
// its summary counts.
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

int64_t Total(const MockProcess& mock) { return MockStats(mock).at("requests_total").as_int64(); }

// An import by group name, one group created: the schema GET, one groups page and one POST
// /api/v1/groups before the first row, then one create per user. The summary JSON counts
// every request okta-mock received, says which asked the org, and puts them in their buckets.
TEST(OrgRequestsEndToEndTest, TheOrgLookUpsAreInTheSummaryJsonsRequestCounts) {
  TempDir dir;
  MockProcess mock({"--group", "Sales"});
  dir.Write("users.csv",
            "login,email,firstName,lastName,groupName\n"
            "a@example.com,a@example.com,Ann,Lee,Sales\n"
            "b@example.com,b@example.com,Bob,Ray,Support\n"
            "c@example.com,c@example.com,Cid,Poe,Sales;Support\n");
  const int64_t before = Total(mock);
  ProcessResult r = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                 "--create-missing-groups", "--summary-json", dir.File("run.json")},
                                mock.base_url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const int64_t sent = Total(mock) - before;
  json::object summary = json::parse(dir.Read("run.json")).as_object();
  EXPECT_EQ(summary.at("orgRequests").as_int64(), 3);  // schema, groups page, one create
  EXPECT_EQ(summary.at("requests").as_int64(), sent);
  EXPECT_EQ(summary.at("rows").as_int64(), 3);
  int64_t in_buckets = 0;
  for (const auto& [name, b] : summary.at("buckets").as_object())
    in_buckets += b.at("requests").as_int64();
  EXPECT_EQ(in_buckets, sent);
  // The schema GET counts in the `other` bucket, the listing and the create in `groups`.
  const json::object stats = MockStats(mock);
  EXPECT_EQ(summary.at("buckets").at("other").at("requests").as_int64(),
            stats.at("requests").at("other").as_int64());
  EXPECT_NE(r.out.find(std::to_string(sent) + " requests (3 asking the org before the first row)"),
            std::string::npos)
      << r.out;
}

// A --resume whose results file belongs to another input is refused before the org is
// asked: okta-mock receives nothing (no schema GET, no groups listing, no group creation).
TEST(OrgRequestsEndToEndTest, AResumeOfAnotherInputsResultsFileSendsNoRequest) {
  TempDir dir;
  MockProcess mock({"--group", "Sales"});
  dir.Write("a.csv", "login,email,firstName,lastName,groupName\na@example.com,a@example.com,Ann,Lee,Sales\n");
  dir.Write("b.csv",
            "login,email,firstName,lastName,groupName\nb@example.com,b@example.com,Bob,Ray,Missing\n");
  ProcessResult first = RunOktaBulk({"import", dir.File("a.csv"), "-o", dir.File("r.csv")},
                                    mock.base_url());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--create-missing-groups"}}) {
    const int64_t before = Total(mock);
    std::vector<std::string> args = {"import", dir.File("b.csv"), "-o", dir.File("r.csv"), "--resume"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult wrong = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
    EXPECT_NE(wrong.err.find("that results file belongs to another input"), std::string::npos)
        << wrong.err;
    EXPECT_EQ(Total(mock), before) << "a refused --resume asked the org";
  }
  // update and assign ask the org too (schema, groups by name): refused as early.
  dir.Write("u.csv", "login,firstName,groupName\nb@example.com,Bob,Sales\n");
  for (const char* command : {"update", "assign"}) {
    const int64_t before = Total(mock);
    ProcessResult wrong = RunOktaBulk({command, dir.File("u.csv"), "-o", dir.File("r.csv"), "--resume"},
                                      mock.base_url());
    EXPECT_EQ(wrong.exit_code, 2) << command << wrong.out << wrong.err;
    EXPECT_NE(wrong.err.find("belongs to another input"), std::string::npos) << command << wrong.err;
    EXPECT_EQ(Total(mock), before) << command;
  }
}

// groups export's summary JSON counts groups, and says so.
TEST(OrgRequestsEndToEndTest, GroupsExportSummaryNamesItsCountGroups) {
  TempDir dir;
  MockProcess mock({"--group", "Sales", "--group", "Support"});
  ProcessResult run = RunOktaBulk({"groups", "export", "-o", dir.File("groups.csv"), "--summary-json",
                                   dir.File("run.json")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json::object summary = json::parse(dir.Read("run.json")).as_object();
  EXPECT_EQ(summary.at("groups").as_int64(), 3);  // and Everyone
  EXPECT_FALSE(summary.contains("rows"));
  EXPECT_TRUE(summary.contains("groupsPerSecond"));
  EXPECT_EQ(summary.at("pages").as_int64(), 1);
}

}  // namespace
}  // namespace okta_bulk::testing
