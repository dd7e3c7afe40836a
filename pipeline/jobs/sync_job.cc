// The sync job: SyncRows, the row handler (plan every row, --plan's file, --apply's review,
// --deactivate-missing's guard), and the deactivations after the rows. The org reads before
// the first row: sync_read; one row's requests: sync_task; the plan itself: sync_plan.
#include "pipeline/jobs/sync_job.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <unordered_map>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/engine/results_sink.h"
#include "pipeline/files/safe_file.h"
#include "pipeline/jobs/org_groups.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/jobs/sync_plan.h"
#include "pipeline/jobs/sync_read.h"
#include "pipeline/jobs/sync_task.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"
#include "pipeline/rows/login_fold.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

// "10%", "6.7%".
std::string FormatPercent(double percent) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", percent);
  std::string out = text;
  if (out.ends_with(".0")) out.erase(out.size() - 2);
  return out + "%";
}

// --deactivate-missing: one user of the scope the file no longer has.
class DeactivateTask final : public Task {
 public:
  DeactivateTask(uint64_t row, const OrgUser& user) {
    result_.row = row;
    result_.login = user.login;
    result_.user_id = user.id;
    result_.user_status = user.status;
    result_.outcome = Outcome::kFailed;
    request_ = DeactivateRequest(user.id);
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    result_.http_status = response.status;
    if (response.status != 200 && response.status != 204)
      return Fail(response, reader, "deactivating it (not in the file, in --scope) failed: ");
    result_.outcome = Outcome::kDeactivated;
    result_.user_status = "DEPROVISIONED";
    return TaskStep::Done();
  }
  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = "deactivating it (not in the file, in --scope) failed: " + error;
  }

 private:
  TaskRequest request_;
};

class DeactivateSource final : public TaskSource {
 public:
  DeactivateSource(const std::vector<const OrgUser*>& users, uint64_t first_row)
      : users_(users), row_(first_row) {}
  std::unique_ptr<Task> Next() override {
    if (next_ >= users_.size()) return nullptr;
    const std::size_t i = next_++;
    return std::make_unique<DeactivateTask>(row_ + i, *users_[i]);
  }

 private:
  const std::vector<const OrgUser*>& users_;
  uint64_t row_;
  std::size_t next_ = 0;
};

// One login's lines of a plan: an exact key to compare and the words to show.
struct Reviewed {
  std::string login;  // as the plan spells it first
  std::string key, text;
  bool deactivate_only = true;  // --deactivate-missing's lines only: a user the file lacks
  void Add(std::string_view action, std::string_view attribute, std::string_view old_value,
           std::string_view new_value) {
    if (action != "deactivate") deactivate_only = false;
    for (std::string_view f : {action, attribute, old_value, new_value}) {
      key += f;
      key += '\x1f';
    }
    key += '\x1e';
    if (!text.empty()) text += ", ";
    text += std::string(action) + " " + std::string(attribute) + " '" + std::string(old_value) +
            "' -> '" + std::string(new_value) + "'";
  }
  std::string Text() const { return text.empty() ? "no change" : text; }
};

class SyncRows final : public RowHandler {
 public:
  explicit SyncRows(const SyncJobOptions& options) : options_(options) {
    shared_.scope.exact = options.exact_groups;
    shared_.activate = options.activate;
    shared_.apply = !options.apply_path.empty();
    if (shared_.apply)
      shared_.check_reviewed = [this](const DesiredUser& want, const RowPlan& plan) {
        return CheckAgainstReviewed(want, plan);
      };
  }

  bool Start(const std::vector<std::string>& header, std::string* error) override {
    if (!ColumnMap::FromHeader(header, &columns_, error)) return false;
    // Both columns (an export --groups file): names decide, as in import.
    ids_ignored_ = columns_.group_id >= 0 && columns_.group_name >= 0;
    if (ids_ignored_) columns_.group_id = -1;
    builder_options_.extra_group_ids = options_.extra_group_ids;
    builder_options_.build_update_body = true;
    return true;
  }

