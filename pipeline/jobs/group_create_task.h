// GroupCreateTask: one row of `okta-bulk groups create`, a group to create, as a state
// machine:
//   GET /api/v1/groups?search=profile.name eq "NAME" -> a group of that name (compared
//   case-insensitively) is `existed` with its id; none -> POST /api/v1/groups: `created`.
// Okta refuses a taken name (400 E0000001, "name: An object with this field already exists
// ..."); the search is eventually consistent, so a create that meets that answer looks the
// name up again and ends `existed`. A rerun of the same file therefore creates nothing.
// The results row carries the name in `login`, the group id in `userId` and its type in
// `userStatus` (the results columns are shared by every job, and --resume reads them).
#pragma once
#include <string>

#include "pipeline/engine/task.h"

namespace okta_bulk {

struct GroupCreateRow {
  uint64_t row = 0;
  std::string name;
  std::string body;  // {"profile":{"name":...,"description":...,custom...}}
};

class GroupCreateTask final : public Task {
 public:
  explicit GroupCreateTask(GroupCreateRow row);

  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;
  void OnGiveUp(int http_status, std::string error_code, std::string error) override;

 private:
  enum class Phase : unsigned char { kLookup, kCreate, kLookupAfterDuplicate };
  void PrepareLookup(Phase phase);
  std::string Context() const;

  GroupCreateRow row_;
  TaskRequest request_;
  Phase phase_ = Phase::kLookup;
  HttpResponse duplicate_;  // the create's "already exists" answer, kept for the message
};

}  // namespace okta_bulk
