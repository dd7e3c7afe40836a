// okta-mock's user endpoints: create (with nextLogin), update (full and partial), the
// lifecycle operations, delete, and --load-users; members of MockTenant::Impl.
#include "tools/okta_mock/mock_tenant_impl.h"

namespace okta_bulk::mock {
namespace {

using std::chrono::duration_cast;

}  // namespace

// nextLogin=changePassword on create (contract §2, SPEC createUser): Okta creates the user
// with the password EXPIRED (status PASSWORD_EXPIRED), which needs activate=true (else 400
// E0000125) and a password, a value or an imported hash (else 400 E0000124; a hook is no
// password). Returns the refusal, or nullopt with `*expire` set when the password is to be
// expired. Other nextLogin values are ignored (the spec's enum has only changePassword).
std::optional<MockResponse> MockTenant::Impl::NextLoginOnCreate(const Query& q, bool activate,
                                                                Credential cred, bool* expire) {
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

MockResponse MockTenant::Impl::CreateUser(const Query& q, std::string_view body, TimePoint now) {
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
  Touch(added);
  // A key views the stored id; on the (astronomically rare) clash nothing was inserted, so
  // the id can be redrawn in place.
  while (!by_id.try_insert(added.id, idx)) added.id = "00u" + RandomAlnum(17);
  by_login.try_insert(added.folded_login, idx);
  ++users_created;
  return UserResponse(added);
}

// --load-users (MockTenant::LoadUsers): every row checked, then every user added.
bool MockTenant::Impl::LoadUsers(const std::vector<SeedUser>& seeds, TimePoint now,
                                 std::string* error) {
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
    Touch(added);
    while (!by_id.try_insert(added.id, idx)) added.id = "00u" + RandomAlnum(17);
    by_login.try_insert(added.folded_login, idx);
  }
  return true;
}

// POST (partial=true) or PUT (partial=false) /api/v1/users/{id}.
MockResponse MockTenant::Impl::UpdateUser(User& u, std::string_view body, bool partial,
                                          TimePoint now) {
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
  Touch(u);
  return UserResponse(u);
}

void MockTenant::Impl::SetStatus(User& u, std::string status, TimePoint now) {
  u.status = std::move(status);
  u.status_changed = u.last_updated = now;
  Touch(u);
}

MockResponse MockTenant::Impl::Lifecycle(User& u, std::string_view op, const Query& q,
                                         TimePoint now) {
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
    Touch(u);
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
MockResponse MockTenant::Impl::LockOut(std::string_view key, TimePoint now) {
  User* u = FindUser(UrlDecode(key, false), now);
  if (!u) return NotFound(key, "User");
  if (u->status != "ACTIVE") return Error(409, "E0000038", "only an ACTIVE user can be locked out");
  SetStatus(*u, "LOCKED_OUT", now);
  return UserResponse(*u);
}

std::string MockTenant::Impl::ETagOf(const User& u) {
  // The version scrambled by an odd multiplier (a bijection): opaque, like Okta's
  // W/"1234567890abcdef" example (SPEC getUser), yet never the same for two states.
  char text[32];
  std::snprintf(text, sizeof text, "W/\"%016llx\"",
                static_cast<unsigned long long>(u.version * 0x9E3779B97F4A7C15ull));
  return text;
}

// GET, POST (partial) and PUT (full) /api/v1/users/{id}. Each answer carries the user's ETag
// (SPEC getUser: header Etag, weak). An update with If-Match (SPEC updateUser/replaceUser,
// contract §4) applies only while the user is in the state that ETag names; otherwise it
// changes nothing and is refused with 412 Precondition Failed. The status is the contract's
// presumption ("presumably 412", UNCONFIRMED) and RFC 9110 §13.1.1's; the error code and
// summary are ASSUMED (no Okta source shows them). The comparison is the exact value, W/
// included: Okta hands out weak ETags and tells clients to send them back in If-Match, so it
// evidently does not use RFC 9110's strong comparison there. `*` matches any current user;
// a list ("a", "b") matches when one of its members does.
MockResponse MockTenant::Impl::UserAnswer(const MockRequest& req, User& u, TimePoint now) {
  const std::string_view m = req.method;
  if (m == "GET") {
    MockResponse r = UserResponse(u);
    r.headers.emplace_back("ETag", ETagOf(u));
    // /__change_on_get: the answer above shows the state before the change.
    if (auto it = change_on_get.find(u.id); it != change_on_get.end()) {
      if (it->second.skip > 0) {
        --it->second.skip;
      } else {
        const std::string body = std::move(it->second.body);
        change_on_get.erase(it);
        if (UpdateUser(u, body, /*partial=*/true, now).status == 200) ++changes_on_get;
      }
    }
    return r;
  }
  if (!req.if_match.empty()) {
    ++conditional_updates;
    const std::string etag = ETagOf(u);
    bool match = false;
    std::string_view list = req.if_match;
    while (!list.empty() && !match) {
      const std::size_t comma = list.find(',');
      std::string_view one = Trim(list.substr(0, comma));
      match = one == "*" || one == etag;
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (!match) {
      ++precondition_failed;
      return Error(412, "E0000412",
                   "The precondition failed: the user was changed since the ETag given in "
                   "If-Match was read.",
                   {"If-Match: " + std::string(req.if_match) + " is not the user's current ETag"});
    }
  }
  MockResponse r = UpdateUser(u, req.body, /*partial=*/m == "POST", now);
  if (r.status == 200) r.headers.emplace_back("ETag", ETagOf(u));
  return r;
}

// Test-only (POST /__change_on_get/{id or login}?skip=N, body {"profile":{...}}, no auth):
// the (N+1)th next GET /api/v1/users/{id or login} of the user is answered, and then that
// partial update is applied, as if an admin edited the user right after a client read it.
// One registration per user (a new one replaces it); it fires once.
MockResponse MockTenant::Impl::RegisterChangeOnGet(std::string_view key, const Query& q,
                                                   std::string_view body, TimePoint now) {
  User* u = FindUser(UrlDecode(key, false), now);
  if (!u) return NotFound(key, "User");
  json::object* parsed = ParseBodyObject(body);
  if (!parsed || !parsed->contains("profile") || !parsed->at("profile").is_object())
    return Malformed();
  int64_t skip = 0;
  if (const std::string* s = q.Get("skip")) {
    try {
      skip = std::stoll(*s);
    } catch (const std::exception&) {
      skip = -1;
    }
    if (skip < 0) return Error(400, "E0000001", "Api validation failed: skip",
                               {"skip: a whole number of GETs, 0 or more"});
  }
  change_on_get[u->id] = ChangeOnGet{std::string(body), skip};
  return Json(200, "{}");
}

MockResponse MockTenant::Impl::DeleteUser(User& u, TimePoint now) {
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

}  // namespace okta_bulk::mock