  bool Prepare(PrepareContext& context, std::string* error) override {
    const JobOptions& job = context.options;
    if (!job.org_checks) {
      *error = "sync compares the file with the org, so it needs the org even for --plan: set "
               "OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN (or --token-file); nothing was sent";
      return false;
    }
    GroupNeeds needs;
    if (!CollectGroupNeeds(job.input_path, context.delimiter, columns_.group_id,
                           columns_.group_name, options_.extra_group_ids, {}, &needs, error))
      return false;
    OrgLookup lookup;
    lookup.schema = job.schema_check;
    lookup.groups = !needs.names.empty() || !needs.ids.empty();
    lookup.group_stats = lookup.groups;  // how many members each has, and the org (Everyone)
    if (!LookUpOrg(context, lookup, &facts_, error)) return false;
    if (!facts_.schema_refused.empty()) context.notes.push_back("warning: " + facts_.schema_refused);
    if (facts_.schema) {
      if (!columns_.ApplySchema(*facts_.schema, error)) return false;
      context.notes.push_back(SchemaNote(*facts_.schema));
    }
    if (lookup.groups &&
        !ResolveGroups(context, needs, /*create_missing=*/false, &facts_, &group_ids_by_name_, error))
      return false;
    builder_options_.group_ids_by_name = &group_ids_by_name_;
    builder_.emplace(columns_, builder_options_);
    if (!options_.apply_path.empty() && !LoadReviewed(context.notes, error)) return false;

    // The attributes compared: the file's profile columns, in Okta's spelling.
    std::vector<std::string> attributes;
    if (columns_.email >= 0) attributes.push_back("email");
    if (columns_.first_name >= 0) attributes.push_back("firstName");
    if (columns_.last_name >= 0) attributes.push_back("lastName");
    for (const auto& c : columns_.custom) attributes.push_back(c.name);
    shared_.org.KeepAttributes(std::move(attributes));

    // One pass over the file: its logins and the groups it mentions.
    std::vector<std::string> logins;
    const bool group_columns = columns_.group_id >= 0 || columns_.group_name >= 0 ||
                               !options_.extra_group_ids.empty();
    // A resumed sync reads the org only for the rows not finished (the others are skipped):
    // with few left, lookups beat listing the org again.
    uint64_t finished_rows = 0;
    std::unordered_set<std::string> file_logins;  // --apply: folded, every row's (invalid too)
    const bool apply = !options_.apply_path.empty();
    if (!ForEachRow(job, context.delimiter, [&](uint64_t n, const CsvRecord& record, PreparedRow& row) {
          for (const std::string& g : row.group_ids) shared_.scope.managed.insert(g);
          if (apply) file_logins.insert(FoldLogin(row.login));
          if (context.finished && context.finished(LoginOf(record), n)) {
            ++finished_rows;
            // Still the file's: --deactivate-missing must not take it for a user it no
            // longer has.
            if (options_.deactivate_missing) shared_.org.Want(row.login);
            return;
          }
          shared_.org.Want(row.login);
          logins.push_back(row.login);
        }, error, [&](std::string_view login) {
          // An invalid row still names its user: --deactivate-missing must not take it for
          // one the file no longer has.
          if (!login.empty()) invalid_logins_.emplace_back(login);
          if (apply && !login.empty()) file_logins.insert(FoldLogin(login));
        }))
      return false;
    if (apply) {  // a plan made from another file: its changes for users this file lacks
      uint64_t strays = 0;
      std::string example;
      for (const auto& [key, r] : reviewed_)
        if (!r.deactivate_only && !file_logins.contains(key) && strays++ == 0) example = r.login;
      if (strays)
        context.notes.push_back("warning: --apply: the plan changes " + Count(strays, "user", "users") +
                                " that " + job.input_path + " does not name (" + example +
                                (strays > 1 ? ", ..." : "") + "): nothing is sent for them (was the "
                                "plan made from another file?)");
    }
    if (options_.deactivate_missing)
      for (const std::string& login : invalid_logins_) shared_.org.Want(login);
    if (group_columns)
      for (const std::string& g : options_.group_scope) shared_.scope.managed.insert(g);
    else if (options_.exact_groups)
      context.notes.push_back("warning: --exact-groups: " + job.input_path + " has no groupId or "
                              "groupName column (and no --group): no membership is read, added "
                              "or removed");

    SyncReadInput read{.options = options_, .facts = facts_, .logins = logins,
                       .finished_rows = finished_rows, .group_columns = group_columns};
    std::string read_note;
    if (!ReadOrgForSync(context, read, shared_, &read_note, error)) return false;
    context.notes.push_back(read_note);
    if (options_.deactivate_missing) {
      for (const OrgUser& u : shared_.org.others()) {
        if (u.status == "DEPROVISIONED") continue;
        if (!options_.apply_path.empty()) {  // only the reviewed deactivations, status unchanged
          Reviewed now;
          now.Add("deactivate", "status", u.status, "DEPROVISIONED");
          auto it = reviewed_.find(FoldLogin(u.login));
          if (it == reviewed_.end() || it->second.key != now.key) {
            context.notes.push_back("warning: --apply: " + u.login +
                                    " is not in the file nor deactivated by the plan: left alone");
            continue;
          }
        }
        missing_.push_back(&u);
      }
      context.notes.push_back(
          "--deactivate-missing: " + Count(missing_.size(), "user", "users") + " of --scope " +
          (missing_.size() == 1 ? "is" : "are") + " not in the file" +
          (options_.plan ? "" : " and will be deactivated after the rows"));
      if (!CheckDeactivations(context, error)) return false;
    }

    // --plan: the whole plan, counted (and written with --plan-out), before the dry run's
    // row checks.
    if (options_.plan) {
      AtomicFile out;
      if (!options_.plan_out.empty() && !out.Open(options_.plan_out, error)) return false;
      std::string lines = std::string(kPlanHeader) + "\n";
      bool plan_ok = true;
      if (!ForEachRow(job, context.delimiter, [&](uint64_t, const CsvRecord& record, PreparedRow& row) {
            DesiredUser want = Desired(record, row);
            RowPlan plan;
            std::string ignored;
            if (!PlanOf(want, &plan, &ignored)) return;
            counts_.Add(plan);
            ++planned_rows_;
            if (options_.plan_out.empty()) return;
            AppendPlanLines(&lines, want.login, want, plan);
            if (lines.size() > (1 << 16)) {
              plan_ok = plan_ok && out.Write(lines);
              lines.clear();
            }
          }, error))
        return false;
      for (const OrgUser* u : missing_) {
        RowPlan plan;
        plan.action = SyncAction::kDeactivate;
        plan.user_id = u->id;
        plan.status = u->status;
        counts_.Add(plan);
        if (!options_.plan_out.empty()) AppendPlanLines(&lines, u->login, DesiredUser{}, plan);
      }
      if (!options_.plan_out.empty()) {
        if (!out.Write(lines) || !plan_ok || !out.Commit(error)) {
          if (error->empty()) *error = "cannot write " + options_.plan_out;
          return false;
        }
      }
      context.notes.push_back(counts_.Describe(planned_rows_) +
                              (options_.plan_out.empty() ? std::string()
                                                         : " Every change is in " + options_.plan_out + "."));
    }
    return true;
  }

