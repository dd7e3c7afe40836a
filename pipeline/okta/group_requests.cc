#include "pipeline/okta/group_requests.h"

#include <simdjson.h>

#include "net/ascii.h"
#include "pipeline/okta/okta_json.h"

namespace okta_bulk {
namespace {

TaskRequest Make(std::string_view method, std::string target, std::string body = {}) {
  TaskRequest r;
  r.bucket = ClassifyRequest(method, target);
  r.http.method = method;
  r.http.target = std::move(target);
  r.http.body = std::move(body);
  return r;
}

// Reads one group object from `value` into `out`; false with `error` when it is not one.
bool ReadGroupValue(simdjson::ondemand::value value, GroupSummary* out, std::string* error) {
  simdjson::ondemand::object object;
  if (value.get_object().get(object)) {
    *error = "the answer is not a group (not a JSON object)";
    return false;
  }
  *out = GroupSummary{};
  bool have_id = false;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) break;
    simdjson::ondemand::value v;
    if (field.value().get(v)) break;
    std::string_view s;
    if (key == "id") {
      if (v.get_string().get(s)) break;
      out->id.assign(s);
      have_id = true;
    } else if (key == "type") {
      if (!v.get_string().get(s)) out->type.assign(s);
    } else if (key == "profile") {
      simdjson::ondemand::object p;
      if (v.get_object().get(p)) continue;
      for (auto pf : p) {
        std::string_view pk;
        if (pf.unescaped_key().get(pk)) break;
        simdjson::ondemand::value pv;
        if (pf.value().get(pv)) break;
        if (pk == "name" && !pv.get_string().get(s)) out->name.assign(s);
        else if (pk == "description" && !pv.get_string().get(s)) out->description.assign(s);
      }
    } else if (key == "_embedded") {
      simdjson::ondemand::object e;
      if (v.get_object().get(e)) continue;
      simdjson::ondemand::object stats;
      if (e.find_field_unordered("stats").get_object().get(stats)) continue;
      int64_t n;
      if (!stats.find_field_unordered("usersCount").get_int64().get(n)) out->users_count = n;
    }
  }
  if (!have_id) {
    *error = "the answer is not a group (no string \"id\")";
    return false;
  }
  return true;
}

}  // namespace

TaskRequest ListGroupsRequest(const GroupListQuery& query) {
  std::string target = "/api/v1/groups";
  char sep = '?';
  auto add = [&](std::string_view name, std::string_view value) {
    target.push_back(sep);
    sep = '&';
    target += name;
    target.push_back('=');
    target += UrlEncodeQueryValue(value);
  };
  if (!query.q.empty()) add("q", query.q);
  if (!query.search.empty()) add("search", query.search);
  if (!query.filter.empty()) add("filter", query.filter);
  if (!query.after.empty()) add("after", query.after);
  if (query.limit > 0) add("limit", std::to_string(query.limit));
  if (query.expand_stats) add("expand", "stats");
  return Make("GET", std::move(target));
}

std::string GroupNameSearch(std::string_view name) {
  std::string s = "profile.name eq \"";
  for (char c : name) {
    if (c == '"' || c == '\\') s.push_back('\\');
    s.push_back(c);
  }
  s.push_back('"');
  return s;
}

TaskRequest CreateGroupRequest(std::string body) {
  return Make("POST", "/api/v1/groups", std::move(body));
}

TaskRequest RemoveFromGroupRequest(std::string_view group_id, std::string_view user_id) {
  return Make("DELETE", "/api/v1/groups/" + UrlEncodePathSegment(group_id) + "/users/" +
                            UrlEncodePathSegment(user_id));
}

TaskRequest ListUserGroupsRequest(std::string_view id_or_login) {
  return Make("GET", "/api/v1/users/" + UrlEncodePathSegment(id_or_login) + "/groups");
}

bool ReadGroup(std::string_view body, GroupSummary* out, std::string* error) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::value value;
  if (parser.iterate(padded).get(doc) || doc.get_value().get(value)) {
    *error = "the answer is not JSON";
    return false;
  }
  return ReadGroupValue(value, out, error);
}

bool ReadGroupList(std::string_view body, std::vector<GroupSummary>* out, std::string* error) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::array array;
  if (parser.iterate(padded).get(doc) || doc.get_array().get(array)) {
    *error = "the answer is not a JSON array of groups";
    return false;
  }
  for (auto element : array) {
    simdjson::ondemand::value v;
    if (element.get(v)) {
      *error = "the answer is not a JSON array of groups";
      return false;
    }
    GroupSummary g;
    if (!ReadGroupValue(v, &g, error)) return false;
    out->push_back(std::move(g));
  }
  return true;
}

bool SameGroupName(std::string_view a, std::string_view b) { return EqualsIgnoreCase(a, b); }

}  // namespace okta_bulk
