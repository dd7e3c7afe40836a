// Asking the org before the first row is sent (issue 14): its user schema, its groups (to
// resolve names and check ids), and creating the groups a file names that do not exist yet
// (--create-missing-groups). A handful of requests, paced by the same rate governor and
// retried like any row's (one worker, one task through the Dispatcher), so a 429 or a 503
// here is waited out, not fatal.
#pragma once
#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/http_transport.h"
#include "pipeline/engine/job.h"
#include "pipeline/okta/group_directory.h"
#include "pipeline/rows/profile_schema.h"

namespace okta_bulk {

struct OrgLookup {
  bool schema = false;  // GET /api/v1/meta/schemas/user/default
  bool groups = false;  // GET /api/v1/groups, every page
  bool group_stats = false;  // ... with expand=stats: each group's usersCount
  std::vector<std::string> create_groups;  // names: one POST /api/v1/groups each
};

struct OrgFacts {
  std::optional<ProfileSchema> schema;
  // Set instead of `schema` when the org refused to show it (403: an OAuth app without
  // okta.schemas.read): the run goes on with okta-bulk's fixed checks, and says why.
  std::string schema_refused;
  GroupDirectory groups;
  std::vector<OrgGroup> created;  // by create_groups, in order
  uint64_t requests = 0;          // answers received (for the note on its cost)
};

// Runs `lookup` against the org through context's transport on context's io, paced and
// retried as context.options says (its dispatcher and governor options; next links must
// stay on options.org). Returns false with `error` (a sentence naming the request) when a
// request fails for good, an answer is not what Okta sends, or the look-ups were stopped
// (then context.interrupted or context.abort_reason says so). Adds to `facts` and to
// context.requests.
bool LookUpOrg(PrepareContext& context, const OrgLookup& lookup, OrgFacts* facts,
               std::string* error);

// Runs the tasks of `source` against the org before the first row (a handler's Prepare) on
// a dispatcher of their own, paced and retried as context.options says, at most `workers`
// requests in flight; `on_done` sees each finished task (returning false stops the run).
// Ctrl-C reaches it (context.on_dispatcher). False with `error` when the org stopped it
// (context.abort_reason) or it was interrupted (context.interrupted); a task's own failure
// is its result's business.
bool RunOrgTasks(PrepareContext& context, TaskSource& source, int workers,
                 const std::function<bool(Task&)>& on_done, std::string* error);

// "read the org's user profile schema: 31 base and 2 custom attributes; ...".
std::string SchemaNote(const ProfileSchema& schema);

}  // namespace okta_bulk
