#include "pipeline/jobs/sync_task.h"

#include <utility>
#include <vector>

#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"

namespace okta_bulk {

SyncTask::SyncTask(uint64_t row, PreparedRow prepared, DesiredUser want, RowPlan plan,
                   const SyncShared& shared, std::string refused)
    : prepared_(std::move(prepared)), want_(std::move(want)), plan_(std::move(plan)),
      shared_(shared) {
  result_.row = row;
  result_.login = want_.login;
  result_.outcome = Outcome::kFailed;
  if (!refused.empty()) {
    result_.user_id = plan_.user_id;
    result_.user_status = plan_.status;
    result_.error = std::move(refused);
    finished_before_sending_ = true;
    return;
  }
  if (plan_.action == SyncAction::kCreate) {
    phase_ = Phase::kCreate;
    request_ = CreateUserRequest(shared_.activate, std::move(prepared_.create_body));
    return;
  }
  result_.user_id = plan_.user_id;
  result_.user_status = plan_.status;
  if (plan_.action == SyncAction::kUnchanged) {
    result_.outcome = Outcome::kUnchanged;
    finished_before_sending_ = true;
    return;
  }
  Start();
}

TaskStep SyncTask::OnResponse(HttpResponse& response, ResponseReader& reader) {
  const int status = response.status;
  result_.http_status = status;
  switch (phase_) {
    case Phase::kCreate: {
      if (status == 200 || status == 201) {
        if (auto step = TakeUserAnswer(response, reader, "creating the user: ", "", want_.login))
          return *step;
        result_.outcome = Outcome::kCreated;
        return TaskStep::Done();
      }
      std::string body = response.body;
      if (status == 400 && reader.ReadError(body).LoginAlreadyExists()) {
        phase_ = Phase::kLookup;
        request_ = GetUserRequest(want_.login);
        return TaskStep::Next();
      }
      return Fail(response, reader, "");
    }
    case Phase::kLookup: {
      if (status == 404 && not_found_ < shared_.not_found_retries) {
        ++not_found_;
        return TaskStep::RetryAfter(shared_.not_found_delay);
      }
      if (status != 200)
        return Fail(response, reader, "the login exists but looking it up failed: ");
      OrgState found;
      std::string why;
      std::string body = response.body;
      if (!found.AddUsers(body, &why)) {
        result_.error = "the login exists but its lookup cannot be read: " + why;
        return TaskStep::Done();
      }
      const OrgUser* have = found.Find(want_.login);
      if (!have) return TaskStep::NotMine();
      if (shared_.apply) {
        result_.user_id = have->id;
        result_.user_status = have->status;
        result_.error = "refused: the plan creates this user, but the org has it now (" +
                        have->id + "); nothing was sent for this row (plan again)";
        return TaskStep::Done();
      }
      std::vector<std::string> groups;
      if (shared_.org.memberships_known) groups = shared_.org.GroupsOf(have->id);
      if (!PlanRow(want_, have, shared_.org.memberships_known ? &groups : nullptr,
                   shared_.scope, &plan_, &why)) {
        result_.error = why;
        return TaskStep::Done();
      }
      result_.user_id = plan_.user_id;
      result_.user_status = plan_.status;
      if (plan_.action == SyncAction::kUnchanged) {
        result_.outcome = Outcome::kUnchanged;
        return TaskStep::Done();
      }
      return Start();
    }
    case Phase::kUpdate: {
      if (status != 200)
        return Fail(response, reader, "updating " + result_.user_id + " failed: ");
      if (auto step = TakeUserAnswer(response, reader, "updating the user: ", result_.user_id, ""))
        return *step;
      result_.outcome = Outcome::kUpdated;
      return NextGroup();
    }
    case Phase::kAddGroup:
    case Phase::kRemoveGroup: {
      const bool adding = phase_ == Phase::kAddGroup;
      if (status == 204 || status == 200 || (!adding && status == 404)) {
        result_.outcome = Outcome::kUpdated;
        ++group_index_;
        return NextGroup();
      }
      const std::string& gid = adding ? plan_.add_groups[group_index_]
                                      : plan_.remove_groups[group_index_];
      return Fail(response, reader,
                  (adding ? "adding it to group " : "removing it from group ") + gid + " failed: ");
    }
  }
  return TaskStep::Done();
}

void SyncTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  result_.error = std::move(error);
}

// The update, then the group changes.
TaskStep SyncTask::Start() {
  if (!plan_.changes.empty()) {
    phase_ = Phase::kUpdate;
    request_ = PartialUpdateRequest(plan_.user_id, plan_.UpdateBody());
    return TaskStep::Next();
  }
  group_index_ = 0;
  phase_ = Phase::kAddGroup;
  return NextGroup();
}

TaskStep SyncTask::NextGroup() {
  if (phase_ == Phase::kUpdate) {
    phase_ = Phase::kAddGroup;
    group_index_ = 0;
  }
  if (phase_ == Phase::kAddGroup && group_index_ >= plan_.add_groups.size()) {
    phase_ = Phase::kRemoveGroup;
    group_index_ = 0;
  }
  if (phase_ == Phase::kAddGroup) {
    request_ = AddToGroupRequest(plan_.add_groups[group_index_], plan_.user_id);
    return TaskStep::Next();
  }
  if (group_index_ < plan_.remove_groups.size()) {
    request_ = RemoveFromGroupRequest(plan_.remove_groups[group_index_], plan_.user_id);
    return TaskStep::Next();
  }
  return TaskStep::Done();
}

}  // namespace okta_bulk
