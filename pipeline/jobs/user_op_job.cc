#include "pipeline/jobs/user_op_job.h"

#include <algorithm>
#include <unordered_map>

#include "net/ascii.h"
#include "pipeline/csv/csv_reader.h"
#include "pipeline/jobs/lifecycle_task.h"
#include "pipeline/jobs/org_groups.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/jobs/secret_file.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/rows/password_hash.h"
#include "pipeline/rows/typed_value.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

constexpr std::size_t kLoginMax = 100, kNameMax = 50, kMaxGroupIds = 20;

class UserOpRows final : public RowHandler {
 public:
  explicit UserOpRows(const UserOpJobOptions& options)
      : options_(options), extra_ids_(options.extra_group_ids) {}

  bool Start(const std::vector<std::string>& header, std::string* error) override {
    const UserOp op = options_.task.op;
    std::vector<std::string> lowered;
    if (!ReadHeaderNames(header, &names_, &lowered, error)) return false;
    std::vector<std::string> bases;  // lowercased names without their ":type"
    for (std::size_t i = 0; i < lowered.size(); ++i) {
      const std::string& name = names_[i];
      const int idx = static_cast<int>(i);
      std::string base;
      AttributeType type;
      std::string why;
      if (!SplitTypedName(name, &base, &type, &why)) {
        if (op == UserOp::kUpdate) {
          *error = "header: column '" + name + "' " + why;
          return false;
        }
        base = name;  // a column the job ignores: its name is not checked
        type = AttributeType::kString;
      }
      const std::string lower = LowerAscii(base);
      if (std::find(bases.begin(), bases.end(), lower) != bases.end()) {
        *error = "header: column '" + base + "' appears twice";
        return false;
      }
      bases.push_back(lower);
      HashField hash_field;
      const bool builtin = lower == "login" || lower == "id" || lower == "groupid" ||
                           lower == "groupids" || lower == "groupname" ||
                           lower == "groupnames" || lower == "status" || lower == "email" ||
                           lower == "firstname" || lower == "lastname";
      if (builtin && type != AttributeType::kString && op == UserOp::kUpdate) {
        *error = "header: column '" + name + "': '" + base + "' takes no type; remove the ':" +
                 std::string(AttributeTypeName(type)) + "'";
        return false;
      }
      if (lower == "login") login_ = idx;
      else if (lower == "id") id_ = idx;
      else if (lower == "groupid" || lower == "groupids") group_ = idx;
      else if (lower == "groupname" || lower == "groupnames") group_name_ = idx;
      else if (lower == "status") {
        // The lifecycle status (an export's `status` column), not a profile attribute:
        // ignored, so an export with --columns id,status,... feeds update as it is.
      } else if (op == UserOp::kUpdate &&
                 (lower == "password" || HashFieldFromLowerName(lower, &hash_field))) {
        *error = "header: update does not set passwords; remove the '" + std::string(name) +
                 "' column";
        return false;
      } else {
        attributes_.push_back({idx, base, type, name.find(':') != std::string::npos});
      }
    }
    if (login_ < 0 && id_ < 0) {
      std::string cols;
      for (const auto& n : names_) cols += (cols.empty() ? "" : ", ") + n;
      *error = "header: there is no 'login' or 'id' column (columns found: " +
               (cols.empty() ? std::string("none") : cols) + ")";
      return false;
    }
    // With an id column the login is an attribute like any other (update may rename).
    if (op == UserOp::kUpdate && id_ >= 0 && login_ >= 0)
      attributes_.push_back({login_, names_[login_], AttributeType::kString, false});
    const bool membership = op == UserOp::kAssign || op == UserOp::kUnassign;
    const bool names_groups = membership || op == UserOp::kUpdate;
    if (!names_groups) group_name_ = -1;  // a column these jobs do not read
    const bool any_group = group_ >= 0 || group_name_ >= 0 || !options_.extra_group_ids.empty() ||
                           !options_.extra_group_names.empty();
    if (membership && !any_group) {
      *error = std::string(UserOpName(op)) +
               " needs a 'groupId' or 'groupName' column, or --group ID / --group-name NAME "
               "(okta-bulk " + std::string(UserOpName(op)) + " --help)";
      return false;
    }
    if (op == UserOp::kUpdate && attributes_.empty() && !any_group) {
      *error = "header: nothing to update: add the columns of the attributes to change "
               "(columns found: " + names_.front() + (names_.size() > 1 ? ", ..." : "") + ")";
      return false;
    }
    if (op != UserOp::kUpdate) attributes_.clear();
    return true;
  }

