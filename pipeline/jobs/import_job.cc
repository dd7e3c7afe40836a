#include "pipeline/jobs/import_job.h"

#include <optional>

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
    builder_.emplace(std::move(columns), std::move(builder_options));
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

  std::string LoginOf(const CsvRecord& record) const override {
    return std::string(builder_->LoginOf(record));
  }

 private:
  const ImportOptions& options_;
  ImportTaskOptions task_options_;
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
