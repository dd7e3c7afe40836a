#include "pipeline/rows/user_row.h"

#include <algorithm>

#include "pipeline/csv/csv_reader.h"
#include "net/ascii.h"
#include "net/json_text.h"

namespace okta_bulk {
namespace {

// Okta's length limits for the base profile (contract §2).
constexpr std::size_t kLoginMin = 5, kLoginMax = 100, kEmailMax = 100, kNameMax = 50;
constexpr std::size_t kPasswordMax = 72;

constexpr std::string_view kSaveAsUtf8 =
    "save the file as 'CSV UTF-8' (in Excel: File > Save As > CSV UTF-8)";
constexpr std::size_t kMaxGroupIds = 20;  // more gives E0000093 (contract §2)

void AddField(std::string* body, bool* first, std::string_view name, std::string_view value) {
  if (!*first) body->push_back(',');
  *first = false;
  AppendJsonString(body, name);
  body->push_back(':');
  AppendJsonString(body, value);
}

// Appends "name":<value of `cell` as `type`>; false with `problem` when the cell does not parse.
bool AddTypedField(std::string* body, bool* first, std::string_view name, AttributeType type,
                   std::string_view cell, std::string* problem) {
  if (type == AttributeType::kString) {
    AddField(body, first, name, cell);
    return true;
  }
  if (!*first) body->push_back(',');
  *first = false;
  AppendJsonString(body, name);
  body->push_back(':');
  return AppendTypedValue(body, type, cell, problem);
}

// Whether a custom cell is left out: empty, or only spaces in a column that is not a string.
bool IsEmptyCell(AttributeType type, std::string_view cell) {
  return type == AttributeType::kString ? cell.empty() : TrimSpaces(cell).empty();
}

}  // namespace

std::string RowWhere(uint64_t row, const CsvRecord& record, std::string_view field) {
  std::string s = "row " + std::to_string(row);
  if (record.first_line != row + 1) s += " (line " + std::to_string(record.first_line) + ")";
  if (!field.empty()) {
    s += ", field '";
    s += field;
    s += "'";
  }
  s += ": ";
  return s;
}

bool ValidOktaId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool LooksLikeEmail(std::string_view s) {
  std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  auto bad_char = [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == ',' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == ';' || c == ':' || c == '\\' || c == '"'; };
  if (std::any_of(local.begin(), local.end(), bad_char)) return false;
  if (std::any_of(domain.begin(), domain.end(), bad_char)) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return false;
  std::size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  if (domain.front() == '-' || domain.front() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  return true;
}

std::string_view Utf8Problem(std::string_view s, std::size_t* at) {
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
  const auto* end = p + s.size();
  if (at) *at = s.size();
  while (p < end) {
    if (at) *at = static_cast<std::size_t>(p - begin);
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return "is not valid UTF-8";
    }
    if (end - p < len) return "is not valid UTF-8 (truncated character)";
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return "is not valid UTF-8";
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
      return "is not valid UTF-8 (overlong encoding)";
    if (cp >= 0xD800 && cp <= 0xDFFF) return "is not valid UTF-8 (surrogate)";
    if (len == 4)
      return "contains a 4-byte UTF-8 character (such as an emoji), which Okta does not accept";
    p += len;
  }
  return {};
}

bool ReadHeaderNames(const std::vector<std::string>& header, std::vector<std::string>* names,
                     std::vector<std::string>* lowered, std::string* error) {
  names->clear();
  lowered->clear();
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string_view name = TrimSpaces(header[i]);
    if (name.empty()) {
      if (header.size() == 1) break;  // an empty line: no columns at all
      *error = "header: column " + std::to_string(i + 1) + " has no name";
      return false;
    }
    if (!Utf8Problem(name).empty()) {
      *error = "header: column " + std::to_string(i + 1) + " name " + std::string(Utf8Problem(name));
      if (!Utf8Problem(name).starts_with("contains")) {
        *error += ": ";
        *error += kSaveAsUtf8;
      }
      return false;
    }
    std::string lower = LowerAscii(name);
    if (std::find(lowered->begin(), lowered->end(), lower) != lowered->end()) {
      *error = "header: column '" + std::string(name) + "' appears twice";
      return false;
    }
    lowered->push_back(std::move(lower));
    names->emplace_back(name);
  }
  return true;
}