  // update: the org's schema decides which columns exist, their types and what a cell may
  // set or clear (issue 14). assign, unassign, update: group names (groupName, --group-name)
  // are resolved to ids by one listing of the org's groups, as import does; a missing,
  // ambiguous or app group stops the run before any user is touched (assign and update:
  // --create-missing-groups creates the missing ones first).
  bool Prepare(PrepareContext& context, std::string* error) override {
    const JobOptions& job = context.options;
    OrgLookup lookup;
    lookup.schema = options_.task.op == UserOp::kUpdate && job.org_checks && job.schema_check;
    GroupNeeds needs;
    if (group_name_ >= 0 || !options_.extra_group_names.empty()) {
      if (!CollectGroupNeeds(job.input_path, context.delimiter, group_, group_name_,
                             options_.extra_group_ids, options_.extra_group_names, &needs, error))
        return false;
      if (!job.org_checks) {
        if (!job.dry_run) {
          *error = "group names (groupName, --group-name) are resolved by asking the org, and "
                   "this run does not ask it; nothing was sent";
          return false;
        }
        context.notes.push_back("group names are not looked up without the org's credentials "
                                "(a dry run with OKTA_CLIENT_ORGURL and a token checks them)");
      }
      lookup.groups = job.org_checks && !needs.names.empty();
    }
    if (!lookup.schema && !lookup.groups) return true;
    if (!LookUpOrg(context, lookup, &facts_, error)) return false;
    if (lookup.groups) {
      // A name to add users to may be created; one to remove them from may not.
      const bool can_create = options_.task.op == UserOp::kAssign || options_.task.op == UserOp::kUpdate;
      if (!ResolveGroups(context, needs, can_create && options_.create_missing_groups, &facts_,
                         &group_ids_by_name_, error, can_create))
        return false;
      names_resolved_ = true;
      for (const std::string& name : options_.extra_group_names) {
        const std::string& id = group_ids_by_name_.at(GroupNameKey(name));
        if (std::find(extra_ids_.begin(), extra_ids_.end(), id) == extra_ids_.end())
          extra_ids_.push_back(id);
      }
    }
    if (!lookup.schema) return true;
    if (!facts_.schema_refused.empty()) context.notes.push_back("warning: " + facts_.schema_refused);
    if (!facts_.schema) return true;
    const ProfileSchema& org = *facts_.schema;
    std::vector<std::string> unknown, kept;
    for (Attribute& a : attributes_) {
      const SchemaAttribute* s = org.Find(a.name);
      if (!s) {
        unknown.push_back(org.UnknownMessage(names_[a.index], a.name));
        continue;
      }
      if (!ColumnTypeFromSchema(*s, names_[a.index], a.typed, a.type, &a.type, error)) {
        *error = "header: " + *error;
        return false;
      }
      a.name = s->name;
      a.schema = s;
      if (options_.clear_empty &&
          (s->required || s->mutability != SchemaAttribute::Mutability::kReadWrite))
        kept.push_back(s->name);
    }
    if (!unknown.empty()) {
      *error = "header: ";
      for (std::size_t i = 0; i < unknown.size(); ++i) *error += (i ? "; " : "") + unknown[i];
      *error += ". Nothing was sent";
      return false;
    }
    context.notes.push_back(SchemaNote(org));
    for (const std::string& w : org.warnings()) context.notes.push_back("warning: " + w);
    if (!kept.empty()) {
      std::string note = "--empty-cells clear: an empty cell never clears ";
      for (std::size_t i = 0; i < kept.size(); ++i) note += (i ? ", " : "") + kept[i];
      note += " (the org's profile requires it or does not let it change); such cells are left out";
      context.notes.push_back(std::move(note));
    }
    return true;
  }

