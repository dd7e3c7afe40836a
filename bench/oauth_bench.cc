// Micro-benchmarks of what OAuth adds per request: a DPoP proof (ES256 signature over fresh
// claims) on every API call, and the client assertion of each token request (RS256 or ES256).
// Run:
//   ninja -C build okta_bulk_bench && build/bench/okta_bulk_bench --benchmark_filter='Dpop|Assertion'
#include <benchmark/benchmark.h>

#include <memory>

#include "net/oauth.h"

namespace okta_bulk {
namespace {

void BM_DpopProofPerApiCall(benchmark::State& state) {
  DpopProofBuilder builder(std::make_shared<const JwsKey>(JwsKey::GenerateEcP256()));
  const std::string ath = AccessTokenHash("eyJraWQiOiJ0b2tlbiJ9.access.token");
  for (auto _ : state) {
    std::string proof = builder.Build("POST", "https://acme.okta.com/api/v1/users", 1'790'000'000,
                                      ath, "");
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_DpopProofPerApiCall);

// The client assertion and form body of one token request, with an EC P-256 key (a token
// request happens about once every 45 minutes, so this is for completeness).
void BM_ClientAssertionEs256(benchmark::State& state) {
  OAuthOptions o;
  o.client_id = "0oa1client";
  o.key_id = "kid";
  o.key = std::make_shared<const JwsKey>(JwsKey::GenerateEcP256());
  o.scopes = {"okta.users.manage"};
  for (auto _ : state) {
    std::string body = BuildTokenRequestBody(
        o, BuildClientAssertion(o, "https://acme.okta.com/oauth2/v1/token", 1'790'000'000,
                                RandomBase64Url(18)));
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_ClientAssertionEs256);

}  // namespace
}  // namespace okta_bulk
