// `okta-bulk sync`'s plan (issue 17): the file is the desired state of the users it names;
// the org's current state of them (OrgState, read from a listing or per-user lookups) is
// compared attribute by attribute, and each row gets the few requests that make the org
// match: a create for a missing user, a partial update carrying only the changed
// attributes, group adds (and, with --exact-groups, removes limited to the groups the file
// manages). Pure: no I/O, no clock; the reading of Okta's JSON pages is a plain function.
// Single-threaded.
#pragma once
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pipeline/okta/profile_match.h"

namespace simdjson::dom {
class element;
}

namespace okta_bulk {

// One user of the org as the plan compares it.
struct OrgUser {
  std::string id, status, login;
  // {"profile":{...}}: the profile attributes kept (OrgState::KeepAttributes), as minified
  // JSON values; an attribute the user has no value for is absent.
  std::string profile;
};

// The org's users that matter to a sync, keyed by login folded like Okta (FoldLogin), and
// their memberships of the groups the file manages.
class OrgState {
 public:
  // Keep only these profile attributes (Okta's spelling); empty: keep the whole profile.
  void KeepAttributes(std::vector<std::string> names) { attributes_ = std::move(names); }
  const std::vector<std::string>& attributes() const { return attributes_; }
  // Keep only the users whose login folds to one of these (the file's); without any call,
  // every user read is kept.
  void Want(std::string_view login);
  bool wants(std::string_view login) const;
  // Reads a page of GET /api/v1/users (a JSON array of users) or one user (a JSON object,
  // GET /api/v1/users/{login}) and keeps the users wanted. False with `error` when the body
  // is not that; the users read before the problem are kept.
  bool AddUsers(std::string_view body, std::string* error);
  // The user whose login folds like `login`; nullptr when the org has none (as far as read).
  const OrgUser* Find(std::string_view login) const;
  std::size_t size() const { return users_.size(); }
  template <class F>
  void ForEach(F f) const {
    for (const auto& [key, user] : users_) f(user);
  }
  // --deactivate-missing: also keep (id, status, login; no profile) the users read that are
  // not wanted: the scope's users the file no longer has.
  bool keep_others = false;
  const std::vector<OrgUser>& others() const { return others_; }
  // The users of listing pages (AddUsers with an array) not DEPROVISIONED, wanted or not:
  // --deactivate-missing's scope, the base of --max-deactivate's percent.
  uint64_t listed_active() const { return listed_active_; }

  // Memberships: the members of `group_id` (a page of GET /api/v1/groups/{id}/users).
  // Okta lists members as whole users, so the wanted ones are kept as AddUsers keeps them
  // (a member without a profile or login counts as a membership only), but never as
  // others(): a group is not --scope. False with `error` when the body is not a JSON array
  // of users with ids.
  bool AddMembers(std::string_view group_id, std::string_view body, std::string* error);
  void AddMember(std::string_view group_id, std::string_view user_id);
  // Set once every managed group's members were read; until then GroupsOf is not known.
  bool memberships_known = false;
  // The groups read (AddMember) that `user_id` is in, in the order they were first seen.
  std::vector<std::string> GroupsOf(std::string_view user_id) const;

