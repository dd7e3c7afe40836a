// okta-mock's create path without sockets: MockTenant::Handle for POST /api/v1/users with a
// new login each time (validation, the user stored, the User JSON answered, rate-limit
// headers), as one core of okta-mock spends it between reading a request and writing the
// answer. The socket side (Beast parsing, send/recv) comes on top; see
// bench/mock_create_throughput.sh for the whole server.
// Run: ninja -C build okta_bulk_bench && build/bench/okta_bulk_bench --benchmark_filter=Mock
#include <benchmark/benchmark.h>

#include <string>

#include "bench/alloc_count.h"
#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {
namespace {

void BM_MockTenantCreateUser(benchmark::State& state) {
  MockOptions options;
  options.seed = 1;
  options.groups = {"00gmock0000000000001"};
  MockTenant tenant(options);
  tenant.set_base_url("http://127.0.0.1:8080");
  std::string body;
  uint64_t n = 0, allocs = 0, bytes = 0;
  for (auto _ : state) {
    const std::string login = "bench.u" + std::to_string(++n) + "@example.com";
    body = "{\"profile\":{\"login\":\"" + login + "\",\"email\":\"" + login +
           "\",\"firstName\":\"Bench\",\"lastName\":\"User\",\"department\":\"Load\"},"
           "\"credentials\":{\"password\":{\"value\":\"Passw0rd!\"}},"
           "\"groupIds\":[\"00gmock0000000000001\"]}";
    MockRequest req{"POST", "/api/v1/users?activate=true", "SSWS test-token", body};
    const uint64_t start = bench::StartCountingAllocs();
    MockResponse res = tenant.Handle(req, Clock::now());
    tenant.Release();
    allocs += bench::AllocsSince(start);
    if (res.status != 200) state.SkipWithError(res.body.c_str());
    bytes += res.body.size();
    benchmark::DoNotOptimize(res.body.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_create"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
  state.counters["answer_bytes"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_MockTenantCreateUser)->Iterations(200000);

}  // namespace
}  // namespace okta_bulk::mock
