// What progress costs: the pre-count of a CSV file's records before a run (bytes/s), one
// progress line, and one sample into the bounded series.
//   ninja -C build okta_bulk_bench && build/bench/okta_bulk_bench --benchmark_filter=Progress
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "pipeline/report/progress.h"
#include "pipeline/report/run_report.h"

namespace okta_bulk {
namespace {

// ~115 MB, like `gen-users --count 1000000`: one user per row, every 8th with a quoted
// department that spans two lines.
std::string WriteUsersFile() {
  std::string path = "/tmp/okta-bulk-progress-bench-" + std::to_string(::getpid()) + ".csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return "";
  std::string chunk;
  std::fputs("login,email,firstName,lastName,department,password,groupId\n", f);
  for (int row = 0; row < 1000000; ++row) {
    const std::string id = std::to_string(row);
    chunk += "user" + id + "@example.com,user" + id + ".mail@example.org,First,Last" + id +
             (row % 8 == 0 ? ",\"Sales\nEMEA\"" : ",Engineering") +
             ",Secret-" + id + "-Ab9,00gmock0000000000001\n";
    if (chunk.size() > (1 << 20)) {
      std::fwrite(chunk.data(), 1, chunk.size(), f);
      chunk.clear();
    }
  }
  std::fwrite(chunk.data(), 1, chunk.size(), f);
  std::fclose(f);
  return path;
}

void BM_ProgressCountCsvRecords(benchmark::State& state) {
  const std::string path = WriteUsersFile();
  if (path.empty()) {
    state.SkipWithError("cannot write the temp file");
    return;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  const long bytes = std::ftell(f);
  std::fclose(f);
  uint64_t records = 0;
  for (auto _ : state) records = CountCsvRecords(path).value_or(0);
  std::remove(path.c_str());
  if (records != 1000000) state.SkipWithError("wrong count");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * bytes);
  state.counters["rows"] = static_cast<double>(records);
}
BENCHMARK(BM_ProgressCountCsvRecords)->Unit(benchmark::kMillisecond);

void BM_ProgressRenderLine(benchmark::State& state) {
  ProgressState s;
  s.done = 123456;
  s.total = 1000000;
  s.rate = 612;
  s.eta_s = 1432;
  s.outcomes[0] = 120000;
  s.outcomes[static_cast<std::size_t>(Outcome::kFailed)] = 3456;
  s.in_flight = 8;
  s.in_flight_cap = 8;
  s.bottleneck = {Bottleneck::kBucket, Bucket::kUsers};
  BucketNow b;
  b.limit = 600;
  b.usable = 12;
  b.reset_in_s = 23;
  s.bottleneck_bucket = b;
  for (auto _ : state) benchmark::DoNotOptimize(RenderProgressLine(s, 160, true));
}
BENCHMARK(BM_ProgressRenderLine);

void BM_ProgressSeriesAdd(benchmark::State& state) {
  RunSeries series;
  SeriesPoint p;
  for (auto _ : state) {
    p.t_s += 1;
    p.done += 10;
    series.Add(p);
  }
  benchmark::DoNotOptimize(series.points().size());
}
BENCHMARK(BM_ProgressSeriesAdd);

}  // namespace
}  // namespace okta_bulk
