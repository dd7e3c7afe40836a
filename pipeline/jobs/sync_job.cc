// Over 600 lines: SyncRows, the row handler (plan every row, review, --apply), is one class of
// ~400; the org reads and --deactivate-missing beside it are the job's own steps. SyncTask: sync_task.
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
#include "pipeline/jobs/listing_cursor.h"
#include "pipeline/jobs/org_groups.h"
#include "pipeline/jobs/org_lookup.h"
#include "pipeline/jobs/org_size.h"
#include "pipeline/jobs/sync_plan.h"
#include "pipeline/jobs/sync_task.h"
#include "pipeline/okta/group_requests.h"
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

// What a PagedReadTask reads into the OrgState.
enum class Reads : unsigned char {
  kUsers,       // the org's users (GET /api/v1/users)
  kMembers,     // one group's members (GET /api/v1/groups/{id}/users)
  kUserGroups,  // one user's groups (GET /api/v1/users/{id}/groups): its managed memberships
};

// One listing read before the first row, page by page through its rel="next" links, into the
// OrgState. `id`: the group (kMembers) or the user (kUserGroups). Ends `existed` ("not
// failed") or `failed` with what went wrong.
class PagedReadTask final : public Task {
 public:
  PagedReadTask(Reads reads, std::string target, std::string id, OrgState& org,
                const OrgUrl& org_url, uint64_t& pages, const std::set<std::string>* managed = nullptr)
      : reads_(reads), id_(std::move(id)), org_(org), cursor_(org_url), pages_(pages),
        managed_(managed) {
    result_.outcome = Outcome::kFailed;
    Follow(std::move(target));
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    if (response.status != 200) return Fail(response, reader, What() + " failed: ");
    ++pages_;
    std::string why;
    if (!Take(response.body, &why)) {
      result_.error = What() + ": " + why;
      return TaskStep::Done();
    }
    NextLink link = cursor_.NextAfter(response);
    if (!link.error.empty()) {
      result_.error = What() + ": " + link.error;
      return TaskStep::Done();
    }
    if (link.target.empty()) {
      result_.outcome = Outcome::kExisted;
      return TaskStep::Done();
    }
    Follow(std::move(link.target));
    return TaskStep::Next();
  }
  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = What() + " failed: " + error;
  }

 private:
  bool Take(const std::string& body, std::string* why) {
    switch (reads_) {
      case Reads::kUsers: return org_.AddUsers(body, why);
      case Reads::kMembers: return org_.AddMembers(id_, body, why);
      case Reads::kUserGroups: {
        std::vector<GroupSummary> groups;
        if (!ReadGroupList(body, &groups, why)) return false;
        for (const GroupSummary& g : groups)
          if (managed_ && managed_->contains(g.id)) org_.AddMember(g.id, id_);
        return true;
      }
    }
    return false;
  }
  void Follow(std::string target) { request_ = cursor_.Get(std::move(target)); }
  std::string What() const {
    switch (reads_) {
      case Reads::kUsers: return "listing the org's users (GET " + request_.http.target + ")";
      case Reads::kMembers:
        return "listing the members of group " + id_ + " (GET " + request_.http.target + ")";
      case Reads::kUserGroups:
        return "listing the groups of user " + id_ + " (GET " + request_.http.target + ")";
    }
    return "reading the org";
  }
  Reads reads_;
  std::string id_;
  OrgState& org_;
  ListingCursor cursor_;  // the pages asked for: a next link back to one of them is refused
  uint64_t& pages_;
  const std::set<std::string>* managed_;  // kUserGroups: the groups whose memberships count
  TaskRequest request_;
};

