#include "pipeline/okta/okta_requests.h"

#include "pipeline/okta/okta_json.h"

namespace okta_bulk {
namespace {

TaskRequest Make(std::string_view method, std::string target, std::string body = {}) {
  TaskRequest r;
  r.bucket = ClassifyRequest(method, target);
  r.http.method = method;
  r.http.target = std::move(target);
  r.http.body = std::move(body);
  return r;
}

std::string UserPath(std::string_view id_or_login) {
  return "/api/v1/users/" + UrlEncodePathSegment(id_or_login);
}

}  // namespace

TaskRequest CreateUserRequest(bool activate, std::string body, bool change_password_next_login) {
  if (change_password_next_login)
    return Make("POST", "/api/v1/users?activate=true&nextLogin=changePassword", std::move(body));
  return Make("POST", activate ? "/api/v1/users?activate=true" : "/api/v1/users?activate=false",
              std::move(body));
}

TaskRequest GetUserRequest(std::string_view id_or_login) {
  return Make("GET", UserPath(id_or_login));
}

TaskRequest PartialUpdateRequest(std::string_view id_or_login, std::string body) {
  return Make("POST", UserPath(id_or_login), std::move(body));
}

TaskRequest AddToGroupRequest(std::string_view group_id, std::string_view user_id) {
  return Make("PUT", "/api/v1/groups/" + UrlEncodePathSegment(group_id) + "/users/" +
                         UrlEncodePathSegment(user_id));
}

TaskRequest DeactivateRequest(std::string_view user_id) {
  return Make("POST", UserPath(user_id) + "/lifecycle/deactivate");
}

TaskRequest LifecycleRequest(std::string_view user_id, std::string_view operation,
                             std::string_view query) {
  std::string target = UserPath(user_id) + "/lifecycle/";
  target += operation;
  target += query;
  return Make("POST", std::move(target));
}

TaskRequest DeleteUserRequest(std::string_view user_id) {
  return Make("DELETE", UserPath(user_id));
}

}  // namespace okta_bulk
