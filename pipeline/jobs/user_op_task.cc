#include "pipeline/jobs/user_op_task.h"

#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"

namespace okta_bulk {

UserOpTask::UserOpTask(UserOpRow row, const UserOpOptions& options)
    : row_(std::move(row)), options_(options) {
  result_.row = row_.row;
  result_.login = row_.login;
  result_.user_id = row_.id;
  switch (options_.op) {
    case UserOp::kUpdate:
      // A row with no attribute to send and no group asks for nothing: the user already is
      // as the row says, so no request is spent on it.
      if (row_.update_body == kEmptyProfileUpdate && row_.group_ids.empty()) {
        result_.outcome = Outcome::kUnchanged;
        finished_before_sending_ = true;
        break;
      }
      PrepareUpdate();
      break;
    case UserOp::kAssign:
      if (row_.id.empty()) PrepareLookup();
      else PrepareAssign();
      break;
    case UserOp::kDeactivate:
      if (row_.id.empty()) PrepareLookup();
      else PrepareDeactivate();
      break;
    case UserOp::kDelete: PrepareLookup(); break;  // its status says whether to deactivate
    case UserOp::kUnassign:
      if (row_.id.empty()) PrepareLookup();
      else PrepareListGroups();
      break;
    default: PrepareLookup(); break;  // lifecycle actions are LifecycleTask's
  }
}

std::string UserOpTask::Who() const {
  return row_.login.empty() || !row_.id.empty() ? "id " + row_.id : "login " + row_.login;
}

// The user's id when known, else its login.
static std::string_view IdOrLogin(const std::string& id, const std::string& login) {
  return id.empty() ? std::string_view(login) : std::string_view(id);
}

void UserOpTask::PrepareLookup() {
  phase_ = Phase::kLookup;
  request_ = GetUserRequest(IdOrLogin(result_.user_id, row_.login));
}

void UserOpTask::PrepareUpdate() {
  phase_ = Phase::kUpdate;
  request_ = PartialUpdateRequest(IdOrLogin(result_.user_id, row_.login), std::move(row_.update_body));
}

void UserOpTask::PrepareAssign() {
  phase_ = Phase::kAssign;
  request_ = AddToGroupRequest(row_.group_ids[group_index_], result_.user_id);
}

void UserOpTask::PrepareDeactivate() {
  phase_ = Phase::kDeactivate;
  request_ = DeactivateRequest(result_.user_id);
}

void UserOpTask::PrepareDelete() {
  phase_ = Phase::kDelete;
  request_ = DeleteUserRequest(result_.user_id);
}

void UserOpTask::PrepareListGroups() {
  phase_ = Phase::kListGroups;
  request_ = ListUserGroupsRequest(result_.user_id);
}

void UserOpTask::PrepareUnassign() {
  phase_ = Phase::kUnassign;
  request_ = RemoveFromGroupRequest(member_of_[group_index_], result_.user_id);
}

// The user's groups are known: remove it from those of the row's groups it is in. A group
// the user is not in (or that does not exist) needs nothing: it is not a member.
TaskStep UserOpTask::AfterListGroups(HttpResponse& response) {
  std::vector<GroupSummary> groups;
  std::string why;
  if (!ReadGroupList(response.body, &groups, &why)) {
    result_.outcome = Outcome::kFailed;
    result_.error = Context() + why;
    return TaskStep::Done();
  }
  member_of_.clear();
  for (const std::string& gid : row_.group_ids)
    for (const GroupSummary& g : groups)
      if (g.id == gid) {
        member_of_.push_back(gid);
        break;
      }
  if (member_of_.empty()) return Done(Outcome::kUnchanged);
  group_index_ = 0;
  PrepareUnassign();
  return TaskStep::Next();
}

void UserOpTask::OnNoResponse() { ambiguous_ = true; }

TaskStep UserOpTask::Done(Outcome outcome) {
  result_.outcome = outcome;
  result_.error.clear();
  result_.error_code.clear();
  return TaskStep::Done();
}

std::string UserOpTask::Context() const {
  switch (phase_) {
    case Phase::kLookup: return "looking up the user failed: ";
    case Phase::kUpdate: return "updating the profile failed: ";
    case Phase::kAssign: return "adding it to group " + row_.group_ids[group_index_] + " failed: ";
    case Phase::kDeactivate: return "deactivating failed: ";
    case Phase::kDelete: return "deleting failed: ";
    case Phase::kListGroups: return "listing the user's groups failed: ";
    case Phase::kUnassign:
      return "removing it from group " + member_of_[group_index_] + " failed: ";
  }
  return {};
}

// A 404 for the user itself.
TaskStep UserOpTask::Missing(const HttpResponse& response, ResponseReader& reader) {
  if (options_.op == UserOp::kDelete && options_.missing_ok) {
    result_.user_status.clear();
    return Done(Outcome::kDeleted);
  }
  return Fail(response, reader, "no user with " + Who() + ": ");
}

TaskStep UserOpTask::AfterLookup() {
  switch (options_.op) {
    case UserOp::kUpdate: return Done(Outcome::kUpdated);  // not reached: updates look nothing up
    case UserOp::kAssign:
      group_index_ = 0;
      PrepareAssign();
      return TaskStep::Next();
    case UserOp::kDeactivate:
      // Already deactivated: the goal holds and nothing is sent.
      if (result_.user_status == "DEPROVISIONED") return Done(Outcome::kUnchanged);
      PrepareDeactivate();
      return TaskStep::Next();
    case UserOp::kDelete:
      if (result_.user_status == "DEPROVISIONED") PrepareDelete();
      else PrepareDeactivate();
      return TaskStep::Next();
    case UserOp::kUnassign:
      PrepareListGroups();
      return TaskStep::Next();
    default: break;  // lifecycle actions are LifecycleTask's
  }
  return TaskStep::Done();
}

TaskStep UserOpTask::OnResponse(HttpResponse& response, ResponseReader& reader) {
  const int status = response.status;
  result_.http_status = status;
  const bool ambiguous = ambiguous_;
  ambiguous_ = false;
  switch (phase_) {
    case Phase::kLookup:
    case Phase::kUpdate: {
      if (status == 200) {
        // The id that later requests (deactivate, DELETE) act on comes from this answer.
        if (auto step = TakeUserAnswer(response, reader, Context(), result_.user_id, row_.login))
          return *step;
        if (phase_ == Phase::kLookup) return AfterLookup();
        if (row_.group_ids.empty()) return Done(Outcome::kUpdated);
        result_.outcome = Outcome::kUpdated;
        group_index_ = 0;
        PrepareAssign();
        return TaskStep::Next();
      }
      if (status == 404) return Missing(response, reader);
      return Fail(response, reader, Context());
    }
    case Phase::kAssign: {
      if (status == 204 || status == 200) {
        if (++group_index_ < row_.group_ids.size()) {
          PrepareAssign();
          return TaskStep::Next();
        }
        return Done(options_.op == UserOp::kUpdate ? Outcome::kUpdated : Outcome::kAssigned);
      }
      // A 404 names what is missing: "Resource not found: 00g1 (UserGroup)" or "(User)".
      return Fail(response, reader, Context());
    }
    case Phase::kDeactivate: {
      if (status == 200 || status == 204) {
        result_.user_status = "DEPROVISIONED";
        if (options_.op == UserOp::kDelete) {
          PrepareDelete();
          return TaskStep::Next();
        }
        return Done(Outcome::kDeactivated);
      }
      if (status == 404) return Missing(response, reader);
      return Fail(response, reader, Context());
    }
    case Phase::kListGroups: {
      if (status == 200) return AfterListGroups(response);
      if (status == 404) return Missing(response, reader);
      return Fail(response, reader, Context());
    }
    case Phase::kUnassign: {
      // A 404 after a lost response: the user and group were there a moment ago, so the
      // lost DELETE removed the membership (or the group went away): either way, not a member.
      if (status == 204 || status == 200 || (status == 404 && ambiguous)) {
        if (++group_index_ < member_of_.size()) {
          PrepareUnassign();
          return TaskStep::Next();
        }
        return Done(Outcome::kUnassigned);
      }
      return Fail(response, reader, Context());
    }
    case Phase::kDelete: {
      if (status == 204 || status == 200) {
        result_.user_status.clear();
        return Done(Outcome::kDeleted);
      }
      // The user was there a moment ago: a lost response to this DELETE may have deleted it.
      if (status == 404 && ambiguous) {
        result_.user_status.clear();
        return Done(Outcome::kDeleted);
      }
      if (status == 404) return Missing(response, reader);
      return Fail(response, reader, Context());
    }
  }
  return TaskStep::Done();
}

void UserOpTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  result_.error = Context() + error;
}

}  // namespace okta_bulk
