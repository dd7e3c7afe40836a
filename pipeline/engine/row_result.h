// How one input row ended: the outcome names and the row result every job writes to the
// results file (engine/results_sink.h), shows in progress (report/) and reads back on --resume.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace okta_bulk {

// The lifecycle outcomes (kActivated .. kUnchanged) name what the row did; kUnchanged is a
// row whose user already had the status the action leads to, so nothing was sent for it.
// kInvalid and kFailed stay last: lists of outcomes show the failures at their end.
enum class Outcome : unsigned char {
  kCreated, kExisted, kUpdated, kAssigned, kDeactivated, kDeleted,
  kActivated, kReactivated, kSuspended, kUnsuspended, kUnlocked, kPasswordExpired,
  kPasswordReset, kUnchanged,
  kUnassigned,  // unassign: the user was removed from at least one of the row's groups
  kInvalid, kFailed,
};
inline constexpr std::size_t kOutcomeCount = 17;
std::string_view OutcomeName(Outcome outcome);
bool OutcomeFromName(std::string_view name, Outcome* out);
inline bool IsSuccess(Outcome o) { return o != Outcome::kInvalid && o != Outcome::kFailed; }

// How one input row ended.
struct RowResult {
  uint64_t row = 0;
  std::string login;
  Outcome outcome = Outcome::kFailed;
  std::string user_id;
  std::string user_status;
  int http_status = 0;
  std::string error_code;
  std::string error;
  int attempts = 0;
  // RowContentHash (engine/resume_journal.h) of the input record, written as `rowHash` so
  // that --resume can tell a row edited since it ended; 0: not known.
  uint64_t content_hash = 0;
};

// The results columns, in order. `row` .. `attempts` are the contract of issue 2; `rowHash`
// (issue 18) came later and is last.
inline constexpr std::array<std::string_view, 10> kResultColumns = {
    "row", "login", "outcome", "userId", "userStatus", "httpStatus", "errorCode", "error",
    "attempts", "rowHash"};

}  // namespace okta_bulk
