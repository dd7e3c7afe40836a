// Micro-benchmarks of the rate governor's per-request cost: one TryAcquire + OnResponse
// cycle, and the header parsing that feeds it. Run:
//   ninja -C build okta_bulk_bench && build/bench/okta_bulk_bench --benchmark_filter='Governor|Header|HttpDate'
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <string_view>
#include <utility>

#include "net/okta_buckets.h"
#include "net/rate_governor.h"
#include "net/rate_limit_headers.h"

namespace okta_bulk {
namespace {

using TimePoint = RateGovernor::TimePoint;
constexpr int64_t kEpoch = 1'790'000'000;

// One permit taken and answered per iteration, in a bucket that never runs out; the clock
// advances 1 ms per request and the window rolls every 60 s, as in a long import.
void BM_GovernorAcquireRespondCycle(benchmark::State& state) {
  RateGovernor g({.max_in_flight = 16});
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  int64_t i = 0;
  int64_t refused = 0;
  RateLimitSnapshot rl;
  rl.limit = 1'000'000;
  for (auto _ : state) {
    auto d = g.TryAcquire(Bucket::kUsers, now);
    benchmark::DoNotOptimize(d);
    refused += !d.go;
    const int64_t server_s = kEpoch + i / 1000;
    rl.remaining = 1'000'000 - 1 - (i % 60'000);
    rl.reset_epoch_s = kEpoch + 60 + (i / 60'000) * 60;
    rl.date_epoch_s = server_s;
    g.OnResponse(Bucket::kUsers, 200, rl, now + std::chrono::microseconds(500), now);
    now += std::chrono::milliseconds(1);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["refused"] = static_cast<double>(refused);  // expected 0
}
BENCHMARK(BM_GovernorAcquireRespondCycle);

// A refused TryAcquire (bucket spent, waiting for its reset): what every waiting worker
// pays when it wakes.
void BM_GovernorRefusal(benchmark::State& state) {
  RateGovernor g;
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  RateLimitSnapshot rl;
  rl.limit = 600;
  rl.remaining = 0;
  rl.reset_epoch_s = kEpoch + 60;
  rl.date_epoch_s = kEpoch;
  auto first = g.TryAcquire(Bucket::kUsers, now);
  benchmark::DoNotOptimize(first);
  g.OnResponse(Bucket::kUsers, 200, rl, now, now);
  for (auto _ : state) {
    auto d = g.TryAcquire(Bucket::kUsers, now);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GovernorRefusal);

// The whole header set of one Okta response (as captured, contract §1.1), fed through
// AddHeader the way the response reader does.
void BM_HeaderSnapshotOfOneResponse(benchmark::State& state) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kHeaders = {{
      {"date", "Wed, 26 Jan 2022 17:56:38 GMT"},
      {"content-type", "application/json"},
      {"transfer-encoding", "chunked"},
      {"connection", "keep-alive"},
      {"server", "nginx"},
      {"public-key-pins-report-only", "pin-sha256=\"r5EfzZxQVvQpKo3AgYRaT7X2bDO/kj3ACwmxfdT2zt8=\""},
      {"vary", "Accept-Encoding"},
      {"x-okta-request-id", "YfGKpgFKQ0hLLjGOqYhMwAAACvs"},
      {"x-xss-protection", "0"},
      {"p3p", "CP=\"HONK\""},
      {"x-rate-limit-limit", "600"},
      {"x-rate-limit-remaining", "598"},
      {"x-rate-limit-reset", "1643219858"},
      {"cache-control", "no-cache, no-store"},
  }};
  for (auto _ : state) {
    RateLimitSnapshot s;
    for (const auto& [name, value] : kHeaders) s.AddHeader(name, value);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HeaderSnapshotOfOneResponse);

void BM_ParseHttpDate(benchmark::State& state) {
  std::string_view date = "Wed, 26 Jan 2022 17:56:38 GMT";
  for (auto _ : state) {
    benchmark::DoNotOptimize(date);
    auto t = ParseHttpDate(date);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseHttpDate);

}  // namespace
}  // namespace okta_bulk