bool AppendGroupIds(std::string_view cell, std::vector<std::string>* ids, std::string* bad) {
  while (!cell.empty()) {
    std::size_t semi = cell.find(';');
    std::string_view id = TrimSpaces(cell.substr(0, semi));
    cell = semi == std::string_view::npos ? std::string_view{} : cell.substr(semi + 1);
    if (id.empty()) continue;
    if (!ValidOktaId(id)) {
      bad->assign(id);
      return false;
    }
    if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->emplace_back(id);
  }
  return true;
}

std::string BadGroupIdMessage(std::string_view bad) {
  // Appended, not "'" + std::string(bad) + ...: GCC 12 warns (-Wrestrict) on that form.
  std::string m = "'";
  m += bad;
  m += "' is not a group id (ids are letters and digits, like 00g1abcd2EFGH3ijk4x5; "
       "separate several with ';')";
  return m;
}

void AppendGroupNames(std::string_view cell, std::vector<std::string>* names) {
  while (!cell.empty()) {
    std::size_t semi = cell.find(';');
    std::string_view name = TrimSpaces(cell.substr(0, semi));
    cell = semi == std::string_view::npos ? std::string_view{} : cell.substr(semi + 1);
    if (name.empty()) continue;
    if (std::find(names->begin(), names->end(), name) == names->end()) names->emplace_back(name);
  }
}

std::string GroupNameKey(std::string_view name) { return LowerAscii(TrimSpaces(name)); }

bool ColumnMap::FromHeader(const std::vector<std::string>& header, ColumnMap* out,
                           std::string* error) {
  ColumnMap m;
  std::vector<std::string> lowered;
  if (!ReadHeaderNames(header, &m.names, &lowered, error)) return false;
  std::vector<std::string> bases;  // lowercased names without their ":type"
  for (std::size_t i = 0; i < lowered.size(); ++i) {
    std::string base;
    AttributeType type;
    std::string why;
    if (!SplitTypedName(m.names[i], &base, &type, &why)) {
      *error = "header: column '" + m.names[i] + "' " + why;
      return false;
    }
    const std::string lower = LowerAscii(base);
    if (std::find(bases.begin(), bases.end(), lower) != bases.end()) {
      *error = "header: column '" + base + "' appears twice";
      return false;
    }
    bases.push_back(lower);
    int idx = static_cast<int>(i);
    HashField hash_field;
    const bool hash_column = HashFieldFromLowerName(lower, &hash_field);
    const bool known = lower == "login" || lower == "email" || lower == "firstname" ||
                       lower == "lastname" || lower == "password" || lower == "groupid" ||
                       lower == "groupids" || lower == "groupname" || lower == "groupnames" ||
                       hash_column;
    if (known && type != AttributeType::kString) {
      *error = "header: column '" + m.names[i] + "': '" + base +
               "' is a built-in column and takes no type; remove the ':" +
               std::string(AttributeTypeName(type)) + "'";
      return false;
    }
    if (lower == "login") m.login = idx;
    else if (lower == "email") m.email = idx;
    else if (lower == "firstname") m.first_name = idx;
    else if (lower == "lastname") m.last_name = idx;
    else if (lower == "password") m.password = idx;
    else if (lower == "groupid" || lower == "groupids") m.group_id = idx;
    else if (lower == "groupname" || lower == "groupnames") m.group_name = idx;
    else if (hash_column) m.hash[static_cast<std::size_t>(hash_field)] = idx;
    else m.custom.push_back({idx, base, type, m.names[i].find(':') != std::string::npos});
  }
  if (m.login < 0) {
    std::string cols;
    for (const auto& n : m.names) cols += (cols.empty() ? "" : ", ") + n;
    *error = "header: there is no 'login' column (columns found: " +
             (cols.empty() ? std::string("none") : cols) + ")";
    return false;
  }
  if (!m.has_hash()) {
    for (std::size_t f = 1; f < kHashFieldCount; ++f)
      if (m.hash[f] >= 0) {
        *error = "header: column '" + m.names[m.hash[f]] +
                 "' is a password-hash column, but there is no 'passwordHash' column";
        return false;
      }
  }
  *out = std::move(m);
  return true;
}

