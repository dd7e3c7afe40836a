// How `okta-bulk sync` reads the org's state of the file's users before the first row (issue
// 17), the cheapest way it can tell, saying which and why on stderr:
// - memberships: the managed groups' members (1,000 a page; Okta lists members as whole
//   users, so those pages also give the state of every file user in them), or, when the
//   groups are much bigger than the file, each found user's groups afterwards;
// - the users not found among the members: a listing of the org's users (or of --scope) or
//   one lookup per row, weighed by the org's size (its Everyone group's member count: from
//   the group listing, else one request, org_size.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/engine/job.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/jobs/sync_job.h"
#include "pipeline/jobs/sync_task.h"

namespace okta_bulk {

struct SyncReadInput {
  const SyncJobOptions& options;
  const OrgFacts& facts;                   // the group listing: ids, member counts, Everyone
  const std::vector<std::string>& logins;  // the rows to read the org for (not finished)
  uint64_t finished_rows = 0;              // --resume: rows not read again (for the note)
  bool group_columns = false;              // the file decides memberships (shared.scope)
};

// Reads into shared.org the users of `in.logins` (and, with --deactivate-missing, the
// others of --scope) and their memberships of shared.scope.managed. `note`: "read the org in
// N requests: ...". False with `error` when a read failed (nothing was sent) or the reads
// were stopped (context.interrupted, context.abort_reason).
bool ReadOrgForSync(PrepareContext& context, const SyncReadInput& in, SyncShared& shared,
                    std::string* note, std::string* error);

}  // namespace okta_bulk
