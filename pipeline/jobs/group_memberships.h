// Which groups each user is in, for `export --groups` (see GroupMemberships).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

// Which groups each user is in, for --groups: filled group by group from the member lists,
// then frozen and looked up by user id. Compact: the ids live in fixed 1 MiB chunks and the
// entries in a deque (neither is ever copied to grow), and each membership costs 12 bytes
// besides its id: about 32 bytes per membership with 20-character Okta ids, 13 MB for
// 400,000. Single-threaded.
class GroupMemberships {
 public:
  // Adds a group (its id and profile.name); returns its index for Add().
  uint32_t AddGroup(std::string_view group_id, std::string_view name = {});
  void Add(std::string_view user_id, uint32_t group);
  // Sorts for lookups; call once, after the last Add().
  void Freeze();
  // The user's group ids in the order their groups were added, joined with ';' ("" when
  // none). REQUIRES: Freeze() was called.
  void GroupsOf(std::string_view user_id, std::string* out) const;
  // The same groups' names, joined with ';' (the groupName column, which imports into
  // another org by name). REQUIRES: Freeze() was called.
  void GroupNamesOf(std::string_view user_id, std::string* out) const;
  const std::string& GroupId(uint32_t group) const { return group_ids_[group]; }
  std::size_t groups() const { return group_ids_.size(); }
  std::size_t size() const { return entries_.size(); }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  struct Entry {
    uint32_t offset;  // chunk * kChunk + position in the chunk
    uint32_t group;
    uint16_t length;
  };
  std::string_view IdOf(const Entry& e) const {
    return {chunks_[e.offset / kChunk].get() + e.offset % kChunk, e.length};
  }
  // The user's groups' `by_group` values (ids or names), joined with ';'.
  void JoinOf(std::string_view user_id, const std::vector<std::string>& by_group,
              std::string* out) const;
  std::vector<std::string> group_ids_;
  std::vector<std::string> group_names_;  // by group, as group_ids_
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t used_ = kChunk;  // bytes used in the last chunk (none yet: a new one is due)
  std::deque<Entry> entries_;
};

}  // namespace okta_bulk
