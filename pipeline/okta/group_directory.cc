#include "pipeline/okta/group_directory.h"

namespace okta_bulk {

GroupDirectory::Match GroupDirectory::ByName(std::string_view name) const {
  Match m;
  std::vector<const OrgGroup*> exact, folded, other_kind;
  for (const OrgGroup& g : groups_) {
    if (!SameGroupName(g.name, name)) continue;
    if (!g.type.empty() && g.type != "OKTA_GROUP") {
      other_kind.push_back(&g);
      continue;
    }
    (g.name == name ? exact : folded).push_back(&g);
  }
  if (exact.size() == 1 || (exact.empty() && folded.size() == 1)) {
    m.kind = Match::kFound;
    m.group = exact.empty() ? folded.front() : exact.front();
    return m;
  }
  if (exact.size() > 1 || folded.size() > 1) {
    m.kind = Match::kAmbiguous;
    m.several = exact.size() > 1 ? exact : folded;
    return m;
  }
  if (!other_kind.empty()) {
    m.kind = Match::kNotAssignable;
    m.group = other_kind.front();
    return m;
  }
  return m;  // kMissing
}

const OrgGroup* GroupDirectory::ById(std::string_view id) const {
  for (const OrgGroup& g : groups_)
    if (g.id == id) return &g;
  return nullptr;
}

const OrgGroup* GroupDirectory::Everyone() const {
  for (const OrgGroup& g : groups_)
    if (g.type == "BUILT_IN" && g.name == "Everyone") return &g;
  return nullptr;
}

}  // namespace okta_bulk
