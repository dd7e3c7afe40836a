// sync --apply's conditional writes end to end against okta-mock: each reviewed profile update
// is preceded by a GET of its user and sent with If-Match (okta-mock's /__stats count them),
// and a user changed after the start-of-run read is refused, never overwritten: changed before
// its row's GET (the re-check against the reviewed plan refuses it) or between that GET and the
// write (okta-mock's /__change_on_get; the 412 refuses it).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

constexpr char kGroupA[] = "00gapplyA00000000001";

int64_t Stat(const MockProcess& mock, const char* name) { return MockStats(mock).at(name).as_int64(); }
int64_t Bucket(const MockProcess& mock, const char* bucket) {
  return MockStats(mock).at("requests").at(bucket).as_int64();
}

// n users: login uN@example.com, department D<N>; `moved` rows get department "Moved", and
// the rows in `grouped` also the group kGroupA.
std::string Users(int n, const std::set<int>& moved = {}, const std::set<int>& grouped = {}) {
  std::string csv = "login,email,firstName,lastName,department,groupId\n";
  for (int i = 1; i <= n; ++i) {
    const std::string login = "u" + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",First" + std::to_string(i) + ",Last," +
           (moved.count(i) ? std::string("Moved") : "D" + std::to_string(i)) + "," +
           (grouped.count(i) ? kGroupA : "") + "\n";
  }
  return csv;
}

class SyncApplyTest : public ::testing::Test {
 protected:
  std::unique_ptr<MockProcess> StartMock() {
    return std::make_unique<MockProcess>(std::vector<std::string>{"--groups", kGroupA});
  }
  void Seed(const MockProcess& mock, const std::string& csv) {
    dir_.Write("seed.csv", csv);
    ProcessResult r = RunOktaBulk({"import", dir_.File("seed.csv"), "-o", dir_.File("seed-results.csv"),
                                   "--overwrite"},
                                  mock.base_url());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  ProcessResult Sync(const MockProcess& mock, const std::string& csv, std::vector<std::string> flags,
                     const std::string& results) {
    dir_.Write("users.csv", csv);
    std::vector<std::string> args = {"sync", dir_.File("users.csv"), "-o", dir_.File(results)};
    args.insert(args.end(), flags.begin(), flags.end());
    return RunOktaBulk(args, mock.base_url());
  }
  std::map<std::string, ResultRow> Rows(const std::string& results) {
    std::map<std::string, ResultRow> out;
    for (auto& row : ReadCsvFile(dir_.File(results))) out[row["login"]] = row;
    return out;
  }
  std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
    std::map<std::string, json::object> out;
    for (const auto& u : MockUsers(mock)) out.emplace(std::string(u.at("login").as_string()), u.as_object());
    return out;
  }
  static bool InGroupA(const json::object& user) {
    for (const auto& g : user.at("groupIds").as_array())
      if (g.as_string() == kGroupA) return true;
    return false;
  }
  TempDir dir_;
};

TEST_F(SyncApplyTest, EachReviewedUpdateIsSentWithIfMatchAfterAFreshGetAndItsValuesLand) {
  auto mock = StartMock();
  Seed(*mock, Users(12));
  const std::string csv = Users(12, {2, 5, 9}, {5});
  ProcessResult plan = Sync(*mock, csv, {"--plan-out", dir_.File("plan.csv"), "--read-org", "list"}, "plan.csv.out");
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  const int64_t gets = Bucket(*mock, "get"), updates = Bucket(*mock, "update");
  ProcessResult apply = Sync(*mock, csv, {"--apply", dir_.File("plan.csv"), "--read-org", "list"}, "apply.csv");
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto rows = Rows("apply.csv");
  for (int i : {2, 5, 9}) EXPECT_EQ(rows["u" + std::to_string(i) + "@example.com"]["outcome"], "updated") << i;
  EXPECT_EQ(rows["u1@example.com"]["outcome"], "unchanged");
  // One GET per update (the org itself was listed), every update conditional, none refused.
  EXPECT_EQ(Bucket(*mock, "get") - gets, 3);
  EXPECT_EQ(Bucket(*mock, "update") - updates, 3);
  EXPECT_EQ(Stat(*mock, "conditional_updates"), 3);
  EXPECT_EQ(Stat(*mock, "precondition_failed"), 0);
  auto users = UsersByLogin(*mock);
  for (int i = 1; i <= 12; ++i) {
    const json::object& u = users.at("u" + std::to_string(i) + "@example.com");
    EXPECT_EQ(u.at("profile").at("department").as_string(),
              i == 2 || i == 5 || i == 9 ? std::string("Moved") : "D" + std::to_string(i))
        << i;
    EXPECT_EQ(InGroupA(u), i == 5) << i;
  }
}

