// SyncTask: one row of `okta-bulk sync` as a state machine (its plan, RowPlan, then done),
// and SyncShared, the org's state and group scope every row's task reads. The job that
// plans the rows and runs them is sync_job.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

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
  int not_found_retries = 5;
  std::chrono::milliseconds not_found_delay{400};
};

// One row of a sync: exactly its plan (RowPlan), then done. A create that meets an existing
// login (a user the listing did not show: outside --scope, deactivated, or created since)
// looks it up and re-plans against what it finds.
class SyncTask final : public Task {
 public:
  // `refused` (--apply): the row's plan is not the reviewed one; the row fails with it,
  // sending nothing.
  SyncTask(uint64_t row, PreparedRow prepared, DesiredUser want, RowPlan plan,
           const SyncShared& shared, std::string refused = {});
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;

  void OnGiveUp(int http_status, std::string error_code, std::string error) override;

 private:
  enum class Phase : unsigned char { kCreate, kLookup, kUpdate, kAddGroup, kRemoveGroup };

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
  TaskRequest request_;
};

}  // namespace okta_bulk
