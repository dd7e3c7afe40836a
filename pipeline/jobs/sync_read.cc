#include "pipeline/jobs/sync_read.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "pipeline/engine/count_text.h"
#include "pipeline/jobs/listing_cursor.h"
#include "pipeline/jobs/org_size.h"
#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"

namespace okta_bulk {
namespace {

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
                const OrgUrl& org_url, uint64_t& pages,
                const std::set<std::string>* managed = nullptr)
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
    if (next_login_ < logins_.size())
      return std::make_unique<LookupTask>(logins_[next_login_++], *org_);
    return nullptr;
  }
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::string> logins_;
  std::size_t next_ = 0, next_login_ = 0;
  OrgState* org_ = nullptr;
};

}  // namespace

bool ReadOrgForSync(PrepareContext& context, const SyncReadInput& in, SyncShared& shared,
                    std::string* note, std::string* error) {
  // Memberships. The managed groups' members come first (1,000 a page): Okta lists members
  // as whole users, so they also give the state of every file user in those groups, five
  // times denser than the users listing. Unless the groups are so big that reading the
  // users one by one, and then each one's groups (GET /api/v1/users/{id}/groups), costs
  // less: at most two requests a row against the members' pages (the group listing's
  // counts say how many).
  using ReadOrg = SyncJobOptions::ReadOrg;
  const uint64_t page = static_cast<uint64_t>(in.options.page_size);
  const OrgGroup* everyone = in.facts.groups.Everyone();
  OrgSize size;  // from the group listing's counts when it was read
  if (everyone && everyone->users_count >= 0) {
    size.known = true;
    size.users = static_cast<uint64_t>(everyone->users_count);
  }
  bool per_user_groups = false;
  std::string groups_why;
  if (in.group_columns && !shared.scope.managed.empty()) {
    uint64_t member_pages_due = 0;
    bool counted = true;
    for (const std::string& g : shared.scope.managed) {
      const OrgGroup* og = in.facts.groups.ById(g);
      if (!og || og->users_count < 0) {
        counted = false;
        break;
      }
      const uint64_t members = static_cast<uint64_t>(og->users_count);
      member_pages_due += std::max<uint64_t>(1, (members + 999) / 1000);
    }
    const uint64_t r = in.logins.size();
    // Reading the rows' users: a listing when forced (--deactivate-missing, --read-org
    // list) or cheaper, else a lookup each; then one groups request per user.
    const uint64_t user_reads =
        in.options.deactivate_missing || in.options.read_org == ReadOrg::kList ? 0
        : size.known ? std::min<uint64_t>(r, std::max<uint64_t>(1, (size.users + page - 1) / page))
                     : r;
    if (counted && user_reads + r < member_pages_due) {
      per_user_groups = true;
      groups_why = "the " + Count(shared.scope.managed.size(), "group's", "groups'") + " " +
                   "members are " + Count(member_pages_due, "page", "pages") + " of 1,000; the " +
                   "file's " + Count(r, "row", "rows") + " cost at most " +
                   GroupDigits(user_reads + r) + " read one by one";
    }
  }
  ReadSource members;
  members.org_ = &shared.org;
  uint64_t member_pages = 0;
  if (in.group_columns && !per_user_groups)
    for (const std::string& g : shared.scope.managed)
      members.tasks_.push_back(std::make_unique<PagedReadTask>(
          Reads::kMembers, "/api/v1/groups/" + UrlEncodePathSegment(g) + "/users?limit=1000", g,
          shared.org, context.options.org, member_pages));
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
    if (!RunOrgTasks(context, members, context.options.dispatch.workers, note_failure, error))
      return false;
  }
  const uint64_t among_members = members.tasks_.empty() ? 0 : shared.org.size();
  std::vector<std::string> rest;  // the logins still to find
  for (const std::string& login : in.logins)
    if (!shared.org.Find(login)) rest.push_back(login);

  // The cheaper read of the rest: a listing costs one request per page_size users of the
  // org (or of --scope), however few the file names; lookups one per row.
  const uint64_t n = rest.size();
  uint64_t size_reads = 0;  // asking the org's size
  ReadOrg how = in.options.read_org;
  std::string why;
  shared.org.keep_others = in.options.deactivate_missing;
  const std::string rows_word =
      (among_members ? "the " : "the file's ") + GroupDigits(n) + (n == 1 ? " row" : " rows") +
      (among_members ? " not among the members" : "");
  if (in.options.deactivate_missing) {
    how = ReadOrg::kList;
    why = "--deactivate-missing needs every user of --scope";
  } else if (n == 0) {
    how = ReadOrg::kLookup;  // nothing left to find
  } else if (how == ReadOrg::kAuto && n > 2 && in.options.scope.empty()) {
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
                    (in.options.scope.empty() ? "the org" : "--scope") + " would"
              : rows_word + " would cost " + GroupDigits(n) +
                    " lookups; listing --scope costs one request per " + std::to_string(page) +
                    " of its users; --read-org lookup forces lookups";
  } else {
    why = "as --read-org says";
  }
  ReadSource source;
  source.org_ = &shared.org;
  uint64_t pages = 0;
  std::string target;
  if (how == ReadOrg::kList) {
    target = "/api/v1/users?limit=" + std::to_string(page);
    if (!in.options.scope.empty()) target += "&search=" + UrlEncodeQueryValue(in.options.scope);
    source.tasks_.push_back(
        std::make_unique<PagedReadTask>(Reads::kUsers, target, "", shared.org, context.options.org,
                                        pages));
  } else {
    source.logins_ = rest;
  }
  if (in.finished_rows)
    why += std::string(why.empty() ? "" : "; ") + "--resume: " +
           Count(in.finished_rows, "row finished", "rows finished") + " before is not read again";
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
      !RunOrgTasks(context, source, context.options.dispatch.workers, note_failure, error))
    return false;
  uint64_t reads =
      member_pages + size_reads + (how == ReadOrg::kList ? pages : source.logins_.size());
  // A scoped listing shows only the scope: the rows it did not find may be users outside
  // it, so they are looked up one by one (a whole-org listing leaves out only deactivated
  // users, found when a create meets them).
  uint64_t leftovers = 0;
  if (failed.empty() && how == ReadOrg::kList && !in.options.scope.empty()) {
    ReadSource left;
    left.org_ = &shared.org;
    for (std::string& login : rest)
      if (!shared.org.Find(login)) left.logins_.push_back(std::move(login));
    leftovers = left.logins_.size();
    if (leftovers > 0 &&
        !RunOrgTasks(context, left, context.options.dispatch.workers, note_failure, error))
      return false;
    reads += leftovers;
  }
  uint64_t group_reads = 0;  // per_user_groups: one answer per user found
  if (per_user_groups && failed.empty()) {
    ReadSource groups_of;
    groups_of.org_ = &shared.org;
    std::set<std::string> ids;
    for (const std::string& login : in.logins)
      if (const OrgUser* u = shared.org.Find(login)) ids.insert(u->id);
    for (const std::string& id : ids)
      groups_of.tasks_.push_back(std::make_unique<PagedReadTask>(
          Reads::kUserGroups, ListUserGroupsRequest(id).http.target, id, shared.org,
          context.options.org, group_reads, &shared.scope.managed));
    if (!groups_of.tasks_.empty() &&
        !RunOrgTasks(context, groups_of, context.options.dispatch.workers, note_failure, error))
      return false;
    reads += group_reads;
  }
  if (!failed.empty()) {
    *error = "reading the org: " + failed + "; nothing was sent";
    return false;
  }
  shared.org.memberships_known = in.group_columns;
  std::string memberships;
  if (per_user_groups)
    memberships = ", " + Count(group_reads, "user's groups", "users' groups");
  else if (in.group_columns && !shared.scope.managed.empty())
    memberships = ", the members of " + Count(shared.scope.managed.size(), "group", "groups") +
                  " (" + GroupDigits(among_members) + " of the users among them)";
  *note = "read the org in " + Count(reads, "request", "requests") + ": " +
          Count(shared.org.size(), "of the file's users exists", "of the file's users exist") +
          memberships +
          (leftovers ? " (" + Count(leftovers, "row", "rows") + " not in --scope looked up one by one)"
                     : std::string());
  return true;
}

}  // namespace okta_bulk
