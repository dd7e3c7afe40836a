// The request a task sends: an HTTP request and the rate-limit bucket it counts against
// (net/okta_buckets.h). Built by okta_requests.h, sent by the engine's dispatcher.
#pragma once
#include "net/http_transport.h"
#include "net/okta_buckets.h"

namespace okta_bulk {

struct TaskRequest {
  Bucket bucket = Bucket::kOther;
  HttpRequest http;
};

}  // namespace okta_bulk
