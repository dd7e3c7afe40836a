// sync --apply's conditional write, at the level of one row's SyncTask driven with synthetic
// responses (no sockets): the GET before the update, the re-check against the reviewed plan,
// If-Match with the ETag read, and what a 412 does to the row.
#include "pipeline/jobs/sync_task.h"

#include <gtest/gtest.h>

#include "pipeline/okta/okta_json.h"

namespace okta_bulk {
namespace {

constexpr char kUserId[] = "00u2aaaaaaaaaaaaaaaa";
constexpr char kLogin[] = "u2@example.com";
constexpr char kGroup[] = "00gA0000000000000001";

std::string UserJson(const std::string& department, const std::string& login = kLogin) {
  return std::string(R"({"id":")") + kUserId + R"(","status":"ACTIVE","profile":{"login":")" +
         login + R"(","email":")" + login + R"(","department":")" + department + R"("}})";
}

HttpResponse Response(int status, std::string body, std::string etag = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!etag.empty()) r.headers.emplace_back("etag", std::move(etag));
  return r;
}

// The plan lines of a row, as one string (what the reviewed plan file holds for it).
std::string Lines(const DesiredUser& want, const RowPlan& plan) {
  std::string out;
  AppendPlanLines(&out, want.login, want, plan);
  return out;
}

// One user (department D2, in no group) and a row that moves it to "Moved" and into kGroup;
// the reviewed plan is that row's plan against this org.
class SyncApplyTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shared_.apply = true;
    shared_.org.KeepAttributes({"department"});
    std::string why;
    ASSERT_TRUE(shared_.org.AddUsers(UserJson("D2"), &why)) << why;
    shared_.org.memberships_known = true;
    shared_.scope.managed = {kGroup};
    want_ = DesiredUser{kLogin, R"({"profile":{"department":"Moved"}})", {kGroup}};
    std::vector<std::string> none;
    ASSERT_TRUE(PlanRow(want_, shared_.org.Find(kLogin), &none, shared_.scope, &plan_, &why)) << why;
    ASSERT_EQ(plan_.action, SyncAction::kUpdate);
    reviewed_ = Lines(want_, plan_);
    shared_.check_reviewed = [this](const DesiredUser& want, const RowPlan& plan) {
      ++checks_;
      return Lines(want, plan) == reviewed_ ? std::string() : std::string("refused: not the reviewed plan");
    };
  }
  std::unique_ptr<SyncTask> MakeTask() {
    return std::make_unique<SyncTask>(2, PreparedRow{}, want_, plan_, shared_);
  }
  TaskStep Answer(SyncTask& task, HttpResponse r) { return task.OnResponse(r, reader_); }

  SyncShared shared_;
  DesiredUser want_;
  RowPlan plan_;
  std::string reviewed_;
  int checks_ = 0;
  ResponseReader reader_;
};

TEST_F(SyncApplyTaskTest, TheUpdateIsPrecededByAGetAndCarriesItsETagInIfMatch) {
  auto task = MakeTask();
  ASSERT_FALSE(task->FinishedBeforeSending());
  EXPECT_EQ(task->request().http.method, "GET");
  EXPECT_EQ(task->request().http.target, std::string("/api/v1/users/") + kUserId);
  EXPECT_EQ(task->request().bucket, Bucket::kUserGet);
  EXPECT_EQ(task->request().http.if_match, "");

  EXPECT_EQ(Answer(*task, Response(200, UserJson("D2"), "W/\"e1\"")).kind, TaskStep::kNext);
  EXPECT_EQ(checks_, 1) << "the fresh plan is checked against the reviewed one";
  EXPECT_EQ(task->request().http.method, "POST");
  EXPECT_EQ(task->request().http.target, std::string("/api/v1/users/") + kUserId);
  EXPECT_EQ(task->request().http.body, R"({"profile":{"department":"Moved"}})");
  EXPECT_EQ(task->request().http.if_match, "W/\"e1\"");
  EXPECT_EQ(task->request().bucket, Bucket::kUserWrite);

  EXPECT_EQ(Answer(*task, Response(200, UserJson("Moved"), "W/\"e2\"")).kind, TaskStep::kNext);
  EXPECT_EQ(task->request().http.method, "PUT");  // the group add, unconditional
  EXPECT_EQ(task->request().http.if_match, "");
  EXPECT_EQ(Answer(*task, Response(204, "")).kind, TaskStep::kDone);
  EXPECT_EQ(task->result().outcome, Outcome::kUpdated);
}