bool ColumnMap::ApplySchema(const ProfileSchema& org, std::string* error) {
  attribute.assign(names.size(), nullptr);
  std::vector<std::string> unknown;
  auto check = [&](int idx, std::string_view name) -> const SchemaAttribute* {
    const SchemaAttribute* a = org.Find(name);
    if (!a) unknown.push_back(org.UnknownMessage(names[idx], name));
    else attribute[idx] = a;
    return a;
  };
  for (int idx : {email, first_name, last_name})
    if (idx >= 0) {
      const SchemaAttribute* a = check(idx, idx == email ? "email" : idx == first_name ? "firstName" : "lastName");
      if (a && a->type != AttributeType::kString) {
        *error = "header: the org's profile types '" + a->name + "' as " + a->type_text +
                 "; okta-bulk sends it as a string";
        return false;
      }
    }
  for (Custom& c : custom) {
    const SchemaAttribute* a = check(c.index, c.name);
    if (!a) continue;
    if (!ColumnTypeFromSchema(*a, names[c.index], c.typed, c.type, &c.type, error)) {
      *error = "header: " + *error;
      return false;
    }
    c.name = a->name;  // Okta's spelling (property names are case-sensitive)
  }
  if (!unknown.empty()) {
    *error = "header: ";
    for (std::size_t i = 0; i < unknown.size(); ++i) *error += (i ? "; " : "") + unknown[i];
    *error += ". Nothing was sent";
    return false;
  }
  std::vector<std::string> missing;
  // Okta's base attributes it requires (email, firstName, lastName) are left to Okta and to
  // the import's look-up of a refused row: a file of logins only still adds existing users
  // to groups. The org's own required attributes must have a column.
  for (const SchemaAttribute& a : org.attributes()) {
    if (!a.required || a.has_default || !a.custom) continue;
    const bool has_column = std::find(attribute.begin(), attribute.end(), &a) != attribute.end();
    if (!has_column) missing.push_back(a.name);
  }
  if (!missing.empty()) {
    *error = "header: the org's user profile requires ";
    for (std::size_t i = 0; i < missing.size(); ++i)
      *error += (i ? (i + 1 == missing.size() ? " and " : ", ") : "") + std::string("'") + missing[i] + "'";
    *error += " to create a user, and the file has no such column. Add the column (for users "
              "that already exist, use okta-bulk assign or update instead)";
    return false;
  }
  schema = &org;
  return true;
}

RowBuilder::RowBuilder(ColumnMap columns, RowBuilderOptions options)
    : columns_(std::move(columns)), options_(std::move(options)) {}

std::string_view RowBuilder::LoginOf(const CsvRecord& record) const {
  if (columns_.login < 0 || static_cast<std::size_t>(columns_.login) >= record.fields.size())
    return {};
  return TrimSpaces(record.fields[columns_.login]);
}

bool CheckRecordShape(const CsvRecord& record, uint64_t row, const std::vector<std::string>& names,
                      std::string* error) {
  if (record.problem != CsvProblem::kNone) {
    *error = RowWhere(row, record, "") + std::string(CsvProblemMessage(record.problem));
    return false;
  }
  const std::size_t want = names.size();
  if (record.fields.size() != want) {
    *error = RowWhere(row, record, "") + "has " + std::to_string(record.fields.size()) +
             " fields but the header has " + std::to_string(want) +
             (record.fields.size() > want ? " (too many fields: an unquoted comma?)"
                                          : " (too few fields)");
    return false;
  }
  // Every cell must be text Okta accepts.
  for (std::size_t i = 0; i < want; ++i) {
    std::size_t at = 0;
    std::string_view problem = Utf8Problem(record.fields[i], &at);
    if (problem.empty()) continue;
    if (problem.starts_with("contains")) {  // valid UTF-8 Okta refuses: the cell is the news
      *error = RowWhere(row, record, names[i]) + std::string(problem);
      return false;
    }
    // Not UTF-8 at all: most likely the whole file is in a legacy code page (Windows-1252
    // from Excel's plain "CSV"); say where and how to save it instead.
    *error = "row " + std::to_string(row) + " (line " + std::to_string(record.first_line) +
             ", byte offset " + std::to_string(CsvInputOffset(record, i, at)) +
             "): not valid UTF-8: " + std::string(kSaveAsUtf8) + "; the first bad byte is in field '" +
             names[i] + "'";
    return false;
  }
  return true;
}

