// The JobObserver interface a job calls (start, each finished row, end) and the RunView it
// is shown: how the report/ room (RunMonitor) watches a run without the engine and the jobs
// depending on it.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "pipeline/engine/row_result.h"

namespace okta_bulk {

class Dispatcher;
class RateGovernor;

// What a running job lets an observer read. Everything it points to lives from OnStart to
// OnFinish (inclusive) and is read on the io_context thread only.
struct RunView {
  boost::asio::any_io_executor executor;
  const Dispatcher* dispatcher = nullptr;
  const RateGovernor* governor = nullptr;
  // Rows finished in this run by outcome (invalid ones included), or nullptr (export).
  const std::array<uint64_t, kOutcomeCount>* counts = nullptr;
  // Rows the results file already held (--resume), by outcome; they count as done.
  std::array<uint64_t, kOutcomeCount> resumed{};
  std::string unit = "rows";              // "users" for export
  std::function<uint64_t()> items_done;   // export: users written so far
  std::function<uint64_t()> pages_done;   // export: pages so far
};

// Called by RunJob / RunExport on the io_context thread. Not called for --dry-run.
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  // The run is about to send its first request.
  virtual void OnStart(const RunView& view) = 0;
  // A row ended and was written to the results (invalid rows included).
  virtual void OnRowDone(const RowResult& result) = 0;
  // The dispatcher has stopped; the view is still valid during this call.
  virtual void OnFinish() = 0;
};

}  // namespace okta_bulk
