// SyncTask: one row of `okta-bulk sync` as a state machine (its plan, RowPlan, then done),
// and SyncShared, the org's state and group scope every row's task reads. The job that
// plans the rows and runs them is sync_job.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/engine/task.h"
#include "pipeline/jobs/sync_plan.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {

// What every row's task reads: the org's state and which groups the file manages. Owned by
// the handler; outlives every task.
struct SyncShared {
  OrgState org;
  GroupScope scope;
  bool activate = true;
  bool apply = false;  // --apply: a create that meets an existing login is refused
  // --apply: "" when a row's plan is the reviewed one, else why the row is refused (the
  // handler's check, SyncRows::CheckAgainstReviewed). A row that updates profile attributes
  // reads its user again just before the write, re-plans, asks this again, and sends the
  // update with If-Match: the ETag of that read.
  std::function<std::string(const DesiredUser&, const RowPlan&)> check_reviewed;
  int not_found_retries = 5;
  std::chrono::milliseconds not_found_delay{400};
};

// One row of a sync: exactly its plan (RowPlan), then done. A create that meets an existing
// login (a user the listing did not show: outside --scope, deactivated, or created since)
// looks it up and re-plans against what it finds. With --apply (SyncShared::check_reviewed),
// a profile update is preceded by a GET of the user: the row is re-planned against it
// (memberships as read at the start), checked against the reviewed plan again, and the update
// sent with `If-Match: <its ETag>` (without, when the answer has none). A 412 ends the row
// failed, with no group change sent after it; a 412 to a resent update whose first attempt
// got no answer reads the user again, and the row is updated when the values are there.
class SyncTask final : public Task {
 public:
  // `refused` (--apply): the row's plan is not the reviewed one; the row fails with it,
  // sending nothing.
  SyncTask(uint64_t row, PreparedRow prepared, DesiredUser want, RowPlan plan,
           const SyncShared& shared, std::string refused = {});
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;

  void OnGiveUp(int http_status, std::string error_code, std::string error) override;
  void OnNoResponse() override;

 private:
  // kRecheck: --apply's GET before the update; kReread: the GET after a 412 to a resent
  // update (was the first attempt applied?).
  enum class Phase : unsigned char {
    kCreate, kLookup, kRecheck, kUpdate, kReread, kAddGroup, kRemoveGroup
  };

  // The user read again (kRecheck, kReread) re-planned into `fresh`; nullopt, or the step
  // that ends the row (failed) when it cannot be.
  std::optional<TaskStep> Replan(HttpResponse& response, ResponseReader& reader,
                                 std::string_view context, RowPlan* fresh);

  // The update, then the group changes.
  TaskStep Start();
  TaskStep NextGroup();

  PreparedRow prepared_;
  DesiredUser want_;
  RowPlan plan_;
  const SyncShared& shared_;
  Phase phase_ = Phase::kUpdate;
  std::size_t group_index_ = 0;
  int not_found_ = 0;
  bool update_unanswered_ = false;  // an attempt of the conditional update got no answer
  std::string etag_;                // the ETag the update is conditional on; "" = none
  TaskRequest request_;
};

}  // namespace okta_bulk
