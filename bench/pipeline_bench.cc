// Per-row costs of the import pipeline, without sockets: request encoding (RowBuilder::Build),
// response reading (ResponseReader), and one row's whole path (CSV record -> validation ->
// ImportTask -> Dispatcher + RateGovernor -> a fake transport answering 200 -> result).
// Allocations are counted by a global operator new in this file that counts only while
// g_counting is set, so the other benches of the binary pay one relaxed load per allocation.
// Run:
//   ninja -C build okta_bulk_bench && build/bench/okta_bulk_bench --benchmark_filter='Pipeline|Encode|Read'
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "net/rate_governor.h"
#include "pipeline/csv/csv_reader.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/jobs/import_task.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/rows/row_sets.h"
#include "pipeline/rows/user_row.h"
#include "bench/alloc_count.h"

// ---- Allocation counting -------------------------------------------------------------------
// Every form of operator new/delete is replaced, so whatever allocates, frees with the matching
// function. Counting is a relaxed atomic add; the flag is read relaxed too (benchmarks are
// single-threaded; the atomics only keep this correct if some library allocates on a thread).
// GCC 12 sees malloc'd memory freed by an inlined operator delete that calls free() and warns
// -Wmismatched-new-delete at every inlined call site; here new and delete do match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_allocs{0};

void* CountedAlloc(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  return std::malloc(size);
}
void* CountedAlignedAlloc(std::size_t size, std::align_val_t align) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(align);
  const std::size_t rounded = (size + a - 1) / a * a;  // aligned_alloc wants a multiple
  return std::aligned_alloc(a, rounded == 0 ? a : rounded);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return CountedAlloc(size); }
void* operator new(std::size_t size, std::align_val_t align) {
  if (void* p = CountedAlignedAlloc(size, align)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  if (void* p = CountedAlignedAlloc(size, align)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return CountedAlignedAlloc(size, align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace okta_bulk {

namespace bench {
uint64_t StartCountingAllocs() {
  g_counting.store(true, std::memory_order_relaxed);
  return g_allocs.load(std::memory_order_relaxed);
}
uint64_t AllocsSince(uint64_t start) {
  g_counting.store(false, std::memory_order_relaxed);
  return g_allocs.load(std::memory_order_relaxed) - start;
}
}  // namespace bench

namespace {

namespace asio = boost::asio;
using Result = boost::system::result<HttpResponse>;

// Counts allocations made between construction and Stop() (or destruction).
class AllocCounter {
 public:
  AllocCounter() : start_(g_allocs.load(std::memory_order_relaxed)) {
    g_counting.store(true, std::memory_order_relaxed);
  }
  ~AllocCounter() { Stop(); }
  uint64_t Stop() {
    g_counting.store(false, std::memory_order_relaxed);
    return g_allocs.load(std::memory_order_relaxed) - start_;
  }
  // Excludes a region (the fake server's side) from the count.
  struct Pause {
    Pause() : was(g_counting.exchange(false, std::memory_order_relaxed)) {}
    ~Pause() { g_counting.store(was, std::memory_order_relaxed); }
    bool was;
  };

 private:
  uint64_t start_;
};

// ---- Inputs --------------------------------------------------------------------------------

// A typical HR export: 8 columns, one group, no password (most imports activate without one).
const std::vector<std::string> kHeader = {"login",      "email",      "firstName", "lastName",
                                          "department", "title",      "mobilePhone", "groupIds"};

void FillRecord(CsvRecord* record, uint64_t n) {
  char id[24];
  auto end = std::to_chars(id, id + sizeof id, n).ptr;
  std::string_view num(id, end - id);
  auto& f = record->fields;
  f.resize(8);
  f[0].assign("jane.doe").append(num).append("@example.com");
  f[1].assign("jane.doe").append(num).append("@mail.example.org");
  f[2].assign("Jane");
  f[3].assign("O'Doe-Smith");
  f[4].assign("Engineering");
  f[5].assign("Senior Software Engineer");
  f[6].assign("+1 555 0100 ").append(num.substr(0, 4));
  f[7].assign("00g1abcd2EFGH3ijk4x5");
  record->record_number = n;
  record->first_line = n + 1;
  record->problem = CsvProblem::kNone;
}

RowBuilder MakeBuilder() {
  ColumnMap columns;
  std::string error;
  if (!ColumnMap::FromHeader(kHeader, &columns, &error)) std::abort();
  return RowBuilder(std::move(columns), {});
}

// A User object as POST /api/v1/users answers it (~1.5 KB; shape of Okta's docs example).
std::string OktaUserJson(std::string_view id, std::string_view login) {
  std::string s;
  s += R"({"id":")";
  s += id;
  s += R"(","status":"ACTIVE","created":"2026-11-29T12:00:00.000Z","activated":"2026-11-29T12:00:00.000Z",)";
  s += R"("statusChanged":"2026-11-29T12:00:00.000Z","lastLogin":null,"lastUpdated":"2026-11-29T12:00:00.000Z",)";
  s += R"("passwordChanged":null,"type":{"id":"oty1abcd2EFGH3ijk4x5"},)";
  s += R"("profile":{"firstName":"Jane","lastName":"O'Doe-Smith","mobilePhone":"+1 555 0100 1234",)";
  s += R"("secondEmail":null,"login":")";
  s += login;
  s += R"(","email":")";
  s += login;
  s += R"(","department":"Engineering","title":"Senior Software Engineer","displayName":"Jane O'Doe-Smith",)";
  s += R"("employeeNumber":"E-000123","costCenter":"CC-42","organization":"Example Corp",)";
  s += R"("city":"San Francisco","state":"CA","countryCode":"US","locale":"en_US","timezone":"America/Los_Angeles"},)";
  s += R"("credentials":{"provider":{"type":"OKTA","name":"OKTA"}},)";
  s += R"("_links":{"suspend":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"(/lifecycle/suspend","method":"POST"},"schema":{"href":"https://example.okta.com/api/v1/meta/schemas/user/osc1abcd2EFGH3ijk4x5"},)";
  s += R"("resetPassword":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"(/lifecycle/reset_password","method":"POST"},"expirePassword":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"(/lifecycle/expire_password","method":"POST"},"changeRecoveryQuestion":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"(/credentials/change_recovery_question","method":"POST"},"self":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"("},"type":{"href":"https://example.okta.com/api/v1/meta/types/user/oty1abcd2EFGH3ijk4x5"},)";
  s += R"("deactivate":{"href":"https://example.okta.com/api/v1/users/)";
  s += id;
  s += R"(/lifecycle/deactivate","method":"POST"}}})";
  return s;
}

const char kDuplicateLoginBody[] =
    R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login",)"
    R"("errorLink":"E0000001","errorId":"oaeXBPRA9SuTBGbF1n3Yr0uEg",)"
    R"("errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]})";

