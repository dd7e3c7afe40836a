#include "pipeline/jobs/org_groups.h"

#include <algorithm>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

constexpr std::size_t kListed = 10;  // problems named one by one in the error

std::string Where(uint64_t row) {
  return row == 0 ? std::string(" (a command-line flag)") : " (first on row " + std::to_string(row) + ")";
}

void AddName(GroupNeeds* needs, std::string_view name, uint64_t row) {
  const std::string key = GroupNameKey(name);
  for (const auto& [n, r] : needs->names)
    if (GroupNameKey(n) == key) return;
  needs->names.emplace_back(std::string(name), row);
}

}  // namespace

bool CollectGroupNeeds(const std::string& input_path, char delimiter, int id_column,
                       int name_column, const std::vector<std::string>& extra_ids,
                       const std::vector<std::string>& extra_names, GroupNeeds* needs,
                       std::string* error) {
  for (const std::string& id : extra_ids) needs->ids.emplace(id, 0);
  for (const std::string& name : extra_names) AddName(needs, name, 0);
  if (id_column < 0 && name_column < 0) return true;
  CsvOptions csv;
  csv.delimiter = delimiter;
  std::vector<std::string> cell_ids, cell_names;
  return ForEachCsvRecord(input_path, csv, [&](uint64_t row, const CsvRecord& header,
                                               const CsvRecord& record) {
    // A record the row checks refuse (malformed, another number of fields) is not read:
    // its cells are not where the header says.
    if (record.problem != CsvProblem::kNone || record.fields.size() != header.fields.size()) return;
    if (id_column >= 0 && static_cast<std::size_t>(id_column) < record.fields.size()) {
      cell_ids.clear();
      std::string bad;
      AppendGroupIds(record.fields[id_column], &cell_ids, &bad);  // bad ids: the row's problem
      for (const std::string& id : cell_ids) needs->ids.emplace(id, row);
    }
    if (name_column >= 0 && static_cast<std::size_t>(name_column) < record.fields.size()) {
      cell_names.clear();
      AppendGroupNames(record.fields[name_column], &cell_names);
      for (const std::string& name : cell_names)
        if (Utf8Problem(name).empty()) AddName(needs, name, row);
    }
  }, error);
}

bool ResolveGroups(PrepareContext& context, const GroupNeeds& needs, bool create_missing,
                   OrgFacts* facts, std::unordered_map<std::string, std::string>* ids_by_name,
                   std::string* error, bool can_create) {
  std::vector<std::string> problems;
  std::vector<std::string> to_create;
  for (const auto& [name, row] : needs.names) {
    GroupDirectory::Match m = facts->groups.ByName(name);
    switch (m.kind) {
      case GroupDirectory::Match::kFound:
        ids_by_name->emplace(GroupNameKey(name), m.group->id);
        break;
      case GroupDirectory::Match::kMissing:
        if (create_missing) to_create.push_back(name);
        else problems.push_back("group '" + name + "'" + Where(row) + " is not a group of the org");
        break;
      case GroupDirectory::Match::kAmbiguous: {
        std::string p = "group name '" + name + "'" + Where(row) + " matches " +
                        std::to_string(m.several.size()) + " groups (";
        for (std::size_t i = 0; i < m.several.size() && i < 5; ++i)
          p += (i ? ", " : "") + m.several[i]->id + " '" + m.several[i]->name + "'";
        p += "): use its id in groupId instead";
        problems.push_back(std::move(p));
        break;
      }
      case GroupDirectory::Match::kNotAssignable:
        problems.push_back("group '" + name + "'" + Where(row) + " is " + m.group->id + ", a " +
                           m.group->type +
                           ", which takes no members through the API (only OKTA_GROUP groups do)");
        break;
    }
  }
  for (const auto& [id, row] : needs.ids) {
    const OrgGroup* g = facts->groups.ById(id);
    if (!g) problems.push_back("group id " + id + Where(row) + " is not a group of the org");
    else if (!g->type.empty() && g->type != "OKTA_GROUP")
      problems.push_back("group id " + id + Where(row) + " ('" + g->name + "') is a " + g->type +
                         ", which takes no members through the API (only OKTA_GROUP groups do)");
  }
  if (!problems.empty()) {
    *error = std::to_string(problems.size()) +
             (problems.size() == 1 ? " group problem" : " group problems") +
             " found before any user was sent: ";
    for (std::size_t i = 0; i < problems.size() && i < kListed; ++i)
      *error += (i ? "; " : "") + problems[i];
    if (problems.size() > kListed)
      *error += "; and " + std::to_string(problems.size() - kListed) + " more";
    bool any_missing_name = false;
    for (const std::string& p : problems)
      if (p.starts_with("group '") && p.ends_with("is not a group of the org")) any_missing_name = true;
    if (any_missing_name && can_create)
      *error += ". --create-missing-groups creates the missing ones first";
    return false;
  }
  if (to_create.empty()) return true;
  if (context.options.dry_run) {  // nothing is sent: say what would be
    for (const std::string& name : to_create) {
      ids_by_name->emplace(GroupNameKey(name), "(new group)");
      context.notes.push_back("would create group '" + name + "' (--create-missing-groups)");
    }
    return true;
  }
  OrgLookup create;
  create.create_groups = to_create;
  const std::size_t before = facts->created.size();
  if (!LookUpOrg(context, create, facts, error))
    return false;
  for (std::size_t i = before; i < facts->created.size(); ++i) {
    const OrgGroup& g = facts->created[i];
    ids_by_name->emplace(GroupNameKey(to_create[i - before]), g.id);
    context.notes.push_back("created group '" + g.name + "' (" + g.id + ")");
  }
  return true;
}

}  // namespace okta_bulk
