// The org's groups as a run needs them: finding a group by the name an admin writes in a CSV
// (`groupName`, --group-name) or by its id, among the groups read with group_requests.h.
// Pure; no I/O.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/okta/group_requests.h"

namespace okta_bulk {

using OrgGroup = GroupSummary;

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
  // The org's Everyone group (BUILT_IN, every user a member); nullptr when not listed (an
  // admin of some groups only does not see it).
  const OrgGroup* Everyone() const;

 private:
  std::vector<OrgGroup> groups_;
};

}  // namespace okta_bulk
