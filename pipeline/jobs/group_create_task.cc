#include "pipeline/jobs/group_create_task.h"

#include <vector>

#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"

namespace okta_bulk {

GroupCreateTask::GroupCreateTask(GroupCreateRow row) : row_(std::move(row)) {
  result_.row = row_.row;
  result_.login = row_.name;
  PrepareLookup(Phase::kLookup);
}

void GroupCreateTask::PrepareLookup(Phase phase) {
  phase_ = phase;
  GroupListQuery q;
  q.search = GroupNameSearch(row_.name);
  request_ = ListGroupsRequest(q);
}

std::string GroupCreateTask::Context() const {
  switch (phase_) {
    case Phase::kLookup: return "looking the name up failed: ";
    case Phase::kCreate: return "creating the group failed: ";
    case Phase::kLookupAfterDuplicate:
      return "Okta says the name exists, but looking it up failed: ";
  }
  return {};
}

TaskStep GroupCreateTask::OnResponse(HttpResponse& response, ResponseReader& reader) {
  const int status = response.status;
  result_.http_status = status;
  switch (phase_) {
    case Phase::kLookup:
    case Phase::kLookupAfterDuplicate: {
      if (status != 200) return Fail(response, reader, Context());
      std::vector<GroupSummary> groups;
      std::string why;
      if (!ReadGroupList(response.body, &groups, &why)) {
        result_.outcome = Outcome::kFailed;
        result_.error = Context() + why;
        return TaskStep::Done();
      }
      for (const GroupSummary& g : groups) {
        if (!SameGroupName(g.name, row_.name)) continue;  // search may match more loosely
        result_.user_id = g.id;
        result_.user_status = g.type;
        result_.outcome = Outcome::kExisted;
        return TaskStep::Done();
      }
      if (phase_ == Phase::kLookupAfterDuplicate)  // Okta's own refusal says why
        return Fail(duplicate_, reader, "creating the group failed: ");
      phase_ = Phase::kCreate;
      request_ = CreateGroupRequest(row_.body);
      return TaskStep::Next();
    }
    case Phase::kCreate: {
      if (status == 200 || status == 201) {
        GroupSummary g;
        std::string why;
        if (!ReadGroup(response.body, &g, &why)) {
          result_.outcome = Outcome::kFailed;
          result_.error = Context() + why;
          return TaskStep::Done();
        }
        result_.user_id = g.id;
        result_.user_status = g.type;
        result_.outcome = Outcome::kCreated;
        return TaskStep::Done();
      }
      if (status == 400) {
        std::string body = response.body;  // the reader pads its input
        OktaError e = reader.ReadError(body);
        if (e.code == "E0000001" && e.causes.find("already exists") != std::string::npos) {
          duplicate_ = response;
          PrepareLookup(Phase::kLookupAfterDuplicate);
          return TaskStep::Next();
        }
      }
      return Fail(response, reader, Context());
    }
  }
  return TaskStep::Done();
}

void GroupCreateTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  result_.error = Context() + error;
}

}  // namespace okta_bulk
