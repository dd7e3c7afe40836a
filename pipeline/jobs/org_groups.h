// Groups named in a file, checked against the org before the first row (issue 14): the
// group ids and names an input uses, read in one pass; names resolved to ids (case as Okta
// matches them), every missing, ambiguous or unusable name and every missing id named at
// once, and with --create-missing-groups the missing names created first.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/engine/job.h"
#include "pipeline/jobs/org_lookup.h"

namespace okta_bulk {

struct GroupNeeds {
  // Each distinct id / name, with the first row that names it (0 = a --group/--group-name).
  std::map<std::string, uint64_t> ids;
  std::vector<std::pair<std::string, uint64_t>> names;  // distinct ignoring ASCII case, in order
};

// Reads `input_path` once (delimiter as detected) for the group ids of column `id_column`
// and the names of column `name_column` (either -1 when absent), plus `extra_ids` and
// `extra_names` from flags. Cells that are not well-formed are skipped (their rows are
// reported invalid by the row checks). False with `error` when the file cannot be read.
bool CollectGroupNeeds(const std::string& input_path, char delimiter, int id_column,
                       int name_column, const std::vector<std::string>& extra_ids,
                       const std::vector<std::string>& extra_names, GroupNeeds* needs,
                       std::string* error);

// Resolves `needs` against `facts->groups` (filled by LookUpOrg with groups = true): every
// id must be a group of the org and every name must find exactly one group that takes
// members. Missing names are created when `create_missing` (one LookUpOrg with
// create_groups, on context's io and transport; each creation a line in context.notes).
// Fills `ids_by_name` (GroupNameKey -> id). False with `error` listing every problem at once
// (exit 2, before any user is sent); it suggests --create-missing-groups for a missing name
// only when `can_create` (the subcommand has that flag).
bool ResolveGroups(PrepareContext& context, const GroupNeeds& needs, bool create_missing,
                   OrgFacts* facts, std::unordered_map<std::string, std::string>* ids_by_name,
                   std::string* error, bool can_create = true);

}  // namespace okta_bulk
