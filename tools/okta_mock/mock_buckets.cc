#include "tools/okta_mock/mock_buckets.h"

#include <array>
#include <cstddef>

namespace okta_bulk::mock {
namespace {

enum class Match : unsigned char { kExact, kPrefix };

// One line of okta-mock's route table. `methods` is a space-separated list, or "*" for any.
struct Route {
  Match match;
  std::string_view methods;
  std::string_view pattern;  // "/"-separated segments; "{}" matches any one segment
  Bucket bucket;
};

// The buckets of the contract, §1.2 ("Method and path groups that Okta documents as separate
// buckets") and the §1.4 table. Where the official docs are silent (§8 open point 2), the
// prefix rows follow the Terraform provider's mapping quoted in §1.2: the lifecycle calls
// /api/v1/users/{id}/lifecycle/* count in the "/api/v1/users" prefix bucket, and the group
// membership PUT /api/v1/groups/{gid}/users/{uid} in the "/api/v1/groups" prefix bucket.
constexpr std::array kRoutes = {
    // §1.4 "Create or list users: GET or POST /api/v1/users".
    Route{Match::kExact, "GET POST", "/api/v1/users", Bucket::kUsers},
    // §1.4 "Get user by ID or login: GET /api/v1/users/{idOrLogin}".
    Route{Match::kExact, "GET", "/api/v1/users/{}", Bucket::kUserGet},
    // §1.4 "Update or delete user: POST, PUT or DELETE /api/v1/users/{id}".
    Route{Match::kExact, "POST PUT DELETE", "/api/v1/users/{}", Bucket::kUserWrite},
    // §1.4 "Group by ID: /api/v1/groups/{id}" (any method).
    Route{Match::kExact, "*", "/api/v1/groups/{}", Bucket::kGroup},
    // §1.2 "/api/v1/users*" longest-match bucket (Terraform: lifecycle/* lands here).
    Route{Match::kPrefix, "*", "/api/v1/users", Bucket::kUsers},
    // §1.4 "Create or list groups: /api/v1/groups except /{id}".
    Route{Match::kPrefix, "*", "/api/v1/groups", Bucket::kGroups},
    // §1.4 "Most other: /api/v1".
    Route{Match::kPrefix, "*", "/api/v1", Bucket::kOther},
};

bool MethodListed(std::string_view methods, std::string_view method) {
  if (methods == "*") return true;
  while (!methods.empty()) {
    const std::size_t space = methods.find(' ');
    if (methods.substr(0, space) == method) return true;
    if (space == std::string_view::npos) break;
    methods.remove_prefix(space + 1);
  }
  return false;
}

// Takes the next "/segment" off the front of `path` (which starts with "/"), without the
// slash; false when `path` is empty.
bool NextSegment(std::string_view& path, std::string_view& segment) {
  if (path.empty()) return false;
  path.remove_prefix(1);
  const std::size_t slash = path.find('/');
  segment = path.substr(0, slash);
  path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  return true;
}

// Whether `path` starts with the segments of `pattern` (kPrefix) or is exactly them (kExact).
// Returns the number of pattern segments matched, or -1 when it does not match.
int MatchRoute(const Route& route, std::string_view path) {
  std::string_view pattern = route.pattern;
  std::string_view want, got;
  int matched = 0;
  while (NextSegment(pattern, want)) {
    if (!NextSegment(path, got)) return -1;
    if (want == "{}" ? got.empty() : want != got) return -1;
    ++matched;
  }
  if (route.match == Match::kExact && !path.empty()) return -1;
  return matched;
}

}  // namespace

std::optional<Bucket> MockBucket(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  for (const Route& route : kRoutes) {
    if (route.match == Match::kExact && MethodListed(route.methods, method) &&
        MatchRoute(route, path) >= 0)
      return route.bucket;
  }
  const Route* longest = nullptr;
  int longest_segments = -1;
  for (const Route& route : kRoutes) {
    if (route.match != Match::kPrefix || !MethodListed(route.methods, method)) continue;
    const int segments = MatchRoute(route, path);
    if (segments > longest_segments) {
      longest = &route;
      longest_segments = segments;
    }
  }
  if (!longest) return std::nullopt;
  return longest->bucket;
}

}  // namespace okta_bulk::mock