  bool Build(const CsvRecord& record, uint64_t row, RunContext& run, BuiltRow* out,
             std::string* error) override {
    PreparedRow prepared;
    if (!builder_->Build(record, row, &prepared, error)) return false;
    out->key = prepared.login;
    out->key_field = "login";
    out->with_groups = !prepared.group_ids.empty();
    DesiredUser want = Desired(record, prepared);
    RowPlan plan;
    if (!PlanOf(want, &plan, error)) {
      *error = "row " + std::to_string(row) + ": " + *error;
      return false;
    }
    std::string refused;
    if (!options_.apply_path.empty()) refused = CheckAgainstReviewed(want, plan);
    // The plan's counts (--plan counted them in Prepare), of the rows this run sends: not of
    // the rows built for their key only (the duplicate scan's first pass, a resumed job's
    // finished rows, whose org state was not even read).
    if (!options_.plan && refused.empty() && !run.key_only) counts_.Add(plan);
    out->task = std::make_unique<SyncTask>(row, std::move(prepared), std::move(want),
                                           std::move(plan), shared_, std::move(refused));
    return true;
  }

  // Also before Prepare (a resumed job matches its journal before asking the org).
  std::string LoginOf(const CsvRecord& record) const override {
    if (columns_.login < 0 || static_cast<std::size_t>(columns_.login) >= record.fields.size())
      return {};
    return std::string(TrimSpaces(record.fields[columns_.login]));
  }