 private:
  // Keeps one user of an answer: one looked up, one of a listing page (AddUsers), or a
  // member (AddMembers).
  enum class From : unsigned char { kLookup, kListing, kMembers };
  bool Keep(simdjson::dom::element user, From from, std::string* error);
  uint64_t listed_active_ = 0;
  std::vector<std::string> attributes_;
  std::unordered_set<std::string> wanted_;  // folded logins
  bool want_all_ = true;
  std::unordered_map<std::string, OrgUser> users_;  // by folded login
  std::vector<OrgUser> others_;
  std::vector<std::string> groups_;                 // by index
  std::unordered_map<std::string, std::vector<uint32_t>> groups_by_user_;
};

enum class SyncAction : unsigned char { kCreate, kUpdate, kUnchanged, kDeactivate };
// "create", "update", "unchanged", "deactivate".
std::string_view SyncActionName(SyncAction action);

// What the file says one user should be.
struct DesiredUser {
  std::string login;
  // {"profile":{...}}: the attributes the file sets, typed from the org's schema (an empty
  // cell is left out, or null with --empty-cells clear). The login itself is not among them:
  // it is the key.
  std::string update_body;
  std::vector<std::string> group_ids;  // the row's groups
};

// Which memberships the file decides.
struct GroupScope {
  // --exact-groups: a user in a managed group its row does not name is removed from it.
  bool exact = false;
  // The groups the file mentions, plus --group-scope: the only groups a remove may touch.
  std::set<std::string> managed;
};

// What one row needs.
struct RowPlan {
  SyncAction action = SyncAction::kUnchanged;
  std::string user_id, status;  // the org's user (empty for a create)
  std::vector<ProfileChange> changes;  // kUpdate: the attributes that differ
  std::vector<std::string> add_groups, remove_groups;
  // {"profile":{...}} of the changed attributes only; "" when none changed.
  std::string UpdateBody() const;
  // Requests the plan costs: a create is one; an update one per changed profile (one) and
  // per group change.
  uint64_t Requests() const;
};

// Plans one row. `have`: the org's user, nullptr when it has none (a create).
// `have_groups`: the user's groups among the managed ones, nullptr when not known (then
// every group of the row is added, which Okta takes as a no-op for a member, and nothing is
// removed). False with `error` when a profile cannot be read.
bool PlanRow(const DesiredUser& want, const OrgUser* have,
             const std::vector<std::string>* have_groups, const GroupScope& scope, RowPlan* out,
             std::string* error);

// Counts per action over a plan, for --plan and the summary.
struct PlanCounts {
  uint64_t create = 0, update = 0, unchanged = 0, deactivate = 0;
  uint64_t attribute_changes = 0, group_adds = 0, group_removes = 0;
  uint64_t requests = 0;  // what the plan costs (RowPlan::Requests)
  uint64_t rows = 0;      // the file's rows planned (every action but kDeactivate)
  void Add(const RowPlan& plan);
  // What a row-per-request update would send for the same rows (one write each) minus what
  // the rows' plans send (deactivations aside: update sends none); negative when group
  // changes cost more than the writes saved.
  int64_t RequestsSaved() const {
    return static_cast<int64_t>(rows) - static_cast<int64_t>(requests - deactivate);
  }
  // "Plan: 3 to create, 50 to update (50 attribute changes, 2 group adds, 0 group removes),
  // 947 unchanged, 0 to deactivate: 55 requests (a row-per-request update would send
  // 1,000)."
  std::string Describe(uint64_t rows) const;
};

// The plan file (--plan-out): one line per change, "login,action,attribute,oldValue,newValue".
inline constexpr std::string_view kPlanHeader = "login,action,attribute,oldValue,newValue";
// Appends `plan`'s lines for `login` to `out` (CSV, LF-ended): for an update one per changed
// attribute and one per group added ("groupId", new value the id) or removed (old value the
// id); for a create one per attribute it sets and one per group; for a deactivation one
// ("status", old status, DEPROVISIONED). Nothing for an unchanged row. Values are cells:
// strings as they are, numbers and booleans as JSON writes them, arrays joined with ';',
// null and absent as empty; each cell written by AppendPlanCell (formula guard).
void AppendPlanLines(std::string* out, std::string_view login, const DesiredUser& want,
                     const RowPlan& plan);
// The lines AppendPlanLines writes, as their fields (action, attribute, old, new value).
using PlanLineFn = std::function<void(std::string_view action, std::string_view attribute,
                                      const std::string& old_value, const std::string& new_value)>;
void ForEachPlanLine(const DesiredUser& want, const RowPlan& plan, const PlanLineFn& f);
// One cell of the plan file, guarded against spreadsheet formulas like the results file
// (AppendCsvCellGuarded: a cell beginning with '=', '+', '-', '@', tab or CR is written after
// a "'"), and a cell beginning with "'" then one of those or another "'" gets one more "'",
// so that PlanCellValue reads every cell back exactly.
void AppendPlanCell(std::string* out, std::string_view cell);
// The value of a plan file's cell as AppendPlanCell wrote it (one leading "'" dropped from a
// guarded cell).
std::string PlanCellValue(std::string_view cell);
// A JSON value (minified) as the plan file's cell; see AppendPlanLines.
std::string JsonValueAsCell(std::string_view json);

}  // namespace okta_bulk
