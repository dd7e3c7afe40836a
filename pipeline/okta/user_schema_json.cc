#include "pipeline/okta/user_schema_json.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

namespace okta_bulk {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// The scalar type a schema names, or false for one okta-bulk cannot write.
bool ScalarType(std::string_view t, AttributeType* out) {
  if (t == "string") *out = AttributeType::kString;
  else if (t == "integer") *out = AttributeType::kInteger;
  else if (t == "number") *out = AttributeType::kNumber;
  else if (t == "boolean") *out = AttributeType::kBoolean;
  else return false;
  return true;
}

// A property's "type": a string, or (JSON Schema allows it) an array such as ["string",
// "null"], of which the first non-null entry counts.
std::string_view TypeName(element e) {
  std::string_view s;
  if (!e.get_string().get(s)) return s;
  array a;
  if (!e.get_array().get(a))
    for (element t : a)
      if (!t.get_string().get(s) && s != "null") return s;
  return {};
}

void ReadEnum(element property, SchemaAttribute* a) {
  array values;
  if (!property["enum"].get_array().get(values)) {
    for (element v : values) {
      std::string_view s;
      double d;
      int64_t i;
      if (!v.get_string().get(s)) a->enum_strings.emplace_back(s);
      else if (!v.get_int64().get(i)) a->enum_numbers.push_back(static_cast<double>(i));
      else if (!v.get_double().get(d)) a->enum_numbers.push_back(d);
    }
  }
  if (a->has_enum()) return;
  array one_of;  // oneOf [{const, title}] without an enum beside it
  if (!property["oneOf"].get_array().get(one_of)) {
    for (element choice : one_of) {
      element c;
      if (choice["const"].get(c)) continue;
      std::string_view s;
      double d;
      int64_t i;
      if (!c.get_string().get(s)) a->enum_strings.emplace_back(s);
      else if (!c.get_int64().get(i)) a->enum_numbers.push_back(static_cast<double>(i));
      else if (!c.get_double().get(d)) a->enum_numbers.push_back(d);
    }
  }
}

std::optional<uint64_t> Length(element property, const char* key) {
  int64_t n;
  if (property[key].get_int64().get(n) || n < 0) return std::nullopt;
  return static_cast<uint64_t>(n);
}

bool ReadDefinition(object definitions, const char* which, bool custom, ProfileSchema* out,
                    std::string* error) {
  element def;
  if (definitions[which].get(def)) return true;  // an org may leave one out
  object def_object;
  if (def.get_object().get(def_object)) {
    *error = std::string("definitions.") + which + " is not an object";
    return false;
  }
  std::vector<std::string_view> required;
  array required_list;
  if (!def_object["required"].get_array().get(required_list))
    for (element r : required_list) {
      std::string_view s;
      if (!r.get_string().get(s)) required.push_back(s);
    }
  element props;
  if (def_object["properties"].get(props)) return true;
  object properties;
  if (props.get_object().get(properties)) {
    *error = std::string("definitions.") + which + ".properties is not an object";
    return false;
  }
  for (auto [key, value] : properties) {
    object property;
    if (value.get_object().get(property)) {
      *error = std::string("definitions.") + which + ".properties." + std::string(key) +
               " is not an object";
      return false;
    }
    SchemaAttribute a;
    a.name.assign(key);
    a.custom = custom;
    std::string_view type = "string";  // no type: Okta's base properties all have one
    element type_element;
    if (!value["type"].get(type_element)) type = TypeName(type_element);
    if (type == "array") {
      std::string_view item_type = "string";
      element items;
      const bool has_items = !value["items"].get(items);
      element item_type_element;
      if (has_items && !items["type"].get(item_type_element)) item_type = TypeName(item_type_element);
      a.type_text = "array of " + std::string(item_type);
      if (item_type == "string") a.type = AttributeType::kStringArray;
      else if (item_type == "integer") a.type = AttributeType::kIntegerArray;
      else if (item_type == "number") a.type = AttributeType::kNumberArray;
      else a.type_supported = false;
      if (has_items) ReadEnum(items, &a);
    } else {
      a.type_text = type.empty() ? std::string("an unnamed type") : std::string(type);
      a.type_supported = ScalarType(type, &a.type);
      ReadEnum(value, &a);
    }
    bool flag = false;
    a.required = (!value["required"].get_bool().get(flag) && flag) ||
                 std::find(required.begin(), required.end(), key) != required.end();
    element default_value;
    a.has_default = !value["default"].get(default_value) && !default_value.is_null();
    std::string_view mutability;
    if (!value["mutability"].get_string().get(mutability)) {
      if (mutability == "READ_ONLY") a.mutability = SchemaAttribute::Mutability::kReadOnly;
      else if (mutability == "IMMUTABLE") a.mutability = SchemaAttribute::Mutability::kImmutable;
      else if (mutability == "WRITE_ONLY") a.mutability = SchemaAttribute::Mutability::kWriteOnly;
    }
    a.min_length = Length(value, "minLength");
    a.max_length = Length(value, "maxLength");
    std::string_view pattern;
    if (!value["pattern"].get_string().get(pattern) && !pattern.empty()) {
      a.pattern.assign(pattern);
      std::string warning = CompilePattern(&a);  // once per attribute, not per row
      if (!warning.empty()) out->AddWarning(std::move(warning));
    }
    out->Add(std::move(a));
  }
  return true;
}

}  // namespace

bool ParseUserSchema(std::string_view body, ProfileSchema* out, std::string* error) {
  simdjson::dom::parser parser;
  element doc;
  if (auto e = parser.parse(body.data(), body.size()).get(doc)) {
    *error = std::string("the schema is not JSON (") + simdjson::error_message(e) + ")";
    return false;
  }
  object definitions;
  if (doc["definitions"].get_object().get(definitions)) {
    *error = "the answer is not a user schema: it has no 'definitions' object";
    return false;
  }
  ProfileSchema schema;
  if (!ReadDefinition(definitions, "base", false, &schema, error) ||
      !ReadDefinition(definitions, "custom", true, &schema, error))
    return false;
  if (schema.empty()) {
    *error = "the user schema defines no attribute (definitions.base and .custom are empty)";
    return false;
  }
  *out = std::move(schema);
  return true;
}

}  // namespace okta_bulk
