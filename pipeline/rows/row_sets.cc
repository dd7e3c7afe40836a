#include "pipeline/rows/row_sets.h"

#include <functional>
#include <string>

#include "pipeline/rows/login_fold.h"

namespace okta_bulk {

void RowSet::Add(uint64_t row) {
  std::size_t word = row / 64;
  if (word >= bits_.size()) bits_.resize(word + 1 + bits_.size() / 2, 0);
  uint64_t mask = uint64_t{1} << (row % 64);
  if (!(bits_[word] & mask)) ++size_;
  bits_[word] |= mask;
}

bool RowSet::Contains(uint64_t row) const {
  std::size_t word = row / 64;
  return word < bits_.size() && (bits_[word] >> (row % 64)) & 1;
}

namespace {
uint64_t Mix(uint64_t h) {  // splitmix64 finaliser: spreads std::hash over the table
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h ? h : 1;  // 0 marks an empty slot
}
}  // namespace

void SeenLogins::Grow() {
  std::vector<uint64_t> old_h = std::move(hashes_);
  std::vector<uint32_t> old_r = std::move(rows_);
  std::size_t cap = old_h.empty() ? 1024 : old_h.size() * 2;
  hashes_.assign(cap, 0);
  rows_.assign(cap, 0);
  for (std::size_t i = 0; i < old_h.size(); ++i) {
    if (!old_h[i]) continue;
    std::size_t j = old_h[i] & (cap - 1);
    while (hashes_[j]) j = (j + 1) & (cap - 1);
    hashes_[j] = old_h[i];
    rows_[j] = old_r[i];
  }
}

uint64_t LoginHash(std::string_view login) {
  return Mix(std::hash<std::string_view>{}(FoldLogin(login)));
}

uint64_t SeenLogins::InsertHash(uint64_t h, uint64_t row) {
  if ((size_ + 1) * 2 > hashes_.size()) Grow();
  std::size_t mask = hashes_.size() - 1;
  for (std::size_t j = h & mask;; j = (j + 1) & mask) {
    if (hashes_[j] == h) return rows_[j];
    if (!hashes_[j]) {
      hashes_[j] = h;
      rows_[j] = row > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(row);
      ++size_;
      return 0;
    }
  }
}

}  // namespace okta_bulk