// ---- (a) Request encoding ------------------------------------------------------------------

// Steady state: one PreparedRow reused, as a dry run validates.
void BM_EncodeCreateBodyReused(benchmark::State& state) {
  RowBuilder builder = MakeBuilder();
  CsvRecord record;
  FillRecord(&record, 123456);
  PreparedRow row;
  std::string error;
  uint64_t allocs = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    AllocCounter count;
    if (!builder.Build(record, 123456, &row, &error)) state.SkipWithError(error.c_str());
    allocs += count.Stop();
    bytes += static_cast<int64_t>(row.create_body.size());
    benchmark::DoNotOptimize(row.create_body.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  state.counters["allocs_per_row"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
  state.counters["body_bytes"] = static_cast<double>(row.create_body.size());
}
BENCHMARK(BM_EncodeCreateBodyReused);

// As the import job does it: a fresh PreparedRow per row (it is moved into the row's task).
void BM_EncodeCreateBodyFreshRow(benchmark::State& state) {
  RowBuilder builder = MakeBuilder();
  CsvRecord record;
  FillRecord(&record, 123456);
  std::string error;
  uint64_t allocs = 0;
  for (auto _ : state) {
    AllocCounter count;
    {
      PreparedRow row;
      if (!builder.Build(record, 123456, &row, &error)) state.SkipWithError(error.c_str());
      benchmark::DoNotOptimize(row.create_body.data());
    }
    allocs += count.Stop();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_row"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_EncodeCreateBodyFreshRow);

// ---- (b) Response reading ------------------------------------------------------------------

void BM_ReadUserResponse(benchmark::State& state) {
  ResponseReader reader;
  std::string body = OktaUserJson("00u1abcdEFGH2345ijkl", "jane.doe123456@example.com");
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);  // a transport's buffer has slack
  UserSummary user;
  std::string error;
  uint64_t allocs = 0;
  for (auto _ : state) {
    AllocCounter count;
    if (!reader.ReadUser(body, &user, &error)) state.SkipWithError(error.c_str());
    allocs += count.Stop();
    benchmark::DoNotOptimize(user.id.data());
  }
  if (user.id != "00u1abcdEFGH2345ijkl" || user.status != "ACTIVE") state.SkipWithError("wrong user");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
  state.counters["allocs_per_response"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ReadUserResponse);

void BM_ReadDuplicateLoginError(benchmark::State& state) {
  ResponseReader reader;
  std::string body = kDuplicateLoginBody;
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  uint64_t allocs = 0;
  bool duplicate = true;
  for (auto _ : state) {
    AllocCounter count;
    OktaError e = reader.ReadError(body);
    allocs += count.Stop();
    duplicate &= e.LoginAlreadyExists();
    benchmark::DoNotOptimize(e.code.data());
  }
  if (!duplicate) state.SkipWithError("not read as a duplicate login");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(body.size()));
  state.counters["allocs_per_response"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ReadDuplicateLoginError);

// ---- (c) One row's whole path --------------------------------------------------------------

std::string HttpDate(std::time_t t) {
  char buf[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// Answers every create with 201-style 200 + the User body and Okta's rate-limit headers (a
// bucket so large that the governor never waits). Building the response is the server's
// work, so it is left out of the allocation count; the client's copy of it is not (a real
// transport allocates the body and header strings too, see fake_allocs_per_row).
class FakeTransport final : public HttpTransport {
 public:
  FakeTransport() : body_(OktaUserJson("00u1abcdEFGH2345ijkl", "jane.doe123456@example.com")) {
    const std::time_t now = std::time(nullptr);
    date_ = HttpDate(now);
    reset_ = std::to_string(now + 60);
  }
  asio::awaitable<Result> Send(const HttpRequest& request) override {
    AllocCounter::Pause pause;
    const uint64_t before = g_allocs.load(std::memory_order_relaxed);
    g_counting.store(true, std::memory_order_relaxed);  // counted separately, below
    HttpResponse r;
    r.status = request.method == "POST" ? 200 : 500;
    r.body.reserve(body_.size() + simdjson::SIMDJSON_PADDING);
    r.body = body_;
    r.headers.reserve(4);
    r.headers.emplace_back("date", date_);
    r.headers.emplace_back("x-rate-limit-limit", "100000000");
    r.headers.emplace_back("x-rate-limit-remaining", std::to_string(--remaining_));
    r.headers.emplace_back("x-rate-limit-reset", reset_);
    fake_allocs += g_allocs.load(std::memory_order_relaxed) - before;
    g_allocs.store(before, std::memory_order_relaxed);
    co_return r;
  }
  uint64_t fake_allocs = 0;

 private:
  std::string body_, date_, reset_;
  int64_t remaining_ = 100'000'000;
};

// The import job's source, minus the results file: CSV records -> RowBuilder -> duplicate
// check -> ImportTask. The records come from an in-memory CSV through CsvReader.
class CsvTaskSource final : public TaskSource {
 public:
  CsvTaskSource(const std::string& csv, RowBuilder& builder, const ImportTaskOptions& options,
                RunContext& run)
      : reader_(std::make_unique<CsvMemorySource>(csv)), builder_(builder),
        options_(options), run_(run) {
    reader_.Next(&record_);  // header
  }
  std::unique_ptr<Task> Next() override {
    const uint64_t before = g_allocs.load(std::memory_order_relaxed);
    std::unique_ptr<Task> task = Make();
    allocs += g_allocs.load(std::memory_order_relaxed) - before;
    return task;
  }
  uint64_t invalid = 0;
  uint64_t allocs = 0;  // made while reading, validating and encoding rows (counted ones)

 private:
  std::unique_ptr<Task> Make() {
    PreparedRow row;
    std::string error;
    while (reader_.Next(&record_)) {
      ++row_;
      if (builder_.Build(record_, row_, &row, &error) && seen_.Insert(row.login, row_) == 0)
        return std::make_unique<ImportTask>(std::move(row), options_, run_);
      ++invalid;
    }
    return nullptr;
  }

  CsvReader reader_;
  RowBuilder& builder_;
  const ImportTaskOptions& options_;
  RunContext& run_;
  CsvRecord record_;
  SeenLogins seen_;
  uint64_t row_ = 0;
};

std::string MakeCsv(int rows) {
  std::string csv;
  for (std::size_t i = 0; i < kHeader.size(); ++i) csv += (i ? "," : "") + kHeader[i];
  csv += "\r\n";
  CsvRecord record;
  for (int n = 1; n <= rows; ++n) {
    FillRecord(&record, static_cast<uint64_t>(n));
    for (std::size_t i = 0; i < record.fields.size(); ++i) csv += (i ? "," : "") + record.fields[i];
    csv += "\r\n";
  }
  return csv;
}

// range(0): rows per iteration; range(1): workers (--concurrency).
void BM_PipelineRowsThroughFakeTransport(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  const int workers = static_cast<int>(state.range(1));
  const std::string csv = MakeCsv(rows);
  uint64_t allocs = 0, source_allocs = 0, fake_allocs = 0, created = 0, requests = 0, invalid = 0;
  for (auto _ : state) {
    AllocCounter count;
    asio::io_context io;
    FakeTransport transport;
    RunContext run;
    ImportTaskOptions task_options;
    RowBuilder builder = MakeBuilder();
    CsvTaskSource source(csv, builder, task_options, run);
    DispatcherOptions options;
    options.workers = workers;
    options.seed = 7;
    GovernorOptions g;
    g.max_in_flight = workers;
    RateGovernor governor(g);
    Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, options,
                          [&](Task& t) {
                            created += t.result().outcome == Outcome::kCreated;
                            return true;
                          });
    bool finished = false;
    auto run_dispatcher = dispatcher.Run();
    asio::co_spawn(io, std::move(run_dispatcher), [&](std::exception_ptr e) {
      finished = true;
      if (e) std::rethrow_exception(e);
    });
    io.run();
    allocs += count.Stop();
    if (!finished || dispatcher.aborted()) state.SkipWithError("dispatcher did not finish");
    fake_allocs += transport.fake_allocs;
    requests += dispatcher.stats().requests;
    invalid += source.invalid;
    source_allocs += source.allocs;
  }
  const double total_rows = static_cast<double>(state.iterations()) * rows;
  if (created != static_cast<uint64_t>(total_rows)) state.SkipWithError("not every row was created");
  state.SetItemsProcessed(static_cast<int64_t>(total_rows));
  state.counters["rows_per_s"] = benchmark::Counter(total_rows, benchmark::Counter::kIsRate);
  state.counters["allocs_per_row"] = static_cast<double>(allocs) / total_rows;
  // Of allocs_per_row: CSV reading, validation, encoding and the task object (the rest is
  // the dispatcher, the task's request/response handling and the results).
  state.counters["source_allocs_per_row"] = static_cast<double>(source_allocs) / total_rows;
  state.counters["fake_allocs_per_row"] = static_cast<double>(fake_allocs) / total_rows;
  state.counters["requests_per_row"] = static_cast<double>(requests) / total_rows;
  state.counters["invalid"] = static_cast<double>(invalid);
}
// The dispatcher alone: tasks made beforehand (outside the timing), as the tests' VectorSource
// does, so what is left is pacing, the transport call, the response and the result.
class VectorSource final : public TaskSource {
 public:
  std::deque<std::unique_ptr<Task>> tasks;
  std::unique_ptr<Task> Next() override {
    if (tasks.empty()) return nullptr;
    auto t = std::move(tasks.front());
    tasks.pop_front();
    return t;
  }
};

void BM_PipelineDispatchOnly(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  const int workers = static_cast<int>(state.range(1));
  RowBuilder builder = MakeBuilder();
  uint64_t allocs = 0, created = 0;
  for (auto _ : state) {
    state.PauseTiming();
    RunContext run;
    ImportTaskOptions task_options;
    VectorSource source;
    {
      CsvRecord record;
      PreparedRow row;
      std::string error;
      for (int n = 1; n <= rows; ++n) {
        FillRecord(&record, static_cast<uint64_t>(n));
        if (!builder.Build(record, static_cast<uint64_t>(n), &row, &error)) std::abort();
        source.tasks.push_back(std::make_unique<ImportTask>(std::move(row), task_options, run));
        row = PreparedRow();
      }
    }
    state.ResumeTiming();
    AllocCounter count;
    asio::io_context io;
    FakeTransport transport;
    DispatcherOptions options;
    options.workers = workers;
    options.seed = 7;
    GovernorOptions g;
    g.max_in_flight = workers;
    RateGovernor governor(g);
    Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, options,
                          [&](Task& t) {
                            created += t.result().outcome == Outcome::kCreated;
                            return true;
                          });
    bool finished = false;
    auto run_dispatcher = dispatcher.Run();
    asio::co_spawn(io, std::move(run_dispatcher), [&](std::exception_ptr e) {
      finished = true;
      if (e) std::rethrow_exception(e);
    });
    io.run();
    allocs += count.Stop();
    if (!finished || dispatcher.aborted()) state.SkipWithError("dispatcher did not finish");
  }
  const double total_rows = static_cast<double>(state.iterations()) * rows;
  if (created != static_cast<uint64_t>(total_rows)) state.SkipWithError("not every row was created");
  state.SetItemsProcessed(static_cast<int64_t>(total_rows));
  state.counters["rows_per_s"] = benchmark::Counter(total_rows, benchmark::Counter::kIsRate);
  state.counters["allocs_per_row"] = static_cast<double>(allocs) / total_rows;
}
BENCHMARK(BM_PipelineDispatchOnly)->Args({20000, 64})->Unit(benchmark::kMillisecond);

BENCHMARK(BM_PipelineRowsThroughFakeTransport)
    ->Args({20000, 8})
    ->Args({20000, 64})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace okta_bulk
