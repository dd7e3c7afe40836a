// Throughput of the CSV reader (bytes/s and rows/s) and of the CSV record writer.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/csv/csv_writer.h"

namespace okta_bulk {
namespace {

constexpr std::size_t kTargetBytes = 10 * 1000 * 1000;

// ~10 MB of user rows like an Okta import: login, email, first, last, department, phone.
// `quoted` quotes every field and puts doubled quotes, commas and CRLFs inside some.
std::string MakeUsersCsv(bool quoted) {
  std::mt19937 rng(42);
  std::string csv = "login,email,firstName,lastName,department,mobilePhone\r\n";
  std::vector<std::string> fields(6);
  for (int row = 0; csv.size() < kTargetBytes; ++row) {
    const std::string id = std::to_string(row);
    const int pick = static_cast<int>(rng() % 8);
    fields[0] = "user" + id + "@example.com";
    fields[1] = "user" + id + ".mail@example.org";
    fields[2] = "First" + std::to_string(pick);
    fields[3] = quoted && pick == 0 ? "O\"Brien, Jr." : "Lastname" + id;
    fields[4] = quoted && pick == 1 ? "Sales\r\nEMEA" : "Engineering";
    fields[5] = "+1 555 01" + std::to_string(row % 100);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i != 0) csv += ',';
      if (quoted) {
        csv += '"';
        for (char c : fields[i]) {
          if (c == '"') csv += '"';
          csv += c;
        }
        csv += '"';
      } else {
        csv += fields[i];
      }
    }
    csv += "\r\n";
  }
  return csv;
}

void ReadAll(benchmark::State& state, const std::string& csv) {
  CsvRecord record;
  int64_t rows = 0;
  for (auto _ : state) {
    CsvReader reader(std::make_unique<CsvMemorySource>(csv));
    while (reader.Next(&record)) {
      benchmark::DoNotOptimize(record.fields.data());
      ++rows;
    }
    if (reader.error()) state.SkipWithError("read error");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(csv.size()));
  state.SetItemsProcessed(rows);
  state.counters["bytes"] = static_cast<double>(csv.size());
}

void BM_CsvReaderPlain(benchmark::State& state) {
  static const std::string csv = MakeUsersCsv(false);
  ReadAll(state, csv);
}
BENCHMARK(BM_CsvReaderPlain)->Unit(benchmark::kMillisecond);

void BM_CsvReaderQuoted(benchmark::State& state) {
  static const std::string csv = MakeUsersCsv(true);
  ReadAll(state, csv);
}
BENCHMARK(BM_CsvReaderQuoted)->Unit(benchmark::kMillisecond);

// The tokenizer alone over the whole buffer as one chunk (no block copy).
void BM_CsvTokenizerPlainOneChunk(benchmark::State& state) {
  static const std::string csv = MakeUsersCsv(false);
  CsvRecord record;
  int64_t rows = 0;
  for (auto _ : state) {
    CsvTokenizer tokenizer;
    tokenizer.Feed(csv);
    while (tokenizer.Next(&record)) ++rows;
    tokenizer.Finish();
    while (tokenizer.Next(&record)) ++rows;
    benchmark::DoNotOptimize(record.fields.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(csv.size()));
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_CsvTokenizerPlainOneChunk)->Unit(benchmark::kMillisecond);

// One results-file row per iteration into a reused buffer, as the results sink writes them:
// plain cells plus guarded cells from user input / server messages.
void BM_AppendCsvRecord(benchmark::State& state) {
  const std::vector<std::string_view> row = {
      "42", "user42@example.com", "created", "00u1abcdEFGH2345ijkl",
      "Api validation failed: login: An object with this field already exists, \"x\"",
      "=cmd|' /C calc'!A0"};
  std::string out;
  int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    AppendCsvRecord(&out, std::span<const std::string_view>(row.data(), 4));
    out.pop_back();
    out.push_back(',');
    AppendCsvCellGuarded(&out, row[4]);
    out.push_back(',');
    AppendCsvCellGuarded(&out, row[5]);
    out.push_back('\n');
    bytes += static_cast<int64_t>(out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_AppendCsvRecord);

}  // namespace
}  // namespace okta_bulk