  bool Build(const CsvRecord& record, uint64_t row, RunContext&, BuiltRow* out,
             std::string* error) override {
    if (!CheckRecordShape(record, row, names_, error)) return false;
    const UserOp op = options_.task.op;
    auto cell = [&](int idx) -> std::string_view {
      return idx < 0 ? std::string_view{} : std::string_view(record.fields[idx]);
    };
    UserOpRow r;
    r.row = row;
    std::string_view id = TrimSpaces(cell(id_));
    std::string_view login = TrimSpaces(cell(login_));
    if (!id.empty()) {
      if (!ValidOktaId(id)) {
        *error = RowWhere(row, record, names_[id_]) + "'" + std::string(id) +
                 "' is not an Okta user id (letters and digits, like 00u1abcd2EFGH3ijk4x5)";
        return false;
      }
      r.id.assign(id);
      out->key = r.id;
      out->key_field = names_[id_];
    } else if (!login.empty()) {
      if (login.size() > kLoginMax) {
        *error = RowWhere(row, record, names_[login_]) + "is longer than Okta's 100 characters";
        return false;
      }
      out->key.assign(login);
      out->key_field = "login";
    } else {
      *error = RowWhere(row, record, names_[login_ >= 0 ? login_ : id_]) +
               "is empty; every row needs " +
               (login_ >= 0 && id_ >= 0 ? "a login or an id" : login_ >= 0 ? "a login" : "an id");
      return false;
    }
    r.login.assign(login);

    const bool membership = op == UserOp::kAssign || op == UserOp::kUnassign;
    if (membership || op == UserOp::kUpdate) {
      std::string bad;
      if (!AppendGroupIds(cell(group_), &r.group_ids, &bad)) {
        *error = RowWhere(row, record, names_[group_]) + BadGroupIdMessage(bad);
        return false;
      }
      bool unresolved_names = false;  // a dry run without the org: names are not looked up
      if (group_name_ >= 0) {
        std::vector<std::string> names;
        AppendGroupNames(cell(group_name_), &names);
        for (const std::string& name : names) {
          std::string_view problem = Utf8Problem(name);
          if (!problem.empty()) {
            *error = RowWhere(row, record, names_[group_name_]) + std::string(problem);
            return false;
          }
          if (!names_resolved_) {
            unresolved_names = true;
            continue;
          }
          auto it = group_ids_by_name_.find(GroupNameKey(name));
          if (it == group_ids_by_name_.end()) {  // every name was resolved in Prepare
            *error = RowWhere(row, record, names_[group_name_]) + "group '" + name +
                     "' is not a group of the org";
            return false;
          }
          if (std::find(r.group_ids.begin(), r.group_ids.end(), it->second) == r.group_ids.end())
            r.group_ids.push_back(it->second);
        }
      }
      for (const auto& g : extra_ids_)
        if (std::find(r.group_ids.begin(), r.group_ids.end(), g) == r.group_ids.end())
          r.group_ids.push_back(g);
      if (!names_resolved_ && !options_.extra_group_names.empty()) unresolved_names = true;
      if (membership && r.group_ids.empty() && !unresolved_names) {
        const int column = group_ >= 0 ? group_ : group_name_;
        *error = RowWhere(row, record, column >= 0 ? names_[column] : "groupId") +
                 "is empty; give a group id or name (or --group ID / --group-name NAME for "
                 "every row)";
        return false;
      }
      if (r.group_ids.size() > kMaxGroupIds && op == UserOp::kUpdate) {
        const int column = group_ >= 0 ? group_ : group_name_;
        *error = RowWhere(row, record, column >= 0 ? names_[column] : "groupId") +
                 "names more than 20 groups";
        return false;
      }
      out->with_groups = !r.group_ids.empty() || unresolved_names;
      if (membership) out->key.clear();  // assigning or removing twice is harmless
    }

    if (op == UserOp::kUpdate) {
      std::string& body = r.update_body;
      body = "{\"profile\":{";
      bool first = true;
      std::string problem;
      for (const Attribute& a : attributes_) {
        const std::string& name = names_[a.index];
        std::string lower = LowerAscii(a.name);
        const bool known = lower == "login" || lower == "email" || lower == "firstname" ||
                           lower == "lastname";
        std::string_view value = known || a.type != AttributeType::kString
                                     ? TrimSpaces(cell(a.index))
                                     : cell(a.index);
        if (value.empty() && (!options_.clear_empty || lower == "login")) continue;
        if (a.schema) {
          if (value.empty()) {  // --empty-cells clear: only what the org lets clear
            if (a.schema->required ||
                a.schema->mutability != SchemaAttribute::Mutability::kReadWrite)
              continue;
          } else {
            std::string_view mutability = MutabilityProblem(*a.schema, /*for_update=*/true);
            std::string rule =
                mutability.empty() ? CheckSchemaValue(*a.schema, value) : std::string(mutability);
            if (!rule.empty()) {
              *error = RowWhere(row, record, name) + rule;
              return false;
            }
          }
        }
        if (!value.empty() && (lower == "login" || lower == "email") && !LooksLikeEmail(value)) {
          *error = RowWhere(row, record, name) + "is not an email address";
          return false;
        }
        if ((lower == "firstname" || lower == "lastname") && value.size() > kNameMax) {
          *error = RowWhere(row, record, name) + "is longer than Okta's 50 characters";
          return false;
        }
        if (!first) body.push_back(',');
        first = false;
        // Okta's own spelling of the base attributes, whatever case the header used.
        AppendJsonString(&body, lower == "login"       ? std::string_view("login")
                                : lower == "email"     ? std::string_view("email")
                                : lower == "firstname" ? std::string_view("firstName")
                                : lower == "lastname"  ? std::string_view("lastName")
                                                       : std::string_view(a.name));
        body.push_back(':');
        if (value.empty()) {
          body.append("null");
        } else if (!AppendTypedValue(&body, a.type, value, &problem)) {
          *error = RowWhere(row, record, name) + problem;
          return false;
        }
      }
      // Every attribute cell empty (without --empty-cells clear) and no group: the body is
      // kEmptyProfileUpdate and the task ends `unchanged` without a request (issue 19): an
      // empty cell means "leave as is", so such a row asks for nothing.
      body.append("}}");
    }
    if (IsLifecycle(op))
      out->task = std::make_unique<LifecycleTask>(std::move(r), options_.task);
    else
      out->task = std::make_unique<UserOpTask>(std::move(r), options_.task);
    return true;
  }

