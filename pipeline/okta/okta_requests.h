// The Okta management requests the jobs send (contract §2-§4). Each is filed under the
// rate-limit bucket Okta counts it in, taken from ClassifyRequest, so a request and its
// bucket never disagree. Pure functions.
#pragma once
#include <string>
#include <string_view>

#include "pipeline/okta/task_request.h"

namespace okta_bulk {

// POST /api/v1/users?activate=true|false with a CreateUserRequest body; with
// `change_password_next_login`, &nextLogin=changePassword (REQUIRES: activate, and a body
// with a password or hash: Okta refuses it otherwise, E0000125/E0000124).
TaskRequest CreateUserRequest(bool activate, std::string body,
                              bool change_password_next_login = false);
// GET /api/v1/users/{id or URL-encoded login}.
TaskRequest GetUserRequest(std::string_view id_or_login);
// POST /api/v1/users/{id or login}: a partial update (never PUT, which wipes what it omits).
TaskRequest PartialUpdateRequest(std::string_view id_or_login, std::string body);
// PUT /api/v1/groups/{groupId}/users/{userId}: group membership (204).
TaskRequest AddToGroupRequest(std::string_view group_id, std::string_view user_id);
// POST /api/v1/users/{id}/lifecycle/deactivate.
TaskRequest DeactivateRequest(std::string_view user_id);
// POST /api/v1/users/{id}/lifecycle/{operation}{query}: activate, reactivate, suspend,
// unsuspend, unlock, expire_password, reset_password (counted, like every lifecycle call, in
// the /api/v1/users bucket). `query` is "" or starts with '?'.
TaskRequest LifecycleRequest(std::string_view user_id, std::string_view operation,
                             std::string_view query = {});
// The query of a lifecycle call that takes sendEmail: "?sendEmail=true" or "?sendEmail=false".
inline std::string_view SendEmailQuery(bool send_email) {
  return send_email ? "?sendEmail=true" : "?sendEmail=false";
}
// DELETE /api/v1/users/{id} (only a DEPROVISIONED user is deleted).
TaskRequest DeleteUserRequest(std::string_view user_id);

}  // namespace okta_bulk