// One user looked up by login before the first row (small files): 200 keeps it in the
// OrgState, 404 means the org has no such user (a create).
class LookupTask final : public Task {
 public:
  LookupTask(std::string login, OrgState& org) : login_(std::move(login)), org_(org) {
    result_.outcome = Outcome::kFailed;
    result_.login = login_;
    request_ = GetUserRequest(login_);
  }
  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    if (response.status == 404) {
      result_.outcome = Outcome::kExisted;
      return TaskStep::Done();
    }
    if (response.status != 200)
      return Fail(response, reader, "looking up " + login_ + " failed: ");
    std::string body = response.body;  // ReadUser pads its input
    UserSummary user;
    std::string why;
    if (!reader.ReadUser(body, &user, &why)) {
      result_.error = "looking up " + login_ + ": " + why;
      return TaskStep::Done();
    }
    if (!IsAnswerFor(user, "", login_)) return TaskStep::NotMine();
    if (!org_.AddUsers(response.body, &why)) {
      result_.error = "looking up " + login_ + ": " + why;
      return TaskStep::Done();
    }
    result_.outcome = Outcome::kExisted;
    return TaskStep::Done();
  }
  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = "looking up " + login_ + " failed: " + error;
  }

 private:
  std::string login_;
  OrgState& org_;
  TaskRequest request_;
};

