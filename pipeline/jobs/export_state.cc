#include "pipeline/jobs/export_state.h"

#include <charconv>
#include <string_view>

#include "pipeline/files/safe_file.h"

namespace okta_bulk {

std::string JoinWith(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(sep);
    out += v[i];
  }
  return out;
}

bool ExportState::Save(const std::string& path, std::string* error) const {
  std::string text = "okta-bulk export state 1\noptions=" + options + "\ncolumns=" +
                     JoinWith(columns, '\t') + "\nbytes=" + std::to_string(bytes) +
                     "\nusers=" + std::to_string(users) + "\npages=" + std::to_string(pages) +
                     "\nnext=" + next + "\ndone=" + (done ? "1" : "0") + "\n";
  std::string why;
  if (!WriteFileAtomically(path, text, &why)) {
    *error = "cannot save the export state: " + why;
    return false;
  }
  return true;
}

bool ExportState::Load(const std::string& path, std::string* error) {
  constexpr std::size_t kMaxStateBytes = 1 << 20;  // a few lines; more is not our state file
  std::string text;
  if (ReadSmallFile(path, kMaxStateBytes, &text, error) != ReadStatus::kOk) return false;
  std::string_view rest = text;
  int seen = 0;
  auto number = [](std::string_view v, uint64_t* out) {
    auto r = std::from_chars(v.data(), v.data() + v.size(), *out);
    return r.ec == std::errc() && r.ptr == v.data() + v.size();
  };
  bool ok = rest.starts_with("okta-bulk export state 1\n");
  while (ok && !rest.empty()) {
    std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) break;  // a torn last line: not ours (we rename)
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "options") options = value, ++seen;
    else if (key == "columns") {
      columns.clear();
      while (!value.empty()) {
        std::size_t tab = value.find('\t');
        columns.emplace_back(value.substr(0, tab));
        value = tab == std::string_view::npos ? std::string_view{} : value.substr(tab + 1);
      }
      ++seen;
    } else if (key == "bytes") ok = number(value, &bytes), ++seen;
    else if (key == "users") ok = number(value, &users), ++seen;
    else if (key == "pages") ok = number(value, &pages), ++seen;
    else if (key == "next") next = value, ++seen;
    else if (key == "done") done = value == "1", ++seen;
  }
  if (!ok || seen != 7) {
    *error = "'" + path + "' is not an okta-bulk export state file";
    return false;
  }
  return true;
}

}  // namespace okta_bulk
