#include "tools/okta_mock/mock_load_users.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <boost/json.hpp>

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

// One record of RFC 4180 CSV from `text` at `*pos`; false at the end of the text. `bad` is
// set when a quote is out of place (the record is read to its end anyway).
bool NextRecord(std::string_view text, std::size_t* pos, std::vector<std::string>* fields,
                bool* bad) {
  fields->clear();
  *bad = false;
  std::size_t i = *pos;
  if (i >= text.size()) return false;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else {
        *bad = true;
        field.push_back(c);
      }
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      break;
    } else {
      if (was_quoted) *bad = true;  // text after a closing quote
      field.push_back(c);
    }
  }
  if (quoted) *bad = true;  // the file ends inside a quoted cell
  fields->push_back(std::move(field));
  *pos = i;
  return true;
}

std::string Row(uint64_t row) { return "row " + std::to_string(row) + ": "; }

// Splits on any of `seps`, trimming, dropping empty parts.
std::vector<std::string> SplitList(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t p = s.find_first_of(seps);
    std::string_view part = Trim(s.substr(0, p));
    if (!part.empty()) out.emplace_back(part);
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

// `cell` as a JSON value of `type`; false when it is not one.
bool Typed(std::string_view cell, AttributeType type, json::value* out) {
  switch (type) {
    case AttributeType::kString:
      *out = json::string(cell);
      return true;
    case AttributeType::kInteger: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
      if (ec != std::errc() || p != cell.data() + cell.size()) return false;
      *out = v;
      return true;
    }
    case AttributeType::kNumber: {
      std::string s(cell);
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
      *out = v;
      return true;
    }
    case AttributeType::kBoolean:
      if (cell == "true" || cell == "false") {
        *out = cell == "true";
        return true;
      }
      return false;
    case AttributeType::kArray:
      return false;  // the caller splits
  }
  return false;
}

bool TypeFromName(std::string_view name, AttributeType* type, AttributeType* item) {
  static constexpr std::pair<std::string_view, AttributeType> kTypes[] = {
      {"string", AttributeType::kString}, {"integer", AttributeType::kInteger},
      {"number", AttributeType::kNumber}, {"boolean", AttributeType::kBoolean}};
  bool array = name.ends_with("[]");
  if (array) name.remove_suffix(2);
  for (const auto& [n, t] : kTypes)
    if (n == name) {
      *type = array ? AttributeType::kArray : t;
      *item = t;
      return true;
    }
  return false;
}

}  // namespace

bool ReadSeedUsers(std::string_view text, std::vector<SeedUser>* out, std::string* error) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t pos = 0;
  std::vector<std::string> header, fields;
  bool bad = false;
  if (!NextRecord(text, &pos, &header, &bad) || bad) {
    *error = "the header line is not CSV";
    return false;
  }
  enum class Role : unsigned char { kLogin, kProfile, kCredential, kGroups };
  struct Column {
    Role role;
    std::string name, type;
  };
  std::vector<Column> columns;
  bool have_login = false;
  for (const std::string& h : header) {
    std::string_view name = Trim(h), type;
    if (std::size_t colon = name.find(':'); colon != std::string_view::npos) {
      type = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
    Role role = Role::kProfile;
    if (name == "login") role = Role::kLogin, have_login = true;
    else if (name == "password" || name == "passwordHash") role = Role::kCredential;
    else if (name == "groupId" || name == "groupIds") role = Role::kGroups;
    AttributeType t, item;
    if (!type.empty() && (role != Role::kProfile || !TypeFromName(type, &t, &item))) {
      *error = "header: " + std::string(h) +
               ": unknown type (string, integer, number, boolean, or one of them with [])";
      return false;
    }
    if (name.empty()) {
      *error = "header: column " + std::to_string(columns.size() + 1) + " has no name";
      return false;
    }
    columns.push_back({role, std::string(name), std::string(type)});
  }
  if (!have_login) {
    *error = "header: no login column";
    return false;
  }
  uint64_t row = 0;
  while (NextRecord(text, &pos, &fields, &bad)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    ++row;
    if (bad) {
      *error = Row(row) + "a quote out of place (RFC 4180: a quoted cell starts and ends with \")";
      return false;
    }
    if (fields.size() > columns.size()) {
      *error = Row(row) + std::to_string(fields.size()) + " cells, the header has " +
               std::to_string(columns.size());
      return false;
    }
    SeedUser u;
    u.row = row;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      std::string_view cell = Trim(fields[i]);
      const Column& c = columns[i];
      switch (c.role) {
        case Role::kLogin: u.login = std::string(cell); break;
        case Role::kCredential: u.credential = u.credential || !cell.empty(); break;
        case Role::kGroups:
          for (std::string& g : SplitList(cell, ";,")) u.group_ids.push_back(std::move(g));
          break;
        case Role::kProfile:
          if (!cell.empty()) u.cells.push_back({c.name, c.type, std::string(cell)});
          break;
      }
    }
    if (u.login.empty()) {
      *error = Row(row) + "login: empty (every user needs one)";
      return false;
    }
    out->push_back(std::move(u));
  }
  return true;
}

bool SeedProfile(const SeedUser& user, const UserSchema& schema, json::object* profile,
                 std::string* error) {
  profile->clear();
  (*profile)["login"] = user.login;
  for (const SeedUser::Cell& c : user.cells) {
    AttributeType type = AttributeType::kString, item = AttributeType::kString;
    if (!c.type.empty()) {
      TypeFromName(c.type, &type, &item);
    } else if (const SchemaAttribute* a = schema.Find(c.name)) {
      type = a->type;
      item = a->item_type;
    }
    json::value v;
    bool ok = true;
    if (type == AttributeType::kArray) {
      json::array items;
      for (const std::string& part : SplitList(c.value, ";")) {
        json::value x;
        if (!Typed(part, item, &x)) {
          ok = false;
          break;
        }
        items.push_back(std::move(x));
      }
      v = std::move(items);
    } else {
      ok = Typed(c.value, type, &v);
    }
    if (!ok) {
      static constexpr const char* kNames[] = {"a string", "an integer", "a number",
                                               "true or false", "an array"};
      *error = Row(user.row) + c.name + ": '" + c.value + "' is not " +
               (type == AttributeType::kArray
                    ? std::string("a ';' list of ") + kNames[static_cast<int>(item)] + " values"
                    : std::string(kNames[static_cast<int>(type)]));
      return false;
    }
    (*profile)[c.name] = std::move(v);
  }
  ProfileVerdict verdict = schema.Check(*profile, nullptr, nullptr);
  if (!verdict.causes.empty()) {
    *error = Row(user.row) + verdict.causes.front().field + ": " + verdict.causes.front().message;
    return false;
  }
  if (!verdict.unknown.empty()) {
    *error = Row(user.row) + verdict.unknown.front() +
             ": not an attribute of the org's profile (give its definition with --schema)";
    return false;
  }
  return true;
}

}  // namespace okta_bulk::mock
