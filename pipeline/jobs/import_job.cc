#include "pipeline/jobs/import_job.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/jobs/org_groups.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

// Import rows: the RowBuilder's columns and checks, one ImportTask per valid row.
class ImportRows final : public RowHandler {
 public:
  explicit ImportRows(const ImportOptions& options) : options_(options), task_options_(options.task) {}

  bool Start(const std::vector<std::string>& header, std::string* error) override {
    ColumnMap columns;
    if (!ColumnMap::FromHeader(header, &columns, error)) return false;
    RowBuilderOptions builder_options{options_.extra_group_ids};
    builder_options.build_update_body = options_.task.existing == ExistingPolicy::kUpdate;
    builder_options.password_hook = options_.password_hook;
    builder_options.require_password = options_.task.change_password_next_login;
    if (options_.task.change_password_next_login && columns.password < 0 && !columns.has_hash()) {
      *error = "header: --next-login change-password needs a 'password' or 'passwordHash' "
               "column (Okta refuses nextLogin without a password: E0000124)";
      return false;
    }
    // Both columns (an export --groups file): the names decide, since ids differ between
    // orgs and the names are what an admin keeps; the ids are left unread.
    ids_ignored_ = columns.group_id >= 0 && columns.group_name >= 0;
    if (ids_ignored_) columns.group_id = -1;
    login_column_ = columns.login;
    columns_ = std::move(columns);
    builder_options_ = std::move(builder_options);
    return true;
  }

  // Asks the org for its schema and groups (issue 14), then builds the RowBuilder with what
  // it learnt.
  bool Prepare(PrepareContext& context, std::string* error) override {
    const JobOptions& job = context.options;
    if (ids_ignored_)
      context.notes.push_back("the file has both groupId and groupName: groups are found by "
                              "name (ids differ between orgs); the groupId column is not read");
    OrgLookup lookup;
    lookup.schema = job.org_checks && job.schema_check;
    GroupNeeds needs;
    if (job.org_checks || columns_.group_name >= 0 || !options_.extra_group_names.empty()) {
      if (!CollectGroupNeeds(job.input_path, context.delimiter, columns_.group_id,
                             columns_.group_name, options_.extra_group_ids,
                             options_.extra_group_names, &needs, error))
        return false;
    }
    if (!job.org_checks) {
      if (!needs.names.empty() && !job.dry_run) {
        *error = "group names (groupName, --group-name) are resolved by asking the org, and "
                 "this run does not ask it; nothing was sent";
        return false;
      }
      if (!needs.names.empty())
        context.notes.push_back("group names are not looked up without the org's credentials "
                                "(a dry run with OKTA_CLIENT_ORGURL and a token checks them)");
      builder_.emplace(std::move(columns_), std::move(builder_options_));
      return true;
    }
    lookup.groups = !needs.names.empty() || !needs.ids.empty();
    if (!LookUpOrg(context, lookup, &facts_, error)) return false;
    if (!facts_.schema_refused.empty()) context.notes.push_back("warning: " + facts_.schema_refused);
    if (facts_.schema) {
      if (!columns_.ApplySchema(*facts_.schema, error)) return false;
      context.notes.push_back(SchemaNote(*facts_.schema));
      for (const std::string& w : facts_.schema->warnings()) context.notes.push_back("warning: " + w);
    }
    if (lookup.groups &&
        !ResolveGroups(context, needs, options_.create_missing_groups, &facts_,
                       &group_ids_by_name_, error))
      return false;
    for (const std::string& name : options_.extra_group_names) {
      const std::string& id = group_ids_by_name_.at(GroupNameKey(name));
      if (std::find(builder_options_.extra_group_ids.begin(), builder_options_.extra_group_ids.end(),
                    id) == builder_options_.extra_group_ids.end())
        builder_options_.extra_group_ids.push_back(id);
    }
    builder_options_.group_ids_by_name = &group_ids_by_name_;
    builder_.emplace(std::move(columns_), std::move(builder_options_));
    return true;
  }

  void SetResumed() override { task_options_.resumed = true; }

  bool Build(const CsvRecord& record, uint64_t row, RunContext& run, BuiltRow* out,
             std::string* error) override {
    PreparedRow prepared;
    if (!builder_->Build(record, row, &prepared, error)) return false;
    out->key = prepared.login;
    out->key_field = "login";
    // A password or a hash (not the hook: the user has no password until it signs in).
    out->with_password = prepared.credential == PreparedRow::Credential::kPassword ||
                         prepared.credential == PreparedRow::Credential::kHash;
    out->with_groups = !prepared.group_ids.empty();
    out->task = std::make_unique<ImportTask>(std::move(prepared), task_options_, run);
    return true;
  }

  // Also before Prepare (a resumed job matches its journal before asking the org).
  std::string LoginOf(const CsvRecord& record) const override {
    if (login_column_ < 0 || static_cast<std::size_t>(login_column_) >= record.fields.size())
      return {};
    return std::string(TrimSpaces(record.fields[login_column_]));
  }

 private:
  const ImportOptions& options_;
  ImportTaskOptions task_options_;
  ColumnMap columns_;                  // from Start until Prepare
  RowBuilderOptions builder_options_;  // from Start until Prepare
  OrgFacts facts_;                     // the schema the columns point into
  bool ids_ignored_ = false;           // groupId and groupName both given: names win
  int login_column_ = -1;
  std::unordered_map<std::string, std::string> group_ids_by_name_;
  std::optional<RowBuilder> builder_;
};

}  // namespace

bool RunImport(boost::asio::io_context& io, HttpTransport& transport, const ImportOptions& options,
               JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher) {
  ImportRows rows(options);
  return RunJob(io, transport, options, rows, summary, error, on_dispatcher);
}

}  // namespace okta_bulk
