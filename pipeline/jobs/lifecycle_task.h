// LifecycleTask: one row of `okta-bulk activate | reactivate | suspend | unsuspend | unlock |
// expire-password | reset-password`, as a state machine:
//   GET /api/v1/users/{id or login} -> the user's status decides (LifecycleRuleOf):
//     a status the action leads to already: `unchanged`, nothing sent;
//     a status the action accepts: POST .../lifecycle/{operation}: `activated`, `suspended`...;
//     any other status: `failed`, naming the status and what the action accepts.
// Okta's own refusal (400/403 with an errorCode) is judged by a second lookup: right after a
// lost response the action may have been applied, and a status that is the action's goal
// counts as done; otherwise a user already where the action leads (it changed since the
// first lookup) is `unchanged`, and any other status fails the row with Okta's code and
// message. What Okta returns besides the status (activation links, reset links, temporary
// passwords) is never kept, except with options.secrets: then expire-password
// --temp-password and reset-password without email write the temporary password / reset
// link to that file (secret_file.h) and nowhere else, and activate / reactivate without
// email the activation link (--write-activation-links).
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine/task.h"
#include "pipeline/jobs/user_op_task.h"

namespace okta_bulk {

// What a lifecycle action accepts and leads to, from the spec's operation descriptions
// (management-openapi 2026.06.3, /api/v1/users/{id}/lifecycle/*) and contract §4. The
// okta-mock has its own copy of these rules (its job is to disagree when this one is wrong).
struct LifecycleRule {
  std::string_view command;    // "expire-password"
  std::string_view operation;  // "expire_password", the path segment
  std::array<std::string_view, 3> accepts;  // statuses the action is sent for ("" = none)
  std::array<std::string_view, 2> done;     // statuses that already are its goal: unchanged
  std::string_view status_after;            // the user's status after it; "" when Okta decides
  Outcome outcome;
  std::string_view doing;  // "suspending", for messages
  bool takes_send_email;   // sends ?sendEmail=true|false
};

// REQUIRES: IsLifecycle(op).
const LifecycleRule& LifecycleRuleOf(UserOp op);
// "suspend needs an ACTIVE user; this one is STAGED".
std::string NotAllowedMessage(const LifecycleRule& rule, std::string_view status);

class LifecycleTask final : public Task {
 public:
  // `options` must outlive the task. REQUIRES: IsLifecycle(options.op).
  LifecycleTask(UserOpRow row, const UserOpOptions& options);

  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;
  void OnGiveUp(int http_status, std::string error_code, std::string error) override;
  void OnNoResponse() override { ambiguous_ = true; }

 private:
  enum class Phase : unsigned char { kLookup, kAction };
  void PrepareLookup();
  TaskStep AfterLookup();
  TaskStep Done(Outcome outcome);
  std::string Context() const;
  std::string Who() const;
  // The field of Okta's answer to keep in the secrets file ("tempPassword",
  // "resetPasswordUrl"), or "" when nothing is kept.
  std::string_view SecretKind() const;  // "login a@x.com" or "id 00u1"

  UserOpRow row_;
  const UserOpOptions& options_;
  const LifecycleRule& rule_;
  TaskRequest request_;
  Phase phase_ = Phase::kLookup;
  bool ambiguous_ = false;  // the current request was sent and its response lost
  bool rechecking_ = false;  // looking the user up again after a refusal
  bool refused_ = false;     // ... after Okta refused an action sent once (no loss): refusal_
  RowResult refusal_;
};

}  // namespace okta_bulk
