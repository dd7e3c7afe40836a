#include "pipeline/rows/profile_schema.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "net/ascii.h"
#include "pipeline/rows/header_hints.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

// Code points in valid UTF-8 (every cell is checked to be valid UTF-8 before this).
uint64_t CodePoints(std::string_view s) {
  uint64_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// One scalar value against the enum: strings as written, numbers by value.
bool InEnum(const SchemaAttribute& a, AttributeType scalar, std::string_view value) {
  if (scalar == AttributeType::kString) {
    for (const std::string& s : a.enum_strings)
      if (s == value) return true;
    return false;
  }
  if (scalar == AttributeType::kInteger || scalar == AttributeType::kNumber) {
    std::string text(value);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || errno == ERANGE) return false;
    for (double e : a.enum_numbers)
      if (e == v) return true;
    // An enum of strings on a number attribute ("1", "2"): compare the text too.
    for (const std::string& s : a.enum_strings)
      if (s == value) return true;
    return false;
  }
  return true;  // booleans: no enum to check
}

std::string EnumList(const SchemaAttribute& a) {
  std::string list;
  std::size_t n = 0;
  auto add = [&](const std::string& v) {
    if (n++ == 8) list += ", ...";
    if (n > 8) return;
    if (!list.empty()) list += ", ";
    list += v;
  };
  for (const std::string& s : a.enum_strings) add(s);
  for (double d : a.enum_numbers) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", d);
    add(buf);
  }
  return list;
}

AttributeType ScalarOf(AttributeType t) {
  switch (t) {
    case AttributeType::kStringArray: return AttributeType::kString;
    case AttributeType::kIntegerArray: return AttributeType::kInteger;
    case AttributeType::kNumberArray: return AttributeType::kNumber;
    default: return t;
  }
}

}  // namespace

const SchemaAttribute* ProfileSchema::Find(std::string_view name) const {
  const SchemaAttribute* folded = nullptr;
  int folded_count = 0;
  for (const SchemaAttribute& a : attributes_) {
    if (a.name == name) return &a;
    if (EqualsIgnoreCase(a.name, name)) {
      folded = &a;
      ++folded_count;
    }
  }
  return folded_count == 1 ? folded : nullptr;
}

std::vector<std::string> ProfileSchema::Closest(std::string_view name) const {
  std::vector<std::string_view> known;
  known.reserve(attributes_.size());
  for (const SchemaAttribute& a : attributes_) known.push_back(a.name);
  return ClosestNames(name, known, 3);
}

std::string ProfileSchema::UnknownMessage(std::string_view column, std::string_view name) const {
  std::string m = "column '";
  m += column;
  m += "' is not in the org's user profile";
  const std::vector<std::string> near = Closest(name);
  if (near.empty()) {
    m += " (add it in the Admin Console: Directory > Profile Editor > User (default), or "
         "remove the column)";
    return m;
  }
  m += "; did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i) {
    if (i) m += i + 1 == near.size() ? " or " : ", ";
    m += near[i];
  }
  m += "?";
  return m;
}

bool ColumnTypeFromSchema(const SchemaAttribute& attribute, std::string_view column,
                          bool typed_in_header, AttributeType header_type, AttributeType* type,
                          std::string* error) {
  if (!attribute.type_supported) {
    *error = "column '" + std::string(column) + "': the org's profile types '" + attribute.name +
             "' as " + attribute.type_text + ", which okta-bulk cannot write from a CSV cell";
    return false;
  }
  // A header's `number` fits an integer attribute (an export cannot tell 7 from 7.0, so it
  // writes every JSON number as `number`): the cells are then read as integers.
  const bool widened = (header_type == AttributeType::kNumber && attribute.type == AttributeType::kInteger) ||
                       (header_type == AttributeType::kNumberArray &&
                        attribute.type == AttributeType::kIntegerArray);
  // And a header's `integer` on a number attribute is a stricter reading of valid values.
  const bool narrowed = (header_type == AttributeType::kInteger && attribute.type == AttributeType::kNumber) ||
                        (header_type == AttributeType::kIntegerArray &&
                         attribute.type == AttributeType::kNumberArray);
  if (typed_in_header && narrowed) {
    *type = header_type;
    return true;
  }
  if (typed_in_header && header_type != attribute.type && !widened) {
    *error = "column '" + std::string(column) + "' says " +
             std::string(AttributeTypeName(header_type)) + " but the org's profile types '" +
             attribute.name + "' as " + attribute.type_text + "; write '" + attribute.name +
             "' (the type comes from the org) or '" + attribute.name + ":" +
             std::string(AttributeTypeName(attribute.type)) + "'";
    return false;
  }
  *type = attribute.type;
  return true;
}

