// Over 600 lines: every endpoint here is a member of MockTenant::Impl and reads its state (users, groups,
// rate windows, ids); splitting them needs Impl in a private header first. Helpers live apart.
#include "tools/okta_mock/mock_tenant.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <ctime>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include <boost/json.hpp>

#include "net/json_text.h"
#include "net/url_encoding.h"
#include "tools/okta_mock/mock_buckets.h"
#include "tools/okta_mock/mock_credentials.h"
#include "tools/okta_mock/mock_filter.h"
#include "tools/okta_mock/mock_groups.h"
#include "tools/okta_mock/mock_load_users.h"
#include "tools/okta_mock/mock_login_key.h"
#include "tools/okta_mock/mock_oauth.h"
#include "tools/okta_mock/mock_schema.h"
#include "tools/okta_mock/mock_time.h"
#include "tools/okta_mock/mock_url.h"
#include "tools/okta_mock/mock_user_store.h"

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// ---------------------------------------------------------------------------------------------
// Small string helpers.

void AppendJsonString(std::string& out, std::string_view s) { okta_bulk::AppendJsonString(&out, s); }


}  // namespace

struct MockTenant::Impl {
  MockOptions opt;
  std::string base_url = "http://127.0.0.1";
  RateWindows windows;
  std::mt19937_64 rng;
  std::chrono::duration<double> skew;
  std::string type_id;
  std::string request_id_prefix;
  uint64_t request_seq = 0;

  // Creation order; deleted users stay as tombstones. A deque: growing never moves users.
  std::deque<User> users;
  // Keyed by the user's own `id` and `folded_login` (LoginKey(login)); a rename re-keys
  // by_login before the old string goes.
  UserIndex by_id{users, IdOf};
  UserIndex by_login{users, FoldedLoginOf};
  // The groups (mock_groups.h); memberships are the users' group_ids.
  MockGroups groups{base_url,
                    [this](int status, std::string_view code, std::string_view summary,
                           const std::vector<std::string>& causes) {
                      return Error(status, code, summary, causes);
                    },
                    [this](std::size_t n) { return RandomAlnum(n); }};

  // Request bodies are parsed into this arena, reset per request; nothing parsed outlives
  // the Handle() call that parsed it.
  unsigned char parse_buffer[64 * 1024];
  json::monotonic_resource parse_arena{parse_buffer, sizeof parse_buffer};
  json::parser parser;
  // In the arena too: a value moved in from another storage is deep-copied onto the heap
  // (that was about 20 allocations per create).
  json::value body_value = json::value(json::storage_ptr(&parse_arena));

  int64_t in_flight = 0;
  // Statistics.
  std::array<int64_t, kBucketCount> requests{}, rate_limited{};
  int64_t concurrency_rejected = 0, max_in_flight = 0, users_created = 0, requests_total = 0;
  MockOAuth oauth{opt};  // the org authorization server (service apps)
  // The org's user profile schema (mock_schema.h): the base profile plus --schema's custom
  // attributes. Its id: "osc" + the default user type's id after "oty", as in Okta's
  // examples (a user type otyX has the schema oscX).
  UserSchema schema;
  std::string schema_id;
  // The owner of the API token (GET /api/v1/users/me): an admin that exists from the start.
  // Kept apart from `users` so that lists, searches, /__users and user_count() show only the
  // users a test created (a real org would list its admin too).
  User admin;

  explicit Impl(const MockOptions& o)
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

  std::string RandomAlnum(std::size_t n) {
    std::string s(n, ' ');
    for (auto& c : s) c = kAlnum[rng() % 62];
    return s;
  }

  double Uniform01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

