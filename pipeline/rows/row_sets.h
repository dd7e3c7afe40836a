// Compact sets the import keeps for the whole run, sized for millions of rows:
// which rows a resumed run has already finished, and which logins it has already seen.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace okta_bulk {

// A bitmap of 1-based row numbers (1M rows = 125 KiB). Single-threaded.
class RowSet {
 public:
  void Add(uint64_t row);
  bool Contains(uint64_t row) const;
  uint64_t size() const { return size_; }

 private:
  std::vector<uint64_t> bits_;
  uint64_t size_ = 0;
};

// The 64-bit hash under which SeenLogins and the duplicate scan know a login: of its folded
// form (Okta's comparison: case and diacritics ignored). Never 0.
uint64_t LoginHash(std::string_view login);

// Logins seen so far, keyed by their folded form (Okta's comparison: case and diacritics
// ignored), remembering the first row of each. Open addressing over a 64-bit hash: 12 bytes
// a slot, at most half full (24 MiB at 1M rows, so a job gives it only the logins its
// duplicate scan found may repeat). Two different logins collide with probability ~n^2/2^65
// (about 3e-8 at 1M rows). Single-threaded.
class SeenLogins {
 public:
  // Records `login` for `row` and returns 0, or returns the earlier row with the same login.
  uint64_t Insert(std::string_view login, uint64_t row) { return InsertHash(LoginHash(login), row); }
  // The same for a login known by its LoginHash.
  uint64_t InsertHash(uint64_t hash, uint64_t row);
  uint64_t size() const { return size_; }

 private:
  void Grow();
  std::vector<uint64_t> hashes_;  // 0 = empty slot
  std::vector<uint32_t> rows_;    // row numbers past 2^32 are stored as 2^32-1
  uint64_t size_ = 0;
};

}  // namespace okta_bulk