  // --apply: "" when the row's fresh plan is the reviewed one, else why it is refused.
  std::string CheckAgainstReviewed(const DesiredUser& want, const RowPlan& plan) const {
    Reviewed now;
    ForEachPlanLine(want, plan, [&](std::string_view action, std::string_view attribute,
                                    const std::string& old_value, const std::string& new_value) {
      now.Add(action, attribute, old_value, new_value);
    });
    auto it = reviewed_.find(FoldLogin(want.login));
    const Reviewed none;
    const Reviewed& then = it == reviewed_.end() ? none : it->second;
    if (now.key == then.key) return {};
    return "refused: the org changed since the plan (the plan: " + then.Text() + "; now: " +
           now.Text() + "); nothing was sent for this row (plan again to review it)";
  }

  // --deactivate-missing: missing_ against --max-deactivate (past it, --plan warns and a run
  // stops before any write), then the question (not for --plan).
  bool CheckDeactivations(PrepareContext& context, std::string* error) {
    const uint64_t n = missing_.size(), scope = shared_.org.listed_active();
    uint64_t limit = 0;
    std::string limit_text;
    if (options_.max_deactivate >= 0) {
      limit = static_cast<uint64_t>(options_.max_deactivate);
      limit_text = "--max-deactivate " + GroupDigits(limit);
    } else {
      limit = std::max<uint64_t>(
          10, static_cast<uint64_t>(static_cast<double>(scope) * options_.max_deactivate_percent / 100));
      limit_text = (options_.max_deactivate_set ? "--max-deactivate " : "the default, ") +
                   FormatPercent(options_.max_deactivate_percent) + " of the scope's " +
                   GroupDigits(scope) + " users not deactivated, at least 10: " + GroupDigits(limit);
    }
    if (n > limit) {
      const std::string what =
          Count(n, "deactivation", "deactivations") + " (" + FormatPercent(scope ? 100.0 * n / scope : 100) +
          " of the scope's " + GroupDigits(scope) + " users not deactivated) is more than " + limit_text;
      if (options_.plan) {
        context.notes.push_back("warning: --deactivate-missing: " + what +
                                ": a sync of this file would stop before any write");
        return true;
      }
      *error = "--deactivate-missing: " + what + "; stopped before any write. Check that " +
               context.options.input_path + " is whole (a truncated export drops users), review "
               "them with --plan --plan-out PLAN.csv, then allow them with --max-deactivate " +
               std::to_string(n);
      return false;
    }
    if (options_.plan || n == 0 || !options_.confirm_deactivations) return true;
    return options_.confirm_deactivations(
        "--deactivate-missing would deactivate " + Count(n, "user", "users") + " of --scope '" +
            options_.scope + "' that " + context.options.input_path + " does not name",
        error);
  }

  const PlanCounts& counts() const { return counts_; }
  const std::vector<const OrgUser*>& missing() const { return missing_; }