bool RowBuilder::Build(const CsvRecord& record, uint64_t row, PreparedRow* out,
                       std::string* error) {
  if (!CheckRecordShape(record, row, columns_.names, error)) return false;
  auto cell = [&](int idx) -> std::string_view {
    return idx < 0 ? std::string_view{} : std::string_view(record.fields[idx]);
  };
  std::string_view login = TrimSpaces(cell(columns_.login));
  const std::string& login_name = columns_.names[columns_.login];
  if (login.empty()) {
    *error = RowWhere(row, record, login_name) + "is empty; every row needs a login";
    return false;
  }
  if (login.size() < kLoginMin || login.size() > kLoginMax) {
    *error = RowWhere(row, record, login_name) + "must be 5 to 100 characters long (has " +
             std::to_string(login.size()) + ")";
    return false;
  }
  if (!LooksLikeEmail(login)) {
    *error = RowWhere(row, record, login_name) + "must be an email address, like jane@example.com";
    return false;
  }
  std::string_view email = TrimSpaces(cell(columns_.email));
  if (!email.empty()) {
    if (email.size() > kEmailMax || email.size() < kLoginMin) {
      *error = RowWhere(row, record, columns_.names[columns_.email]) +
               "must be 5 to 100 characters long";
      return false;
    }
    if (!LooksLikeEmail(email)) {
      *error = RowWhere(row, record, columns_.names[columns_.email]) + "is not an email address";
      return false;
    }
  }
  for (int idx : {columns_.first_name, columns_.last_name}) {
    if (idx >= 0 && cell(idx).size() > kNameMax) {
      *error = RowWhere(row, record, columns_.names[idx]) + "is longer than Okta's 50 characters";
      return false;
    }
  }
  std::string_view password = cell(columns_.password);
  if (password.size() > kPasswordMax) {
    *error = RowWhere(row, record, columns_.names[columns_.password]) +
             "is longer than Okta's 72 characters";
    return false;
  }

  // Credentials: a password, a hash, or (--password-hook) the hook; never two of them.
  HashCells hash_cells{};
  for (std::size_t f = 0; f < kHashFieldCount; ++f) hash_cells[f] = cell(columns_.hash[f]);
  const bool has_hash = AnyHashCell(hash_cells);
  std::string hash_json;
  if (has_hash) {
    if (!password.empty()) {
      *error = RowWhere(row, record, columns_.names[columns_.password]) +
               "a row has a password or a passwordHash, not both; empty one of them";
      return false;
    }
    HashProblem problem;
    if (!AppendPasswordHash(&hash_json, hash_cells, &problem)) {
      int idx = columns_.hash[static_cast<std::size_t>(problem.field)];
      *error = RowWhere(row, record, idx >= 0 ? std::string_view(columns_.names[idx])
                                              : HashFieldName(problem.field)) +
               problem.message;
      return false;
    }
  }
  if (options_.require_password && password.empty() && !has_hash) {
    *error = RowWhere(row, record,
                      columns_.password >= 0 ? std::string_view(columns_.names[columns_.password])
                                             : std::string_view("password")) +
             "is empty; --next-login change-password needs a password (or a passwordHash) on "
             "every row (Okta refuses it otherwise: E0000124)";
    return false;
  }

  // The org's rules for each profile value (issue 14), when its schema was read.
  if (columns_.schema) {
    for (std::size_t idx = 0; idx < columns_.attribute.size(); ++idx) {
      const SchemaAttribute* a = columns_.attribute[idx];
      if (!a) continue;
      std::string_view value = record.fields[idx];
      const bool empty = TrimSpaces(value).empty();
      if (empty) {
        if (a->required && !a->has_default && a->custom) {
          *error = RowWhere(row, record, columns_.names[idx]) +
                   "is empty, and the org's user profile requires it to create a user (for "
                   "users that already exist, use okta-bulk assign or update)";
          return false;
        }
        continue;
      }
      std::string_view mutability = MutabilityProblem(*a, /*for_update=*/false);
      std::string problem = mutability.empty() ? CheckSchemaValue(*a, value) : std::string(mutability);
      if (!problem.empty()) {
        *error = RowWhere(row, record, columns_.names[idx]) + problem;
        return false;
      }
    }
  }

  out->row = row;
  out->login.assign(login);
  out->group_ids.clear();
  std::string bad;
  if (!AppendGroupIds(cell(columns_.group_id), &out->group_ids, &bad)) {
    *error = RowWhere(row, record, columns_.names[columns_.group_id]) + BadGroupIdMessage(bad);
    return false;
  }
  if (columns_.group_name >= 0) {
    std::vector<std::string> names;
    AppendGroupNames(cell(columns_.group_name), &names);
    for (const std::string& name : names) {
      const auto* by_name = options_.group_ids_by_name;
      if (!by_name) continue;  // a dry run without credentials: names are not resolved
      auto it = by_name->find(GroupNameKey(name));
      if (it == by_name->end()) {
        *error = RowWhere(row, record, columns_.names[columns_.group_name]) + "group '" + name +
                 "' is not a group of the org";
        return false;
      }
      if (std::find(out->group_ids.begin(), out->group_ids.end(), it->second) == out->group_ids.end())
        out->group_ids.push_back(it->second);
    }
  }
  for (const auto& g : options_.extra_group_ids)
    if (std::find(out->group_ids.begin(), out->group_ids.end(), g) == out->group_ids.end())
      out->group_ids.push_back(g);
  if (out->group_ids.size() > kMaxGroupIds) {
    *error = RowWhere(row, record, columns_.group_id >= 0 ? columns_.names[columns_.group_id] : "groupId") +
             "names " + std::to_string(out->group_ids.size()) +
             " groups (with --group); Okta accepts at most 20 per user";
    return false;
  }

  std::string& body = out->create_body;
  body.clear();
  // One allocation for the body instead of one per doubling: every cell, its name and quotes.
  std::size_t body_size = 96;
  for (const auto& f : record.fields) body_size += f.size() + 24;
  body.reserve(body_size);
  body.append("{\"profile\":{");
  bool first = true;
  AddField(&body, &first, "login", login);
  if (!email.empty()) AddField(&body, &first, "email", email);
  if (columns_.first_name >= 0 && !cell(columns_.first_name).empty())
    AddField(&body, &first, "firstName", cell(columns_.first_name));
  if (columns_.last_name >= 0 && !cell(columns_.last_name).empty())
    AddField(&body, &first, "lastName", cell(columns_.last_name));
  std::string problem;
  for (const auto& c : columns_.custom) {
    if (IsEmptyCell(c.type, record.fields[c.index])) continue;
    if (!AddTypedField(&body, &first, c.name, c.type, record.fields[c.index], &problem)) {
      *error = RowWhere(row, record, columns_.names[c.index]) + problem;
      return false;
    }
  }
  body.push_back('}');
  out->credential = !password.empty() ? PreparedRow::Credential::kPassword
                    : has_hash          ? PreparedRow::Credential::kHash
                    : options_.password_hook ? PreparedRow::Credential::kHook
                                             : PreparedRow::Credential::kNone;
  if (!password.empty()) {
    body.append(",\"credentials\":{\"password\":{\"value\":");
    AppendJsonString(&body, password);
    body.append("}}");
  } else if (has_hash) {
    body.append(",\"credentials\":{\"password\":{\"hash\":");
    body.append(hash_json);
    body.append("}}");
  } else if (options_.password_hook) {
    body.append(",\"credentials\":{\"password\":{\"hook\":{\"type\":\"default\"}}}");
  }
  if (!out->group_ids.empty()) {
    body.append(",\"groupIds\":[");
    for (std::size_t i = 0; i < out->group_ids.size(); ++i) {
      if (i) body.push_back(',');
      AppendJsonString(&body, out->group_ids[i]);
    }
    body.push_back(']');
  }
  body.push_back('}');

  out->update_body.clear();
  if (options_.build_update_body) {
    std::string& update = out->update_body;
    update.append("{\"profile\":{");
    first = true;
    if (!email.empty()) AddField(&update, &first, "email", email);
    if (columns_.first_name >= 0 && !cell(columns_.first_name).empty())
      AddField(&update, &first, "firstName", cell(columns_.first_name));
    if (columns_.last_name >= 0 && !cell(columns_.last_name).empty())
      AddField(&update, &first, "lastName", cell(columns_.last_name));
    for (const auto& c : columns_.custom) {
      if (IsEmptyCell(c.type, record.fields[c.index])) continue;
      // Parsed once already for the create body: cannot fail here.
      AddTypedField(&update, &first, c.name, c.type, record.fields[c.index], &problem);
    }
    update.append("}}");
  }
  return true;
}

}  // namespace okta_bulk
