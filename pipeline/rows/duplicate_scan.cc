#include "pipeline/rows/duplicate_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <bit>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/rows/row_sets.h"

namespace okta_bulk {

KeySketch::KeySketch(uint64_t bits) {
  bits = std::bit_ceil(std::max<uint64_t>(bits, uint64_t{1} << 16));
  words_.assign(bits / 64, 0);
  mask_ = bits - 1;
}

bool KeySketch::AddAndCheck(uint64_t hash) {
  // Double hashing (Kirsch-Mitzenmacher): probe i is h1 + i*h2; h2 odd, so probes differ.
  const uint64_t h1 = hash;
  const uint64_t h2 = (hash >> 32 | hash << 32) | 1;
  bool seen = true;
  for (uint64_t i = 0; i < 3; ++i) {
    const uint64_t bit = (h1 + i * h2) & mask_;
    uint64_t& word = words_[bit / 64];
    const uint64_t m = uint64_t{1} << (bit % 64);
    seen = seen && (word & m);
    word |= m;
  }
  return seen;
}

bool RepeatedKeys::MayRepeat(uint64_t hash) const {
  if (all_) return true;
  if (slots_.empty()) return false;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t j = hash & mask;; j = (j + 1) & mask) {
    if (slots_[j] == hash) return true;
    if (!slots_[j]) return false;
  }
}

void RepeatedKeys::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  const std::size_t cap = old.empty() ? 256 : old.size() * 2;
  slots_.assign(cap, 0);
  for (uint64_t h : old) {
    if (!h) continue;
    std::size_t j = h & (cap - 1);
    while (slots_[j]) j = (j + 1) & (cap - 1);
    slots_[j] = h;
  }
}

void RepeatedKeys::Add(uint64_t hash) {
  all_ = false;
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t j = hash & mask;; j = (j + 1) & mask) {
    if (slots_[j] == hash) return;
    if (!slots_[j]) {
      slots_[j] = hash;
      ++size_;
      return;
    }
  }
}

RepeatedKeys ScanForRepeatedKeys(const std::string& path, const KeyOfRecord& key_of,
                                 char delimiter) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return RepeatedKeys();
  CsvOptions options;
  options.delimiter = delimiter;
  auto opened = CsvReader::Open(path, options);
  if (!opened) return RepeatedKeys();
  CsvReader& reader = **opened;
  CsvRecord record;
  if (!reader.Next(&record)) return RepeatedKeys();  // the header (or nothing)
  // One size for every file, so that memory does not depend on the file's size: 4 MiB, with
  // 3 probes about 180 false candidates at 1M rows (~n^4 * 27 / (4 m^3)), a few thousand at
  // 2M; past ~5M rows they grow quickly (as would a filter sized from the file).
  KeySketch sketch(kScanSketchBits);
  RepeatedKeys out;
  out.TrackNone();
  std::string key;
  uint64_t row = 0;
  while (reader.Next(&record)) {
    ++row;
    key.clear();
    if (!key_of(record, row, &key) || key.empty()) continue;
    const uint64_t h = LoginHash(key);
    if (sketch.AddAndCheck(h)) out.Add(h);
  }
  // A read error here would make the scan incomplete: track everything, and let the job's own
  // read report the error.
  if (reader.error()) return RepeatedKeys();
  return out;
}

}  // namespace okta_bulk
