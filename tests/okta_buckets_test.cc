// The client's classification (net/okta_buckets) against the contract's table
// (tests/testing/contract_buckets.h); tests/okta_mock_buckets_test.cc runs the same table
// against okta-mock's own.
#include "net/okta_buckets.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/testing/contract_buckets.h"

namespace okta_bulk {
namespace {

TEST(OktaBucketsTest, EveryEndpointTheClientCallsCountsInTheContractsBucket) {
  for (const testing::ContractBucketRow& row : testing::kClientEndpoints) {
    EXPECT_EQ(BucketName(ClassifyRequest(row.method, row.target)), BucketName(row.bucket))
        << row.method << " " << row.target << " (" << row.why << ")";
  }
}

TEST(OktaBucketsTest, TheContractsOtherRowsCountInTheirBuckets) {
  for (const testing::ContractBucketRow& row : testing::kOtherContractRows) {
    EXPECT_EQ(BucketName(ClassifyRequest(row.method, row.target)), BucketName(row.bucket))
        << row.method << " " << row.target << " (" << row.why << ")";
  }
}

TEST(OktaBucketsTest, TheContractTableCoversEveryBucket) {
  std::set<Bucket> seen;
  for (const auto& row : testing::kClientEndpoints) seen.insert(row.bucket);
  for (const auto& row : testing::kOtherContractRows) seen.insert(row.bucket);
  for (Bucket bucket : kAllBuckets) EXPECT_TRUE(seen.contains(bucket)) << BucketName(bucket);
}

}  // namespace
}  // namespace okta_bulk