struct SchemaPattern {
  std::regex regex;
};

std::string CompilePattern(SchemaAttribute* a) {
  a->compiled.reset();
  if (a->pattern.empty()) return {};
  std::string_view text = a->pattern;
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (text.starts_with("(?i)")) {
    text.remove_prefix(4);
    flags |= std::regex::icase;
  }
  try {
    auto compiled = std::make_shared<SchemaPattern>();
    compiled->regex = std::regex(text.begin(), text.end(), flags);
    a->compiled = std::move(compiled);
    return {};
  } catch (const std::regex_error& e) {
    return "the org's user schema gives '" + a->name + "' the pattern " + a->pattern +
           ", which okta-bulk cannot read as a regular expression (" + e.what() +
           "); its values are not checked against it (Okta still checks them)";
  }
}

std::string CheckSchemaValue(const SchemaAttribute& a, std::string_view cell) {
  const bool array = a.type == AttributeType::kStringArray ||
                     a.type == AttributeType::kIntegerArray || a.type == AttributeType::kNumberArray;
  const AttributeType scalar = ScalarOf(a.type);
  auto check_one = [&](std::string_view v) -> std::string {
    if (scalar == AttributeType::kString) {
      const uint64_t n = CodePoints(v);
      if (a.max_length && n > *a.max_length)
        return "is longer than the org allows for '" + a.name + "' (" + std::to_string(n) +
               " characters, at most " + std::to_string(*a.max_length) + ")";
      if (a.min_length && n < *a.min_length)
        return "is shorter than the org allows for '" + a.name + "' (" + std::to_string(n) +
               " characters, at least " + std::to_string(*a.min_length) + ")";
    }
    if (a.has_enum() && !InEnum(a, scalar, v))
      return "'" + std::string(v) + "' is not one of the values the org allows for '" + a.name +
             "' (" + EnumList(a) + ")";
    if (a.compiled && a.type == AttributeType::kString) {
      bool matched = true;
      try {
        matched = std::regex_match(v.begin(), v.end(), a.compiled->regex);
      } catch (const std::regex_error&) {
        // Too complex for std::regex on this value: left to Okta.
      }
      if (!matched)
        return "'" + std::string(v) + "' does not match the pattern the org sets for '" + a.name +
               "' (" + a.pattern + ")";
    }
    return {};
  };
  if (!array) {
    return check_one(scalar == AttributeType::kString ? cell : TrimSpaces(cell));
  }
  while (!cell.empty()) {  // the elements as AppendTypedValue splits them
    const std::size_t semi = cell.find(';');
    std::string_view element = TrimSpaces(cell.substr(0, semi));
    cell = semi == std::string_view::npos ? std::string_view{} : cell.substr(semi + 1);
    if (element.empty()) continue;
    std::string problem = check_one(element);
    if (!problem.empty()) return problem;
  }
  return {};
}

std::string_view MutabilityProblem(const SchemaAttribute& a, bool for_update) {
  if (a.mutability == SchemaAttribute::Mutability::kReadOnly)
    return "is read-only in the org's user profile (Okta refuses a value for it); leave the "
           "cell empty or remove the column";
  if (for_update && a.mutability == SchemaAttribute::Mutability::kImmutable)
    return "cannot be changed once set (IMMUTABLE in the org's user profile)";
  return {};
}

}  // namespace okta_bulk
