#include "pipeline/jobs/sync_task.h"

#include <utility>
#include <vector>

#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"

namespace okta_bulk {
namespace {

// The row's error when the conditional update met a user changed since its read.
constexpr std::string_view kChangedBeforeTheWrite =
    "refused: the org changed this user between the check and the write (HTTP 412 on "
    "If-Match); its update was not applied and no group change was sent (plan again to "
    "review it)";

}  // namespace

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
      found.KeepAttributes(shared_.org.attributes());  // as the start-of-run read kept them
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
    case Phase::kRecheck: {
      if (status != 200)
        return Fail(response, reader,
                    "reading " + result_.user_id + " again before its update failed: ");
      RowPlan fresh;
      if (auto step = Replan(response, reader, "reading the user again before its update: ", &fresh))
        return *step;
      std::string refused = shared_.check_reviewed(want_, fresh);
      if (!refused.empty()) {
        result_.error = std::move(refused);
        return TaskStep::Done();
      }
      plan_ = std::move(fresh);
      // An org that sends no ETag gets the update unconditionally (README: sync --apply).
      etag_ = std::string(response.Header("etag"));
      phase_ = Phase::kUpdate;
      if (plan_.changes.empty()) {  // not after a reviewed update; kept safe all the same
        result_.outcome = Outcome::kUnchanged;  // until a group change is made
        return NextGroup();
      }
      request_ = PartialUpdateRequest(plan_.user_id, plan_.UpdateBody());
      request_.http.if_match = etag_;
      return TaskStep::Next();
    }
    case Phase::kReread: {
      // A 412 answered a resent update whose first attempt got no answer: that attempt may
      // have been applied (and changed the ETag). The row is updated when the file's values
      // are there now; otherwise someone else changed the user.
      if (status != 200)
        return Fail(response, reader, "reading " + result_.user_id + " again after a 412 failed: ");
      RowPlan fresh;
      if (auto step = Replan(response, reader, "reading the user again after a 412: ", &fresh))
        return *step;
      if (!fresh.changes.empty()) {
        result_.http_status = 412;
        result_.error = std::string(kChangedBeforeTheWrite);
        return TaskStep::Done();
      }
      result_.outcome = Outcome::kUpdated;
      phase_ = Phase::kUpdate;
      return NextGroup();
    }
    case Phase::kUpdate: {
      if (status == 412 && !etag_.empty()) {
        if (update_unanswered_) {
          phase_ = Phase::kReread;
          request_ = GetUserRequest(plan_.user_id);
          return TaskStep::Next();
        }
        std::string body = response.body;  // the reader pads its input
        result_.error_code = reader.ReadError(body).code;
        result_.error = std::string(kChangedBeforeTheWrite);
        return TaskStep::Done();
      }
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

void SyncTask::OnNoResponse() {
  if (phase_ == Phase::kUpdate && !etag_.empty()) update_unanswered_ = true;
}

std::optional<TaskStep> SyncTask::Replan(HttpResponse& response, ResponseReader& reader,
                                         std::string_view context, RowPlan* fresh) {
  if (auto step = TakeUserAnswer(response, reader, context, plan_.user_id, "")) return step;
  OrgState found;
  found.KeepAttributes(shared_.org.attributes());  // compared as at the start of the run
  std::string why;
  std::string body = response.body;
  if (!found.AddUsers(body, &why)) {
    result_.error = std::string(context) + why;
    return TaskStep::Done();
  }
  const OrgUser* have = found.Find(want_.login);
  if (!have) {
    std::string now;
    found.ForEach([&](const OrgUser& u) { now = u.login; });
    result_.error = "refused: the org renamed this user since the plan (its login is now '" + now +
                    "'); its update was not sent (plan again to review it)";
    return TaskStep::Done();
  }
  // Memberships stay as read at the start of the run: only the user is read again.
  std::vector<std::string> groups;
  if (shared_.org.memberships_known) groups = shared_.org.GroupsOf(have->id);
  if (!PlanRow(want_, have, shared_.org.memberships_known ? &groups : nullptr, shared_.scope,
               fresh, &why)) {
    result_.error = std::string(context) + why;
    return TaskStep::Done();
  }
  return std::nullopt;
}

void SyncTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  result_.error = std::move(error);
}

// The update, then the group changes.
TaskStep SyncTask::Start() {
  if (!plan_.changes.empty() && shared_.check_reviewed) {
    // --apply: read the user again just before the write (Phase::kRecheck).
    phase_ = Phase::kRecheck;
    request_ = GetUserRequest(plan_.user_id);
    return TaskStep::Next();
  }
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
