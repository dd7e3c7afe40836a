// MockTenant proper: the tenant's ids and answers, routing and admission (authentication,
// rate limits, concurrency, faults). Its state is MockTenant::Impl (mock_tenant_impl.h); the
// user endpoints are in mock_tenant_users.cc, lists and searches in mock_tenant_lists.cc.
#include "tools/okta_mock/mock_tenant_impl.h"

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

MockTenant::Impl::Impl(const MockOptions& o)
    : opt(o),
      windows(o.limits, std::chrono::duration<double>(o.window_s), o.token_share),
      rng(o.seed ? *o.seed : std::random_device{}()),
      skew(o.clock_skew_s) {
  type_id = "oty" + RandomAlnum(17);
  schema_id = "osc" + type_id.substr(3);
  if (!o.schema_json.empty()) {
    std::string error;
    std::optional<UserSchema> s = UserSchema::FromJson(o.schema_json, &error);
    if (!s) throw std::invalid_argument("--schema " + o.schema_file + ": " + error);
    schema = std::move(*s);
  }
  admin.id = "00u" + RandomAlnum(17);
  admin.login = "okta-mock.admin@example.com";
  admin.status = "ACTIVE";
  admin.created = admin.status_changed = admin.last_updated = TimePoint{};
  admin.activated = admin.password_changed = TimePoint{};
  admin.credential = Credential::kPassword;
  admin.profile_json = R"({"login":"okta-mock.admin@example.com","email":"okta-mock.admin@example.com",)"
                       R"("firstName":"Okta","lastName":"Admin"})";
  request_id_prefix = RandomAlnum(16);
  for (std::size_t i = 0; i < o.groups.size(); ++i)
    groups.AddSeeded(o.groups[i], "Mock group " + std::to_string(i + 1));
  for (const std::string& name : o.group_names) groups.AddSeededNamed(name);
  for (const std::string& name : o.duplicate_group_names) groups.AddSeededDuplicate(name);
}

std::string MockTenant::Impl::RandomAlnum(std::size_t n) {
  std::string s(n, ' ');
  for (auto& c : s) c = kAlnum[rng() % 62];
  return s;
}

std::string MockTenant::Impl::NextRequestId() {
  // Unique per process: a random prefix plus the sequence number scrambled by an odd
  // multiplier (a bijection on 64 bits), in 11 base-62 digits (62^11 > 2^64). 27 chars,
  // like real ids ("Ydy0LwmSNI62dm8LZIdTzgAACb0").
  std::string id = request_id_prefix;
  uint64_t n = ++request_seq * 0x9E3779B97F4A7C15ull;
  char digits[11];
  for (int i = 10; i >= 0; --i) {
    digits[i] = kAlnum[n % 62];
    n /= 62;
  }
  id.append(digits, 11);
  return id;
}

// ---- response builders -------------------------------------------------------------------

