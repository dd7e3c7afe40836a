// okta-mock's user store: one user as the tenant keeps it (User, with how its password was
// given), and the index from a user's id or folded login to its place in the tenant's users.
// Data only; the rules that create and change users are the tenant's (mock_tenant.cc).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/okta_mock/rate_windows.h"  // TimePoint

namespace okta_bulk::mock {

enum class Credential : unsigned char { kNone, kPassword, kHash, kHook };

inline std::string_view CredentialName(Credential c) {
  switch (c) {
    case Credential::kPassword: return "password";
    case Credential::kHash: return "hash";
    case Credential::kHook: return "hook";
    default: return "none";
  }
}

// Profiles are kept serialized: a create only ever echoes them back, and one string per user
// is far cheaper (allocations, page faults, /__users) than a JSON tree. The rare readers
// (updates, filters) parse on demand.
struct User {
  std::string id;
  std::string login;
  std::string folded_login;
  std::string status;
  TimePoint created, status_changed, last_updated;
  std::optional<TimePoint> activated, password_changed;
  std::string profile_json;  // the profile object, serialized
  std::vector<std::string> group_ids;
  Credential credential = Credential::kNone;
  std::string hash_json;  // the hash object minus its value, serialized (credential kHash)
  TimePoint visible_at;
  bool deleted = false;
  // Which state of the user this is, for its ETag (MockTenant::Impl::ETagOf): set afresh
  // from a tenant-wide counter whenever the user changes (profile, status, credentials).
  uint64_t version = 0;
};

// An index from a user's key (its id, or its folded login) to its place in the tenant's
// users. Open addressing with linear probing, at most half full: a slot holds the key's hash
// and the place, not the key, and a match is confirmed against the user's own string. No
// allocation per user (an unordered_map node each was a third of a create's CPU, in cache
// misses and malloc). `users` must outlive the index and never move its elements (a deque).
class UserIndex {
 public:
  using KeyOf = const std::string& (*)(const User&);
  UserIndex(const std::deque<User>& users, KeyOf key_of) : users_(users), key_of_(key_of) {
    slots_.resize(1 << 17);
  }

  std::optional<std::size_t> find(std::string_view key) const {
    const uint64_t h = Hash(key);
    for (std::size_t j = h & Mask();; j = (j + 1) & Mask()) {
      const Slot& s = slots_[j];
      if (!s.pos_plus_1) return std::nullopt;
      if (s.hash == h && key_of_(users_[s.pos_plus_1 - 1]) == key) return s.pos_plus_1 - 1;
    }
  }
  std::size_t count(std::string_view key) const { return find(key) ? 1 : 0; }
  std::size_t at(std::string_view key) const { return *find(key); }
  std::size_t size() const { return size_; }

  // Adds `key` (the key of users[pos]); false, and nothing added, when it is present already.
  bool try_insert(std::string_view key, std::size_t pos) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t h = Hash(key);
    for (std::size_t j = h & Mask();; j = (j + 1) & Mask()) {
      Slot& s = slots_[j];
      if (!s.pos_plus_1) {
        s = Slot{h, pos + 1};
        ++size_;
        return true;
      }
      if (s.hash == h && key_of_(users_[s.pos_plus_1 - 1]) == key) return false;
    }
  }

  // Removes `key`; its user must still hold it. Backward-shift deletion keeps probes short.
  void erase(std::string_view key) {
    const uint64_t h = Hash(key);
    std::size_t i = h & Mask();
    for (;; i = (i + 1) & Mask()) {
      const Slot& s = slots_[i];
      if (!s.pos_plus_1) return;
      if (s.hash == h && key_of_(users_[s.pos_plus_1 - 1]) == key) break;
    }
    for (std::size_t j = (i + 1) & Mask();; j = (j + 1) & Mask()) {
      if (!slots_[j].pos_plus_1) break;
      const std::size_t home = slots_[j].hash & Mask();
      // Move slot j back to the hole at i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
    --size_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::size_t pos_plus_1 = 0;  // the user's place + 1; 0 = empty
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  std::size_t Mask() const { return slots_.size() - 1; }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (!s.pos_plus_1) continue;
      std::size_t j = s.hash & Mask();
      while (slots_[j].pos_plus_1) j = (j + 1) & Mask();
      slots_[j] = s;
    }
  }

  const std::deque<User>& users_;
  KeyOf key_of_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

inline const std::string& IdOf(const User& u) { return u.id; }
inline const std::string& FoldedLoginOf(const User& u) { return u.folded_login; }

}  // namespace okta_bulk::mock