TEST_F(SyncApplyTaskTest, A412EndsTheRowFailedWithTheRefusalAndSendsNoGroupChange) {
  auto task = MakeTask();
  ASSERT_EQ(Answer(*task, Response(200, UserJson("D2"), "W/\"e1\"")).kind, TaskStep::kNext);
  ASSERT_EQ(task->request().http.if_match, "W/\"e1\"");
  TaskStep step = Answer(*task, Response(412, R"({"errorCode":"E0000412","errorSummary":"The precondition failed"})"));
  EXPECT_EQ(step.kind, TaskStep::kDone) << "no group request after a refused update";
  EXPECT_EQ(task->result().outcome, Outcome::kFailed);
  EXPECT_EQ(task->result().http_status, 412);
  EXPECT_NE(task->result().error.find("refused: the org changed this user between the check and "
                                      "the write (HTTP 412 on If-Match)"),
            std::string::npos)
      << task->result().error;
  EXPECT_NE(task->result().error.find("no group change was sent"), std::string::npos);
}

TEST_F(SyncApplyTaskTest, AUserChangedBeforeTheGetIsRefusedByTheReviewedPlanAndNotWritten) {
  auto task = MakeTask();
  EXPECT_EQ(Answer(*task, Response(200, UserJson("Elsewhere"), "W/\"e9\"")).kind, TaskStep::kDone);
  EXPECT_EQ(task->result().outcome, Outcome::kFailed);
  EXPECT_EQ(task->result().error, "refused: not the reviewed plan");
}

TEST_F(SyncApplyTaskTest, AGetWithoutETagSendsTheUpdateWithoutIfMatch) {
  auto task = MakeTask();
  ASSERT_EQ(Answer(*task, Response(200, UserJson("D2"))).kind, TaskStep::kNext);
  EXPECT_EQ(task->request().http.method, "POST");
  EXPECT_EQ(task->request().http.if_match, "");
}

TEST_F(SyncApplyTaskTest, A412ToAResentUpdateWhoseFirstAttemptLandedEndsUpdated) {
  auto task = MakeTask();
  ASSERT_EQ(Answer(*task, Response(200, UserJson("D2"), "W/\"e1\"")).kind, TaskStep::kNext);
  task->OnNoResponse();  // the first POST may have been applied; the dispatcher resends it
  ASSERT_EQ(Answer(*task, Response(412, "{}")).kind, TaskStep::kNext);
  EXPECT_EQ(task->request().http.method, "GET");
  // The values are there: the first attempt was applied.
  ASSERT_EQ(Answer(*task, Response(200, UserJson("Moved"), "W/\"e2\"")).kind, TaskStep::kNext);
  EXPECT_EQ(task->request().http.method, "PUT");
  EXPECT_EQ(Answer(*task, Response(204, "")).kind, TaskStep::kDone);
  EXPECT_EQ(task->result().outcome, Outcome::kUpdated);

  // The same, but someone else's values are there: refused.
  auto other = MakeTask();
  ASSERT_EQ(Answer(*other, Response(200, UserJson("D2"), "W/\"e1\"")).kind, TaskStep::kNext);
  other->OnNoResponse();
  ASSERT_EQ(Answer(*other, Response(412, "{}")).kind, TaskStep::kNext);
  EXPECT_EQ(Answer(*other, Response(200, UserJson("Elsewhere"), "W/\"e3\"")).kind, TaskStep::kDone);
  EXPECT_EQ(other->result().outcome, Outcome::kFailed);
  EXPECT_NE(other->result().error.find("HTTP 412 on If-Match"), std::string::npos);
}

TEST_F(SyncApplyTaskTest, ADirectSyncSendsTheUpdateAtOnceWithoutIfMatch) {
  shared_.apply = false;
  shared_.check_reviewed = nullptr;
  auto task = MakeTask();
  EXPECT_EQ(task->request().http.method, "POST");
  EXPECT_EQ(task->request().http.if_match, "");
}

}  // namespace
}  // namespace okta_bulk
