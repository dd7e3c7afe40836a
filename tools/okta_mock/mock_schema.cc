#include "tools/okta_mock/mock_schema.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include <boost/json.hpp>
#include <boost/regex.hpp>

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

bool HasFourByteUtf8(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0xF0) return true;
  return false;
}

bool HasFourByteUtf8(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return HasFourByteUtf8(std::string_view(v.get_string()));
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (HasFourByteUtf8(e)) return true;
      return false;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (HasFourByteUtf8(std::string_view(kv.key())) || HasFourByteUtf8(kv.value()))
          return true;
      return false;
    default: return false;
  }
}

// local@domain.tld, one '@', no whitespace, a dot inside the domain.
bool LooksLikeEmail(std::string_view s) {
  std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return false;
  std::string_view domain = s.substr(at + 1);
  std::size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}


// ---- Okta's default base profile -------------------------------------------------------------

// One property of the base profile. Names, the required four and the lengths of login,
// email, firstName and lastName (5-100, 5-100, 1-50, 1-50) and countryCode (at most 2) are
// the contract's (§2); the names also the spec's UserSchemaBaseProperties. Every base
// property is a READ_WRITE string (the spec's descriptions; no base property is typed
// otherwise). ASSUMED from Okta's published example answers, not from the spec: the titles,
// the formats (email, uri, country-code, language-code, locale, timezone), the SELF
// permission and mobilePhone / primaryPhone at most 100 characters.
struct BaseProperty {
  std::string_view name;
  std::string_view title;
  bool required;
  int min_length;  // 0 = none
  int max_length;  // 0 = none
  std::string_view format;
  std::string_view self_permission;
};

constexpr BaseProperty kBase[] = {
    {"login", "Username", true, 5, 100, "", "READ_ONLY"},
    {"email", "Primary email", true, 5, 100, "email", "READ_WRITE"},
    {"firstName", "First name", true, 1, 50, "", "READ_WRITE"},
    {"lastName", "Last name", true, 1, 50, "", "READ_WRITE"},
    {"middleName", "Middle name", false, 0, 0, "", "READ_ONLY"},
    {"honorificPrefix", "Honorific prefix", false, 0, 0, "", "READ_ONLY"},
    {"honorificSuffix", "Honorific suffix", false, 0, 0, "", "READ_ONLY"},
    {"title", "Title", false, 0, 0, "", "READ_ONLY"},
    {"displayName", "Display name", false, 0, 0, "", "READ_ONLY"},
    {"nickName", "Nickname", false, 0, 0, "", "READ_ONLY"},
    {"profileUrl", "Profile Url", false, 0, 0, "uri", "READ_ONLY"},
    {"secondEmail", "Secondary email", false, 0, 0, "email", "READ_WRITE"},
    {"mobilePhone", "Mobile phone", false, 0, 100, "", "READ_WRITE"},
    {"primaryPhone", "Primary phone", false, 0, 100, "", "READ_WRITE"},
    {"streetAddress", "Street address", false, 0, 0, "", "READ_ONLY"},
    {"city", "City", false, 0, 0, "", "READ_ONLY"},
    {"state", "State", false, 0, 0, "", "READ_ONLY"},
    {"zipCode", "Zip code", false, 0, 0, "", "READ_ONLY"},
    {"countryCode", "Country code", false, 0, 2, "country-code", "READ_ONLY"},
    {"postalAddress", "Postal Address", false, 0, 0, "", "READ_ONLY"},
    {"preferredLanguage", "Preferred language", false, 0, 0, "language-code", "READ_ONLY"},
    {"locale", "Locale", false, 0, 0, "locale", "READ_ONLY"},
    {"timezone", "Time zone", false, 0, 0, "timezone", "READ_ONLY"},
    {"userType", "User type", false, 0, 0, "", "READ_ONLY"},
    {"employeeNumber", "Employee number", false, 0, 0, "", "READ_ONLY"},
    {"costCenter", "Cost center", false, 0, 0, "", "READ_ONLY"},
    {"organization", "Organization", false, 0, 0, "", "READ_ONLY"},
    {"division", "Division", false, 0, 0, "", "READ_ONLY"},
    {"department", "Department", false, 0, 0, "", "READ_ONLY"},
    {"managerId", "ManagerId", false, 0, 0, "", "READ_ONLY"},
    {"manager", "Manager", false, 0, 0, "", "READ_ONLY"},
};

// ---- types -----------------------------------------------------------------------------------

constexpr std::string_view kTypeNames[] = {"string", "integer", "number", "boolean", "array"};