MockResponse MockTenant::Impl::Json(int status, std::string body) {
  MockResponse r;
  r.headers.reserve(8);
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

MockResponse MockTenant::Impl::Error(int status, std::string_view code, std::string_view summary,
                                     const std::vector<std::string>& causes) {
  std::string b;
  b.reserve(256);
  b += "{\"errorCode\":\"";
  b += code;
  b += "\",\"errorSummary\":";
  AppendJsonString(b, summary);
  b += ",\"errorLink\":\"";
  b += code;
  b += "\",\"errorId\":\"oae";
  b += RandomAlnum(22);
  b += "\",\"errorCauses\":[";
  for (std::size_t i = 0; i < causes.size(); ++i) {
    if (i) b.push_back(',');
    b += "{\"errorSummary\":";
    AppendJsonString(b, causes[i]);
    b.push_back('}');
  }
  b += "]}";
  return Json(status, std::move(b));
}

MockResponse MockTenant::Impl::ValidationError(const std::vector<Cause>& causes) {
  std::vector<std::string> texts;
  for (const Cause& c : causes) texts.push_back(c.field + ": " + c.message);
  return Error(400, "E0000001", "Api validation failed: " + causes.front().field, texts);
}

// 400 E0000001 for profile properties the schema does not define. `body_name` names the
// request body: "newUser" on create (the wording users of Okta's SDKs report), "user" on
// update (ASSUMED: the spec's request body name of updateUser and replaceUser).
MockResponse MockTenant::Impl::UnknownProperties(std::string_view body_name,
                                                 const std::vector<std::string>& names) {
  std::vector<std::string> texts;
  for (const std::string& n : names)
    texts.push_back("Property name '" + n + "' is not defined in profile");
  return Error(400, "E0000001", "Api validation failed: " + std::string(body_name), texts);
}

MockResponse MockTenant::Impl::NotFound(std::string_view what, std::string_view type) {
  return Error(404, "E0000007",
               "Not found: Resource not found: " + std::string(what) + " (" + std::string(type) + ")");
}

MockResponse MockTenant::Impl::RateLimited() {
  return Error(429, "E0000047", "API call exceeded rate limit due to too many requests.");
}

void MockTenant::Impl::AddCommonHeaders(MockResponse& r, TimePoint server_now, int64_t limit,
                                        int64_t remaining, int64_t reset) {
  r.headers.emplace_back("Date", HttpDate(server_now));
  r.headers.emplace_back("x-okta-request-id", NextRequestId());
  r.headers.emplace_back("x-rate-limit-limit", std::to_string(limit));
  r.headers.emplace_back("x-rate-limit-remaining", std::to_string(remaining));
  r.headers.emplace_back("x-rate-limit-reset", std::to_string(reset));
}

// ---- users ---------------------------------------------------------------------------------

User* MockTenant::Impl::FindUser(std::string_view id_or_login, TimePoint now) {
  std::string key(id_or_login);
  std::size_t idx;
  if (auto i = by_id.find(key)) {
    idx = *i;
  } else if (auto j = by_login.find(LoginKey(key))) {
    idx = *j;
  } else {
    return nullptr;
  }
  User& u = users[idx];
  if (u.deleted || now < u.visible_at) return nullptr;
  return &u;
}

void MockTenant::Impl::AppendUserJson(std::string& b, const User& u) {
  auto opt_time = [&](const std::optional<TimePoint>& t) {
    if (t) {
      b.push_back('"');
      AppendIsoMillis(b, *t);
      b.push_back('"');
    } else {
      b += "null";
    }
  };
  b += "{\"id\":\"";
  b += u.id;
  b += "\",\"status\":\"";
  b += u.status;
  b += "\",\"created\":\"";
  AppendIsoMillis(b, u.created);
  b += "\",\"activated\":";
  opt_time(u.activated);
  b += ",\"statusChanged\":";
  opt_time(u.status == "STAGED" ? std::nullopt : std::optional<TimePoint>(u.status_changed));
  b += ",\"lastLogin\":null,\"lastUpdated\":\"";
  AppendIsoMillis(b, u.last_updated);
  b += "\",\"passwordChanged\":";
  opt_time(u.password_changed);
  b += ",\"type\":{\"id\":\"";
  b += type_id;
  b += "\"},\"profile\":";
  b += u.profile_json;
  b += ",\"credentials\":{";
  if (u.credential == Credential::kPassword || u.credential == Credential::kHash)
    b += "\"password\":{},";
  if (u.credential == Credential::kHash)
    b += "\"provider\":{\"type\":\"IMPORT\",\"name\":\"IMPORT\"}}";
  else
    b += "\"provider\":{\"type\":\"OKTA\",\"name\":\"OKTA\"}}";
  b += ",\"_links\":{\"self\":{\"href\":\"";
  b += base_url;
  b += "/api/v1/users/";
  b += u.id;
  b += "\"}}}";
}

MockResponse MockTenant::Impl::UserResponse(const User& u) {
  std::string b;
  b.reserve(640 + 2 * base_url.size() + u.profile_json.size());
  AppendUserJson(b, u);
  return Json(200, std::move(b));
}

// Parses `body` into the per-request arena; nullptr unless it is one JSON object.
json::object* MockTenant::Impl::ParseBodyObject(std::string_view body) {
  body_value = nullptr;
  parse_arena.release();
  parser.reset(json::storage_ptr(&parse_arena));
  boost::system::error_code ec;
  parser.write(body.data(), body.size(), ec);
  if (ec) return nullptr;
  body_value = parser.release();
  return body_value.is_object() ? &body_value.get_object() : nullptr;
}

MockResponse MockTenant::Impl::Malformed() {
  return Error(400, "E0000003", "The request body was not well-formed.");
}

// ---- dispatch ------------------------------------------------------------------------------

MockResponse MockTenant::Impl::Route(const MockRequest& req, std::string_view path, const Query& q,
                                     TimePoint now) {
  std::string_view m = req.method;
  std::vector<std::string_view> seg;
  std::string_view rest = path.substr(std::string_view("/api/v1/").size());
  while (!rest.empty()) {
    std::size_t p = rest.find('/');
    seg.push_back(rest.substr(0, p));
    if (p == std::string_view::npos) break;
    rest.remove_prefix(p + 1);
  }
  auto method_not_allowed = [&] {
    return Error(405, "E0000022", "The endpoint does not support the provided HTTP method");
  };
  if (!seg.empty() && seg[0] == "users") {
    if (seg.size() == 1) {
      if (m == "POST") return CreateUser(q, req.body, now);
      if (m == "GET") return ListUsers(q, now);
      return method_not_allowed();
    }
    if (seg.size() == 2 && seg[1] == "me") {  // the token's owner (contract §4)
      if (m != "GET") return method_not_allowed();
      return UserResponse(admin);
    }
    std::string key = UrlDecode(seg[1], false);
    if (seg.size() == 2) {
      if (m != "GET" && m != "POST" && m != "PUT" && m != "DELETE") return method_not_allowed();
      User* u = FindUser(key, now);
      if (!u) return NotFound(key, "User");
      if (m == "DELETE") return DeleteUser(*u, now);
      return UserAnswer(req, *u, now);
    }
    if (seg.size() == 3 && seg[2] == "groups") {  // listUserGroups (mock_groups.h)
      if (m != "GET") return method_not_allowed();
      User* u = FindUser(key, now);
      if (!u) return NotFound(key, "User");
      return groups.ListOfUser(u->group_ids);
    }
    if (seg.size() == 4 && seg[2] == "lifecycle") {
      if (m != "POST") return method_not_allowed();
      User* u = FindUser(key, now);
      if (!u) return NotFound(key, "User");
      return Lifecycle(*u, seg[3], q, now);
    }
  } else if (seg.size() == 4 && seg[0] == "meta" && seg[1] == "schemas" && seg[2] == "user") {
    // GET /api/v1/meta/schemas/user/{schemaId}: `default` or the default type's schema id
    // (the spec's pathSchemaId). The schema is read-only here: POST is not imitated.
    std::string id = UrlDecode(seg[3], false);
    if (id != "default" && id != schema_id) return NotFound(id, "UserSchema");
    if (m != "GET") return method_not_allowed();
    return Json(200, schema.ToJson(Origin(req), schema_id));
  } else if (!seg.empty() && seg[0] == "groups") {
    return RouteGroups(req, seg, q, now);
  }
  return Error(404, "E0000008", "The requested path was not found");
}

// "http://" + the Host the client addressed (what OAuth's aud and DPoP's htu name).
std::string MockTenant::Impl::Origin(const MockRequest& req) const {
  if (req.host.empty()) return base_url;
  return base_url.substr(0, base_url.find("://") + 3) + std::string(req.host);
}

// nullopt when the request's credentials are good: the API token (SSWS) or an OAuth access
// token (Bearer or DPoP, checked by MockOAuth, once a service app is registered; before,
// they are malformed credentials as they always were here); otherwise the refusal.
std::optional<MockResponse> MockTenant::Impl::CheckCredentials(const MockRequest& req,
                                                               std::string_view path,
                                                               TimePoint now) {
  if (!opt.oauth_clients.empty() && MockOAuth::IsOAuthScheme(req.authorization)) {
    return oauth.CheckAccess(req, path, Origin(req), now);
  }
  if (req.authorization.empty() || !req.authorization.starts_with("SSWS ") ||
      Trim(req.authorization.substr(5)).empty())
    return Error(403, "E0000005", "Invalid session");
  if (Trim(req.authorization.substr(5)) != opt.token)
    return Error(401, "E0000011", "Invalid token provided");
  return std::nullopt;
}

MockResponse MockTenant::Impl::Handle(const MockRequest& req, TimePoint real_now) {
  const TimePoint now = real_now + duration_cast<Clock::duration>(skew);
  std::string_view target = req.target;
  std::size_t qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  if (path == "/__stats" && req.method == "GET") return Stats();
  if (path == "/__users" && req.method == "GET") return DumpUsers();
  if (path.starts_with("/__lock/") && req.method == "POST")
    return LockOut(path.substr(std::string_view("/__lock/").size()), now);
  if (path.starts_with("/__change_on_get/") && req.method == "POST")
    return RegisterChangeOnGet(path.substr(std::string_view("/__change_on_get/").size()),
                               ParseQuery(query), req.body, now);
  if (path == "/oauth2/v1/token") {
    MockResponse r = oauth.Token(req, Origin(req), now);
    r.headers.emplace_back("Date", HttpDate(now));
    r.headers.emplace_back("x-okta-request-id", NextRequestId());
    return r;
  }
  if (!(path == "/api/v1" || path.starts_with("/api/v1/"))) {
    MockResponse r = Error(404, "E0000008", "The requested path was not found");
    r.headers.emplace_back("Date", HttpDate(now));
    r.headers.emplace_back("x-okta-request-id", NextRequestId());
    return r;
  }

  // Always a bucket here: the path is under /api/v1.
  const Bucket bucket = MockBucket(req.method, target).value_or(Bucket::kOther);
  const std::size_t bi = static_cast<std::size_t>(bucket);
  ++requests[bi];
  ++requests_total;

  if (opt.concurrency > 0 && in_flight + 1 > opt.concurrency) {
    ++concurrency_rejected;
    MockResponse r = RateLimited();
    AddCommonHeaders(r, now, 0, 0, EpochSeconds(now) + 1);
    return r;
  }
  ++in_flight;
  max_in_flight = std::max(max_in_flight, in_flight);

  MockResponse r;
  const RateDecision rate = windows.Admit(bucket, now);
  if (!rate.allowed) {
    ++rate_limited[bi];
    r = RateLimited();
  } else if (std::optional<MockResponse> refused = CheckCredentials(req, path, now)) {
    r = std::move(*refused);
  } else {
    double roll = (opt.fault_500 + opt.fault_503 + opt.fault_reset + opt.fault_hang) > 0
                      ? Uniform01()
                      : 1.0;
    if (roll < opt.fault_500) {
      r = Error(500, "E0000009", "Internal Server Error");
    } else if ((roll -= opt.fault_500) < opt.fault_503) {
      r = Error(503, "E0000010", "Service is in read only mode");
    } else if ((roll -= opt.fault_503) < opt.fault_reset) {
      r = Route(req, path, ParseQuery(query), now);
      r.action = MockAction::kReset;
    } else if ((roll -= opt.fault_reset) < opt.fault_hang) {
      r.action = MockAction::kHang;
    } else {
      r = Route(req, path, ParseQuery(query), now);
    }
  }
  AddCommonHeaders(r, now, rate.limit, rate.remaining, rate.reset);
  r.in_flight = true;
  if (opt.latency_ms > 0 || opt.jitter_ms > 0) {
    double ms = opt.latency_ms;
    if (opt.jitter_ms > 0)
      ms += std::uniform_real_distribution<double>(-opt.jitter_ms, opt.jitter_ms)(rng);
    r.delay = std::chrono::microseconds(static_cast<int64_t>(std::max(0.0, ms) * 1000));
  }
  return r;
}

MockTenant::MockTenant(const MockOptions& options) : impl_(std::make_unique<Impl>(options)) {}
MockTenant::~MockTenant() = default;

void MockTenant::set_base_url(std::string base_url) { impl_->base_url = std::move(base_url); }

MockResponse MockTenant::Handle(const MockRequest& request, TimePoint real_now) {
  return impl_->Handle(request, real_now);
}

MockResponse MockTenant::LengthRequired(TimePoint real_now) {
  const TimePoint now = real_now + duration_cast<Clock::duration>(impl_->skew);
  // The error code and summary are ASSUMED: the contract gives only the status (§3), and
  // okta-mock answers every error in Okta's JSON shape.
  MockResponse r = impl_->Error(411, "E0000002",
                                "The request was not valid: a PUT or POST needs a body or "
                                "Content-Length: 0");
  r.headers.emplace_back("Date", HttpDate(now));
  r.headers.emplace_back("x-okta-request-id", impl_->NextRequestId());
  return r;
}

void MockTenant::Release() {
  if (impl_->in_flight > 0) --impl_->in_flight;
}

int64_t MockTenant::in_flight() const { return impl_->in_flight; }

bool MockTenant::LoadUsers(const std::vector<SeedUser>& users, TimePoint real_now,
                           std::string* error) {
  return impl_->LoadUsers(users, real_now + duration_cast<Clock::duration>(impl_->skew), error);
}

std::size_t MockTenant::user_count() const {
  return impl_->by_login.size();
}

}  // namespace okta_bulk::mock
