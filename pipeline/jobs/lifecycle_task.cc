#include "pipeline/jobs/lifecycle_task.h"

#include "pipeline/jobs/secret_file.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"

namespace okta_bulk {
namespace {

// Indexed by UserOp - UserOp::kActivate.
constexpr std::array<LifecycleRule, 7> kRules = {{
    // Spec: "only on users with a STAGED or DEPROVISIONED status"; Okta makes the user ACTIVE
    // (with a password) or PROVISIONED (without one, until the user follows the link).
    {"activate", "activate", {"STAGED", "DEPROVISIONED", ""}, {"ACTIVE", "PROVISIONED"}, "",
     Outcome::kActivated, "activating", true},
    // Spec: "only on users with a PROVISIONED or RECOVERY status"; restarts the activation.
    // Not idempotent: every run sends a new activation. An ACTIVE user needs none.
    {"reactivate", "reactivate", {"PROVISIONED", "RECOVERY", ""}, {"ACTIVE", ""}, "PROVISIONED",
     Outcome::kReactivated, "reactivating", true},
    // Spec: "only on users with an ACTIVE status".
    {"suspend", "suspend", {"ACTIVE", "", ""}, {"SUSPENDED", ""}, "SUSPENDED",
     Outcome::kSuspended, "suspending", false},
    // Spec: "only ... users that have a SUSPENDED status"; back to ACTIVE.
    {"unsuspend", "unsuspend", {"SUSPENDED", "", ""}, {"ACTIVE", ""}, "ACTIVE",
     Outcome::kUnsuspended, "unsuspending", false},
    // Spec: LOCKED_OUT -> ACTIVE. (Okta also takes an ACTIVE user, to unblock unknown
    // devices; for a bulk unlock an ACTIVE user is already unlocked.)
    {"unlock", "unlock", {"LOCKED_OUT", "", ""}, {"ACTIVE", ""}, "ACTIVE", Outcome::kUnlocked,
     "unlocking", false},
    // Spec: "transitions the user status to PASSWORD_EXPIRED". Sent for ACTIVE users only
    // (a user who can sign in now).
    {"expire-password", "expire_password", {"ACTIVE", "", ""}, {"PASSWORD_EXPIRED", ""},
     "PASSWORD_EXPIRED", Outcome::kPasswordExpired, "expiring the password", false},
    // Spec: "transitions the user to the RECOVERY status"; sendEmail is required.
    {"reset-password", "reset_password", {"ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT"},
     {"RECOVERY", ""}, "RECOVERY", Outcome::kPasswordReset, "resetting the password", true},
}};

bool In(std::string_view status, const auto& list) {
  for (std::string_view s : list)
    if (!s.empty() && s == status) return true;
  return false;
}

// The string `field` of the JSON object in `body`; false when there is none.
bool ReadStringField(const std::string& body, std::string_view field, std::string* out) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return false;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return false;
  std::string_view value;
  if (object[field].get_string().get(value)) return false;
  out->assign(value);
  return true;
}

}  // namespace

const LifecycleRule& LifecycleRuleOf(UserOp op) {
  return kRules[static_cast<std::size_t>(op) - static_cast<std::size_t>(UserOp::kActivate)];
}

std::string NotAllowedMessage(const LifecycleRule& rule, std::string_view status) {
  std::vector<std::string_view> names;
  for (std::string_view s : rule.accepts)
    if (!s.empty()) names.push_back(s);
  std::string m(rule.command);
  m += " needs ";
  const char first = names.front().front();
  m += first == 'A' || first == 'E' || first == 'I' || first == 'O' || first == 'U' ? "an " : "a ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) m += i + 1 == names.size() ? " or " : ", ";
    m += names[i];
  }
  m += " user; this one is ";
  m += status.empty() ? std::string_view("of no known status") : status;
  return m;
}

LifecycleTask::LifecycleTask(UserOpRow row, const UserOpOptions& options)
    : row_(std::move(row)), options_(options), rule_(LifecycleRuleOf(options.op)) {
  result_.row = row_.row;
  result_.login = row_.login;
  result_.user_id = row_.id;
  PrepareLookup();  // even with an id: the status decides what to send
}

std::string LifecycleTask::Who() const {
  return row_.login.empty() || !row_.id.empty() ? "id " + row_.id : "login " + row_.login;
}

void LifecycleTask::PrepareLookup() {
  phase_ = Phase::kLookup;
  request_ = GetUserRequest(result_.user_id.empty() ? std::string_view(row_.login)
                                                    : std::string_view(result_.user_id));
}

TaskStep LifecycleTask::Done(Outcome outcome) {
  result_.outcome = outcome;
  result_.error.clear();
  result_.error_code.clear();
  return TaskStep::Done();
}