std::optional<AttributeType> TypeFromName(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kTypeNames); ++i)
    if (kTypeNames[i] == s) return static_cast<AttributeType>(i);
  return std::nullopt;
}

bool OfType(const json::value& v, AttributeType t) {
  switch (t) {
    case AttributeType::kString: return v.is_string();
    case AttributeType::kInteger: return v.is_int64() || v.is_uint64();
    case AttributeType::kNumber: return v.is_number();
    case AttributeType::kBoolean: return v.is_bool();
    case AttributeType::kArray: return v.is_array();
  }
  return false;
}

// "a string", "an integer", ... (plural: "strings", "integers", ...).
std::string TypePhrase(AttributeType t, bool plural) {
  std::string name(kTypeNames[static_cast<std::size_t>(t)]);
  if (plural) return name + "s";
  return (t == AttributeType::kInteger || t == AttributeType::kArray ? "an " : "a ") + name;
}

std::string_view KindPhrase(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "a string";
    case json::kind::bool_: return "a boolean";
    case json::kind::null: return "null";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    case json::kind::double_: return "a number";
    default: return "an integer";
  }
}

std::string ExpectedPhrase(const SchemaAttribute& a) {
  if (a.type == AttributeType::kArray) return "an array of " + TypePhrase(a.item_type, true);
  return TypePhrase(a.type, false);
}

