#include "tools/okta_mock/mock_groups.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/json.hpp>

#include "net/json_text.h"
#include "net/url_encoding.h"
#include "tools/okta_mock/mock_filter.h"
#include "tools/okta_mock/mock_time.h"

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

// 2020-01-01T00:00:00Z: when the groups okta-mock starts with were "created".
const TimePoint kSeeded = TimePoint(std::chrono::seconds(1577836800));

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

constexpr int64_t kMaxLimit = 10000;  // listGroups `limit`: maximum 10000 (the older spec: default 10000)
constexpr int64_t kQueryLimit = 300;  // "The default limit for a query is 300 results"

}  // namespace

// A parsed search or filter expression and the attributes it may name.
struct MockGroups::Filter {
  std::unique_ptr<Expr> expr;

  // The value of `attr` on `g` as a string, or nullopt when the group has none.
  static std::optional<std::string> Attr(const MockGroup& g, const std::string& attr) {
    if (attr == "id") return g.id;
    if (attr == "type") return g.type;
    if (attr == "created") return IsoMillis(g.created);
    if (attr == "lastUpdated") return IsoMillis(g.last_updated);
    if (attr == "lastMembershipUpdated") return IsoMillis(g.last_membership_updated);
    if (attr == "profile.name") return g.name;
    if (attr == "profile.description") return g.description;
    if (attr.starts_with("profile.") && !g.custom_json.empty()) {
      boost::system::error_code ec;
      json::value v = json::parse("{" + g.custom_json.substr(1) + "}", ec);
      if (ec || !v.is_object()) return std::nullopt;
      const json::value* a = v.get_object().if_contains(attr.substr(8));
      if (!a || a->is_null()) return std::nullopt;
      if (a->is_string()) return std::string(a->get_string());
      return json::serialize(*a);
    }
    return std::nullopt;
  }

  // Values compare case-insensitively (contract §4: "operators and values are not").
  static bool Matches(const Expr& e, const MockGroup& g) {
    if (e.kind == Expr::kAnd) return Matches(*e.lhs, g) && Matches(*e.rhs, g);
    if (e.kind == Expr::kOr) return Matches(*e.lhs, g) || Matches(*e.rhs, g);
    std::optional<std::string> v = Attr(g, e.attr);
    if (e.op == "pr") return v.has_value() && !v->empty();
    if (!v) return false;
    return CompareLowered(e.op, LowerAscii(*v), LowerAscii(e.value));
  }

  // Whether every comparison is one the parameter supports. search: any property but
  // _embedded, _links and objectClass; `co` only on profile.name and profile.description.
  // filter: only id, type, lastUpdated, lastMembershipUpdated, with eq (the dates also
  // gt/ge/lt/le).
  static bool Supported(const Expr& e, bool is_filter) {
    if (e.kind != Expr::kCompare) return Supported(*e.lhs, is_filter) && Supported(*e.rhs, is_filter);
    const bool date = e.attr == "created" || e.attr == "lastUpdated" ||
                      e.attr == "lastMembershipUpdated";
    if (is_filter) {
      const bool known = e.attr == "id" || e.attr == "type" || e.attr == "lastUpdated" ||
                         e.attr == "lastMembershipUpdated";
      if (!known) return false;
      return e.op == "eq" || (date && (e.op == "gt" || e.op == "ge" || e.op == "lt" || e.op == "le"));
    }
    if (e.attr.starts_with("_embedded") || e.attr.starts_with("_links") || e.attr == "objectClass")
      return false;
    if (e.op == "co") return e.attr == "profile.name" || e.attr == "profile.description";
    return true;
  }
};

MockGroups::MockGroups(const std::string& base_url, ErrorFn error, RandomFn random)
    : base_url_(base_url), error_(std::move(error)), random_(std::move(random)) {
  MockGroup everyone;
  everyone.id = "00g" + random_(17);
  everyone.name = "Everyone";
  everyone.description = "All users in your organization";
  everyone.type = "BUILT_IN";
  everyone.created = everyone.last_updated = everyone.last_membership_updated = kSeeded;
  Add(std::move(everyone));
}

void MockGroups::Add(MockGroup g) {
  by_id_.emplace(g.id, groups_.size());
  by_name_.emplace(LowerAscii(g.name), groups_.size());
  groups_.push_back(std::move(g));
}