// The reads, handed out one by one: paged listings (the users, or each managed group's
// members), then one lookup per login.
class ReadSource final : public TaskSource {
 public:
  std::unique_ptr<Task> Next() override {
    if (next_ < tasks_.size()) return std::move(tasks_[next_++]);
    if (next_login_ < logins_.size()) return std::make_unique<LookupTask>(logins_[next_login_++], *org_);
    return nullptr;
  }
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::string> logins_;
  std::size_t next_ = 0, next_login_ = 0;
  OrgState* org_ = nullptr;
};

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

    // Memberships. The managed groups' members come first (1,000 a page): Okta lists members
    // as whole users, so they also give the state of every file user in those groups, five
    // times denser than the users listing. Unless the groups are so big that reading the
    // users one by one, and then each one's groups (GET /api/v1/users/{id}/groups), costs
    // less: at most two requests a row against the members' pages (the group listing's
    // counts say how many).
    using ReadOrg = SyncJobOptions::ReadOrg;
    const uint64_t page = static_cast<uint64_t>(options_.page_size);
    const OrgGroup* everyone = facts_.groups.Everyone();
    OrgSize size;  // from the group listing's counts when it was read
    if (everyone && everyone->users_count >= 0) {
      size.known = true;
      size.users = static_cast<uint64_t>(everyone->users_count);
    }
    bool per_user_groups = false;
    std::string groups_why;
    if (group_columns && !shared_.scope.managed.empty()) {
      uint64_t member_pages_due = 0;
      bool counted = true;
      for (const std::string& g : shared_.scope.managed) {
        const OrgGroup* og = facts_.groups.ById(g);
        if (!og || og->users_count < 0) {
          counted = false;
          break;
        }
        member_pages_due += std::max<uint64_t>(1, (static_cast<uint64_t>(og->users_count) + 999) / 1000);
      }
      const uint64_t r = logins.size();
      // Reading the rows' users: a listing when forced (--deactivate-missing, --read-org
      // list) or cheaper, else a lookup each; then one groups request per user.
      const uint64_t user_reads =
          options_.deactivate_missing || options_.read_org == ReadOrg::kList ? 0
          : size.known ? std::min<uint64_t>(r, std::max<uint64_t>(1, (size.users + page - 1) / page))
                       : r;
      if (counted && user_reads + r < member_pages_due) {
        per_user_groups = true;
        groups_why = "the " + Count(shared_.scope.managed.size(), "group's", "groups'") + " " +
                     "members are " + Count(member_pages_due, "page", "pages") + " of 1,000; the " +
                     "file's " + Count(r, "row", "rows") + " cost at most " +
                     GroupDigits(user_reads + r) + " read one by one";
      }
    }
    ReadSource members;
    members.org_ = &shared_.org;
    uint64_t member_pages = 0;
    if (group_columns && !per_user_groups)
      for (const std::string& g : shared_.scope.managed)
        members.tasks_.push_back(std::make_unique<PagedReadTask>(
            Reads::kMembers, "/api/v1/groups/" + UrlEncodePathSegment(g) + "/users?limit=1000", g,
            shared_.org, job.org, member_pages));
    std::string failed;
    auto note_failure = [&](Task& t) {
      if (t.result().outcome == Outcome::kFailed && failed.empty()) failed = t.result().error;
      return true;
    };
    if (per_user_groups) {
      std::fprintf(stderr,
                   "okta-bulk: reading the org: each user's groups (GET /api/v1/users/{id}/groups) "
                   "after the users, not the groups' members (%s)\n",
                   groups_why.c_str());
    } else if (!members.tasks_.empty()) {
      std::fprintf(stderr,
                   "okta-bulk: reading the org: the members of %s first, 1,000 a page (GET "
                   "/api/v1/groups/{id}/users): their pages carry the users too\n",
                   Count(members.tasks_.size(), "group", "groups").c_str());
      if (!RunOrgTasks(context, members, job.dispatch.workers, note_failure, error)) return false;
    }
    const uint64_t among_members = members.tasks_.empty() ? 0 : shared_.org.size();
    std::vector<std::string> rest;  // the logins still to find
    for (const std::string& login : logins)
      if (!shared_.org.Find(login)) rest.push_back(login);

    // The cheaper read of the rest: a listing costs one request per page_size users of the
    // org (or of --scope), however few the file names; lookups one per row.
    const uint64_t n = rest.size();
    uint64_t size_reads = 0;  // asking the org's size
    ReadOrg how = options_.read_org;
    std::string why;
    shared_.org.keep_others = options_.deactivate_missing;
    const std::string rows_word =
        among_members ? "the " + GroupDigits(n) + (n == 1 ? " row" : " rows") + " not among the members"
                      : "the file's " + GroupDigits(n) + (n == 1 ? " row" : " rows");
    if (options_.deactivate_missing) {
      how = ReadOrg::kList;
      why = "--deactivate-missing needs every user of --scope";
    } else if (n == 0) {
      how = ReadOrg::kLookup;  // nothing left to find
    } else if (how == ReadOrg::kAuto && n > 2 && options_.scope.empty()) {
      // A listing costs one request per page_size users of the whole org, lookups one per
      // row: the org's size decides (known from the group listing, else one request; with two
      // rows or fewer lookups cost no more).
      if (!size.known) {
        const uint64_t before = context.requests;
        if (!ReadOrgSize(context, &size, error)) return false;
        size_reads = context.requests - before;
      }
      if (size.known) {
        const uint64_t listing = std::max<uint64_t>(1, (size.users + page - 1) / page);
        how = listing < n ? ReadOrg::kList : ReadOrg::kLookup;
        why = "the org holds " + Count(size.users, "user", "users") + " (its Everyone group): a " +
              "listing costs " + Count(listing, "request", "requests") + ", looking up " + rows_word +
              " " + GroupDigits(n) + "; --read-org " + (how == ReadOrg::kList ? "lookup" : "list") +
              " forces the other";
      } else {
        how = n <= page ? ReadOrg::kLookup : ReadOrg::kList;
        why = "the org's size is unknown (" + size.why_unknown + "), so " +
              (n <= page ? rows_word + ", at most one listing page, are looked up"
                         : rows_word + ", more than a listing page, are listed");
      }
    } else if (how == ReadOrg::kAuto) {
      // Two rows or fewer, or a --scope of unknown size.
      how = n <= page ? ReadOrg::kLookup : ReadOrg::kList;
      why = n <= page
                ? rows_word + " fit in one listing page (" + std::to_string(page) + "): " +
                      Count(n, "lookup costs", "lookups cost") + " no more than listing " +
                      (options_.scope.empty() ? "the org" : "--scope") + " would"
                : rows_word + " would cost " + GroupDigits(n) +
                      " lookups; listing --scope costs one request per " + std::to_string(page) +
                      " of its users; --read-org lookup forces lookups";
    } else {
      why = "as --read-org says";
    }
    ReadSource source;
    source.org_ = &shared_.org;
    uint64_t pages = 0;
    std::string target;
    if (how == ReadOrg::kList) {
      target = "/api/v1/users?limit=" + std::to_string(page);
      if (!options_.scope.empty()) target += "&search=" + UrlEncodeQueryValue(options_.scope);
      source.tasks_.push_back(
          std::make_unique<PagedReadTask>(Reads::kUsers, target, "", shared_.org, job.org, pages));
    } else {
      source.logins_ = rest;
    }
    if (finished_rows)
      why += std::string(why.empty() ? "" : "; ") + "--resume: " +
             Count(finished_rows, "row finished", "rows finished") + " before is not read again";
    std::string plan_text;
    if (how == ReadOrg::kList)
      plan_text = "listing its users, " + std::to_string(page) + " a page (GET " + target + ")";
    else if (n > 0)
      plan_text = "one lookup per row (GET /api/v1/users/{login}), " + GroupDigits(n);
    else if (among_members)
      plan_text = "every row's user is among the members: nothing more to read";
    else
      plan_text = "no row to read the org for";
    std::fprintf(stderr, "okta-bulk: reading the org: %s%s\n", plan_text.c_str(),
                 why.empty() ? "" : (" (" + why + ")").c_str());
    if (failed.empty() && (!source.tasks_.empty() || !source.logins_.empty()) &&
        !RunOrgTasks(context, source, job.dispatch.workers, note_failure, error))
      return false;
    uint64_t reads =
        member_pages + size_reads + (how == ReadOrg::kList ? pages : source.logins_.size());
    // A scoped listing shows only the scope: the rows it did not find may be users outside
    // it, so they are looked up one by one (a whole-org listing leaves out only deactivated
    // users, found when a create meets them).
    uint64_t leftovers = 0;
    if (failed.empty() && how == ReadOrg::kList && !options_.scope.empty()) {
      ReadSource left;
      left.org_ = &shared_.org;
      for (std::string& login : rest)
        if (!shared_.org.Find(login)) left.logins_.push_back(std::move(login));
      leftovers = left.logins_.size();
      if (leftovers > 0 && !RunOrgTasks(context, left, job.dispatch.workers, note_failure, error))
        return false;
      reads += leftovers;
    }
    uint64_t group_reads = 0;  // per_user_groups: one answer per user found
    if (per_user_groups && failed.empty()) {
      ReadSource groups_of;
      groups_of.org_ = &shared_.org;
      std::set<std::string> ids;
      for (const std::string& login : logins)
        if (const OrgUser* u = shared_.org.Find(login)) ids.insert(u->id);
      for (const std::string& id : ids)
        groups_of.tasks_.push_back(std::make_unique<PagedReadTask>(
            Reads::kUserGroups, ListUserGroupsRequest(id).http.target, id, shared_.org, job.org,
            group_reads, &shared_.scope.managed));
      if (!groups_of.tasks_.empty() &&
          !RunOrgTasks(context, groups_of, job.dispatch.workers, note_failure, error))
        return false;
      reads += group_reads;
    }
    if (!failed.empty()) {
      *error = "reading the org: " + failed + "; nothing was sent";
      return false;
    }
    shared_.org.memberships_known = group_columns;
    read_note_ = "read the org in " + Count(reads, "request", "requests") + ": " +
                 Count(shared_.org.size(), "of the file's users exists", "of the file's users exist") +
                 (per_user_groups ? ", " + Count(group_reads, "user's groups", "users' groups")
                  : group_columns && !shared_.scope.managed.empty()
                      ? ", the members of " + Count(shared_.scope.managed.size(), "group", "groups") +
                            " (" + GroupDigits(among_members) + " of the users among them)"
                      : std::string()) +
                 (leftovers ? " (" + Count(leftovers, "row", "rows") + " not in --scope looked up one by one)"
                            : std::string());
    context.notes.push_back(read_note_);
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
  std::string read_note_;
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
