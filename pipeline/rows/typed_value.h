// Typed custom attributes: a CSV header may say `name:type` (string, integer, number,
// boolean, string[], integer[], number[]), and each cell of that column is parsed and sent
// as that JSON type. Untyped columns are strings. Pure functions; no state.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

enum class AttributeType : unsigned char {
  kString, kInteger, kNumber, kBoolean, kStringArray, kIntegerArray, kNumberArray
};

// "string", "integer", ..., "string[]".
std::string_view AttributeTypeName(AttributeType type);

// Splits a header name into its attribute name and type: "age:integer" -> "age", kInteger;
// "department" -> "department", kString. The type is matched case-insensitively after
// trimming spaces. Returns false with `error` (a reason, without the column) when the name
// has a ':' suffix that is not a type, or nothing before the ':'.
bool SplitTypedName(std::string_view header_name, std::string* name, AttributeType* type,
                    std::string* error);

// Appends the JSON value of `cell` as `type` to `out`. The cell is not empty (an empty cell
// means "left out", decided by the caller). Rules:
//   string     the cell as it is
//   integer    optional '-', digits; within JSON's safe integers (|n| <= 2^53-1)
//   number     JSON number syntax (e.g. -1.5e3), finite; sent as written
//   boolean    true or false, any case (1/0, yes/no are refused: ambiguous)
//   x[]        elements separated by ';', each trimmed; empty elements are skipped
// Spaces around integers, numbers and booleans are ignored. Returns false with `problem`
// (e.g. "'12a' is not an integer") and leaves `out` unspecified otherwise.
bool AppendTypedValue(std::string* out, AttributeType type, std::string_view cell,
                      std::string* problem);

}  // namespace okta_bulk
