// okta-bulk sync (issue 17): what the summary JSON and the report say about the plan, how a
// resumed sync reads the org, and the plan file's guard against spreadsheet formulas; end to
// end against okta-mock.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

constexpr char kGroupA[] = "00gsyncA000000000001";
constexpr char kGroupB[] = "00gsyncB000000000002";

int64_t Bucket(const MockProcess& mock, const char* bucket) {
  return MockStats(mock).at("requests").at(bucket).as_int64();
}

// Users first..last: login uN@example.com, department D<N % 3>, in `group` when given.
std::string Users(int first, int last, const std::map<int, std::string>& department = {},
                  const std::map<int, std::string>& group = {}) {
  std::string csv = "login,email,firstName,lastName,department,groupId\n";
  for (int i = first; i <= last; ++i) {
    const std::string login = "u" + std::to_string(i) + "@example.com";
    auto d = department.find(i);
    auto g = group.find(i);
    csv += login + "," + login + ",First" + std::to_string(i) + ",Last," +
           (d != department.end() ? d->second : "D" + std::to_string(i % 3)) + "," +
           (g != group.end() ? g->second : kGroupA) + "\n";
  }
  return csv;
}

// `csv` without its last column (the groupId): a sync of it reads the org's users only.
std::string WithoutGroups(const std::string& csv) {
  std::string out;
  std::size_t at = 0;
  while (at < csv.size()) {
    std::size_t end = csv.find('\n', at);
    std::string line = csv.substr(at, end - at);
    out += line.substr(0, line.rfind(',')) + "\n";
    at = end + 1;
  }
  return out;
}

