// The org's user profile schema (GET /api/v1/meta/schemas/user/default), as the rows need
// it: which attributes exist, their JSON types, and the rules Okta checks on each value
// (required, enum/oneOf, minLength/maxLength, mutability). Reading the JSON answer lives in
// pipeline/okta/user_schema_json; this file is the model and the checks. Pure; no I/O.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/rows/typed_value.h"

namespace okta_bulk {

struct SchemaPattern;  // a compiled `pattern` (profile_schema.cc)

struct SchemaAttribute {
  std::string name;      // as Okta spells it (property names are case-sensitive)
  bool custom = false;   // definitions.custom (else definitions.base)
  // The JSON type the org stores; `type_supported` is false for a type okta-bulk cannot
  // write from a cell (an object, an array of booleans): such a column is refused.
  AttributeType type = AttributeType::kString;
  bool type_supported = true;
  std::string type_text;  // as the schema says it: "string", "array of integer", ...
  bool required = false;
  bool has_default = false;  // `default`: Okta fills it in when a create leaves it out
  enum class Mutability : unsigned char { kReadWrite, kReadOnly, kImmutable, kWriteOnly };
  Mutability mutability = Mutability::kReadWrite;
  // enum (or oneOf's const values): the values allowed, for a scalar attribute, or for each
  // element of an array. Strings as they are; numbers compared by value.
  std::vector<std::string> enum_strings;
  std::vector<double> enum_numbers;
  bool has_enum() const { return !enum_strings.empty() || !enum_numbers.empty(); }
  std::optional<uint64_t> min_length, max_length;  // characters (code points), strings only
  // `pattern` (a string attribute): the regular expression a value must match, whole, as
  // the schema says it; `compiled` is set by CompilePattern (shared: copies are cheap).
  std::string pattern;
  std::shared_ptr<const SchemaPattern> compiled;
};

// Compiles a->pattern once (std::regex, ECMAScript; a leading "(?i)", Java's flag that Okta
// patterns may carry, becomes icase). "" when it compiled or there is none; else a warning
// naming the attribute and the pattern, and the pattern is not checked (`compiled` null).
std::string CompilePattern(SchemaAttribute* a);

class ProfileSchema {
 public:
  void Add(SchemaAttribute attribute) { attributes_.push_back(std::move(attribute)); }
  const std::vector<SchemaAttribute>& attributes() const { return attributes_; }
  // What could not be used of the schema (a pattern std::regex cannot compile), for the user.
  void AddWarning(std::string warning) { warnings_.push_back(std::move(warning)); }
  const std::vector<std::string>& warnings() const { return warnings_; }
  bool empty() const { return attributes_.empty(); }

  // The attribute `name` means: Okta's exact spelling, else the one attribute that matches
  // ignoring ASCII case (a CSV header "FirstName"); nullptr when none, or when several match
  // ignoring case and none exactly.
  const SchemaAttribute* Find(std::string_view name) const;
  // Up to three attribute names close to `name` ("First Name" -> firstName), best first.
  std::vector<std::string> Closest(std::string_view name) const;
  // "'First Name' is not in the org's user profile; did you mean firstName?" (or "... see
  // the Profile Editor" when nothing is close). `column` is the header as written.
  std::string UnknownMessage(std::string_view column, std::string_view name) const;

 private:
  std::vector<SchemaAttribute> attributes_;
  std::vector<std::string> warnings_;
};

// The type to send a column as: the schema's, when the header gives none; the header's
// `name:type` must agree with the schema (`number` fits an integer attribute). False with `error` (without the "header: " prefix)
// naming both types, or a schema type okta-bulk cannot write.
bool ColumnTypeFromSchema(const SchemaAttribute& attribute, std::string_view column,
                          bool typed_in_header, AttributeType header_type, AttributeType* type,
                          std::string* error);

// The rules of the schema that one non-empty cell of `attribute` (read as the attribute's
// type) breaks: "" when none, else the reason, e.g. "'XXL' is not one of the values the org
// allows (S, M, L, XL)" or "is longer than the org's 20 characters". Type syntax itself is
// AppendTypedValue's business; this checks enum, lengths and the pattern of a string
// attribute (the whole value must match: "does not match the pattern the org sets for
// 'employeeId' (^E[0-9]{5}$)").
std::string CheckSchemaValue(const SchemaAttribute& attribute, std::string_view cell);

// What a cell of a column may not do because of the attribute's mutability:
// "is read-only in the org's profile" for READ_ONLY, and for an update of an existing user
// "cannot be changed once set (IMMUTABLE)"; "" otherwise.
std::string_view MutabilityProblem(const SchemaAttribute& attribute, bool for_update);

}  // namespace okta_bulk
