#include "pipeline/jobs/group_memberships.h"

#include <algorithm>
#include <cstring>

namespace okta_bulk {

uint32_t GroupMemberships::AddGroup(std::string_view group_id, std::string_view name) {
  group_ids_.emplace_back(group_id);
  group_names_.emplace_back(name);
  return static_cast<uint32_t>(group_ids_.size() - 1);
}

void GroupMemberships::Add(std::string_view user_id, uint32_t group) {
  user_id = user_id.substr(0, 0xFFFF);  // Okta ids are 20 characters
  if (used_ + user_id.size() > kChunk) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(std::max(kChunk, user_id.size())));
    used_ = 0;
  }
  Entry e{static_cast<uint32_t>((chunks_.size() - 1) * kChunk + used_), group,
          static_cast<uint16_t>(user_id.size())};
  std::memcpy(chunks_.back().get() + used_, user_id.data(), user_id.size());
  used_ += user_id.size();
  entries_.push_back(e);
}

void GroupMemberships::Freeze() {
  std::sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
    int c = IdOf(a).compare(IdOf(b));
    return c != 0 ? c < 0 : a.group < b.group;
  });
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [&](const Entry& a, const Entry& b) {
                               return a.group == b.group && IdOf(a) == IdOf(b);
                             }),
                 entries_.end());
}

void GroupMemberships::GroupsOf(std::string_view user_id, std::string* out) const {
  JoinOf(user_id, group_ids_, out);
}

void GroupMemberships::GroupNamesOf(std::string_view user_id, std::string* out) const {
  JoinOf(user_id, group_names_, out);
}

void GroupMemberships::JoinOf(std::string_view user_id, const std::vector<std::string>& by_group,
                              std::string* out) const {
  out->clear();
  auto it = std::lower_bound(entries_.begin(), entries_.end(), user_id,
                             [&](const Entry& e, std::string_view id) { return IdOf(e) < id; });
  for (; it != entries_.end() && IdOf(*it) == user_id; ++it) {
    if (!out->empty()) out->push_back(';');
    out->append(by_group[it->group]);
  }
}

}  // namespace okta_bulk
