#include "pipeline/okta/profile_match.h"

#include <simdjson.h>

namespace okta_bulk {
namespace {

namespace dom = simdjson::dom;

bool Number(dom::element e, double* out) {
  switch (e.type()) {
    case dom::element_type::INT64:
      *out = static_cast<double>(e.get_int64().value_unsafe());
      return true;
    case dom::element_type::UINT64:
      *out = static_cast<double>(e.get_uint64().value_unsafe());
      return true;
    case dom::element_type::DOUBLE: *out = e.get_double().value_unsafe(); return true;
    default: return false;
  }
}

bool Same(dom::element a, dom::element b) {
  double x, y;
  if (Number(a, &x)) return Number(b, &y) && x == y;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case dom::element_type::STRING:
      return a.get_string().value_unsafe() == b.get_string().value_unsafe();
    case dom::element_type::BOOL: return a.get_bool().value_unsafe() == b.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE: return true;
    case dom::element_type::ARRAY: {
      dom::array p = a.get_array().value_unsafe(), q = b.get_array().value_unsafe();
      if (p.size() != q.size()) return false;
      auto i = p.begin(), j = q.begin();
      for (; i != p.end(); ++i, ++j)
        if (!Same(*i, *j)) return false;
      return true;
    }
    default: return false;  // objects: no profile attribute the updates send is one
  }
}

}  // namespace

bool ProfileAlreadyHolds(std::string_view user_body, std::string_view update_body) {
  std::vector<ProfileChange> changes;
  return ProfileChanges(user_body, update_body, &changes) && changes.empty();
}

bool ProfileChanges(std::string_view user_body, std::string_view update_body,
                    std::vector<ProfileChange>* changes) {
  // Two parsers: the update's elements are compared against the user's while both live.
  thread_local dom::parser user_parser, update_parser;
  dom::element user, update;
  if (user_parser.parse(user_body.data(), user_body.size()).get(user)) return false;
  if (update_parser.parse(update_body.data(), update_body.size()).get(update)) return false;
  dom::object have, want;
  if (user["profile"].get_object().get(have)) return false;
  if (update["profile"].get_object().get(want)) return false;
  for (auto [key, value] : want) {
    dom::element current;
    if (have.at_key(key).get(current)) {  // absent
      if (!value.is_null())
        changes->push_back({std::string(key), std::string(), simdjson::minify(value)});
      continue;
    }
    if (!Same(value, current))
      changes->push_back({std::string(key), simdjson::minify(current), simdjson::minify(value)});
  }
  return true;
}

}  // namespace okta_bulk