  std::string NextRequestId() {
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

  MockResponse Json(int status, std::string body) {
    MockResponse r;
    r.headers.reserve(8);
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }

  MockResponse Error(int status, std::string_view code, std::string_view summary,
                     const std::vector<std::string>& causes = {}) {
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

  MockResponse ValidationError(const std::vector<Cause>& causes) {
    std::vector<std::string> texts;
    for (const Cause& c : causes) texts.push_back(c.field + ": " + c.message);
    return Error(400, "E0000001", "Api validation failed: " + causes.front().field, texts);
  }

  // 400 E0000001 for profile properties the schema does not define. `body_name` names the
  // request body: "newUser" on create (the wording users of Okta's SDKs report), "user" on
  // update (ASSUMED: the spec's request body name of updateUser and replaceUser).
  MockResponse UnknownProperties(std::string_view body_name, const std::vector<std::string>& names) {
    std::vector<std::string> texts;
    for (const std::string& n : names)
      texts.push_back("Property name '" + n + "' is not defined in profile");
    return Error(400, "E0000001", "Api validation failed: " + std::string(body_name), texts);
  }

  MockResponse NotFound(std::string_view what, std::string_view type) {
    return Error(404, "E0000007",
                 "Not found: Resource not found: " + std::string(what) + " (" + std::string(type) + ")");
  }

  MockResponse RateLimited() {
    return Error(429, "E0000047", "API call exceeded rate limit due to too many requests.");
  }

  void AddCommonHeaders(MockResponse& r, TimePoint server_now, int64_t limit, int64_t remaining,
                        int64_t reset) {
    r.headers.emplace_back("Date", HttpDate(server_now));
    r.headers.emplace_back("x-okta-request-id", NextRequestId());
    r.headers.emplace_back("x-rate-limit-limit", std::to_string(limit));
    r.headers.emplace_back("x-rate-limit-remaining", std::to_string(remaining));
    r.headers.emplace_back("x-rate-limit-reset", std::to_string(reset));
  }

  // ---- users ---------------------------------------------------------------------------------

  User* FindUser(std::string_view id_or_login, TimePoint now) {
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

  void AppendUserJson(std::string& b, const User& u) {
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

  MockResponse UserResponse(const User& u) {
    std::string b;
    b.reserve(640 + 2 * base_url.size() + u.profile_json.size());
    AppendUserJson(b, u);
    return Json(200, std::move(b));
  }

  // Parses `body` into the per-request arena; nullptr unless it is one JSON object.
  json::object* ParseBodyObject(std::string_view body) {
    body_value = nullptr;
    parse_arena.release();
    parser.reset(json::storage_ptr(&parse_arena));
    boost::system::error_code ec;
    parser.write(body.data(), body.size(), ec);
    if (ec) return nullptr;
    body_value = parser.release();
    return body_value.is_object() ? &body_value.get_object() : nullptr;
  }

  MockResponse Malformed() {
    return Error(400, "E0000003", "The request body was not well-formed.");
  }

  // nextLogin=changePassword on create (contract §2, SPEC createUser): Okta creates the user
  // with the password EXPIRED (status PASSWORD_EXPIRED), which needs activate=true (else 400
  // E0000125) and a password, a value or an imported hash (else 400 E0000124; a hook is no
  // password). Returns the refusal, or nullopt with `*expire` set when the password is to be
  // expired. Other nextLogin values are ignored (the spec's enum has only changePassword).
  std::optional<MockResponse> NextLoginOnCreate(const Query& q, bool activate, Credential cred,
                                                bool* expire) {
    *expire = false;
    const std::string* next = q.Get("nextLogin");
    if (!next || *next != "changePassword") return std::nullopt;
    if (!activate)
      return Error(400, "E0000125",
                   "Could not create user. To create a user and expire their password "
                   "immediately, \"activate\" must be true.");
    if (cred != Credential::kPassword && cred != Credential::kHash)
      return Error(400, "E0000124",
                   "Could not create user. To create a user and expire their password "
                   "immediately, a password must be specified.");
    *expire = true;
    return std::nullopt;
  }

  MockResponse CreateUser(const Query& q, std::string_view body, TimePoint now) {
    json::object* parsed = ParseBodyObject(body);
    if (!parsed) return Malformed();
    json::object& req = *parsed;
    bool activate = true;
    if (const std::string* a = q.Get("activate")) activate = (*a != "false");

    static const json::object kNoProfile;
    const json::object* profile_ptr = &kNoProfile;
    if (auto it = req.find("profile"); it != req.end()) {
      if (it->value().is_object()) profile_ptr = &it->value().get_object();
      else if (!it->value().is_null()) return Malformed();
    }
    const json::object& profile = *profile_ptr;
    std::vector<std::string> group_ids;
    if (auto it = req.find("groupIds"); it != req.end() && !it->value().is_null()) {
      if (!it->value().is_array()) return Malformed();
      for (const auto& g : it->value().get_array()) {
        if (!g.is_string()) return Malformed();
        group_ids.emplace_back(g.get_string());
      }
      if (group_ids.size() > 20)
        return Error(400, "E0000093", "Target count limit exceeded",
                     {"The number of group targets is too large"});
    }
    ProfileVerdict verdict = schema.Check(profile, nullptr, nullptr);
    std::vector<Cause>& causes = verdict.causes;
    json::object hash_params;
    Credential cred = ReadCredentials(req, causes, hash_params, opt.password_policy);
    if (!causes.empty()) return ValidationError(causes);
    if (!verdict.unknown.empty()) return UnknownProperties("newUser", verdict.unknown);
    bool expire_password = false;
    if (auto refused = NextLoginOnCreate(q, activate, cred, &expire_password)) return *refused;
    for (const std::string& g : group_ids)
      if (!groups.Find(g)) return NotFound(g, "UserGroup");
    const std::size_t idx = users.size();
    std::string_view login = profile.at("login").get_string();
    std::string folded = LoginKey(login);
    if (by_login.count(folded))
      return ValidationError(
          {{"login", "An object with this field already exists in the current organization"}});
    // Nothing can fail from here on.
    User u;
    u.id = "00u" + RandomAlnum(17);
    u.login = login;
    u.folded_login = std::move(folded);
    u.created = u.last_updated = u.status_changed = now;
    u.credential = cred;
    if (!activate) {
      u.status = "STAGED";
    } else if (cred == Credential::kNone) {
      u.status = "PROVISIONED";
      u.activated = now;
    } else {
      u.status = "ACTIVE";
      u.activated = now;
    }
    if (cred == Credential::kPassword || cred == Credential::kHash) u.password_changed = now;
    if (expire_password) u.status = "PASSWORD_EXPIRED";
    u.profile_json = json::serialize(profile);
    if (cred == Credential::kHash) u.hash_json = json::serialize(hash_params);
    for (std::string& g : group_ids)
      if (std::find(u.group_ids.begin(), u.group_ids.end(), g) == u.group_ids.end())
        u.group_ids.push_back(std::move(g));
    u.visible_at = now + duration_cast<Clock::duration>(
                             std::chrono::duration<double, std::milli>(opt.eventual_ms));
    users.push_back(std::move(u));
    User& added = users.back();
    // A key views the stored id; on the (astronomically rare) clash nothing was inserted, so
    // the id can be redrawn in place.
    while (!by_id.try_insert(added.id, idx)) added.id = "00u" + RandomAlnum(17);
    by_login.try_insert(added.folded_login, idx);
    ++users_created;
    return UserResponse(added);
  }

  // --load-users (MockTenant::LoadUsers): every row checked, then every user added.
  bool LoadUsers(const std::vector<SeedUser>& seeds, TimePoint now, std::string* error) {
    std::vector<std::string> profiles(seeds.size()), folded(seeds.size());
    std::unordered_map<std::string_view, uint64_t> rows;  // folded login -> row
    rows.reserve(seeds.size());
    json::object profile;
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      const SeedUser& s = seeds[i];
      if (!SeedProfile(s, schema, &profile, error)) return false;
      for (const std::string& g : s.group_ids)
        if (!groups.Find(g)) {
          *error = "row " + std::to_string(s.row) + ": groupIds: no group " + g +
                   " in the org (seed it with --groups or --groups-count)";
          return false;
        }
      folded[i] = LoginKey(s.login);
      auto [it, fresh] = rows.emplace(folded[i], s.row);
      if (!fresh || by_login.count(folded[i])) {
        *error = "row " + std::to_string(s.row) + ": login: " + s.login + " is taken" +
                 (fresh ? std::string(" in the org") : " by row " + std::to_string(it->second));
        return false;
      }
      profiles[i] = json::serialize(profile);
    }
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      const SeedUser& s = seeds[i];
      const std::size_t idx = users.size();
      User u;
      u.id = "00u" + RandomAlnum(17);
      u.login = s.login;
      u.folded_login = std::move(folded[i]);
      u.status = "ACTIVE";
      u.created = u.last_updated = u.status_changed = now;
      u.activated = now;
      u.credential = s.credential ? Credential::kPassword : Credential::kNone;
      if (s.credential) u.password_changed = now;
      u.profile_json = std::move(profiles[i]);
      for (const std::string& g : s.group_ids)
        if (std::find(u.group_ids.begin(), u.group_ids.end(), g) == u.group_ids.end())
          u.group_ids.push_back(g);
      u.visible_at = now;
      users.push_back(std::move(u));
      User& added = users.back();
      while (!by_id.try_insert(added.id, idx)) added.id = "00u" + RandomAlnum(17);
      by_login.try_insert(added.folded_login, idx);
    }
    return true;
  }

  // POST (partial=true) or PUT (partial=false) /api/v1/users/{id}.
  MockResponse UpdateUser(User& u, std::string_view body, bool partial, TimePoint now) {
    json::object* parsed = ParseBodyObject(body);
    if (!parsed) return Malformed();
    json::object& req = *parsed;
    json::object stored = json::parse(u.profile_json).as_object();
    json::object profile = partial ? stored : json::object();
    static const json::object kNothingSent;
    const json::object* sent = &kNothingSent;
    if (auto it = req.find("profile"); it != req.end()) {
      if (!it->value().is_object()) return Malformed();
      sent = &it->value().get_object();
      for (auto& kv : *sent) {  // null clears (a required one is then blank)
        if (kv.value().is_null()) profile.erase(kv.key());
        else profile[kv.key()] = kv.value();
      }
      // A full replace keeps the READ_ONLY values it does not name: the request cannot set
      // them, so it cannot clear them either.
      if (!partial)
        for (const auto& kv : stored) {
          const SchemaAttribute* a = schema.Find(kv.key());
          if (a && a->mutability == Mutability::kReadOnly && !sent->contains(kv.key()))
            profile[kv.key()] = kv.value();
        }
    } else if (!partial) {
      profile = stored;  // PUT without a profile leaves it alone
    }
    ProfileVerdict verdict = schema.Check(profile, sent, &stored);
    std::vector<Cause>& causes = verdict.causes;
    json::object hash_params;
    Credential cred = ReadCredentials(req, causes, hash_params, opt.password_policy);
    if (cred == Credential::kHash && u.status != "STAGED")
      causes.push_back({"password", "A hashed password can be imported only while the user is STAGED"});
    if (!causes.empty()) return ValidationError(causes);
    if (!verdict.unknown.empty()) return UnknownProperties("user", verdict.unknown);
    std::string folded = LoginKey(profile.at("login").get_string());
    if (folded != u.folded_login) {
      if (by_login.count(folded))
        return ValidationError(
            {{"login", "An object with this field already exists in the current organization"}});
      const std::size_t idx = by_id.at(u.id);
      by_login.erase(u.folded_login);
      u.folded_login = std::move(folded);
      by_login.try_insert(u.folded_login, idx);
    }
    u.login = profile.at("login").get_string();
    u.profile_json = json::serialize(profile);
    if (cred != Credential::kNone) {
      u.credential = cred;
      u.hash_json = cred == Credential::kHash ? json::serialize(hash_params) : std::string();
      u.password_changed = now;
    }
    u.last_updated = now;
    return UserResponse(u);
  }

  void SetStatus(User& u, std::string status, TimePoint now) {
    u.status = std::move(status);
    u.status_changed = u.last_updated = now;
  }

  MockResponse Lifecycle(User& u, std::string_view op, const Query& q, TimePoint now) {
    if (op == "deactivate") {
      if (u.status != "DEPROVISIONED") SetStatus(u, "DEPROVISIONED", now);
      return Json(200, "{}");
    }
    if (op == "activate") {
      if (u.status == "ACTIVE")
        return Error(403, "E0000016", "Activation failed because the user is already active");
      if (u.status != "STAGED" && u.status != "DEPROVISIONED")
        return Error(403, "E0000038", "This operation is not allowed in the user's current status.");
      SetStatus(u, u.credential == Credential::kNone ? "PROVISIONED" : "ACTIVE", now);
      u.activated = now;
      const std::string* send = q.Get("sendEmail");
      if (send && *send == "false") {
        std::string token = RandomAlnum(20);
        return Json(200, "{\"activationUrl\":\"" + base_url + "/welcome/" + token +
                             "\",\"activationToken\":\"" + token + "\"}");
      }
      return Json(200, "{}");
    }
    // The rest of the user lifecycle, from the spec's operation descriptions
    // (management-openapi 2026.06.3, /api/v1/users/{id}/lifecycle/*) and contract §3-§4.
    // A status that does not allow the call is 403 E0000038 (contract §3), except suspend and
    // unsuspend, whose spec lists a 400 and whose legacy doc gives 400 E0000001.
    auto not_allowed = [&] {
      return Error(403, "E0000038", "This operation is not allowed in the user's current status.");
    };
    const std::string& s = u.status;
    if (op == "reactivate") {
      // "only on users with a PROVISIONED or RECOVERY status"; restarts the activation.
      if (s != "PROVISIONED" && s != "RECOVERY") return not_allowed();
      SetStatus(u, "PROVISIONED", now);
      const std::string* send = q.Get("sendEmail");  // default false
      if (send && *send == "true") return Json(200, "{}");
      std::string token = RandomAlnum(20);
      return Json(200, "{\"activationUrl\":\"" + base_url + "/welcome/" + token +
                           "\",\"activationToken\":\"" + token + "\"}");
    }
    if (op == "suspend") {
      // "only on users with an ACTIVE status".
      if (s != "ACTIVE")
        return Error(400, "E0000001", "Api validation failed: suspendUser",
                     {"Cannot suspend a user that is not active"});
      SetStatus(u, "SUSPENDED", now);
      return Json(200, "{}");
    }
    if (op == "unsuspend") {
      // "can only be performed on users that have a SUSPENDED status"; back to ACTIVE.
      if (s != "SUSPENDED")
        return Error(400, "E0000001", "Api validation failed: unsuspendUser",
                     {"Cannot unsuspend a user that is not suspended"});
      SetStatus(u, "ACTIVE", now);
      return Json(200, "{}");
    }
    if (op == "unlock") {
      // LOCKED_OUT -> ACTIVE; an ACTIVE user is accepted too (it unblocks unknown devices)
      // and stays ACTIVE.
      if (s != "LOCKED_OUT" && s != "ACTIVE") return not_allowed();
      if (s == "LOCKED_OUT") SetStatus(u, "ACTIVE", now);
      return Json(200, "{}");
    }
    if (op == "expire_password" || op == "expire_password_with_temp_password") {
      // A user who can sign in (or could before a lock-out or a reset) gets PASSWORD_EXPIRED;
      // one not activated, suspended or deactivated has no password to expire.
      if (s != "ACTIVE" && s != "PASSWORD_EXPIRED" && s != "LOCKED_OUT" && s != "RECOVERY")
        return not_allowed();
      SetStatus(u, "PASSWORD_EXPIRED", now);
      if (op == "expire_password") return UserResponse(u);  // 200 with the User
      u.credential = Credential::kPassword;
      u.password_changed = now;
      return Json(200, "{\"tempPassword\":\"" + RandomAlnum(12) + "\"}");
    }
    if (op == "reset_password") {
      // sendEmail is required; the user goes to RECOVERY.
      const std::string* send = q.Get("sendEmail");
      if (!send || (*send != "true" && *send != "false"))
        return Error(400, "E0000028", "The request is missing a required parameter.",
                     {"sendEmail: The parameter is required"});
      if (s != "ACTIVE" && s != "PASSWORD_EXPIRED" && s != "LOCKED_OUT" && s != "RECOVERY" &&
          s != "PROVISIONED")
        return not_allowed();
      SetStatus(u, "RECOVERY", now);
      if (*send == "true") return Json(200, "{}");
      return Json(200, "{\"resetPasswordUrl\":\"" + base_url + "/signin/reset-password/" +
                           RandomAlnum(20) + "\"}");
    }
    return Error(404, "E0000008", "The requested path was not found");
  }

  // Test-only (POST /__lock/{id or login}, no auth): an ACTIVE user becomes LOCKED_OUT, as
  // after too many failed sign-ins, so that unlock can be tested. 409 for another status.
  MockResponse LockOut(std::string_view key, TimePoint now) {
    User* u = FindUser(UrlDecode(key, false), now);
    if (!u) return NotFound(key, "User");
    if (u->status != "ACTIVE") return Error(409, "E0000038", "only an ACTIVE user can be locked out");
    SetStatus(*u, "LOCKED_OUT", now);
    return UserResponse(*u);
  }

  MockResponse DeleteUser(User& u, TimePoint now) {
    if (u.status != "DEPROVISIONED") {
      SetStatus(u, "DEPROVISIONED", now);
    } else {
      u.deleted = true;
      by_login.erase(u.folded_login);
    }
    MockResponse r;
    r.status = 204;
    return r;
  }

  // ---- list and search -----------------------------------------------------------------------


  // `limit` from the query: `max` when absent, clamped to 1..`max`; false (and 400
  // E0000029 in *error) when it is not a number.
  bool PageLimit(const Query& q, int64_t max, int64_t* limit, MockResponse* error) {
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
  MockResponse UserPage(const Query& q, TimePoint now, int64_t limit, const std::string& list_url,
                        const std::string& extra, Keep keep) {
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
  MockResponse QuickSearch(const std::string& text, const Query& q, TimePoint now) {
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

  MockResponse ListUsers(const Query& q, TimePoint now) {
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
  MockResponse ListGroupMembers(const std::string& gid, const Query& q, TimePoint now) {
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
  std::unordered_map<std::string, int64_t> GroupMemberCounts(TimePoint now) {
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
  MockResponse RouteGroups(const MockRequest& req, const std::vector<std::string_view>& seg,
                           const Query& q, TimePoint now) {
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

  MockResponse Stats() {
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
    const MockOAuthStats& o = oauth.stats();
    b += ",\"oauth\":{\"token_requests\":" + std::to_string(o.token_requests) +
         ",\"tokens_issued\":" + std::to_string(o.tokens_issued) +
         ",\"dpop_tokens_issued\":" + std::to_string(o.dpop_tokens_issued) +
         ",\"token_errors\":" + std::to_string(o.token_errors) +
         ",\"api_rejected\":" + std::to_string(o.api_rejected) + "}";
    b += "}";
    return Json(200, std::move(b));
  }

  MockResponse DumpUsers() {
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

  // ---- dispatch ------------------------------------------------------------------------------

  MockResponse Route(const MockRequest& req, std::string_view path, const Query& q, TimePoint now) {
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
        if (m == "GET") return UserResponse(*u);
        if (m == "POST") return UpdateUser(*u, req.body, true, now);
        if (m == "PUT") return UpdateUser(*u, req.body, false, now);
        return DeleteUser(*u, now);
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
  std::string Origin(const MockRequest& req) const {
    if (req.host.empty()) return base_url;
    return base_url.substr(0, base_url.find("://") + 3) + std::string(req.host);
  }

  // nullopt when the request's credentials are good: the API token (SSWS) or an OAuth access
  // token (Bearer or DPoP, checked by MockOAuth, once a service app is registered; before,
  // they are malformed credentials as they always were here); otherwise the refusal.
  std::optional<MockResponse> CheckCredentials(const MockRequest& req, std::string_view path,
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

  MockResponse Handle(const MockRequest& req, TimePoint real_now) {
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
};

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
