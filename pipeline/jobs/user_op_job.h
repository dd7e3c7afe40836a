// `okta-bulk update | assign | deactivate | delete` and the lifecycle actions (activate,
// reactivate, suspend, unsuspend, unlock, expire-password, reset-password; lifecycle_task.h):
// a change to existing users, one CSV row each, through the same runner as import (results file, --resume, --dry-run, governor).
//
// Columns (names case-insensitive):
//   login or id   which user (id wins when a row has both; an id costs no lookup)
//   groupId       assign, unassign (and update): one group id, or several separated by ';'
//   groupName     the same by name, ';'-separated: resolved once before the first row by
//                 listing the org's groups (a missing, ambiguous or app group stops the run)
//   status        ignored (the lifecycle status an export may carry; see deactivate)
//   any other     update only: a profile attribute to set. With `id`, `login` is one too
//                 (renaming). An empty cell leaves the attribute alone, or with
//                 --empty-cells clear sets it to null (removes it).
// assign, deactivate, delete and the lifecycle actions ignore the columns they do not use, so a users.csv or an
// export can be fed to them as it is.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/engine/job.h"
#include "pipeline/jobs/user_op_task.h"

namespace okta_bulk {

struct UserOpJobOptions : JobOptions {
  UserOpOptions task;
  std::vector<std::string> extra_group_ids;  // --group, for every row (assign, update)
  std::vector<std::string> extra_group_names;  // --group-name, resolved before the first row
  bool clear_empty = false;                  // --empty-cells clear (update)
  // --create-missing-groups (assign, update): group names the org does not have are created
  // before the first row, as import does.
  bool create_missing_groups = false;
  // --write-temp-passwords (expire-password --temp-password, reset-password --no-send-email):
  // the job opens SecretFile::PathFor(results_path) (0600, appended to) and hands it to the
  // tasks through task.secrets.
  bool write_secrets = false;
};

// The name of the subcommand: "update", "assign", "deactivate", "delete", "activate", ...
std::string_view UserOpName(UserOp op);

// The rows of a user-op job, exposed for tests. Lives as long as the tasks it makes.
std::unique_ptr<RowHandler> MakeUserOpRows(const UserOpJobOptions& options);

// Runs the job on `io` (single-threaded) through `transport`; see RunJob for errors.
bool RunUserOp(boost::asio::io_context& io, HttpTransport& transport,
               const UserOpJobOptions& options, JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher = {});

}  // namespace okta_bulk
