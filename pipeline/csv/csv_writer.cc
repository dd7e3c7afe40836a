#include "pipeline/csv/csv_writer.h"

#include <array>

namespace okta_bulk {

namespace {

// Bytes that force quoting anywhere in a field. A table scan is several times faster than
// std::string_view::find_first_of, which tries every set member per byte.
constexpr std::array<bool, 256> kForcesQuotes = [] {
  std::array<bool, 256> table{};
  for (char c : {',', '"', '\r', '\n'}) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Whether `prefix` + `field` must be quoted. `prefix` is empty or the guard quote, which is
// neither blank nor special.
bool NeedsQuotes(std::string_view prefix, std::string_view field) {
  if (field.empty()) return false;
  if (IsBlank(field.back())) return true;
  if (prefix.empty()) {
    if (IsBlank(field.front())) return true;
    if (field.starts_with("\xEF\xBB\xBF")) return true;
  }
  for (char c : field) {
    if (kForcesQuotes[static_cast<unsigned char>(c)]) return true;
  }
  return false;
}

void AppendField(std::string* out, std::string_view prefix, std::string_view field) {
  if (!NeedsQuotes(prefix, field)) {
    out->append(prefix);
    out->append(field);
    return;
  }
  out->push_back('"');
  out->append(prefix);
  while (true) {
    const std::size_t quote = field.find('"');
    if (quote == std::string_view::npos) break;
    out->append(field.substr(0, quote + 1));
    out->push_back('"');
    field.remove_prefix(quote + 1);
  }
  out->append(field);
  out->push_back('"');
}

template <typename Range>
void AppendRecord(std::string* out, const Range& fields) {
  if (fields.size() == 1 && std::string_view(*fields.begin()).empty()) {
    out->append("\"\"\n");
    return;
  }
  bool first = true;
  for (const auto& field : fields) {
    if (!first) out->push_back(',');
    first = false;
    AppendField(out, {}, field);
  }
  out->push_back('\n');
}

}  // namespace

void AppendCsvField(std::string* out, std::string_view field) { AppendField(out, {}, field); }

void AppendCsvRecord(std::string* out, std::span<const std::string_view> fields) {
  AppendRecord(out, fields);
}

void AppendCsvRecord(std::string* out, std::span<const std::string> fields) {
  AppendRecord(out, fields);
}

void AppendCsvRecord(std::string* out, std::initializer_list<std::string_view> fields) {
  AppendRecord(out, fields);
}

bool NeedsFormulaGuard(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void AppendCsvCellGuarded(std::string* out, std::string_view cell) {
  AppendField(out, NeedsFormulaGuard(cell) ? std::string_view("'") : std::string_view(), cell);
}

}  // namespace okta_bulk
