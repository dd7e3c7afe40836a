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
  return UserResponse(u);
}

void MockTenant::Impl::SetStatus(User& u, std::string status, TimePoint now) {
  u.status = std::move(status);
  u.status_changed = u.last_updated = now;
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
