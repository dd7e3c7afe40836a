#include "pipeline/jobs/export_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>

#include "net/ascii.h"
#include "pipeline/csv/csv_writer.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/rows/typed_value.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

using Kind = ExportWriter::Kind;

// A profile value as one CSV cell (see ExportWriter), and its kind (kUnknown for null).
simdjson::error_code CellOf(simdjson::ondemand::value value, std::string* out, Kind* kind) {
  using namespace simdjson;
  out->clear();
  ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case ondemand::json_type::string: {
      std::string_view s;
      if (auto e = value.get_string().get(s)) return e;
      out->assign(s);
      *kind = Kind::kString;
      return SUCCESS;
    }
    case ondemand::json_type::null: *kind = Kind::kUnknown; return SUCCESS;
    case ondemand::json_type::array: {
      ondemand::array array;
      if (auto e = value.get_array().get(array)) return e;
      bool first = true;
      Kind elements = Kind::kUnknown;
      bool lossy = false;  // an element the ';'-separated cell cannot carry as it is
      for (auto element : array) {
        ondemand::value v;
        if (auto e = element.get(v)) return e;
        std::string cell;
        Kind k = Kind::kUnknown;
        if (auto e = CellOf(v, &cell, &k)) return e;
        if (elements == Kind::kUnknown) elements = k;
        else if (elements != k) lossy = true;
        if (k == Kind::kString &&
            (cell.empty() || cell.find(';') != std::string::npos || TrimSpaces(cell) != cell))
          lossy = true;
        if (!first) out->push_back(';');
        first = false;
        out->append(cell);
      }
      *kind = lossy ? Kind::kOther
              : elements == Kind::kNumber  ? Kind::kNumberArray
              : elements == Kind::kString || elements == Kind::kUnknown ? Kind::kStringArray
                                                                         : Kind::kOther;
      return SUCCESS;
    }
    case ondemand::json_type::object: {
      std::string_view raw;
      if (auto e = simdjson::to_json_string(value).get(raw)) return e;
      out->assign(raw);
      *kind = Kind::kOther;
      return SUCCESS;
    }
    default: {  // number, boolean: as JSON writes them
      std::string_view raw = value.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t'))
        raw.remove_suffix(1);
      out->assign(raw);
      *kind = type == ondemand::json_type::boolean ? Kind::kBoolean : Kind::kNumber;
      return SUCCESS;
    }
  }
}

// Whether a value of kind `value` re-imports unchanged under a column of kind `column`.
bool Fits(Kind column, Kind value, bool empty_cell) {
  if (value == Kind::kUnknown) return true;  // null: an empty cell, left out on import
  if (column == Kind::kUnknown || column == Kind::kString) return value == Kind::kString;
  if (empty_cell && (column == Kind::kStringArray || column == Kind::kNumberArray))
    return value == Kind::kStringArray || value == Kind::kNumberArray;
  return column == value;
}

Kind KindOf(AttributeType t) {
  switch (t) {
    case AttributeType::kNumber:
    case AttributeType::kInteger: return Kind::kNumber;
    case AttributeType::kBoolean: return Kind::kBoolean;
    case AttributeType::kStringArray: return Kind::kStringArray;
    case AttributeType::kIntegerArray:
    case AttributeType::kNumberArray: return Kind::kNumberArray;
    default: return Kind::kString;
  }
}

}  // namespace

bool IsGroupIdColumn(std::string_view name) {
  return EqualsIgnoreCase(name, "groupid") || EqualsIgnoreCase(name, "groupids");
}

// `groupName`: the same groups by name, so the file imports into another org (issue 14).
bool IsGroupNameColumn(std::string_view name) {
  return EqualsIgnoreCase(name, "groupname") || EqualsIgnoreCase(name, "groupnames");
}

ExportWriter::ExportWriter(std::FILE* out, std::vector<std::string> columns,
                           const GroupMemberships* groups)
    : out_(out), groups_(groups) {
  for (const std::string& c : columns) {
    Column column;
    AttributeType type = AttributeType::kString;
    std::string why;
    if (!SplitTypedName(c, &column.name, &type, &why)) column.name = c;
    // An explicit type is kept as written; an untyped name is decided on the first page.
    if (column.name != c) {
      column.kind = KindOf(type);
      column.typed = c;
    }
    columns_.push_back(std::move(column));
  }
}

bool ExportWriter::RestoreHeader(const std::vector<std::string>& columns, uint64_t users,
                                 std::string* error) {
  columns_.clear();
  for (const std::string& c : columns) {
    Column column;
    AttributeType type;
    if (!SplitTypedName(c, &column.name, &type, error)) {
      *error = "column '" + c + "' " + *error;
      return false;
    }
    column.kind = KindOf(type);
    if (column.name != c) column.typed = c;
    columns_.push_back(std::move(column));
  }
  header_written_ = true;
  users_ = users;
  return true;
}

std::string ExportWriter::TypedName(const Column& c) const {
  if (!c.typed.empty()) return c.typed;
  if (c.name == "id" || c.name == "status" || IsGroupIdColumn(c.name) ||
      IsGroupNameColumn(c.name) || c.name == "login" ||
      c.name == "email" || c.name == "firstName" || c.name == "lastName")
    return c.name;
  switch (c.kind) {
    case Kind::kNumber: return c.name + ":number";
    case Kind::kBoolean: return c.name + ":boolean";
    case Kind::kStringArray: return c.name + ":string[]";
    case Kind::kNumberArray: return c.name + ":number[]";
    default: return c.name;
  }
}