 private:
  // Calls f(row, record, prepared) for every valid row of the input (invalid ones are the
  // job's to report).
  // --apply: reads the plan file (written by --plan-out) into reviewed_.
  bool LoadReviewed(std::vector<std::string>& notes, std::string* error) {
    auto opened = CsvReader::Open(options_.apply_path, CsvOptions{});
    if (!opened) {
      *error = "--apply: cannot read '" + options_.apply_path + "': " + opened.error().message();
      return false;
    }
    CsvRecord header, record;
    std::string joined;
    if ((**opened).Next(&header))
      for (std::size_t i = 0; i < header.fields.size(); ++i)
        joined += (i ? "," : "") + header.fields[i];
    if (joined != kPlanHeader) {
      *error = "--apply: '" + options_.apply_path + "' is not a plan written by --plan-out (its "
               "header must be " + std::string(kPlanHeader) + ")";
      return false;
    }
    uint64_t lines = 0;
    while ((**opened).Next(&record)) {
      ++lines;
      if (record.problem != CsvProblem::kNone || record.fields.size() != 5) {
        *error = "--apply: '" + options_.apply_path + "' line " + std::to_string(record.first_line) +
                 ": not a plan line (login, action, attribute, oldValue, newValue)";
        return false;
      }
      std::string f[5];  // as written, before the formula guard (AppendPlanCell)
      for (int i = 0; i < 5; ++i) f[i] = PlanCellValue(record.fields[i]);
      Reviewed& r = reviewed_[FoldLogin(f[0])];
      if (r.login.empty()) r.login = f[0];
      r.Add(f[1], f[2], f[3], f[4]);
    }
    if ((**opened).error()) {
      *error = "--apply: cannot read '" + options_.apply_path + "': " + (**opened).error().message();
      return false;
    }
    notes.push_back("--apply: the plan in " + options_.apply_path + " has " +
                    Count(lines, "change", "changes") + " for " +
                    Count(reviewed_.size(), "user", "users") + "; a row whose plan differs now is refused");
    return true;
  }

  // `on_invalid(login)` (optional) gets the login cell of every invalid row.
  template <class F>
  bool ForEachRow(const JobOptions& job, char delimiter, F f, std::string* error,
                  const std::function<void(std::string_view)>& on_invalid = {}) {
    CsvOptions csv;
    csv.delimiter = delimiter;
    return ForEachCsvRecord(job.input_path, csv, [&](uint64_t row, const CsvRecord&,
                                                     const CsvRecord& record) {
      PreparedRow prepared;
      std::string ignored;
      if (record.problem != CsvProblem::kNone || !builder_->Build(record, row, &prepared, &ignored)) {
        if (on_invalid && record.problem == CsvProblem::kNone) on_invalid(builder_->LoginOf(record));
        return;
      }
      f(row, record, prepared);
    }, error);
  }

  // The row's desired state: the builder's update body (its non-empty cells), plus, with
  // --empty-cells clear, a null for each empty column the org lets clear.
  DesiredUser Desired(const CsvRecord& record, const PreparedRow& row) const {
    DesiredUser want{row.login, row.update_body, row.group_ids};
    if (!options_.clear_empty) return want;
    std::string nulls;
    for (const auto& c : columns_.custom) {
      if (!TrimSpaces(record.fields[c.index]).empty()) continue;
      const SchemaAttribute* a =
          static_cast<std::size_t>(c.index) < columns_.attribute.size() ? columns_.attribute[c.index] : nullptr;
      if (a && (a->required || a->mutability != SchemaAttribute::Mutability::kReadWrite)) continue;
      nulls.push_back(',');
      AppendJsonString(&nulls, c.name);
      nulls += ":null";
    }
    if (nulls.empty()) return want;
    // update_body ends "}}"; an empty profile "{\"profile\":{}}" takes no leading comma.
    std::string& body = want.update_body;
    body.erase(body.size() - 2);
    if (body.back() == '{') nulls.erase(0, 1);
    body += nulls + "}}";
    return want;
  }

