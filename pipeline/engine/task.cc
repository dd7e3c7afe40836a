#include "pipeline/engine/task.h"

#include "pipeline/okta/okta_json.h"

namespace okta_bulk {

TaskStep Task::Fail(const HttpResponse& response, ResponseReader& reader,
                    std::string_view context) {
  std::string body = response.body;  // the reader pads its input
  OktaError e = reader.ReadError(body);
  result_.outcome = Outcome::kFailed;
  result_.http_status = response.status;
  result_.error_code = e.code;
  result_.error = std::string(context) + e.Describe();
  return TaskStep::Done();
}

std::optional<TaskStep> Task::TakeUserAnswer(HttpResponse& response, ResponseReader& reader,
                                             std::string_view context, std::string_view asked_id,
                                             std::string_view asked_login) {
  UserSummary user;
  std::string error;
  if (!reader.ReadUser(response.body, &user, &error)) {
    result_.outcome = Outcome::kFailed;
    result_.error = std::string(context) + error;
    return TaskStep::Done();
  }
  if (!IsAnswerFor(user, asked_id, asked_login)) return TaskStep::NotMine();
  result_.user_id = std::move(user.id);
  result_.user_status = std::move(user.status);
  return std::nullopt;
}

}  // namespace okta_bulk
