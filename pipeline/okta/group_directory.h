// The org's groups as a run needs them: reading pages of GET /api/v1/groups, and finding a
// group by the name an admin writes in a CSV (`groupName`, --group-name) or by its id.
// Pure; no I/O.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

struct OrgGroup {
  std::string id;
  std::string name;  // profile.name
  std::string type;  // OKTA_GROUP, APP_GROUP, BUILT_IN
};

// Reads one page of GET /api/v1/groups: a JSON array of Group objects (id, type,
// profile.name). False with `error` when the body is not such an array.
bool ReadGroupsPage(std::string_view body, std::vector<OrgGroup>* out, std::string* error);

// Reads the Group object a POST /api/v1/groups answered. False with `error` otherwise.
bool ReadGroup(std::string_view body, OrgGroup* out, std::string* error);

// The JSON body of POST /api/v1/groups for a group named `name` (an OKTA_GROUP).
std::string CreateGroupBody(std::string_view name, std::string_view description = {});

class GroupDirectory {
 public:
  void Add(OrgGroup group) { groups_.push_back(std::move(group)); }
  std::size_t size() const { return groups_.size(); }

  struct Match {
    enum Kind : unsigned char { kFound, kMissing, kAmbiguous, kNotAssignable } kind = kMissing;
    const OrgGroup* group = nullptr;       // kFound, kNotAssignable
    std::vector<const OrgGroup*> several;  // kAmbiguous: every candidate
  };
  // Okta matches names ignoring case (search `profile.name eq` is case-insensitive), so a
  // name finds the groups whose names are equal ignoring ASCII case. Among them, those that
  // take members through the API (OKTA_GROUP; contract §4) count: one of them is found
  // (the exact spelling wins over other cases); none but an app or built-in group is
  // kNotAssignable; several with no exact spelling among them, or several exact, is
  // kAmbiguous.
  Match ByName(std::string_view name) const;
  const OrgGroup* ById(std::string_view id) const;

 private:
  std::vector<OrgGroup> groups_;
};

}  // namespace okta_bulk
