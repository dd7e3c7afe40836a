// `okta-bulk import`: streams a CSV of users into an Okta org and writes results.csv.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

#include "net/http_transport.h"
#include "pipeline/jobs/import_task.h"
#include "pipeline/engine/job.h"

namespace okta_bulk {

struct ImportOptions : JobOptions {
  std::vector<std::string> extra_group_ids;  // --group
  std::vector<std::string> extra_group_names;  // --group-name, resolved at the start
  // --create-missing-groups: group names (groupName, --group-name) the org does not have are
  // created (POST /api/v1/groups) before the first row, instead of stopping the run.
  bool create_missing_groups = false;
  bool password_hook = false;                // --password-hook (RowBuilderOptions)
  ImportTaskOptions task;
};

// Runs an import on `io` (single-threaded) through `transport`; see RunJob for errors.
bool RunImport(boost::asio::io_context& io, HttpTransport& transport, const ImportOptions& options,
               JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
