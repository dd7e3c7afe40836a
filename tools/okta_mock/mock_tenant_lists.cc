// okta-mock's lists and searches (filter, search, q=, paging), a group's members, and the
// test-only endpoints (/__stats, /__users); members of MockTenant::Impl.
#include "tools/okta_mock/mock_tenant_impl.h"

namespace okta_bulk::mock {

// ---- list and search -----------------------------------------------------------------------

// `limit` from the query: `max` when absent, clamped to 1..`max`; false (and 400
// E0000029 in *error) when it is not a number.
bool MockTenant::Impl::PageLimit(const Query& q, int64_t max, int64_t* limit, MockResponse* error) {
  *limit = max;
  if (const std::string* l = q.Get("limit")) {
    try {
      *limit = std::clamp<int64_t>(std::stoll(*l), 1, max);
    } catch (...) {
      *error = Error(400, "E0000029", "Invalid paging request.");
      return false;
    }
  }
  return true;
}

// One page of users in creation order, after the query's `after` cursor (a user id), of the
// visible ones `keep` accepts, with the self and next links Okta sends: `list_url` is the
// list's URL up to its `?`, `extra` the query parameters carried into both links.
template <class Keep>
MockResponse MockTenant::Impl::UserPage(const Query& q, TimePoint now, int64_t limit,
                                        const std::string& list_url, const std::string& extra,
                                        Keep keep) {
  std::size_t start = 0;
  if (const std::string* after = q.Get("after")) {
    std::optional<std::size_t> pos = by_id.find(*after);
    if (!pos) return Error(400, "E0000029", "Invalid paging request.");
    start = *pos + 1;
  }
  std::string b = "[";
  int64_t n = 0;
  std::string last_id;
  bool more = false;
  for (std::size_t i = start; i < users.size(); ++i) {
    const User& u = users[i];
    if (u.deleted || now < u.visible_at || !keep(u)) continue;
    if (n == limit) {
      more = true;
      break;
    }
    if (n++) b.push_back(',');
    AppendUserJson(b, u);
    last_id = u.id;
  }
  b.push_back(']');
  MockResponse r = Json(200, std::move(b));
  std::string lim = std::to_string(limit);
  r.headers.emplace_back("link", "<" + list_url + "?limit=" + lim + extra + ">; rel=\"self\"");
  if (more)
    r.headers.emplace_back("link", "<" + list_url + "?after=" + last_id + "&limit=" + lim +
                                       extra + ">; rel=\"next\"");
  return r;
}

// GET /api/v1/users?q=: a starts-with match, ignoring case, on firstName, lastName, email
// and login (contract §4); `limit` 10 by default (at most 200), no pagination: one page,
// with a self link and never a next one. DEPROVISIONED users are left out, as in a list
// without filter or search.
MockResponse MockTenant::Impl::QuickSearch(const std::string& text, const Query& q, TimePoint now) {
  int64_t limit = 10;
  if (const std::string* l = q.Get("limit")) {
    try {
      limit = std::clamp<int64_t>(std::stoll(*l), 1, 200);
    } catch (...) {
      return Error(400, "E0000029", "Invalid paging request.");
    }
  }
  const std::string prefix = Lower(text);
  std::string b = "[";
  int64_t n = 0;
  for (const User& u : users) {
    if (n == limit) break;
    if (u.deleted || now < u.visible_at || u.status == "DEPROVISIONED") continue;
    json::object profile = json::parse(u.profile_json).as_object();
    bool match = false;
    for (std::string_view attr : {"firstName", "lastName", "email", "login"}) {
      const json::value* v = profile.if_contains(attr);
      if (v && v->is_string() && Lower(v->get_string()).starts_with(prefix)) match = true;
    }
    if (!match) continue;
    if (n++) b.push_back(',');
    AppendUserJson(b, u);
  }
  b.push_back(']');
  MockResponse r = Json(200, std::move(b));
  r.headers.emplace_back("link", "<" + base_url + "/api/v1/users?limit=" + std::to_string(limit) +
                                     "&q=" + PercentEncode(text) + ">; rel=\"self\"");
  return r;
}

MockResponse MockTenant::Impl::ListUsers(const Query& q, TimePoint now) {
  if (const std::string* text = q.Get("q")) return QuickSearch(*text, q, now);
  int64_t limit;
  MockResponse error;
  if (!PageLimit(q, 200, &limit, &error)) return error;
  std::string extra;  // filter/search carried into the links
  std::unique_ptr<Expr> expr;
  for (std::string_view name : {"filter", "search"}) {
    if (const std::string* f = q.Get(name)) {
      ExprParser p{*f};
      expr = p.Or();
      p.Skip();
      if (!p.ok || p.pos != f->size()) return Error(400, "E0000031", "Invalid search criteria.");
      extra = "&" + std::string(name) + "=" + PercentEncode(*f);
      break;
    }
  }
  return UserPage(q, now, limit, base_url + "/api/v1/users", extra, [&](const User& u) {
    std::optional<json::object> profile;
    return expr ? Matches(*expr, u, type_id, profile) : u.status != "DEPROVISIONED";
  });
}

// ---- groups --------------------------------------------------------------------------------

// GET /api/v1/groups/{id}/users: the group's members in creation order, `limit` (default
// 1000, at most 1000) per page, paged through link rel="next" with after=<last user id>
// like the users list.
MockResponse MockTenant::Impl::ListGroupMembers(const std::string& gid, const Query& q,
                                                TimePoint now) {
  int64_t limit;
  MockResponse error;
  if (!PageLimit(q, 1000, &limit, &error)) return error;
  return UserPage(q, now, limit, base_url + "/api/v1/groups/" + gid + "/users", "",
                  [&](const User& u) {
                    return gid == groups.everyone_id() ||
                           std::find(u.group_ids.begin(), u.group_ids.end(), gid) !=
                               u.group_ids.end();
                  });
}

// Every group's member count, for GET /api/v1/groups?expand=stats.
std::unordered_map<std::string, int64_t> MockTenant::Impl::GroupMemberCounts(TimePoint now) {
  std::unordered_map<std::string, int64_t> counts;
  int64_t all = 0;
  for (const User& u : users) {
    if (u.deleted || now < u.visible_at) continue;
    ++all;
    for (const std::string& g : u.group_ids) ++counts[g];
  }
  counts[groups.everyone_id()] = all;
  return counts;
}

// /api/v1/groups...: the group endpoints (mock_groups.h); the member list and membership
// changes here, where the users are.
MockResponse MockTenant::Impl::RouteGroups(const MockRequest& req,
                                           const std::vector<std::string_view>& seg, const Query& q,
                                           TimePoint now) {
  std::string_view m = req.method;
  auto method_not_allowed = [&] {
    return Error(405, "E0000022", "The endpoint does not support the provided HTTP method");
  };
  if (seg.size() == 1) {
    if (m == "GET") return groups.List(q, now, [&] { return GroupMemberCounts(now); });
    if (m == "POST") return groups.Create(req.body, now);
    return method_not_allowed();
  }
  std::string gid = UrlDecode(seg[1], false);
  if (seg.size() == 2) {
    if (m != "GET") return method_not_allowed();
    return groups.Get(gid);
  }
  if (seg.size() == 3 && seg[2] == "users") {
    if (m != "GET") return method_not_allowed();
    if (!groups.Find(gid)) return NotFound(gid, "UserGroup");
    return ListGroupMembers(gid, q, now);
  }
  if (seg.size() == 4 && seg[2] == "users") {
    if (m != "PUT" && m != "DELETE") return method_not_allowed();
    if (!groups.Find(gid)) return NotFound(gid, "UserGroup");
    std::string uid = UrlDecode(seg[3], false);
    User* u = FindUser(uid, now);
    if (!u) return NotFound(uid, "User");
    return groups.ChangeMembership(gid, m == "PUT", u->group_ids, now);
  }
  return Error(404, "E0000008", "The requested path was not found");
}

// ---- test-only endpoints -------------------------------------------------------------------

MockResponse MockTenant::Impl::Stats() {
  std::string b = "{\"requests\":{";
  auto counts = [&](const std::array<int64_t, kBucketCount>& a) {
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      if (i) b.push_back(',');
      b += "\"";
      b += BucketName(kAllBuckets[i]);
      b += "\":";
      b += std::to_string(a[i]);
    }
  };
  counts(requests);
  b += "},\"rate_limited\":{";
  counts(rate_limited);
  b += "},\"concurrency_rejected\":" + std::to_string(concurrency_rejected);
  b += ",\"max_in_flight\":" + std::to_string(max_in_flight);
  b += ",\"users_created\":" + std::to_string(users_created);
  b += ",\"requests_total\":" + std::to_string(requests_total);
  b += ",\"conditional_updates\":" + std::to_string(conditional_updates);
  b += ",\"precondition_failed\":" + std::to_string(precondition_failed);
  b += ",\"changes_on_get\":" + std::to_string(changes_on_get);
  const MockOAuthStats& o = oauth.stats();
  b += ",\"oauth\":{\"token_requests\":" + std::to_string(o.token_requests) +
       ",\"tokens_issued\":" + std::to_string(o.tokens_issued) +
       ",\"dpop_tokens_issued\":" + std::to_string(o.dpop_tokens_issued) +
       ",\"token_errors\":" + std::to_string(o.token_errors) +
       ",\"api_rejected\":" + std::to_string(o.api_rejected) + "}";
  b += "}";
  return Json(200, std::move(b));
}

MockResponse MockTenant::Impl::DumpUsers() {
  std::string b;
  b.reserve(users.size() * 400 + 2);
  b.push_back('[');
  bool first = true;
  for (const User& u : users) {
    if (u.deleted) continue;
    if (!first) b.push_back(',');
    first = false;
    b += "{\"id\":\"";
    b += u.id;
    b += "\",\"login\":";
    AppendJsonString(b, u.login);
    b += ",\"status\":\"";
    b += u.status;
    b += "\",\"created\":\"";
    b += IsoMillis(u.created);
    b += "\",\"profile\":";
    b += u.profile_json;
    b += ",\"groupIds\":[";
    for (std::size_t i = 0; i < u.group_ids.size(); ++i) {
      if (i) b.push_back(',');
      AppendJsonString(b, u.group_ids[i]);
    }
    b += "],\"credential\":\"";
    b += CredentialName(u.credential);
    b += "\"";
    if (u.credential == Credential::kHash) {
      b += ",\"hash\":";
      b += u.hash_json;
    }
    b += "}";
  }
  b.push_back(']');
  return Json(200, std::move(b));
}

}  // namespace okta_bulk::mock
