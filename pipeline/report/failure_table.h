// The failure table of a run: failed and invalid rows grouped by error, each group with a
// verbatim example. Pure; single-threaded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine/row_result.h"

namespace okta_bulk {

// Failed and invalid rows grouped by error: outcome, HTTP status, Okta error code and the
// message with row numbers, numbers, ids and logins taken out (the key, never shown: it is
// no message anyone wrote), with a count and the first row's message, verbatim, as the
// example. At most kMaxKinds groups; later kinds are counted under one "other" group.
class FailureTable {
 public:
  static constexpr std::size_t kMaxKinds = 200;
  struct Entry {
    Outcome outcome = Outcome::kFailed;
    int http_status = 0;
    std::string error_code;
    std::string key;  // Normalize(message): what the group shares; "" for the "other" group
    bool other = false;  // the group of kinds beyond kMaxKinds
    uint64_t count = 0;
    uint64_t example_row = 0;
    std::string example_login;
    std::string example_error;  // the first row's message as it was
  };
  // Records a row; successful rows are ignored.
  void Add(const RowResult& result);
  // Most frequent first.
  std::vector<Entry> Sorted() const;
  uint64_t total() const { return total_; }

  // "row 12 (line 13), field 'login': 'a@b.c' is ..." -> "field 'login': '…' is ...": the
  // row prefix goes, quoted values (but not field names) and words with '@' become "…", a
  // run of letters and digits that holds a digit (a number, an id) becomes "#".
  static std::string Normalize(std::string_view message);

 private:
  std::vector<Entry> entries_;
  Entry other_;
  uint64_t total_ = 0;
};

}  // namespace okta_bulk