std::vector<std::string> ExportWriter::columns() const {
  std::vector<std::string> out;
  if (!header_written_) return out;
  for (const Column& c : columns_) out.push_back(TypedName(c));
  return out;
}

bool ExportWriter::Flush(std::string* error) {
  if (!buffer_.empty() &&
      (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size() ||
       std::fflush(out_) != 0)) {
    *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  buffer_.clear();
  return true;
}

bool ExportWriter::WritePage(std::string& body, std::string* error) {
  using namespace simdjson;
  ondemand::document doc;
  ondemand::array array;
  if (parser_.iterate(PaddedJson(body)).get(doc) || doc.get_array().get(array)) {
    *error = "the users page is not a JSON array";
    return false;
  }
  std::size_t n = 0;
  std::string cell;
  for (auto element : array) {
    ondemand::object user;
    if (element.get_object().get(user)) {
      *error = "the users page holds something that is not a user object";
      return false;
    }
    if (n == page_.size()) page_.emplace_back();
    User& u = page_[n++];
    u.id.clear();
    u.status.clear();
    u.fields = 0;
    for (auto field : user) {
      std::string_view key;
      if (field.unescaped_key().get(key)) {
        *error = "malformed user object in the users page";
        return false;
      }
      if (key == "id" || key == "status") {
        std::string_view s;
        if (!field.value().get_string().get(s)) (key == "id" ? u.id : u.status).assign(s);
      } else if (key == "profile") {
        ondemand::object profile;
        if (field.value().get_object().get(profile)) continue;
        for (auto attribute : profile) {
          std::string_view name;
          ondemand::value value;
          Kind kind = Kind::kUnknown;
          if (attribute.unescaped_key().get(name) || attribute.value().get(value) ||
              CellOf(value, &cell, &kind)) {
            *error = "malformed profile in the users page";
            return false;
          }
          if (u.fields == u.profile.size()) u.profile.emplace_back();
          Value& v = u.profile[u.fields];
          v.name.assign(name);
          v.cell.assign(cell);
          v.kind = kind;
          ++u.fields;
        }
      }
    }
  }

  if (!header_written_) {
    if (columns_.empty()) {
      for (const char* base : {"login", "email", "firstName", "lastName"})
        columns_.push_back(Column{base, Kind::kUnknown, {}});
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t f = 0; f < page_[i].fields; ++f) {
          const std::string& name = page_[i].profile[f].name;
          if (std::none_of(columns_.begin(), columns_.end(),
                           [&](const Column& c) { return c.name == name; }))
            columns_.push_back(Column{name, Kind::kUnknown, {}});
        }
      if (groups_) {
        columns_.push_back(Column{"groupId", Kind::kUnknown, {}});
        columns_.push_back(Column{"groupName", Kind::kUnknown, {}});
      }
    }
    // Each untyped column takes the kind of its first non-null value on this page.
    for (Column& c : columns_) {
      if (c.kind != Kind::kUnknown) continue;
      for (std::size_t i = 0; i < n && c.kind == Kind::kUnknown; ++i)
        for (std::size_t f = 0; f < page_[i].fields; ++f)
          if (page_[i].profile[f].name == c.name && page_[i].profile[f].kind != Kind::kUnknown) {
            Kind k = page_[i].profile[f].kind;
            c.kind = k == Kind::kOther ? Kind::kString : k;
            break;
          }
    }
    header_written_ = true;
    const std::vector<std::string> header = columns();
    AppendCsvRecord(&buffer_, std::span<const std::string>(header));
  }
  std::vector<std::string_view> row(columns_.size());
  std::string groups_cell, group_names_cell;
  for (std::size_t i = 0; i < n; ++i) {
    const User& u = page_[i];
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const Column& col = columns_[c];
      row[c] = {};
      if (col.name == "id") {
        row[c] = u.id;
      } else if (col.name == "status") {
        row[c] = u.status;
      } else if (IsGroupIdColumn(col.name)) {
        if (groups_) groups_->GroupsOf(u.id, &groups_cell);
        row[c] = groups_cell;
      } else if (IsGroupNameColumn(col.name)) {
        if (groups_) groups_->GroupNamesOf(u.id, &group_names_cell);
        row[c] = group_names_cell;
      } else {
        for (std::size_t f = 0; f < u.fields; ++f)
          if (u.profile[f].name == col.name) {
            row[c] = u.profile[f].cell;
            if (!Fits(col.kind, u.profile[f].kind, u.profile[f].cell.empty()))
              type_changed_.insert(col.name);
          }
      }
    }
    for (std::size_t f = 0; f < u.fields; ++f)
      if (std::none_of(columns_.begin(), columns_.end(),
                       [&](const Column& c) { return c.name == u.profile[f].name; }))
        left_out_.insert(u.profile[f].name);
    AppendCsvRecord(&buffer_, std::span<const std::string_view>(row));
    ++users_;
  }
  ++pages_;
  return Flush(error);
}

bool ExportWriter::Finish(std::string* error) {
  if (!header_written_) {
    if (columns_.empty()) {
      for (const char* base : {"login", "email", "firstName", "lastName"})
        columns_.push_back(Column{base, Kind::kUnknown, {}});
      if (groups_) {
        columns_.push_back(Column{"groupId", Kind::kUnknown, {}});
        columns_.push_back(Column{"groupName", Kind::kUnknown, {}});
      }
    }
    header_written_ = true;
    const std::vector<std::string> header = columns();
    AppendCsvRecord(&buffer_, std::span<const std::string>(header));
  }
  return Flush(error);
}

}  // namespace okta_bulk
