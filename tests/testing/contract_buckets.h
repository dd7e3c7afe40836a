// The rate-limit bucket of each request, as the contract states it: one table that
// tests/okta_buckets_test.cc runs against the client's classification and
// tests/okta_mock_buckets_test.cc against okta-mock's own, so both are checked against the
// contract and therefore against each other. Section numbers are those of
// ../shared/okta/okta-api-contract.md.
#pragma once
#include <array>
#include <string_view>

#include "net/okta_buckets.h"

namespace okta_bulk::testing {

struct ContractBucketRow {
  std::string_view method;
  std::string_view target;  // as sent: percent-encoded path, then "?query"
  Bucket bucket;
  std::string_view why;     // the contract's words, and who sends it
};

// Every request the client sends to the management API (pipeline/okta/okta_requests.cc,
// pipeline/jobs/export_job.cc; the OAuth token request, net/oauth_authenticator.cc, is not
// classified and goes to /oauth2/v1, outside these buckets).
inline constexpr std::array kClientEndpoints = {
    // §1.4 "Create or list users: GET or POST /api/v1/users"; §2 create-user query parameters.
    ContractBucketRow{"POST", "/api/v1/users?activate=true", Bucket::kUsers,
                      "§1.4 create user (import)"},
    ContractBucketRow{"POST", "/api/v1/users?activate=false", Bucket::kUsers,
                      "§1.4 create user staged (import)"},
    ContractBucketRow{"POST", "/api/v1/users?activate=true&nextLogin=changePassword",
                      Bucket::kUsers, "§1.4 create user, password expired (import)"},
    // §1.4 "Get user by ID or login: GET /api/v1/users/{idOrLogin}"; §4 logins are URL-encoded.
    ContractBucketRow{"GET", "/api/v1/users/00ub0oNGTSWTBKOLGLNR", Bucket::kUserGet,
                      "§1.4 get user by id (user ops)"},
    ContractBucketRow{"GET", "/api/v1/users/isaac.brock%40example.com", Bucket::kUserGet,
                      "§1.4/§4 get user by percent-encoded login (import lookup, user ops)"},
    ContractBucketRow{"GET", "/api/v1/users/a%2Fb%3Fc%40example.com", Bucket::kUserGet,
                      "§1.4 an encoded '/' or '?' stays inside the one {idOrLogin} segment"},
    // §1.4 "Update or delete user: POST, PUT or DELETE /api/v1/users/{id}"; §4 partial update.
    ContractBucketRow{"POST", "/api/v1/users/00ub0oNGTSWTBKOLGLNR", Bucket::kUserWrite,
                      "§1.4/§4 partial update by id (import --existing update, update)"},
    ContractBucketRow{"POST", "/api/v1/users/isaac.brock%40example.com", Bucket::kUserWrite,
                      "§1.4/§4 partial update by login (update)"},
    ContractBucketRow{"DELETE", "/api/v1/users/00ub0oNGTSWTBKOLGLNR", Bucket::kUserWrite,
                      "§1.4 delete user (delete)"},
    // §1.2: official docs are silent (§8 open point 2); Okta's Terraform provider sends
    // /api/v1/users/{id}/lifecycle/* to the "/api/v1/users" prefix bucket.
    ContractBucketRow{"POST", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/lifecycle/deactivate",
                      Bucket::kUsers, "§1.2 lifecycle deactivate (deactivate, delete)"},
    // §1.2: docs silent (§8 open point 2); the Terraform provider sends the membership PUT to
    // the "/api/v1/groups" prefix bucket, i.e. §1.4 "/api/v1/groups except /{id}".
    ContractBucketRow{"PUT", "/api/v1/groups/00g1emaKYZTWRYYRRTSK/users/00ub0oNGTSWTBKOLGLNR",
                      Bucket::kGroups, "§1.2 group membership PUT (assign)"},
    // §1.4 "Create or list groups: /api/v1/groups except /{id}".
    ContractBucketRow{"GET", "/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22",
                      Bucket::kGroups, "§1.4 list groups (export --groups)"},
    ContractBucketRow{"GET", "/api/v1/groups/00g1emaKYZTWRYYRRTSK/users?limit=1000",
                      Bucket::kGroups, "§1.4 list a group's members (export --groups)"},
    ContractBucketRow{"GET", "/api/v1/groups/00g1emaKYZTWRYYRRTSK/users?after=00u1&limit=1000",
                      Bucket::kGroups, "§1.4 next page of a group's members (export)"},
    // §1.4 "Create or list users"; §4 "This call shares the create-user rate bucket".
    ContractBucketRow{"GET", "/api/v1/users?limit=200", Bucket::kUsers,
                      "§1.4/§4 list users (export)"},
    ContractBucketRow{"GET", "/api/v1/users?after=00ud4tVDDXYVKPXKVLCO&limit=200",
                      Bucket::kUsers, "§1.4/§4 next page from the Link header (export)"},
};

// The contract's other rows, so every bucket is checked: requests the client does not send
// today but that a bulk tool is one step from.
inline constexpr std::array kOtherContractRows = {
    // §1.4 "Group by ID: /api/v1/groups/{id}".
    ContractBucketRow{"GET", "/api/v1/groups/00g1emaKYZTWRYYRRTSK", Bucket::kGroup,
                      "§1.4 get group by id"},
    ContractBucketRow{"PUT", "/api/v1/groups/00g1emaKYZTWRYYRRTSK", Bucket::kGroup,
                      "§1.4 replace group"},
    // §1.4 "Update or delete user": PUT is the full replace of §4.
    ContractBucketRow{"PUT", "/api/v1/users/00ub0oNGTSWTBKOLGLNR", Bucket::kUserWrite,
                      "§1.4/§4 full replace"},
    // §1.2 "/api/v1/users*" longest match: other calls below a user.
    ContractBucketRow{"POST", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/lifecycle/activate?sendEmail=false",
                      Bucket::kUsers, "§1.2 lifecycle activate"},
    ContractBucketRow{"GET", "/api/v1/users/00ub0oNGTSWTBKOLGLNR/groups", Bucket::kUsers,
                      "§1.2 a user's groups, /api/v1/users prefix"},
    ContractBucketRow{"DELETE", "/api/v1/groups/00g1emaKYZTWRYYRRTSK/users/00ub0oNGTSWTBKOLGLNR",
                      Bucket::kGroups, "§1.2 group membership DELETE"},
    ContractBucketRow{"POST", "/api/v1/groups", Bucket::kGroups, "§1.4 create group"},
    // §1.4 "Most other: /api/v1", e.g. the user schema (/api/v1/meta/schemas/user/{schemaId}).
    ContractBucketRow{"GET", "/api/v1/meta/schemas/user/default", Bucket::kOther,
                      "§1.4 most other: user schema"},
    ContractBucketRow{"POST", "/api/v1/meta/schemas/user/default", Bucket::kOther,
                      "§1.4 most other: schema update"},
    // Not the contract's words: how a path is read. A trailing "/" is ignored, and a prefix
    // matches whole segments only.
    ContractBucketRow{"GET", "/api/v1/users/", Bucket::kUsers, "list users, trailing /"},
    ContractBucketRow{"GET", "/api/v1/usersX", Bucket::kOther,
                      "not /api/v1/users: most other"},
};

}  // namespace okta_bulk::testing
