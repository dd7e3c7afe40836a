// How many users the org holds, for sync's choice between a listing of its users (one request
// per 200 of them) and one lookup per row: the member count of its Everyone group, which
// holds every user (GET /api/v1/groups?filter=type eq "BUILT_IN"&expand=stats, one request;
// the 2026 spec's listGroups: expand=stats gives _embedded.stats.usersCount).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/engine/job.h"

namespace okta_bulk {

struct OrgSize {
  bool known = false;
  uint64_t users = 0;
  std::string why_unknown;  // when !known: what the org answered instead
};

// The Everyone group's usersCount in a page of groups (the BUILT_IN group named Everyone).
// False with `why` when the page is not groups or has no such count (an admin who manages
// only some groups does not see Everyone).
bool EveryoneUsersCount(std::string_view body, uint64_t* users, std::string* why);

// Asks the org, paced and retried like the run's requests. False (with `error`) only when the
// run must stop: interrupted, or the org stopped it (context.interrupted, context.abort_reason).
// Any other answer that does not tell the size leaves `size` unknown, with why.
bool ReadOrgSize(PrepareContext& context, OrgSize* size, std::string* error);

}  // namespace okta_bulk
