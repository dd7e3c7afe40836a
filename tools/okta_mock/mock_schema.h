// The user profile schema of the org that okta-mock imitates (`UserSchema` of the management
// API, /api/v1/meta/schemas/user/{schemaId}): Okta's default base profile plus the custom
// attributes of a --schema file, the GET answer built from it, and the check of a profile
// against it. Written from ../shared/okta (the OpenAPI description's UserSchema*, contract §2
// and §3), never from the client's code: okta-mock is the tests' oracle. Immutable once
// built; any thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

namespace okta_bulk::mock {

// One refused field of a request: Okta's error cause "<field>: <message>".
struct Cause {
  std::string field;
  std::string message;
};

// The number of characters (code points) of UTF-8 text.
std::size_t Utf8Length(std::string_view s);

// `s` without leading and trailing spaces and tabs.
std::string_view Trim(std::string_view s);

// UserSchemaAttributeType.
enum class AttributeType : unsigned char { kString, kInteger, kNumber, kBoolean, kArray };
// UserSchemaAttributeMutabilityString.
enum class Mutability : unsigned char { kReadWrite, kReadOnly, kImmutable, kWriteOnly };

struct MockPattern;  // a compiled `pattern` (mock_schema.cc)

// One profile property (UserSchemaAttribute), as far as okta-mock checks it.
struct SchemaAttribute {
  std::string name;
  bool custom = false;  // in definitions.custom (else definitions.base)
  AttributeType type = AttributeType::kString;
  AttributeType item_type = AttributeType::kString;  // kArray only: items.type
  bool required = false;
  std::optional<int64_t> min_length, max_length;  // characters of a string value
  std::string format;  // "email", "uri", ...; only "email" is checked
  // `pattern` of a string property ("the regular expression used to validate the property"):
  // read as Okta's Java would (Perl syntax through Boost.Regex, so "(?i)" works) and matched
  // against the whole value. ASSUMED: whole-value match (Java's String.matches), and the
  // cause "Does not match required pattern" (Okta's wording for a format).
  std::string pattern;
  std::shared_ptr<const MockPattern> compiled;
  Mutability mutability = Mutability::kReadWrite;
  // enum (or oneOf's const values) of the value, or of each item of an array; empty = any.
  std::vector<std::string> allowed;  // each serialized as JSON
  std::string json;  // the attribute as GET serves it: a serialized JSON object
};

// What a profile check found. `causes` are refusals of known properties (blank required
// fields, types, enum, lengths, formats, mutability); `unknown` the property names the schema
// does not define. Okta reports the unknown ones only when nothing else is wrong (in a real
// sample an unknown-only profile produced only the missing-field causes: contract §2), so a
// caller answers `causes` first.
struct ProfileVerdict {
  std::vector<Cause> causes;
  std::vector<std::string> unknown;
};

class UserSchema {
 public:
  // Okta's default base profile (contract §2, the spec's UserSchemaBaseProperties) and no
  // custom attribute.
  UserSchema();

  // The base profile plus the custom attributes of `text`, JSON in the shape of Okta's GET
  // answer: definitions.custom.properties (an object of UserSchemaAttribute) and
  // definitions.custom.required (property names); anything else, definitions.base included,
  // is ignored (Okta's base profile is fixed). nullopt, with *error saying what is wrong and
  // where (e.g. "definitions.custom.properties.size.type: expected one of string, integer,
  // number, boolean, array"), when the text is no such schema.
  static std::optional<UserSchema> FromJson(std::string_view text, std::string* error);

  // The attribute named exactly `name` (names are case-sensitive), or nullptr.
  const SchemaAttribute* Find(std::string_view name) const;
  const std::vector<SchemaAttribute>& attributes() const { return attributes_; }

  // The body of GET /api/v1/meta/schemas/user/{schemaId}, in the spec's UserSchema shape:
  // `id` is origin + "/meta/schemas/user/" + schema_id (as in Okta's examples), the self
  // link origin + "/api/v1/meta/schemas/user/" + schema_id; `origin` is "http(s)://host:port".
  std::string ToJson(std::string_view origin, std::string_view schema_id) const;

  // Checks the profile a user would have after a create (`stored` and `sent` null) or an
  // update (`profile` the merged result, `sent` the request's own profile object, `stored`
  // the user's profile before). A null value of a property that is not required clears it.
  ProfileVerdict Check(const boost::json::object& profile, const boost::json::object* sent,
                       const boost::json::object* stored) const;

 private:
  std::vector<SchemaAttribute> attributes_;  // base first, in Okta's order, then custom
  std::map<std::string, std::size_t, std::less<>> by_name_;
  bool has_guarded_ = false;  // some attribute is READ_ONLY or IMMUTABLE
};

}  // namespace okta_bulk::mock
