// What a run leaves behind for people and scripts besides the results file, one concept per
// file: the time series it samples (series.h), the failures by error (failure_table.h), what
// the run was (run_record.h), the --summary-json document (summary_json.h) and the --report
// HTML page (html_report.h) with its charts (svg_chart.h). This header includes them all.
#pragma once
#include "pipeline/report/failure_table.h"
#include "pipeline/report/html_report.h"
#include "pipeline/report/report_text.h"
#include "pipeline/report/run_record.h"
#include "pipeline/report/series.h"
#include "pipeline/report/summary_json.h"