TEST_F(SyncApplyTest, AUserChangedBetweenItsGetAndItsWriteIsRefusedWith412NotOverwritten) {
  auto mock = StartMock();
  Seed(*mock, Users(10));
  const std::string csv = Users(10, {2, 3}, {2, 3});
  ProcessResult plan = Sync(*mock, csv, {"--plan-out", dir_.File("plan.csv"), "--read-org", "list"}, "plan.csv.out");
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  // The org is listed at the start (no GET of u2): the first GET of u2 is its row's own, just
  // before the write. okta-mock answers it, then an admin's edit lands.
  TestResponse hook = HttpCall(mock->port(), "POST", "/__change_on_get/u2%40example.com",
                               R"({"profile":{"department":"Elsewhere"}})");
  ASSERT_EQ(hook.status, 200) << hook.body;
  ProcessResult apply = Sync(*mock, csv, {"--apply", dir_.File("plan.csv"), "--read-org", "list"}, "apply.csv");
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_EQ(Stat(*mock, "changes_on_get"), 1);
  EXPECT_EQ(Stat(*mock, "conditional_updates"), 2);
  EXPECT_EQ(Stat(*mock, "precondition_failed"), 1);
  auto rows = Rows("apply.csv");
  EXPECT_EQ(rows["u2@example.com"]["outcome"], "failed");
  EXPECT_EQ(rows["u2@example.com"]["httpStatus"], "412");
  EXPECT_NE(rows["u2@example.com"]["error"].find(
                "refused: the org changed this user between the check and the write (HTTP 412 on "
                "If-Match)"),
            std::string::npos)
      << rows["u2@example.com"]["error"];
  EXPECT_EQ(rows["u3@example.com"]["outcome"], "updated");
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u2@example.com").at("profile").at("department").as_string(), "Elsewhere");
  EXPECT_FALSE(InGroupA(users.at("u2@example.com"))) << "no group change after the refused update";
  EXPECT_EQ(users.at("u3@example.com").at("profile").at("department").as_string(), "Moved");
  EXPECT_TRUE(InGroupA(users.at("u3@example.com")));
}

TEST_F(SyncApplyTest, AUserChangedAfterTheStartOfRunReadButBeforeItsGetIsRefusedUnsent) {
  auto mock = StartMock();
  Seed(*mock, Users(10));
  const std::string csv = Users(10, {2, 3});
  ProcessResult plan = Sync(*mock, csv, {"--plan-out", dir_.File("plan.csv"), "--read-org", "list"}, "plan.csv.out");
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  // Lookups at the start: the edit lands right after u2's start-of-run GET, so the run's
  // picture of u2 is stale by the time its row is sent.
  TestResponse hook = HttpCall(mock->port(), "POST", "/__change_on_get/u2%40example.com",
                               R"({"profile":{"department":"Elsewhere"}})");
  ASSERT_EQ(hook.status, 200) << hook.body;
  ProcessResult apply = Sync(*mock, csv, {"--apply", dir_.File("plan.csv"), "--read-org", "lookup"}, "apply.csv");
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_EQ(Stat(*mock, "changes_on_get"), 1);
  EXPECT_EQ(Stat(*mock, "conditional_updates"), 1) << "u3's only: u2's update is never sent";
  EXPECT_EQ(Stat(*mock, "precondition_failed"), 0);
  auto rows = Rows("apply.csv");
  EXPECT_EQ(rows["u2@example.com"]["outcome"], "failed");
  EXPECT_NE(rows["u2@example.com"]["error"].find(
                "refused: the org changed since the plan (the plan: update department 'D2' -> "
                "'Moved'; now: update department 'Elsewhere' -> 'Moved')"),
            std::string::npos)
      << rows["u2@example.com"]["error"];
  EXPECT_EQ(rows["u3@example.com"]["outcome"], "updated");
  auto users = UsersByLogin(*mock);
  EXPECT_EQ(users.at("u2@example.com").at("profile").at("department").as_string(), "Elsewhere");
  EXPECT_EQ(users.at("u3@example.com").at("profile").at("department").as_string(), "Moved");
}

}  // namespace
}  // namespace okta_bulk::testing
