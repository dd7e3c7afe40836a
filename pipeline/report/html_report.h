// The --report page: one self-contained HTML file for people. Pure; single-threaded.
#pragma once
#include <string>

#include "pipeline/report/failure_table.h"
#include "pipeline/report/report_text.h"
#include "pipeline/report/run_record.h"
#include "pipeline/report/series.h"

namespace okta_bulk {

// The --report page: one HTML file with inline CSS and inline SVG charts (no script, no
// external reference): which run it is (table id "run"), throughput, requests in flight, remaining budget per bucket and 429s
// over time, the latency histogram, and the failures table. Every string from data is
// escaped. Chart elements carry ids: chart-throughput, chart-in-flight, chart-remaining,
// chart-429s, chart-latency; the table: failures.
std::string RenderHtmlReport(const RunRecord& record, const RunSeries& series,
                             const FailureTable& failures);

}  // namespace okta_bulk
