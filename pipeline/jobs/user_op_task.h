// UserOpTask: one row of `okta-bulk update | assign | deactivate | delete`, a change to a
// user that already exists, as a state machine:
//   update:     POST /api/v1/users/{id or login} {"profile":{...}} (partial, never PUT)
//               -> the row's groups, if any: `updated`; a row with no attribute and no
//               group to send: `unchanged`, nothing sent
//   assign:     [GET /api/v1/users/{login}] -> PUT /api/v1/groups/{gid}/users/{uid} per group:
//               `assigned`
//   deactivate: [GET /api/v1/users/{login}] -> POST .../lifecycle/deactivate: `deactivated`;
//               a user the lookup shows DEPROVISIONED already: `unchanged`, nothing more sent
//               (a row giving an id is not looked up: its deactivate is sent, `deactivated`)
//   delete:     GET /api/v1/users/{id or login} -> deactivate unless DEPROVISIONED (Okta
//               deletes only deprovisioned users) -> DELETE /api/v1/users/{id}: `deleted`
//   unassign:   [GET /api/v1/users/{login}] -> GET /api/v1/users/{id}/groups -> DELETE
//               /api/v1/groups/{gid}/users/{uid} for each of the row's groups the user is a
//               member of: `unassigned`; a member of none of them: `unchanged`, nothing sent
// A user that does not exist fails the row ("no user with login ..."), except for delete
// with `missing_ok`, where it counts as deleted (the goal, no user, holds).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine/task.h"

namespace okta_bulk {

// kActivate .. kResetPassword are the lifecycle actions, run by LifecycleTask
// (lifecycle_task.h) on the same rows.
enum class UserOp : unsigned char {
  kUpdate, kAssign, kDeactivate, kDelete,
  kActivate, kReactivate, kSuspend, kUnsuspend, kUnlock, kExpirePassword, kResetPassword,
  kUnassign,
};
inline bool IsLifecycle(UserOp op) {
  return op >= UserOp::kActivate && op <= UserOp::kResetPassword;
}

// The update body of a row with no attribute to send.
inline constexpr std::string_view kEmptyProfileUpdate = "{\"profile\":{}}";

struct UserOpRow {
  uint64_t row = 0;
  std::string login;        // as given; "" when the row gives only an id
  std::string id;           // as given; "" when the row gives only a login
  std::string update_body;  // kUpdate: {"profile":{...}}
  std::vector<std::string> group_ids;  // kAssign, kUnassign, and kUpdate rows with groups
};

class SecretFile;

struct UserOpOptions {
  UserOp op = UserOp::kUpdate;
  bool missing_ok = false;  // kDelete: a user that is not there counts as deleted
  // kActivate, kReactivate, kResetPassword: sendEmail=true|false. What Okta returns with
  // false (an activation or reset link) is never kept: it is a secret.
  bool send_email = false;
  // kExpirePassword: expire_password_with_temp_password, which returns a temporary password.
  bool temp_password = false;
  // Where the secrets a lifecycle action returns go (--write-temp-passwords); nullptr: they
  // are not asked for. Owned by the job.
  SecretFile* secrets = nullptr;
};

class UserOpTask final : public Task {
 public:
  // `options` must outlive the task. REQUIRES: !IsLifecycle(options.op).
  UserOpTask(UserOpRow row, const UserOpOptions& options);

  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;
  void OnGiveUp(int http_status, std::string error_code, std::string error) override;
  void OnNoResponse() override;

 private:
  enum class Phase : unsigned char {
    kLookup, kUpdate, kAssign, kDeactivate, kDelete, kListGroups, kUnassign
  };
  void PrepareLookup();
  void PrepareUpdate();
  void PrepareAssign();
  void PrepareDeactivate();
  void PrepareDelete();
  void PrepareListGroups();
  void PrepareUnassign();
  TaskStep AfterListGroups(HttpResponse& response);
  TaskStep AfterLookup();
  TaskStep Done(Outcome outcome);
  TaskStep Missing(const HttpResponse& response, ResponseReader& reader);
  std::string Context() const;  // what failed, for messages: "adding it to group 00g1 failed: "
  std::string Who() const;      // "login a@x.com" or "id 00u1"

  UserOpRow row_;
  const UserOpOptions& options_;
  TaskRequest request_;
  Phase phase_ = Phase::kLookup;
  std::size_t group_index_ = 0;
  // kUnassign: the row's groups the user is a member of (from its group list), in row order.
  std::vector<std::string> member_of_;
  bool ambiguous_ = false;  // the current request was sent and its response lost
};

}  // namespace okta_bulk
