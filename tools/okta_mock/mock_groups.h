// MockGroups: okta-mock's groups, and the group endpoints that need no user data, written
// from the contract (§1.2, §4) and the management OpenAPI description (listGroups, addGroup,
// listUserGroups, assignUserToGroup, unassignUserFromGroup, Group, OktaUserGroupProfile,
// GroupType). Memberships live with the users (the tenant's `group_ids` per user); the tenant
// hands a user's list in where a call needs it. Single-threaded, like MockTenant, which owns
// it; `base_url` and the callbacks must outlive it.
//
// What okta-mock assumes where the spec is silent (each says so in the README):
//  - group names are unique org-wide, compared case-insensitively (ASCII letters), like
//    logins; a second POST with a taken name is 400 E0000001 "Api validation failed: name"
//    with the cause "name: An object with this field already exists in the current
//    organization" (the duplicate-login answer of §3, for the name);
//  - the built-in `Everyone` group (type BUILT_IN: "profile and memberships are managed by
//    Okta and can't be modified") holds every user; a membership change on it is 403
//    E0000006, like any change the spec lists a 403 for.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tools/okta_mock/mock_tenant.h"
#include "tools/okta_mock/mock_url.h"

namespace okta_bulk::mock {

struct MockGroup {
  std::string id;           // "00g" + 17 letters and digits, or a seeded id
  std::string name;         // profile.name
  std::string description;  // profile.description, always a string ("" when not given)
  std::string type;         // "OKTA_GROUP" or "BUILT_IN"
  std::string custom_json;  // the other profile attributes, serialized as ",\"k\":v..." or ""
  TimePoint created, last_updated, last_membership_updated;
};

class MockGroups {
 public:
  // Builds the response of a failed call: status, Okta error code, summary, causes.
  using ErrorFn = std::function<MockResponse(int, std::string_view, std::string_view,
                                             const std::vector<std::string>&)>;
  using RandomFn = std::function<std::string(std::size_t)>;  // n random letters and digits
  // Every group's member count (Everyone's included), for expand=stats.
  using CountFn = std::function<std::unordered_map<std::string, int64_t>()>;

  // Creates the Everyone group. `base_url` is read at each answer (it is set after start).
  MockGroups(const std::string& base_url, ErrorFn error, RandomFn random);

  // A group okta-mock starts with (--groups, --groups-count, --group): an OKTA_GROUP created
  // 2020-01-01. An id or a name taken already is skipped (false).
  bool AddSeeded(std::string id, std::string name);
  // A new OKTA_GROUP named `name` with a fresh id (--group NAME); false when the name is taken.
  bool AddSeededNamed(std::string name);
  // One more OKTA_GROUP named `name` with a fresh id even when the name is taken
  // (--duplicate-group): the org then holds two groups of that name, and POST still refuses
  // a third (the first of the name stays the one by_name_ knows).
  void AddSeededDuplicate(std::string name);

  const MockGroup* Find(std::string_view id) const;
  const std::string& everyone_id() const { return groups_.front().id; }
  std::size_t size() const { return groups_.size(); }

  // GET /api/v1/groups: q (name starts with; no paging, default limit 300), search, filter,
  // after, limit (default and maximum 10000), expand=stats.
  MockResponse List(const Query& q, TimePoint now, const CountFn& counts);
  // POST /api/v1/groups {"profile":{"name":..,"description":..,...}}: 200 with the Group.
  MockResponse Create(std::string_view body, TimePoint now);
  // GET /api/v1/groups/{id}.
  MockResponse Get(std::string_view id);
  // GET /api/v1/users/{id}/groups: Everyone, then the user's groups `member_of`, in the order
  // they were joined.
  MockResponse ListOfUser(const std::vector<std::string>& member_of);
  // PUT (add) or DELETE /api/v1/groups/{gid}/users/{uid} for a user who is a member of
  // `member_of`: 404 for an unknown group, 403 for a BUILT_IN one, else 204 (also when
  // nothing changed: assigning a member or removing a non-member).
  MockResponse ChangeMembership(std::string_view gid, bool add,
                                std::vector<std::string>& member_of, TimePoint now);

 private:
  struct Filter;
  void AppendJson(std::string& b, const MockGroup& g, const int64_t* users_count) const;
  MockResponse Json(int status, std::string body) const;
  void Add(MockGroup g);

  const std::string& base_url_;
  ErrorFn error_;
  RandomFn random_;
  std::vector<MockGroup> groups_;  // creation order; Everyone first
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::size_t> by_name_;  // ASCII-lowercased name
};

}  // namespace okta_bulk::mock
