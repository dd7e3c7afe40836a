#include "pipeline/report/failure_table.h"

#include <algorithm>

namespace okta_bulk {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string FailureTable::Normalize(std::string_view m) {
  // "row 12 (line 13), " or "row 12, " at the start.
  if (m.starts_with("row ")) {
    std::size_t i = 4;
    while (i < m.size() && IsDigit(m[i])) ++i;
    if (i > 4) {
      std::string_view rest = m.substr(i);
      if (rest.starts_with(" (line ")) {
        std::size_t close = rest.find("), ");
        if (close != std::string_view::npos) rest = rest.substr(close + 1);
      }
      if (rest.starts_with(", ")) m = rest.substr(2);
    }
  }
  std::string out;
  out.reserve(m.size());
  for (std::size_t i = 0; i < m.size();) {
    const char c = m[i];
    if (c == '\'') {
      std::size_t close = m.find('\'', i + 1);
      // Field names stay ("field 'login'"), values go.
      const bool field_name = out.ends_with("field ") || out.ends_with("column ");
      if (close != std::string_view::npos && !field_name) {
        out += "'…'";
        i = close + 1;
        continue;
      }
      if (close != std::string_view::npos) {
        out.append(m.substr(i, close + 1 - i));
        i = close + 1;
        continue;
      }
    }
    constexpr std::string_view kSeparators = " ,;()";
    if (kSeparators.find(c) == std::string_view::npos) {
      // A word with '@' (a login) becomes "…".
      std::size_t end = m.find_first_of(kSeparators, i);
      if (end == std::string_view::npos) end = m.size();
      std::string_view word = m.substr(i, end - i);
      if (word.find('@') != std::string_view::npos) {
        out += "…";
        i = end;
        continue;
      }
      // Copy the word; a run of letters and digits holding a digit (a number, or an id such
      // as 00g1abcd2EFGH3ijk4x5) becomes "#".
      for (std::size_t k = 0; k < word.size();) {
        if (!IsAlnum(word[k])) {
          out.push_back(word[k++]);
          continue;
        }
        std::size_t run_end = k;
        bool digit = false;
        for (; run_end < word.size() && IsAlnum(word[run_end]); ++run_end) digit |= IsDigit(word[run_end]);
        if (digit) out.push_back('#');
        else out.append(word.substr(k, run_end - k));
        k = run_end;
      }
      i = end;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

void FailureTable::Add(const RowResult& r) {
  if (IsSuccess(r.outcome)) return;
  ++total_;
  std::string key = Normalize(r.error);
  for (Entry& e : entries_) {
    if (e.outcome == r.outcome && e.http_status == r.http_status && e.error_code == r.error_code &&
        e.key == key) {
      ++e.count;
      return;
    }
  }
  Entry* e;
  if (entries_.size() < kMaxKinds) {
    e = &entries_.emplace_back();
    e->outcome = r.outcome;
    e->http_status = r.http_status;
    e->error_code = r.error_code;
    e->key = std::move(key);
  } else {
    e = &other_;
    e->other = true;
  }
  if (e->count++ == 0) {
    e->example_row = r.row;
    e->example_login = r.login;
    e->example_error = r.error;
  }
}

std::vector<FailureTable::Entry> FailureTable::Sorted() const {
  std::vector<Entry> out = entries_;
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry& a, const Entry& b) { return a.count > b.count; });
  if (other_.count) out.push_back(other_);
  return out;
}

}  // namespace okta_bulk
