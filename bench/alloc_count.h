// Allocation counting shared by the benches of okta_bulk_bench: pipeline_bench.cc replaces the
// global operator new and counts allocations while a counter is running. Single-threaded use.
#pragma once
#include <cstdint>

namespace okta_bulk::bench {

// Starts counting; returns the count so far (pass it to AllocsSince).
uint64_t StartCountingAllocs();
// Stops counting and returns the allocations made since `start`.
uint64_t AllocsSince(uint64_t start);

}  // namespace okta_bulk::bench
