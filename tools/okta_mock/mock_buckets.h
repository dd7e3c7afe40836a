// Which rate-limit bucket okta-mock counts a request in, written from the contract
// (okta-api-contract.md §1.2 and §1.4) as okta-mock's own route table. okta-mock is the
// tests' oracle, so it must not share this rule with the client's classification in
// net/okta_buckets; it shares only the bucket names there (`Bucket`, `BucketName`).
#pragma once
#include <optional>
#include <string_view>

#include "net/okta_buckets.h"

namespace okta_bulk::mock {

// Returns the bucket in which Okta counts `method` `target` (the request target as sent:
// a percent-encoded path, optionally followed by "?query"), or nullopt when the target is
// not under /api/v1 (the OAuth token endpoint and the mock's own /__ pages are not in a
// management bucket). Pure function; any thread.
//
// Matching follows §1.2: the exact (method, path pattern) routes first, where "{}" stands for
// one path segment; when none matches, the longest prefix route. A trailing "/" is ignored.
std::optional<Bucket> MockBucket(std::string_view method, std::string_view target);

}  // namespace okta_bulk::mock
