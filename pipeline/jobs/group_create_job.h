// `okta-bulk groups create GROUPS.csv`: one group per CSV row (group_create_task.h), through
// the shared job runner (results file, --resume, --dry-run, governor, progress, report).
//
// Columns (names case-insensitive):
//   name          required: the group's name (profile.name)
//   description   profile.description (an empty cell sends "")
//   id, type, usersCount  ignored: the group's own fields in a `groups export` file
//   any other     a custom group profile attribute (it must exist in the org's group profile
//                 schema), typed by the header like import's (`cost:integer`); an empty cell
//                 leaves it out
// Two rows with the same name (compared case-insensitively) are a duplicate: the second is
// invalid.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "pipeline/engine/job.h"

namespace okta_bulk {

struct GroupCreateJobOptions : JobOptions {};

// The rows of a groups-create job, exposed for tests.
std::unique_ptr<RowHandler> MakeGroupCreateRows();

// Runs the job on `io` (single-threaded) through `transport`; see RunJob for errors.
bool RunGroupCreate(boost::asio::io_context& io, HttpTransport& transport,
                    const GroupCreateJobOptions& options, JobSummary* summary, std::string* error,
                    const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
