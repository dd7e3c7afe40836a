// Okta's management-API rate-limit buckets, and which bucket a request is counted in.
// Pure functions; shared by the client's rate governor and by okta-mock.
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace okta_bulk {

// The buckets of contract §1.2/§1.4 that a bulk user job touches. Each request is counted in
// exactly one of them (the most specific match).
enum class Bucket : unsigned char {
  kUsers,      // GET|POST /api/v1/users (create or list users) and /api/v1/users/{id}/lifecycle/*
  kUserGet,    // GET /api/v1/users/{idOrLogin}
  kUserWrite,  // POST|PUT|DELETE /api/v1/users/{id}
  kGroups,     // /api/v1/groups and below, except /api/v1/groups/{id} itself
  kGroup,      // /api/v1/groups/{id}
  kOther,      // everything else under /api/v1
};
inline constexpr std::size_t kBucketCount = 6;

// Short stable names, used in flags (`--limits create=600,...`), stats and reports:
// "create", "get", "update", "groups", "group", "other".
std::string_view BucketName(Bucket bucket);
std::optional<Bucket> BucketFromName(std::string_view name);
inline constexpr std::array<Bucket, kBucketCount> kAllBuckets = {
    Bucket::kUsers, Bucket::kUserGet, Bucket::kUserWrite,
    Bucket::kGroups, Bucket::kGroup, Bucket::kOther};

// Classifies `method` + `target` (path, optionally followed by ?query) per contract §1.2:
// exact buckets first, then the longest prefix; the group-membership PUT
// (/api/v1/groups/{gid}/users/{uid}) counts in kGroups and lifecycle calls in kUsers, as
// Okta's own Terraform provider maps them.
Bucket ClassifyRequest(std::string_view method, std::string_view target);

}  // namespace okta_bulk