std::string_view LifecycleTask::SecretKind() const {
  if (!options_.secrets) return {};
  if (options_.op == UserOp::kExpirePassword && options_.temp_password) return "tempPassword";
  if (options_.op == UserOp::kResetPassword && !options_.send_email) return "resetPasswordUrl";
  // Without the email Okta answers with the link the user needs to sign in the first time
  // (contract §4: {"activationUrl":...,"activationToken":...}); --write-activation-links.
  if ((options_.op == UserOp::kActivate || options_.op == UserOp::kReactivate) &&
      !options_.send_email)
    return "activationUrl";
  return {};
}

std::string LifecycleTask::Context() const {
  if (phase_ == Phase::kLookup) return "looking up the user failed: ";
  return std::string(rule_.doing) + " failed: ";
}

TaskStep LifecycleTask::AfterLookup() {
  const std::string& status = result_.user_status;
  // After Okta refused the action (no response was lost): the user is already where the
  // action leads (it changed since the first lookup) and the row is `unchanged`; otherwise
  // the row fails with Okta's refusal.
  if (rechecking_ && refused_) {
    if (In(status, rule_.done)) return Done(Outcome::kUnchanged);
    result_.outcome = Outcome::kFailed;
    result_.http_status = refusal_.http_status;
    result_.error_code = refusal_.error_code;
    result_.error = refusal_.error;
    return TaskStep::Done();
  }
  // After a lost response and Okta's refusal of the retry: the first request did it.
  if (rechecking_ && (status == rule_.status_after || In(status, rule_.done))) {
    if (SecretKind().empty()) return Done(rule_.outcome);
    result_.outcome = Outcome::kFailed;
    result_.error_code.clear();
    result_.error = std::string(rule_.doing) + " went through, but Okta's answer with the " +
                    std::string(SecretKind()) + " was lost; the user is " + status +
                    " without it (" +
                    (SecretKind() == "activationUrl" ? "reactivate" : "reset-password") +
                    " can send a new link)";
    return TaskStep::Done();
  }
  if (In(status, rule_.done)) return Done(Outcome::kUnchanged);
  if (!In(status, rule_.accepts)) {
    result_.outcome = Outcome::kFailed;
    result_.error_code.clear();
    result_.error = NotAllowedMessage(rule_, status);
    return TaskStep::Done();
  }
  phase_ = Phase::kAction;
  if (SecretKind() == "tempPassword") {
    request_ = LifecycleRequest(result_.user_id, "expire_password_with_temp_password");
    return TaskStep::Next();
  }
  request_ = LifecycleRequest(result_.user_id, rule_.operation,
                              rule_.takes_send_email ? SendEmailQuery(options_.send_email)
                                                     : std::string_view());
  return TaskStep::Next();
}

TaskStep LifecycleTask::OnResponse(HttpResponse& response, ResponseReader& reader) {
  const int status = response.status;
  result_.http_status = status;
  const bool ambiguous = ambiguous_;
  ambiguous_ = false;
  if (phase_ == Phase::kLookup) {
    if (status == 200) {
      // The id the action is sent to comes from this answer.
      if (auto step = TakeUserAnswer(response, reader, Context(), result_.user_id, row_.login))
        return *step;
      return AfterLookup();
    }
    if (status == 404) return Fail(response, reader, "no user with " + Who() + ": ");
    return Fail(response, reader, Context());
  }
  // Phase::kAction. The body (a User for expire_password; for some actions a link that is a
  // secret) is not read: the status the action leads to is known.
  if (status == 200 || status == 204) {
    result_.user_status = rule_.status_after;
    if (const std::string_view kind = SecretKind(); !kind.empty()) {
      std::string secret;
      if (!ReadStringField(response.body, kind, &secret)) {
        result_.outcome = Outcome::kFailed;
        result_.error = std::string(rule_.doing) + " went through, but Okta's answer has no " +
                        std::string(kind);
        return TaskStep::Done();
      }
      if (!options_.secrets->Write(row_.row, result_.login, result_.user_id, kind, secret)) {
        result_.outcome = Outcome::kFailed;
        result_.error = std::string(rule_.doing) + " went through, but writing the " +
                        std::string(kind) + " to the secrets file failed";
        return TaskStep::Done();
      }
    }
    return Done(rule_.outcome);
  }
  if ((status == 400 || status == 403) && ambiguous && !rechecking_) {
    rechecking_ = true;
    PrepareLookup();
    return TaskStep::Next();
  }
  // Okta refused an action the lookup allowed: the user changed in between (another admin,
  // the user finishing an activation). One more lookup tells a user already where the
  // action leads (`unchanged`, issue 15) from a real refusal (failed with Okta's words).
  if ((status == 400 || status == 403) && !rechecking_) {
    Fail(response, reader, Context());
    refusal_ = result_;
    refused_ = rechecking_ = true;
    PrepareLookup();
    return TaskStep::Next();
  }
  if (status == 404) return Fail(response, reader, "no user with " + Who() + ": ");
  return Fail(response, reader, Context());
}

void LifecycleTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  result_.error = Context() + error;
}

}  // namespace okta_bulk