  bool PlanOf(const DesiredUser& want, RowPlan* plan, std::string* error) const {
    const OrgUser* have = shared_.org.Find(want.login);
    std::vector<std::string> groups;
    const bool known = shared_.org.memberships_known && have;
    if (known) groups = shared_.org.GroupsOf(have->id);
    return PlanRow(want, have, known ? &groups : nullptr, shared_.scope, plan, error);
  }

  const SyncJobOptions& options_;
  ColumnMap columns_;
  RowBuilderOptions builder_options_;
  OrgFacts facts_;
  bool ids_ignored_ = false;
  std::unordered_map<std::string, std::string> group_ids_by_name_;
  std::optional<RowBuilder> builder_;
  SyncShared shared_;
  PlanCounts counts_;
  uint64_t planned_rows_ = 0;
  std::vector<const OrgUser*> missing_;  // --deactivate-missing: into shared_.org.others()
  std::vector<std::string> invalid_logins_;
  std::unordered_map<std::string, Reviewed> reviewed_;  // --apply: by folded login
};

// --deactivate-missing, after the rows: one deactivation per user of the scope the file no
// longer has, appended to the results file (rows after the input's). A rerun lists them as
// DEPROVISIONED and leaves them alone, so nothing is deactivated twice.
bool DeactivateMissing(boost::asio::io_context& io, HttpTransport& transport,
                       const SyncJobOptions& options, const std::vector<const OrgUser*>& users,
                       JobSummary* summary, const std::function<void(Dispatcher&)>& on_dispatcher) {
  if (users.empty()) return true;
  ResultsSink sink;
  std::string error;
  if (!sink.Open(options.results_path, /*append=*/true, &error)) {
    summary->abort_reason = error;
    return false;
  }
  PrepareContext context{.io = io, .transport = transport, .options = options, .delimiter = ','};
  context.on_dispatcher = &on_dispatcher;
  DeactivateSource source(users, summary->rows + 1);
  const bool ran = RunOrgTasks(context, source, options.dispatch.workers, [&](Task& t) {
    return sink.Write(t.result());
  }, &error);
  std::string close_error;
  sink.Close(&close_error);
  for (std::size_t i = 0; i < kOutcomeCount; ++i) summary->counts[i] += sink.counts()[i];
  summary->rows += sink.total();
  // The deactivations are rows of this run (after the file's): their requests count as the
  // run's.
  summary->stats.requests += context.requests;
  for (std::size_t i = 0; i < kBucketCount; ++i)
    summary->stats.requests_by_bucket[i] += context.requests_by_bucket[i];
  if (!ran) {
    summary->interrupted = context.interrupted;
    summary->abort_reason = context.abort_reason;
  }
  return ran;
}

}  // namespace

bool RunSync(boost::asio::io_context& io, HttpTransport& transport, const SyncJobOptions& options,
             JobSummary* summary, std::string* error,
             const std::function<void(Dispatcher&)>& on_dispatcher, PlanCounts* plan_counts) {
  SyncRows rows(options);
  summary->command = "sync";
  if (!RunJob(io, transport, options, rows, summary, error, on_dispatcher)) return false;
  if (options.deactivate_missing && !options.plan && !summary->interrupted &&
      summary->abort_reason.empty())
    DeactivateMissing(io, transport, options, rows.missing(), summary, on_dispatcher);
  if (plan_counts) {
    *plan_counts = rows.counts();
    if (!options.plan) {  // --plan counted its deactivations already
      plan_counts->deactivate = rows.missing().size();
      plan_counts->requests += rows.missing().size();
    }
  }
  if (options.plan) {
    const PlanCounts& c = rows.counts();
    summary->would_send = c.create + c.update + c.deactivate;
    summary->dry_run_action = "the rows the plan above changes; " + GroupDigits(c.unchanged) +
                              " unchanged send nothing";
  }
  return true;
}

}  // namespace okta_bulk
