#include "pipeline/jobs/org_size.h"

#include <vector>

#include "pipeline/engine/single_task.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/okta/group_requests.h"

namespace okta_bulk {
namespace {

class OrgSizeTask final : public Task {
 public:
  explicit OrgSizeTask(OrgSize& size) : size_(size) {
    result_.outcome = Outcome::kFailed;
    GroupListQuery query;
    query.filter = "type eq \"BUILT_IN\"";
    query.expand_stats = true;
    request_ = ListGroupsRequest(query);
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    result_.outcome = Outcome::kExisted;  // "not failed": an unknown size is no failure
    if (response.status != 200) {
      std::string body = response.body;
      size_.why_unknown = "GET " + request_.http.target + " answered HTTP " +
                          std::to_string(response.status) + " " + reader.ReadError(body).Describe();
      return TaskStep::Done();
    }
    size_.known = EveryoneUsersCount(response.body, &size_.users, &size_.why_unknown);
    return TaskStep::Done();
  }
  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.outcome = Outcome::kExisted;
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    size_.why_unknown = "GET " + request_.http.target + " failed: " + error;
  }

 private:
  OrgSize& size_;
  TaskRequest request_;
};

}  // namespace

bool EveryoneUsersCount(std::string_view body, uint64_t* users, std::string* why) {
  std::vector<GroupSummary> groups;
  if (!ReadGroupList(body, &groups, why)) return false;
  for (const GroupSummary& g : groups) {
    if (g.type != "BUILT_IN" || g.name != "Everyone") continue;
    if (g.users_count < 0) {
      *why = "the Everyone group came without its member count (_embedded.stats.usersCount)";
      return false;
    }
    *users = static_cast<uint64_t>(g.users_count);
    return true;
  }
  *why = "no Everyone group among the org's BUILT_IN groups (an admin of some groups only "
         "does not see it)";
  return false;
}

bool ReadOrgSize(PrepareContext& context, OrgSize* size, std::string* error) {
  OneTaskSource source(std::make_unique<OrgSizeTask>(*size));
  return RunOrgTasks(context, source, /*workers=*/1, [](Task&) { return true; }, error);
}

}  // namespace okta_bulk
