// The Okta group requests (management API: listGroups, addGroup, unassignUserFromGroup,
// listUserGroups), each filed under the rate-limit bucket Okta counts it in (ClassifyRequest),
// and the reading of Group answers. Pure functions; no I/O. Reused by every job that touches
// groups (groups create/export, unassign, resolving group names).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/okta/task_request.h"

namespace okta_bulk {

// GET /api/v1/groups with the parameters that are set (each percent-encoded):
// q (name starts with; Okta does not page it), search, filter, after, limit (0 = Okta's
// default) and expand=stats (_embedded.stats.usersCount).
struct GroupListQuery {
  std::string q, search, filter, after;
  int limit = 0;
  bool expand_stats = false;
};
TaskRequest ListGroupsRequest(const GroupListQuery& query);
// The search expression that finds a group by its exact name: profile.name eq "NAME", with
// '"' and '\' escaped. Okta compares values case-insensitively (contract §4).
std::string GroupNameSearch(std::string_view name);
// POST /api/v1/groups with `body` ({"profile":{"name":...,...}}): creates an OKTA_GROUP.
TaskRequest CreateGroupRequest(std::string body);
// DELETE /api/v1/groups/{groupId}/users/{userId}: removes the user from the group (204).
TaskRequest RemoveFromGroupRequest(std::string_view group_id, std::string_view user_id);
// GET /api/v1/users/{id or login}/groups: the groups the user is a member of.
TaskRequest ListUserGroupsRequest(std::string_view id_or_login);

// The parts of an Okta Group object the jobs record.
struct GroupSummary {
  std::string id;
  std::string name;         // profile.name
  std::string description;  // profile.description, "" when absent or null
  std::string type;         // OKTA_GROUP, APP_GROUP, BUILT_IN
  int64_t users_count = -1;  // _embedded.stats.usersCount, -1 when not in the answer
};

// Reads one Group object. False (and `error`) when it is not a JSON object with a string id.
bool ReadGroup(std::string_view body, GroupSummary* out, std::string* error);
// Reads a JSON array of Group objects, appending to `out`. False (and `error`) when the body
// is not an array of groups.
bool ReadGroupList(std::string_view body, std::vector<GroupSummary>* out, std::string* error);

// Whether two group names are the same name to Okta: equal after folding ASCII letters to
// lower case (okta-bulk's assumption: Okta's group-name uniqueness is case-insensitive).
bool SameGroupName(std::string_view a, std::string_view b);

}  // namespace okta_bulk