bool MockGroups::AddSeeded(std::string id, std::string name) {
  if (by_id_.count(id) || by_name_.count(LowerAscii(name))) return false;
  MockGroup g;
  g.id = std::move(id);
  g.name = std::move(name);
  g.type = "OKTA_GROUP";
  g.created = g.last_updated = g.last_membership_updated = kSeeded;
  Add(std::move(g));
  return true;
}

bool MockGroups::AddSeededNamed(std::string name) {
  std::string id;
  do id = "00g" + random_(17);
  while (by_id_.count(id));
  return AddSeeded(std::move(id), std::move(name));
}

void MockGroups::AddSeededDuplicate(std::string name) {
  std::string id;
  do id = "00g" + random_(17);
  while (by_id_.count(id));
  MockGroup g;
  g.id = std::move(id);
  g.name = std::move(name);
  g.type = "OKTA_GROUP";
  g.created = g.last_updated = g.last_membership_updated = kSeeded;
  Add(std::move(g));  // by_name_.emplace keeps the first group of the name
}

const MockGroup* MockGroups::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &groups_[it->second];
}

MockResponse MockGroups::Json(int status, std::string body) const {
  MockResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

void MockGroups::AppendJson(std::string& b, const MockGroup& g, const int64_t* users_count) const {
  b += "{\"id\":\"";
  b += g.id;
  b += "\",\"created\":\"";
  AppendIsoMillis(b, g.created);
  b += "\",\"lastUpdated\":\"";
  AppendIsoMillis(b, g.last_updated);
  b += "\",\"lastMembershipUpdated\":\"";
  AppendIsoMillis(b, g.last_membership_updated);
  b += "\",\"objectClass\":[\"okta:user_group\"],\"type\":\"";
  b += g.type;
  b += "\",\"profile\":{\"name\":";
  AppendJsonString(&b, g.name);
  b += ",\"description\":";
  AppendJsonString(&b, g.description);
  b += g.custom_json;
  b += "}";
  if (users_count) {
    b += ",\"_embedded\":{\"stats\":{\"usersCount\":";
    b += std::to_string(*users_count);
    b += ",\"appsCount\":0,\"groupPushMappingsCount\":0,\"hasAdminPrivilege\":false}}";
  }
  const std::string self = base_url_ + "/api/v1/groups/" + g.id;
  b += ",\"_links\":{\"logo\":[],\"self\":{\"href\":\"" + self + "\"},\"apps\":{\"href\":\"" +
       self + "/apps\"},\"users\":{\"href\":\"" + self + "/users\"}}}";
}

MockResponse MockGroups::List(const Query& q, TimePoint, const CountFn& counts) {
  const std::string* query = q.Get("q");
  int64_t limit = query ? kQueryLimit : kMaxLimit;
  if (const std::string* l = q.Get("limit")) {
    try {
      limit = std::clamp<int64_t>(std::stoll(*l), 1, kMaxLimit);
    } catch (...) {
      return error_(400, "E0000029", "Invalid paging request.", {});
    }
  }
  std::string extra;  // carried into the links
  Filter search, filter;
  for (auto [name, f] : {std::pair{"search", &search}, std::pair{"filter", &filter}}) {
    const std::string* text = q.Get(name);
    if (!text) continue;
    ExprParser p{*text};
    f->expr = p.Or();
    p.Skip();
    if (!p.ok || p.pos != text->size() || !Filter::Supported(*f->expr, f == &filter))
      return error_(400, "E0000031", "Invalid search criteria.", {});
    extra += "&" + std::string(name) + "=" + PercentEncode(*text);
  }
  const std::string* expand = q.Get("expand");
  const bool stats = expand && *expand == "stats";
  if (expand) extra += "&expand=" + PercentEncode(*expand);
  std::size_t start = 0;
  if (const std::string* after = q.Get("after")) {
    auto it = by_id_.find(*after);
    if (it == by_id_.end()) return error_(400, "E0000029", "Invalid paging request.", {});
    start = it->second + 1;
  }
  std::unordered_map<std::string, int64_t> count_of;
  if (stats) count_of = counts();
  const std::string prefix = query ? LowerAscii(*query) : std::string();

  std::string b = "[";
  int64_t n = 0;
  bool more = false;
  std::string last_id;
  for (std::size_t i = start; i < groups_.size(); ++i) {
    const MockGroup& g = groups_[i];
    if (query && !LowerAscii(g.name).starts_with(prefix)) continue;
    if (search.expr && !Filter::Matches(*search.expr, g)) continue;
    if (filter.expr && !Filter::Matches(*filter.expr, g)) continue;
    if (n == limit) {
      more = true;
      break;
    }
    if (n++) b.push_back(',');
    int64_t users = 0;
    if (stats) {
      auto c = count_of.find(g.id);
      users = c == count_of.end() ? 0 : c->second;
    }
    AppendJson(b, g, stats ? &users : nullptr);
    last_id = g.id;
  }
  b.push_back(']');
  MockResponse r = Json(200, std::move(b));
  const std::string url = base_url_ + "/api/v1/groups";
  const std::string lim = std::to_string(limit);
  if (query) extra = "&q=" + PercentEncode(*query) + extra;
  r.headers.emplace_back("link", "<" + url + "?limit=" + lim + extra + ">; rel=\"self\"");
  // "Paging and searching are currently mutually exclusive. You can't page a query."
  if (more && !query)
    r.headers.emplace_back("link", "<" + url + "?after=" + last_id + "&limit=" + lim + extra +
                                       ">; rel=\"next\"");
  return r;
}

MockResponse MockGroups::Create(std::string_view body, TimePoint now) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object())
    return error_(400, "E0000003", "The request body was not well-formed.", {});
  const json::value* profile = v.get_object().if_contains("profile");
  if (!profile || !profile->is_object())
    return error_(400, "E0000001", "Api validation failed: name",
                  {"name: The field cannot be left blank"});
  const json::object& p = profile->get_object();
  MockGroup g;
  g.type = "OKTA_GROUP";
  std::vector<std::string> causes;
  std::string first;
  auto cause = [&](std::string_view field, std::string_view message) {
    if (first.empty()) first = field;
    causes.push_back(std::string(field) + ": " + std::string(message));
  };
  const json::value* name = p.if_contains("name");
  if (!name || name->is_null() || (name->is_string() && name->get_string().empty()))
    cause("name", "The field cannot be left blank");
  else if (!name->is_string())
    cause("name", "Does not match the type string");
  else
    g.name.assign(name->get_string());
  if (const json::value* d = p.if_contains("description"); d && !d->is_null()) {
    if (!d->is_string()) cause("description", "Does not match the type string");
    else g.description.assign(d->get_string());
  }
  if (causes.empty() && by_name_.count(LowerAscii(g.name)))
    cause("name", "An object with this field already exists in the current organization");
  if (!causes.empty()) return error_(400, "E0000001", "Api validation failed: " + first, causes);
  for (const auto& kv : p) {
    if (kv.key() == "name" || kv.key() == "description") continue;
    g.custom_json += ",";
    AppendJsonString(&g.custom_json, kv.key());
    g.custom_json += ":" + json::serialize(kv.value());
  }
  do g.id = "00g" + random_(17);
  while (by_id_.count(g.id));
  g.created = g.last_updated = g.last_membership_updated = now;
  Add(std::move(g));
  std::string b;
  AppendJson(b, groups_.back(), nullptr);
  return Json(200, std::move(b));
}