class SyncReportTest : public ::testing::Test {
 protected:
  std::unique_ptr<MockProcess> StartMock(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--groups", std::string(kGroupA) + "," + kGroupB};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<MockProcess>(args);
  }
  void Seed(const MockProcess& mock, const std::string& csv) {
    dir_.Write("seed.csv", csv);
    ProcessResult r = RunOktaBulk({"import", dir_.File("seed.csv"), "-o", dir_.File("seed-results.csv"),
                                   "--overwrite"},
                                  mock.base_url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  ProcessResult Sync(const MockProcess& mock, const std::string& csv, std::vector<std::string> flags = {},
                     const std::string& results = "sync.csv") {
    dir_.Write("users.csv", csv);
    std::vector<std::string> args = {"sync", dir_.File("users.csv"), "-o", dir_.File(results)};
    args.insert(args.end(), flags.begin(), flags.end());
    return RunOktaBulk(args, mock.base_url());
  }
  TempDir dir_;
};

TEST_F(SyncReportTest, TheSummaryJsonAndTheReportShowThePlansCountsAndTheRequestsSaved) {
  auto mock = StartMock();
  Seed(*mock, Users(1, 10));
  // Rows 1-10 exist; 11 and 12 are new. 2, 3, 4 change department; 4 also moves to group B
  // (--exact-groups: an add and a remove).
  std::map<int, std::string> moved = {{2, "Moved"}, {3, "Moved"}, {4, "Moved"}};
  ProcessResult r = Sync(*mock, Users(1, 12, moved, {{4, kGroupB}}),
                         {"--exact-groups", "--summary-json", dir_.File("s.json"), "--report",
                          dir_.File("r.html")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json::object s = json::parse(dir_.Read("s.json")).as_object();
  ASSERT_TRUE(s.contains("syncPlan")) << dir_.Read("s.json");
  const json::object& p = s.at("syncPlan").as_object();
  EXPECT_EQ(p.at("rows"), 12);
  EXPECT_EQ(p.at("create"), 2);
  EXPECT_EQ(p.at("update"), 3);
  EXPECT_EQ(p.at("unchanged"), 7);
  EXPECT_EQ(p.at("deactivate"), 0);
  EXPECT_EQ(p.at("attributeChanges"), 3);
  EXPECT_EQ(p.at("groupAdds"), 1);
  EXPECT_EQ(p.at("groupRemoves"), 1);
  EXPECT_EQ(p.at("requestsPlanned"), 7);  // 2 creates, 3 updates, 1 add, 1 remove
  EXPECT_EQ(p.at("requestsOneWritePerRow"), 12);
  EXPECT_EQ(p.at("requestsSaved"), 5);
  // What okta-mock saw agrees: 3 profile updates.
  EXPECT_EQ(Bucket(*mock, "update"), 3);

  const std::string html = dir_.Read("r.html");
  EXPECT_NE(html.find("<h2>Sync plan</h2>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>to create</th><td>2</td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<tr><th>to update</th><td>3 (3 attribute changes)</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>unchanged</th><td>7</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>group adds</th><td>1</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>group removes</th><td>1</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>requests saved</th><td>5 (7 planned; one write per row would send 12)</td></tr>"),
            std::string::npos);

  // Another command's summary has no syncPlan.
  dir_.Write("upd.csv", "login,department\nu1@example.com,D1\n");
  ProcessResult u = RunOktaBulk({"update", dir_.File("upd.csv"), "-o", dir_.File("upd-results.csv"),
                                 "--summary-json", dir_.File("u.json")},
                                mock->base_url());
  ASSERT_EQ(u.exit_code, 0) << u.out << u.err;
  EXPECT_FALSE(json::parse(dir_.Read("u.json")).as_object().contains("syncPlan"));
}

TEST_F(SyncReportTest, APlanRunsSummaryCountsThePlan) {
  auto mock = StartMock();
  Seed(*mock, Users(1, 5));
  ProcessResult r = Sync(*mock, Users(1, 6, {{1, "Moved"}}), {"--plan", "--summary-json", dir_.File("s.json")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::object p = json::parse(dir_.Read("s.json")).at("syncPlan").as_object();
  EXPECT_EQ(p.at("create"), 1);
  EXPECT_EQ(p.at("update"), 1);
  EXPECT_EQ(p.at("unchanged"), 4);
  EXPECT_EQ(p.at("requestsSaved"), 4);
  EXPECT_EQ(Bucket(*mock, "update"), 0);
}

TEST_F(SyncReportTest, ThePlanFileIsGuardedAgainstFormulasAndApplyReadsTheValuesBack) {
  auto mock = StartMock();
  Seed(*mock, Users(1, 4, {{4, "=old"}}));
  const std::map<int, std::string> moved = {{1, "=1+2"}, {2, "-5"}, {3, "'@x"}, {4, "Sales"}};
  ProcessResult plan = Sync(*mock, Users(1, 4, moved), {"--plan-out", dir_.File("plan.csv")});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(dir_.Read("plan.csv"),
            "login,action,attribute,oldValue,newValue\n"
            "u1@example.com,update,department,D1,'=1+2\n"
            "u2@example.com,update,department,D2,'-5\n"
            "u3@example.com,update,department,D0,''@x\n"
            "u4@example.com,update,department,'=old,Sales\n");
  ProcessResult apply = Sync(*mock, Users(1, 4, moved), {"--apply", dir_.File("plan.csv")}, "apply.csv");
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  std::map<std::string, std::string> department;
  for (const auto& u : MockUsers(*mock))
    department[std::string(u.at("login").as_string())] = u.at("profile").at("department").as_string();
  EXPECT_EQ(department["u1@example.com"], "=1+2");
  EXPECT_EQ(department["u2@example.com"], "-5");
  EXPECT_EQ(department["u3@example.com"], "'@x");
  EXPECT_EQ(department["u4@example.com"], "Sales");  // its guarded old value matched the org
  for (auto& row : ReadCsvFile(dir_.File("apply.csv"))) EXPECT_EQ(row["outcome"], "updated") << row["error"];
}

TEST_F(SyncReportTest, AFileOfFewerRowsThanTheOrgsListingPagesIsLookedUp) {
  // 60,000 users (okta-mock --load-users): listing them costs 300 pages, more than looking up
  // a file of 250 rows; the org's Everyone group says how many there are.
  dir_.Write("org.csv", Users(1, 60000));
  auto mock = StartMock({"--load-users", dir_.File("org.csv")});
  std::map<int, std::string> moved = {{7, "Moved"}, {250, "Moved"}};
  const int64_t lists = Bucket(*mock, "create"), gets = Bucket(*mock, "get");
  ProcessResult r = Sync(*mock, WithoutGroups(Users(1, 250, moved)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("reading the org: one lookup per row (GET /api/v1/users/{login}), 250 (the org "
                       "holds 60,000 users (its Everyone group): a listing costs 300 requests, looking "
                       "up the file's 250 rows 250; --read-org list forces the other)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Bucket(*mock, "create"), lists) << "no listing page";
  EXPECT_EQ(Bucket(*mock, "get") - gets, 250);
  std::map<std::string, int> outcomes;
  for (auto& row : ReadCsvFile(dir_.File("sync.csv"))) ++outcomes[row["outcome"]];
  EXPECT_EQ(outcomes, (std::map<std::string, int>{{"updated", 2}, {"unchanged", 248}}));
}

TEST_F(SyncReportTest, AFewRowsInBigGroupsReadEachUsersGroupsNotTheGroupsMembers) {
  // 10,000 users in group A: its members are 10 pages. A file of 3 rows (u1 moves to B, u2
  // stays, u10001 is new) costs 3 lookups and 2 users' groups instead.
  dir_.Write("org.csv", Users(1, 10000));
  auto mock = StartMock({"--load-users", dir_.File("org.csv")});
  std::string csv = Users(1, 2, {}, {{1, kGroupB}});
  csv += Users(10001, 10001).substr(csv.find('\n') + 1);
  const int64_t total = MockStats(*mock).at("requests_total").as_int64();
  ProcessResult r = Sync(*mock, csv, {"--exact-groups"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("reading the org: each user's groups (GET /api/v1/users/{id}/groups) after the "
                       "users, not the groups' members (the 2 groups' members are 11 pages of 1,000; "
                       "the file's 3 rows cost at most 6 read one by one)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("read the org in 5 requests: 2 of the file's users exist, 2 users' groups"),
            std::string::npos)
      << r.err;
  // The schema, the groups listing, 3 lookups, 2 users' groups; then u1's add and remove, the
  // create.
  EXPECT_EQ(MockStats(*mock).at("requests_total").as_int64() - total, 1 + 1 + 3 + 2 + 2 + 1);
  std::map<std::string, std::string> outcome;
  for (auto& row : ReadCsvFile(dir_.File("sync.csv"))) outcome[row["login"]] = row["outcome"];
  EXPECT_EQ(outcome, (std::map<std::string, std::string>{{"u1@example.com", "updated"},
                                                         {"u2@example.com", "unchanged"},
                                                         {"u10001@example.com", "created"}}));
  std::map<std::string, std::string> groups;
  for (const auto& u : MockUsers(*mock)) {
    const std::string login(u.at("login").as_string());
    if (login != "u1@example.com" && login != "u2@example.com" && login != "u10001@example.com") continue;
    for (const auto& g : u.at("groupIds").as_array()) groups[login] += std::string(g.as_string()) + ";";
  }
  EXPECT_EQ(groups["u1@example.com"], std::string(kGroupB) + ";");
  EXPECT_EQ(groups["u2@example.com"], std::string(kGroupA) + ";");
  EXPECT_EQ(groups["u10001@example.com"], std::string(kGroupA) + ";");
}

TEST_F(SyncReportTest, AResumedSyncReadsTheOrgOnlyForTheRowsNotFinished) {
  // 300 changes (more than a listing page: the first run lists the org) against an update
  // bucket of 280 per 4 s: the first run is interrupted while it waits for the next window,
  // with a few rows left. The resumed run reads the org for those only: its plan holds them
  // alone, read the cheaper way (the org's 300 users are 2 listing pages: a listing when
  // more than 2 rows are left, else lookups). No group column: the members' pages would
  // carry the users (SyncTest covers that read).
  auto mock = StartMock({"--limits", "update=280", "--window", "4"});
  Seed(*mock, Users(1, 300));
  std::map<int, std::string> moved;
  for (int i = 1; i <= 300; ++i) moved[i] = "Moved";
  dir_.Write("users.csv", WithoutGroups(Users(1, 300, moved)));
  const std::vector<std::string> args = {"sync", dir_.File("users.csv"), "-o", dir_.File("sync.csv"),
                                         "--concurrency", "8"};
  const int64_t lists0 = Bucket(*mock, "create");
  ProcessResult first = RunOktaBulkWithSignals(args, mock->base_url(), {{SIGINT, 2500}},
                                               dir_.path().string());
  ASSERT_EQ(first.exit_code, 130) << first.out << first.err;
  EXPECT_NE(first.err.find("reading the org: listing its users"), std::string::npos) << first.err;
  const int64_t lists1 = Bucket(*mock, "create");
  EXPECT_EQ(lists1 - lists0, 2) << "300 users: two listing pages of 200";
  const int64_t finished = static_cast<int64_t>(ReadCsvFile(dir_.File("sync.csv")).size());
  const int64_t left = 300 - finished;
  ASSERT_GT(left, 0) << "the first run finished every row before the interrupt";
  ASSERT_LE(left, 200) << "the first run was too slow to leave fewer rows than a listing page";

  const int64_t gets1 = Bucket(*mock, "get");
  std::vector<std::string> resume = args;
  resume.insert(resume.end(), {"--resume", "--summary-json", dir_.File("resumed.json")});
  ProcessResult second = RunOktaBulk(resume, mock->base_url());
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  {  // the plan this run carried out: the rows left, not the finished ones (not read again)
    const json::object p = json::parse(dir_.Read("resumed.json")).at("syncPlan").as_object();
    EXPECT_EQ(p.at("create").as_int64(), 0) << dir_.Read("resumed.json");
    EXPECT_EQ(p.at("update").as_int64() + p.at("unchanged").as_int64(), left)
        << dir_.Read("resumed.json");
  }
  const bool listed = left > 2;
  EXPECT_EQ(Bucket(*mock, "create") - lists1, listed ? 2 : 0) << second.err;
  EXPECT_EQ(Bucket(*mock, "get") - gets1, listed ? 0 : left) << second.err;
  EXPECT_NE(second.err.find(listed ? "listing its users" : "one lookup per row"), std::string::npos)
      << second.err;
  if (listed) {
    EXPECT_NE(second.err.find("the org holds 300 users (its Everyone group): a listing costs 2 "
                              "requests, looking up the file's " + std::to_string(left) + " rows " +
                              std::to_string(left)),
              std::string::npos)
        << second.err;
  }
  EXPECT_NE(second.err.find("--resume: " + std::to_string(finished) + " rows finished before"),
            std::string::npos)
      << second.err;
  std::map<std::string, int> outcomes;
  for (auto& row : ReadCsvFile(dir_.File("sync.csv"))) ++outcomes[row["outcome"]];
  // A row in flight at the interrupt may have landed: the resumed run finds it unchanged.
  EXPECT_EQ(outcomes["updated"] + outcomes["unchanged"], 300) << second.err;
}

}  // namespace
}  // namespace okta_bulk::testing
