// Finds, before a job starts, which row keys (logins, or user ids) may occur more than once
// in its input, so that the job's duplicate check (SeenLogins) remembers only those instead
// of every key in the file: memory stays flat however many rows there are.
//
// The scan reads the file once and feeds each key's 64-bit hash (LoginHash) to a fixed-size
// Bloom filter; a hash the filter has probably seen already becomes a candidate. Every key
// that really repeats is a candidate (a filter has no false negatives); a few that do not
// are too (false positives), which only costs their slots. A candidate set is exact 64-bit
// hashes, so the job's decisions (which row is valid, which is the duplicate of which) are
// the same as when it remembers every key. Single-threaded; plain values.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace okta_bulk {

struct CsvRecord;

constexpr uint64_t kScanSketchBits = uint64_t{1} << 25;

// A Bloom filter over 64-bit hashes, of a size fixed at construction (three probes per hash).
class KeySketch {
 public:
  // `bits` is rounded up to a power of two, at least 2^16.
  explicit KeySketch(uint64_t bits);
  // Adds `hash`; returns true when every probe bit was set already (seen before, or a false
  // positive).
  bool AddAndCheck(uint64_t hash);
  uint64_t bytes() const { return words_.size() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> words_;
  uint64_t mask_;  // bits - 1
};

// The key hashes a job must track. Default: every key (no scan was possible, e.g. the input
// is a pipe).
class RepeatedKeys {
 public:
  bool tracks_all() const { return all_; }
  // True when the key with this LoginHash may repeat in the input, so must be remembered.
  bool MayRepeat(uint64_t hash) const;
  uint64_t candidates() const { return size_; }

  void Add(uint64_t hash);  // makes `hash` a candidate (and stops tracking all)
  void TrackNone() { all_ = false; }

 private:
  void Grow();
  bool all_ = true;
  std::vector<uint64_t> slots_;  // open addressing, 0 = empty; LoginHash is never 0
  uint64_t size_ = 0;
};

// Returns the key of the record (row is 1-based, the header not counted) in *key, or false
// when the row has none (invalid, or a kind of row that is never a duplicate).
using KeyOfRecord = std::function<bool(const CsvRecord& record, uint64_t row, std::string* key)>;

// Scans `path` (a regular file; the header line is skipped) and returns the keys that may
// repeat. When `path` is not a regular file (a pipe cannot be read twice) or cannot be read,
// returns RepeatedKeys() (track everything): the job then reads it and reports as before.
// The filter has one size, kScanSketchBits (4 MiB), for every file. The file is assumed not
// to change between the scan and the job: rows appended in between are not scanned.
// `delimiter` is the job's (the one its own reader found, so both reads split alike).
RepeatedKeys ScanForRepeatedKeys(const std::string& path, const KeyOfRecord& key_of,
                                 char delimiter = ',');

}  // namespace okta_bulk
