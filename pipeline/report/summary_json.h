// The --summary-json document: a finished run for scripts. Pure; single-threaded.
#pragma once
#include <string>

#include "pipeline/report/run_record.h"

namespace okta_bulk {

// The --summary-json document (see README.md for its fields). Valid JSON whatever the strings.
std::string SummaryJson(const RunRecord& record);

}  // namespace okta_bulk
