#include "pipeline/engine/row_result.h"

namespace okta_bulk {
namespace {
constexpr std::array<std::string_view, kOutcomeCount> kOutcomeNames = {
    "created",     "existed",   "updated",         "assigned",       "deactivated", "deleted",
    "activated",   "reactivated", "suspended",     "unsuspended",    "unlocked",    "password_expired",
    "password_reset", "unchanged", "unassigned", "invalid",      "failed"};
}

std::string_view OutcomeName(Outcome outcome) {
  return kOutcomeNames[static_cast<std::size_t>(outcome)];
}

bool OutcomeFromName(std::string_view name, Outcome* out) {
  for (std::size_t i = 0; i < kOutcomeNames.size(); ++i) {
    if (kOutcomeNames[i] == name) {
      *out = static_cast<Outcome>(i);
      return true;
    }
  }
  return false;
}

}  // namespace okta_bulk
