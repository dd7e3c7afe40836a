#include "pipeline/rows/typed_value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "net/ascii.h"
#include "net/json_text.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool IsJsonNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

bool AppendScalar(std::string* out, AttributeType type, std::string_view raw, std::string* problem) {
  std::string_view v = type == AttributeType::kString ? raw : TrimSpaces(raw);
  switch (type) {
    case AttributeType::kString:
      AppendJsonString(out, v);
      return true;
    case AttributeType::kInteger: {
      int64_t n = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      bool digits_only = !v.empty() && (IsDigit(v[0]) || (v[0] == '-' && v.size() > 1));
      if (!digits_only || r.ptr != v.data() + v.size() ||
          (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
        *problem = "'" + std::string(v) + "' is not an integer (digits, optionally after '-')";
        return false;
      }
      if (r.ec == std::errc::result_out_of_range || n > kMaxSafeInteger || n < -kMaxSafeInteger) {
        *problem = "'" + std::string(v) +
                   "' is outside the integers JSON carries exactly (-9007199254740991 to "
                   "9007199254740991)";
        return false;
      }
      out->append(std::to_string(n));  // canonical: no leading zeros
      return true;
    }
    case AttributeType::kNumber: {
      if (!IsJsonNumber(v)) {
        *problem = "'" + std::string(v) + "' is not a number (like 12, -0.5 or 1.5e3)";
        return false;
      }
      std::string copy(v);
      double d = std::strtod(copy.c_str(), nullptr);
      if (!std::isfinite(d)) {
        *problem = "'" + std::string(v) + "' is too large for a number";
        return false;
      }
      out->append(v);  // as written: no digit is lost on the way
      return true;
    }
    case AttributeType::kBoolean:
      if (EqualsIgnoreCase(v, "true")) out->append("true");
      else if (EqualsIgnoreCase(v, "false")) out->append("false");
      else {
        *problem = "'" + std::string(v) + "' is not a boolean (true or false)";
        return false;
      }
      return true;
    default: return false;
  }
}

}  // namespace

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kString: return "string";
    case AttributeType::kInteger: return "integer";
    case AttributeType::kNumber: return "number";
    case AttributeType::kBoolean: return "boolean";
    case AttributeType::kStringArray: return "string[]";
    case AttributeType::kIntegerArray: return "integer[]";
    case AttributeType::kNumberArray: return "number[]";
  }
  return "?";
}

bool SplitTypedName(std::string_view header_name, std::string* name, AttributeType* type,
                    std::string* error) {
  std::size_t colon = header_name.rfind(':');
  if (colon == std::string_view::npos) {
    name->assign(header_name);
    *type = AttributeType::kString;
    return true;
  }
  std::string_view base = TrimSpaces(header_name.substr(0, colon));
  std::string_view suffix = TrimSpaces(header_name.substr(colon + 1));
  static constexpr AttributeType kTypes[] = {
      AttributeType::kString, AttributeType::kInteger, AttributeType::kNumber,
      AttributeType::kBoolean, AttributeType::kStringArray, AttributeType::kIntegerArray,
      AttributeType::kNumberArray};
  for (AttributeType t : kTypes) {
    if (EqualsIgnoreCase(suffix, AttributeTypeName(t))) {
      if (base.empty()) {
        *error = "has a type but no attribute name before the ':'";
        return false;
      }
      name->assign(base);
      *type = t;
      return true;
    }
  }
  *error = "has the type '" + std::string(suffix) +
           "', which is not one of string, integer, number, boolean, string[], integer[], "
           "number[]";
  return false;
}

bool AppendTypedValue(std::string* out, AttributeType type, std::string_view cell,
                      std::string* problem) {
  AttributeType element;
  switch (type) {
    case AttributeType::kStringArray: element = AttributeType::kString; break;
    case AttributeType::kIntegerArray: element = AttributeType::kInteger; break;
    case AttributeType::kNumberArray: element = AttributeType::kNumber; break;
    default: return AppendScalar(out, type, cell, problem);
  }
  out->push_back('[');
  bool first = true;
  while (true) {
    std::size_t semi = cell.find(';');
    std::string_view item = TrimSpaces(cell.substr(0, semi));
    if (!item.empty()) {
      if (!first) out->push_back(',');
      first = false;
      if (!AppendScalar(out, element, item, problem)) {
        *problem = "element " + *problem;
        return false;
      }
    }
    if (semi == std::string_view::npos) break;
    cell.remove_prefix(semi + 1);
  }
  out->push_back(']');
  return true;
}

}  // namespace okta_bulk