std::string AllowedList(const std::vector<std::string>& allowed) {
  std::string out;
  for (const std::string& v : allowed) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

bool Allowed(const SchemaAttribute& a, const json::value& v) {
  if (a.allowed.empty()) return true;
  const std::string s = json::serialize(v);
  return std::find(a.allowed.begin(), a.allowed.end(), s) != a.allowed.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---- the GET answer of a base property ---------------------------------------------------------

std::string BaseJson(const BaseProperty& p) {
  json::object o;
  o["title"] = p.title;
  o["type"] = "string";
  if (p.required) o["required"] = true;
  if (!p.format.empty()) o["format"] = p.format;
  o["mutability"] = "READ_WRITE";
  o["scope"] = "NONE";
  if (p.min_length) o["minLength"] = p.min_length;
  if (p.max_length) o["maxLength"] = p.max_length;
  o["permissions"] = json::array{json::object{{"principal", "SELF"}, {"action", p.self_permission}}};
  o["master"] = json::object{{"type", "PROFILE_MASTER"}};
  return json::serialize(o);
}

// ---- reading one custom attribute of a --schema file -------------------------------------------

// Fills `allowed` from an `enum` and/or `oneOf` ([{const, title}]) of values of type `t`.
// Returns "" or what is wrong (the key that is wrong is part of the text).
std::string ReadAllowed(const json::object& o, AttributeType t, std::vector<std::string>& allowed) {
  std::vector<std::string> from_enum, from_one_of;
  bool have_enum = false, have_one_of = false;
  if (auto it = o.find("enum"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array() || it->value().get_array().empty())
      return "enum: expected a non-empty array";
    have_enum = true;
    for (const json::value& v : it->value().get_array()) {
      if (!OfType(v, t)) return "enum: " + json::serialize(v) + " is not " + TypePhrase(t, false);
      from_enum.push_back(json::serialize(v));
    }
  }
  if (auto it = o.find("oneOf"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array() || it->value().get_array().empty())
      return "oneOf: expected a non-empty array of {\"const\", \"title\"}";
    have_one_of = true;
    for (const json::value& v : it->value().get_array()) {
      const json::object* e = v.if_object();
      const json::value* c = e ? e->if_contains("const") : nullptr;
      if (!c) return "oneOf: expected objects {\"const\": value, \"title\": text}";
      if (!OfType(*c, t)) return "oneOf: const " + json::serialize(*c) + " is not " + TypePhrase(t, false);
      if (const json::value* title = e->if_contains("title"); title && !title->is_string())
        return "oneOf: title of " + json::serialize(*c) + " is not a string";
      from_one_of.push_back(json::serialize(*c));
    }
  }
  // The spec: oneOf goes with enum, "you must keep the set of enumerated values and their order".
  if (have_enum && have_one_of && from_enum != from_one_of)
    return "oneOf: its const values must be the enum's values, in the same order";
  allowed = have_enum ? std::move(from_enum) : std::move(from_one_of);
  return "";
}

}  // namespace

struct MockPattern {
  boost::regex regex;
};

namespace {

// Reads definitions.custom.properties.<name>; returns "" or what is wrong: ".key: problem"
// when a key of the attribute is wrong, else "problem".
std::string ReadCustom(std::string_view name, const json::value& value, SchemaAttribute& a) {
  const json::object* o = value.if_object();
  if (!o) return "expected an object (a UserSchemaAttribute)";
  a.name = name;
  a.custom = true;
  a.json = json::serialize(*o);
  auto str = [&](std::string_view key) -> const json::value* {
    const json::value* v = o->if_contains(key);
    return v && !v->is_null() ? v : nullptr;
  };
  const json::value* type = str("type");
  if (!type) return ".type: missing (one of string, integer, number, boolean, array)";
  std::optional<AttributeType> t = type->is_string() ? TypeFromName(type->get_string()) : std::nullopt;
  if (!t) return ".type: " + json::serialize(*type) + " is not one of string, integer, number, boolean, array";
  a.type = *t;
  if (a.type == AttributeType::kArray) {
    const json::value* items = str("items");
    const json::object* io = items ? items->if_object() : nullptr;
    if (!io) return ".items: an array needs \"items\": {\"type\": ...}";
    const json::value* it = io->if_contains("type");
    std::optional<AttributeType> item =
        it && it->is_string() ? TypeFromName(it->get_string()) : std::nullopt;
    if (!item || *item == AttributeType::kArray)
      return ".items.type: expected one of string, integer, number, boolean";
    a.item_type = *item;
    if (str("enum") || str("oneOf")) return ".enum: an array's values go in items.enum / items.oneOf";
    if (std::string e = ReadAllowed(*io, a.item_type, a.allowed); !e.empty()) return ".items." + e;
  } else if (std::string e = ReadAllowed(*o, a.type, a.allowed); !e.empty()) {
    return "." + e;
  }
  for (auto [key, out] : {std::pair{"minLength", &a.min_length}, std::pair{"maxLength", &a.max_length}}) {
    const json::value* v = str(key);
    if (!v) continue;
    if (!(v->is_int64() || v->is_uint64()) || v->to_number<int64_t>() < 0)
      return "." + std::string(key) + ": expected an integer >= 0";
    if (a.type != AttributeType::kString)
      return "." + std::string(key) + ": applies to a string property only";
    *out = v->to_number<int64_t>();
  }
  if (a.min_length && a.max_length && *a.min_length > *a.max_length)
    return "minLength is greater than maxLength";
  if (const json::value* p = str("pattern")) {
    if (!p->is_string()) return ".pattern: expected a string (a regular expression)";
    if (a.type != AttributeType::kString) return ".pattern: applies to a string property only";
    a.pattern = p->get_string();
    try {
      auto compiled = std::make_shared<MockPattern>();
      compiled->regex = boost::regex(a.pattern, boost::regex::perl);
      a.compiled = std::move(compiled);
    } catch (const boost::regex_error& e) {
      return ".pattern: not a regular expression (" + std::string(e.what()) + ")";
    }
  }
  if (const json::value* m = str("mutability")) {
    std::string_view s = m->is_string() ? std::string_view(m->get_string()) : "";
    if (s == "READ_WRITE") a.mutability = Mutability::kReadWrite;
    else if (s == "READ_ONLY") a.mutability = Mutability::kReadOnly;
    else if (s == "IMMUTABLE") a.mutability = Mutability::kImmutable;
    else if (s == "WRITE_ONLY") a.mutability = Mutability::kWriteOnly;
    else return ".mutability: expected one of READ_WRITE, READ_ONLY, IMMUTABLE, WRITE_ONLY";
  }
  if (const json::value* s = str("scope"); s && !(*s == "NONE" || *s == "SELF"))
    return ".scope: expected NONE or SELF";
  if (const json::value* s = str("title"); s && (!s->is_string() || s->get_string().empty()))
    return ".title: expected a non-empty string";
  if (const json::value* r = str("required")) {
    if (!r->is_bool()) return ".required: expected true or false";
    a.required = r->get_bool();
  }
  if (const json::value* f = str("format")) {
    static constexpr std::string_view kFormats[] = {
        "country-code", "date-time", "email", "encrypted", "hashed",
        "language-code", "locale", "ref-id", "timezone", "uri"};
    std::string_view s = f->is_string() ? std::string_view(f->get_string()) : "";
    if (std::find(std::begin(kFormats), std::end(kFormats), s) == std::end(kFormats))
      return ".format: " + json::serialize(*f) + " is not one of the spec's formats";
    a.format = s;
  }
  return "";
}

}  // namespace

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

UserSchema::UserSchema() {
  for (const BaseProperty& p : kBase) {
    SchemaAttribute a;
    a.name = p.name;
    a.required = p.required;
    if (p.min_length) a.min_length = p.min_length;
    if (p.max_length) a.max_length = p.max_length;
    a.format = p.format;
    a.json = BaseJson(p);
    by_name_.emplace(a.name, attributes_.size());
    attributes_.push_back(std::move(a));
  }
}

std::optional<UserSchema> UserSchema::FromJson(std::string_view text, std::string* error) {
  auto fail = [&](std::string where, std::string what) -> std::optional<UserSchema> {
    *error = where.empty() ? what : where + ": " + what;
    return std::nullopt;
  };
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return fail("", "not valid JSON (" + ec.message() + ")");
  const json::object* top = root.if_object();
  if (!top) return fail("", "expected a JSON object (the answer of GET /api/v1/meta/schemas/user/default)");
  const json::value* defs = top->if_contains("definitions");
  if (!defs || !defs->is_object()) return fail("definitions", "missing or not an object");
  const json::value* custom = defs->get_object().if_contains("custom");
  if (!custom || !custom->is_object()) return fail("definitions.custom", "missing or not an object");
  const json::value* props = custom->get_object().if_contains("properties");
  if (!props || !props->is_object())
    return fail("definitions.custom.properties", "missing or not an object");

  UserSchema s;
  std::map<std::string, std::string> lower_names;  // lower-cased -> name, base and custom
  for (const SchemaAttribute& a : s.attributes_) lower_names.emplace(Lower(a.name), a.name);
  for (const auto& kv : props->get_object()) {
    const std::string where = "definitions.custom.properties." + std::string(kv.key());
    if (kv.key().empty()) return fail("definitions.custom.properties", "a property with an empty name");
    // The spec (UserSchemaPublic): names that differ only by case collide, a base name too.
    auto [it, fresh] = lower_names.emplace(Lower(kv.key()), std::string(kv.key()));
    if (!fresh)
      return fail(where, "collides with the " +
                             std::string(s.Find(it->second)->custom ? "custom" : "base") +
                             " property '" + it->second + "' (names differing only by case collide)");
    SchemaAttribute a;
    if (std::string what = ReadCustom(kv.key(), kv.value(), a); !what.empty()) {
      if (what.front() == '.') return fail("", where + what);
      return fail(where, what);
    }
    s.has_guarded_ |= a.mutability == Mutability::kReadOnly || a.mutability == Mutability::kImmutable;
    s.by_name_.emplace(a.name, s.attributes_.size());
    s.attributes_.push_back(std::move(a));
  }
  if (const json::value* req = custom->get_object().if_contains("required"); req && !req->is_null()) {
    if (!req->is_array()) return fail("definitions.custom.required", "expected an array of property names");
    for (const json::value& n : req->get_array()) {
      const json::string* name = n.if_string();
      auto pos = name ? s.by_name_.find(std::string_view(*name)) : s.by_name_.end();
      if (pos == s.by_name_.end() || !s.attributes_[pos->second].custom)
        return fail("definitions.custom.required",
                    json::serialize(n) + " is not a property of definitions.custom.properties");
      s.attributes_[pos->second].required = true;
    }
  }
  return s;
}

const SchemaAttribute* UserSchema::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &attributes_[it->second];
}