  std::string LoginOf(const CsvRecord& record) const override {
    for (int idx : {login_, id_})
      if (idx >= 0 && static_cast<std::size_t>(idx) < record.fields.size() &&
          !TrimSpaces(record.fields[idx]).empty())
        return std::string(TrimSpaces(record.fields[idx]));
    return {};
  }

 private:
  const UserOpJobOptions& options_;
  std::vector<std::string> names_;
  int login_ = -1, id_ = -1, group_ = -1, group_name_ = -1;
  // --group ids, then the --group-name ones once resolved (Prepare).
  std::vector<std::string> extra_ids_;
  std::unordered_map<std::string, std::string> group_ids_by_name_;  // GroupNameKey -> id
  bool names_resolved_ = false;
  struct Attribute {
    int index;
    std::string name;  // without the header's ":type"; Okta's spelling once the schema is read
    AttributeType type;
    bool typed = false;  // the header said name:type
    const SchemaAttribute* schema = nullptr;  // the org's attribute, once read (Prepare)
  };
  OrgFacts facts_;  // the schema `schema` points into
  std::vector<Attribute> attributes_;  // update: the columns sent as profile attributes
};

}  // namespace

std::string_view UserOpName(UserOp op) {
  switch (op) {
    case UserOp::kUpdate: return "update";
    case UserOp::kAssign: return "assign";
    case UserOp::kDeactivate: return "deactivate";
    case UserOp::kDelete: return "delete";
    case UserOp::kUnassign: return "unassign";
    default: return LifecycleRuleOf(op).command;
  }
}

std::unique_ptr<RowHandler> MakeUserOpRows(const UserOpJobOptions& options) {
  return std::make_unique<UserOpRows>(options);
}

bool RunUserOp(boost::asio::io_context& io, HttpTransport& transport,
               const UserOpJobOptions& options, JobSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher) {
  // The secrets file is opened before the first request: a run that cannot keep what Okta
  // returns only once must not start. It is opened once the job holds the results file and
  // an earlier run's secrets were kept aside (RunJob, open_sidecars): never clobbered.
  std::unique_ptr<SecretFile> secrets;
  UserOpJobOptions with_secrets;
  const UserOpJobOptions* run_options = &options;
  if (options.write_secrets && !options.dry_run) {
    with_secrets = options;
    with_secrets.open_sidecars = [&with_secrets, &secrets](std::string* open_error) {
      secrets = SecretFile::Open(with_secrets.results_path, /*append=*/true, open_error);
      with_secrets.task.secrets = secrets.get();  // tasks read it through their options
      return secrets != nullptr;
    };
    run_options = &with_secrets;
  }
  UserOpRows rows(*run_options);
  summary->command = std::string(UserOpName(options.task.op));
  switch (options.task.op) {
    case UserOp::kUpdate:
      summary->dry_run_action =
          "one POST /api/v1/users/{id} each; a row with no cell to send sends nothing";
      break;
    case UserOp::kAssign:
      summary->dry_run_action = "a lookup by login, then one PUT per group each";
      break;
    case UserOp::kDeactivate:
      summary->dry_run_action = "a lookup by login, then one lifecycle/deactivate each";
      break;
    case UserOp::kDelete:
      summary->dry_run_action = "a lookup, a deactivate if needed, then one DELETE each";
      break;
    case UserOp::kUnassign:
      summary->dry_run_action =
          "a lookup by login, the user's groups, then one DELETE per group it is in";
      break;
    default:
      summary->dry_run_action = "a lookup, then one lifecycle/" +
                                std::string(LifecycleRuleOf(options.task.op).operation) +
                                " each unless the status says otherwise";
      break;
  }
  return RunJob(io, transport, *run_options, rows, summary, error, on_dispatcher);
}

}  // namespace okta_bulk
