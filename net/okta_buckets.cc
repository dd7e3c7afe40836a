#include "net/okta_buckets.h"

namespace okta_bulk {
namespace {

constexpr std::array<std::string_view, kBucketCount> kNames = {
    "create", "get", "update", "groups", "group", "other"};

// Splits "a/b/c" into at most 4 segments after the prefix; returns the count.
std::size_t Segments(std::string_view rest, std::array<std::string_view, 4>& out) {
  std::size_t n = 0;
  while (!rest.empty() && n < out.size()) {
    std::size_t slash = rest.find('/');
    out[n++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) return n;
    rest.remove_prefix(slash + 1);
  }
  return rest.empty() ? n : n + 1;  // n+1 signals "more than fits"
}

}  // namespace

std::string_view BucketName(Bucket bucket) {
  return kNames[static_cast<std::size_t>(bucket)];
}

std::optional<Bucket> BucketFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Bucket>(i);
  return std::nullopt;
}

Bucket ClassifyRequest(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  constexpr std::string_view kUsers = "/api/v1/users";
  constexpr std::string_view kGroups = "/api/v1/groups";
  std::array<std::string_view, 4> seg{};

  if (path == kUsers) return Bucket::kUsers;
  if (path.starts_with(kUsers) && path[kUsers.size()] == '/') {
    std::size_t n = Segments(path.substr(kUsers.size() + 1), seg);
    if (n == 1) {
      if (method == "GET") return Bucket::kUserGet;
      if (method == "POST" || method == "PUT" || method == "DELETE") return Bucket::kUserWrite;
      return Bucket::kUsers;
    }
    return Bucket::kUsers;  // lifecycle/*, and the rest of the /api/v1/users prefix
  }
  if (path == kGroups) return Bucket::kGroups;
  if (path.starts_with(kGroups) && path[kGroups.size()] == '/') {
    std::size_t n = Segments(path.substr(kGroups.size() + 1), seg);
    return n == 1 ? Bucket::kGroup : Bucket::kGroups;
  }
  return Bucket::kOther;
}

}  // namespace okta_bulk