std::string UserSchema::ToJson(std::string_view origin, std::string_view schema_id) const {
  auto definition = [&](bool custom) {
    json::object properties;
    json::array required;
    for (const SchemaAttribute& a : attributes_) {
      if (a.custom != custom) continue;
      properties[a.name] = json::parse(a.json);
      if (a.required) required.emplace_back(a.name);
    }
    return json::object{{"id", custom ? "#custom" : "#base"},
                        {"type", "object"},
                        {"properties", std::move(properties)},
                        {"required", std::move(required)}};
  };
  const std::string path = "/meta/schemas/user/" + std::string(schema_id);
  json::object o;
  o["id"] = std::string(origin) + path;
  o["$schema"] = "http://json-schema.org/draft-04/schema#";
  o["name"] = "user";
  o["title"] = "Default Okta User";
  o["description"] = "Okta user profile template with default permission settings";
  o["lastUpdated"] = "2020-01-01T00:00:00.000Z";
  o["created"] = "2020-01-01T00:00:00.000Z";
  o["definitions"] = json::object{{"custom", definition(true)}, {"base", definition(false)}};
  o["type"] = "object";
  o["properties"] = json::object{
      {"profile", json::object{{"allOf", json::array{json::object{{"$ref", "#/definitions/custom"}},
                                                     json::object{{"$ref", "#/definitions/base"}}}}}}};
  o["_links"] = json::object{
      {"self", json::object{{"rel", "self"}, {"href", std::string(origin) + "/api/v1" + path},
                            {"method", "GET"}}}};
  return json::serialize(o);
}