MockResponse MockGroups::Get(std::string_view id) {
  const MockGroup* g = Find(id);
  if (!g)
    return error_(404, "E0000007",
                  "Not found: Resource not found: " + std::string(id) + " (UserGroup)", {});
  std::string b;
  AppendJson(b, *g, nullptr);
  return Json(200, std::move(b));
}

MockResponse MockGroups::ListOfUser(const std::vector<std::string>& member_of) {
  std::string b = "[";
  AppendJson(b, groups_.front(), nullptr);
  for (const std::string& id : member_of) {
    if (const MockGroup* g = Find(id)) {
      b.push_back(',');
      AppendJson(b, *g, nullptr);
    }
  }
  b.push_back(']');
  return Json(200, std::move(b));
}

MockResponse MockGroups::ChangeMembership(std::string_view gid, bool add,
                                          std::vector<std::string>& member_of, TimePoint now) {
  auto it = by_id_.find(std::string(gid));
  if (it == by_id_.end())
    return error_(404, "E0000007",
                  "Not found: Resource not found: " + std::string(gid) + " (UserGroup)", {});
  MockGroup& g = groups_[it->second];
  if (g.type != "OKTA_GROUP")
    return error_(403, "E0000006", "You do not have permission to perform the requested action",
                  {});
  auto m = std::find(member_of.begin(), member_of.end(), g.id);
  if (add && m == member_of.end()) {
    member_of.push_back(g.id);
    g.last_membership_updated = now;
  } else if (!add && m != member_of.end()) {
    member_of.erase(m);
    g.last_membership_updated = now;
  }
  MockResponse r;
  r.status = 204;
  return r;
}

}  // namespace okta_bulk::mock
