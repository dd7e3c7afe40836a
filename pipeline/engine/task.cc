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

}  // namespace okta_bulk