namespace {

// Appends the causes of one present, non-null value of attribute `a`.
void CheckValue(const SchemaAttribute& a, const json::value& v, std::vector<Cause>& causes) {
  auto cause = [&](std::string message) { causes.push_back({a.name, std::move(message)}); };
  if (!OfType(v, a.type)) {
    // The base profile's required strings keep the wording okta-mock always gave them.
    if (!a.custom && a.required) return cause("Does not match required pattern");
    return cause("The value must be " + ExpectedPhrase(a) + ", not " + std::string(KindPhrase(v)));
  }
  if (a.type == AttributeType::kArray) {
    for (const json::value& item : v.get_array()) {
      if (!OfType(item, a.item_type))
        return cause("The value must be " + ExpectedPhrase(a) + ", not an array holding " +
                     std::string(KindPhrase(item)));
      if (!Allowed(a, item))
        return cause("The value " + json::serialize(item) +
                     " is not one of the allowed values: " + AllowedList(a.allowed));
    }
    return;
  }
  if (a.type == AttributeType::kString) {
    const std::string_view s = v.get_string();
    if (Trim(s).empty()) {
      if (a.required) return cause("The field cannot be left blank");
      if (a.allowed.empty() && !a.min_length) return;  // an empty optional string is no value
    }
    const std::size_t len = Utf8Length(s);
    // login's pattern is null by default: it must be an email address (the spec's
    // UserSchemaBaseProperties.login). Anything shorter than 5 characters is no email address.
    if (!a.custom && a.name == "login" && !LooksLikeEmail(s))
      return cause("Username must be in the form of an email address");
    if (a.format == "email" && !LooksLikeEmail(s)) return cause("Does not match required pattern");
    if (a.min_length && len < static_cast<std::size_t>(*a.min_length))
      return cause("The field is too short");
    if (a.max_length && len > static_cast<std::size_t>(*a.max_length))
      return cause("The field is too long");
    if (a.compiled && !boost::regex_match(s.begin(), s.end(), a.compiled->regex))
      return cause("Does not match required pattern");
  }
  if (!Allowed(a, v))
    cause("The value " + json::serialize(v) + " is not one of the allowed values: " +
          AllowedList(a.allowed));
}

}  // namespace

ProfileVerdict UserSchema::Check(const json::object& profile, const json::object* sent,
                                 const json::object* stored) const {
  ProfileVerdict verdict;
  std::vector<Cause>& causes = verdict.causes;
  // Required attributes first, in the schema's order (login, email, firstName, lastName, then
  // the custom ones): missing or null is blank.
  for (const SchemaAttribute& a : attributes_) {
    if (!a.required) continue;
    const json::value* v = profile.if_contains(a.name);
    if (!v || v->is_null()) {
      causes.push_back({a.name, "The field cannot be left blank"});
      continue;
    }
    CheckValue(a, *v, causes);
  }
  // Then every other property given; null clears an optional one.
  for (const auto& kv : profile) {
    const SchemaAttribute* a = Find(kv.key());
    if (!a) {
      verdict.unknown.emplace_back(kv.key());
      continue;
    }
    if (a->required || kv.value().is_null()) continue;
    CheckValue(*a, kv.value(), causes);
  }
  // Mutability, of what the request itself sets. READ_ONLY: no value on create, no change on
  // update (sending back the stored value, as a full replace of a fetched user does, is no
  // change). IMMUTABLE: set once, never changed.
  const json::object& set = sent ? *sent : profile;
  for (const auto& kv : set) {
    if (!has_guarded_) break;
    const SchemaAttribute* a = Find(kv.key());
    if (!a || (a->mutability != Mutability::kReadOnly && a->mutability != Mutability::kImmutable))
      continue;
    const json::value* old = stored ? stored->if_contains(kv.key()) : nullptr;
    const bool had = old && !old->is_null();
    const bool same = had ? *old == kv.value() : kv.value().is_null();
    if (a->mutability == Mutability::kReadOnly && !same)
      causes.push_back({a->name, "The property is read-only and cannot be set"});
    if (a->mutability == Mutability::kImmutable && had && !same)
      causes.push_back({a->name, "The property is immutable and cannot be changed once set"});
  }
  for (const auto& kv : profile) {
    if (HasFourByteUtf8(kv.value()) || HasFourByteUtf8(std::string_view(kv.key())))
      causes.push_back({std::string(kv.key()),
                        "The field contains characters outside the Basic Multilingual Plane "
                        "(4-byte UTF-8), which are not supported"});
  }
  return verdict;
}
}  // namespace okta_bulk::mock
