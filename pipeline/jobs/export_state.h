// The state file of an export in progress, for `export --resume` (see ExportState).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace okta_bulk {

// The state of an export in progress, kept beside the output in `<output>.export` and
// replaced (write, then rename) after every page, so that `--resume` after a crash or
// kill -9 truncates the output to the last whole page and asks for the next one.
struct ExportState {
  std::string options;         // the query and flags the export was started with
  std::vector<std::string> columns;  // the header written (typed names); empty before
  uint64_t bytes = 0;          // the output's length after the last whole page
  uint64_t users = 0, pages = 0;
  std::string next;            // the next users page to ask for; "" when done
  bool done = false;
  bool Save(const std::string& path, std::string* error) const;
  // False with `error` when the file is missing or malformed.
  bool Load(const std::string& path, std::string* error);
};

// `items` joined with `sep` (the state's columns, the column list in its options).
std::string JoinWith(const std::vector<std::string>& items, char sep);

}  // namespace okta_bulk
