#include "pipeline/jobs/sync_plan.h"

#include <simdjson.h>

#include <algorithm>

#include "pipeline/csv/csv_writer.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/rows/login_fold.h"

namespace okta_bulk {
namespace {

namespace dom = simdjson::dom;

std::string StringOf(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s)) return {};
  return std::string(s);
}

}  // namespace

void OrgState::Want(std::string_view login) {
  want_all_ = false;
  wanted_.insert(FoldLogin(login));
}

bool OrgState::wants(std::string_view login) const {
  return want_all_ || wanted_.contains(FoldLogin(login));
}

bool OrgState::Keep(simdjson::dom::element user, From from, std::string* error) {
  const bool member = from == From::kMembers;
  dom::object profile;
  std::string_view id;
  if (user["id"].get_string().get(id) || user["profile"].get_object().get(profile)) {
    if (member) return true;  // its membership is all the member list must give
    *error = "a user in the answer has no id or no profile";
    return false;
  }
  OrgUser u;
  u.id = std::string(id);
  dom::element status, login;
  if (!user["status"].get(status)) u.status = StringOf(status);
  if (!profile["login"].get(login)) u.login = StringOf(login);
  if (u.login.empty()) {
    if (member) return true;
    *error = "user " + u.id + " in the answer has no profile.login";
    return false;
  }
  if (from == From::kListing && u.status != "DEPROVISIONED") ++listed_active_;
  std::string key = FoldLogin(u.login);
  if (!want_all_ && !wanted_.contains(key)) {
    // A member list shows users of groups, not of --scope: never one to deactivate.
    if (keep_others && !member) others_.push_back(std::move(u));
    return true;
  }
  if (attributes_.empty()) {
    u.profile = "{\"profile\":" + simdjson::minify(profile) + "}";
  } else {
    u.profile = "{\"profile\":{";
    bool first = true;
    for (const std::string& name : attributes_) {
      dom::element value;
      if (profile.at_key(name).get(value)) continue;
      if (!first) u.profile.push_back(',');
      first = false;
      AppendJsonString(&u.profile, name);
      u.profile.push_back(':');
      u.profile += simdjson::minify(value);
    }
    u.profile += "}}";
  }
  users_[std::move(key)] = std::move(u);
  return true;
}

bool OrgState::AddUsers(std::string_view body, std::string* error) {
  thread_local dom::parser parser;
  dom::element root;
  if (parser.parse(body.data(), body.size()).get(root)) {
    *error = "the answer is not JSON";
    return false;
  }
  if (root.is_object()) return Keep(root, From::kLookup, error);
  dom::array users;
  if (root.get_array().get(users)) {
    *error = "the answer is neither a user nor a list of users";
    return false;
  }
  for (dom::element user : users)
    if (!Keep(user, From::kListing, error)) return false;
  return true;
}

const OrgUser* OrgState::Find(std::string_view login) const {
  auto it = users_.find(FoldLogin(login));
  return it == users_.end() ? nullptr : &it->second;
}

bool OrgState::AddMembers(std::string_view group_id, std::string_view body, std::string* error) {
  thread_local dom::parser parser;
  dom::array users;
  if (parser.parse(body.data(), body.size()).get_array().get(users)) {
    *error = "the members of group " + std::string(group_id) + " are not a JSON array of users";
    return false;
  }
  for (dom::element user : users) {
    std::string_view id;
    if (user["id"].get_string().get(id)) {
      *error = "a member of group " + std::string(group_id) + " has no id";
      return false;
    }
    AddMember(group_id, id);
    std::string ignored;  // a member without a profile is only a membership
    Keep(user, From::kMembers, &ignored);
  }
  return true;
}

void OrgState::AddMember(std::string_view group_id, std::string_view user_id) {
  uint32_t index = 0;
  auto it = std::find(groups_.begin(), groups_.end(), group_id);
  if (it == groups_.end()) {
    index = static_cast<uint32_t>(groups_.size());
    groups_.emplace_back(group_id);
  } else {
    index = static_cast<uint32_t>(it - groups_.begin());
  }
  std::vector<uint32_t>& of = groups_by_user_[std::string(user_id)];
  if (std::find(of.begin(), of.end(), index) == of.end()) of.push_back(index);
}

std::vector<std::string> OrgState::GroupsOf(std::string_view user_id) const {
  std::vector<std::string> out;
  auto it = groups_by_user_.find(std::string(user_id));
  if (it == groups_by_user_.end()) return out;
  for (uint32_t g : it->second) out.push_back(groups_[g]);
  return out;
}

std::string_view SyncActionName(SyncAction action) {
  switch (action) {
    case SyncAction::kCreate: return "create";
    case SyncAction::kUpdate: return "update";
    case SyncAction::kUnchanged: return "unchanged";
    case SyncAction::kDeactivate: return "deactivate";
  }
  return "unchanged";
}

std::string RowPlan::UpdateBody() const {
  if (changes.empty()) return {};
  std::string body = "{\"profile\":{";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (i) body.push_back(',');
    AppendJsonString(&body, changes[i].name);
    body.push_back(':');
    body += changes[i].new_json;
  }
  body += "}}";
  return body;
}

uint64_t RowPlan::Requests() const {
  switch (action) {
    case SyncAction::kCreate: return 1;  // the groups go with the create (groupIds)
    case SyncAction::kUpdate:
      return (changes.empty() ? 0 : 1) + add_groups.size() + remove_groups.size();
    case SyncAction::kUnchanged: return 0;
    case SyncAction::kDeactivate: return 1;
  }
  return 0;
}

bool PlanRow(const DesiredUser& want, const OrgUser* have,
             const std::vector<std::string>* have_groups, const GroupScope& scope, RowPlan* out,
             std::string* error) {
  *out = RowPlan{};
  if (!have) {
    out->action = SyncAction::kCreate;
    out->add_groups = want.group_ids;
    return true;
  }
  out->user_id = have->id;
  out->status = have->status;
  if (!ProfileChanges(have->profile, want.update_body, &out->changes)) {
    *error = "the org's profile of " + have->login + " or the row's values cannot be read";
    return false;
  }
  for (const std::string& g : want.group_ids)
    if (!have_groups || std::find(have_groups->begin(), have_groups->end(), g) == have_groups->end())
      out->add_groups.push_back(g);
  if (scope.exact && have_groups)
    for (const std::string& g : *have_groups)
      if (scope.managed.contains(g) &&
          std::find(want.group_ids.begin(), want.group_ids.end(), g) == want.group_ids.end())
        out->remove_groups.push_back(g);
  out->action = out->changes.empty() && out->add_groups.empty() && out->remove_groups.empty()
                    ? SyncAction::kUnchanged
                    : SyncAction::kUpdate;
  return true;
}

void PlanCounts::Add(const RowPlan& plan) {
  switch (plan.action) {
    case SyncAction::kCreate: ++create; break;
    case SyncAction::kUpdate: ++update; break;
    case SyncAction::kUnchanged: ++unchanged; break;
    case SyncAction::kDeactivate: ++deactivate; break;
  }
  if (plan.action != SyncAction::kDeactivate) ++rows;
  attribute_changes += plan.changes.size();
  if (plan.action != SyncAction::kCreate) {
    group_adds += plan.add_groups.size();
    group_removes += plan.remove_groups.size();
  }
  requests += plan.Requests();
}

std::string PlanCounts::Describe(uint64_t rows) const {
  std::string s = "Plan: " + GroupDigits(create) + " to create, " + GroupDigits(update) +
                  " to update (" + Count(attribute_changes, "attribute change", "attribute changes") +
                  ", " + Count(group_adds, "group add", "group adds") + ", " +
                  Count(group_removes, "group remove", "group removes") + "), " +
                  GroupDigits(unchanged) + " unchanged, " + GroupDigits(deactivate) +
                  " to deactivate: " + Count(requests, "request", "requests") + " to send";
  s += " (a row-per-request update would send " + GroupDigits(rows) + ").";
  return s;
}

std::string JsonValueAsCell(std::string_view json) {
  if (json.empty()) return {};
  thread_local dom::parser parser;
  dom::element e;
  if (parser.parse(json.data(), json.size()).get(e)) return std::string(json);
  auto scalar = [](dom::element v) -> std::string {
    if (v.is_null()) return {};
    std::string_view s;
    if (!v.get_string().get(s)) return std::string(s);
    return simdjson::minify(v);
  };
  dom::array array;
  if (!e.get_array().get(array)) {
    std::string out;
    bool first = true;
    for (dom::element v : array) {
      if (!first) out.push_back(';');
      first = false;
      out += scalar(v);
    }
    return out;
  }
  return scalar(e);
}

void ForEachPlanLine(const DesiredUser& want, const RowPlan& plan, const PlanLineFn& line) {
  const std::string_view action = SyncActionName(plan.action);
  switch (plan.action) {
    case SyncAction::kUnchanged: return;
    case SyncAction::kDeactivate: line(action, "status", plan.status, "DEPROVISIONED"); return;
    case SyncAction::kCreate: {
      std::vector<ProfileChange> set;
      ProfileChanges("{\"profile\":{}}", want.update_body, &set);
      for (const ProfileChange& c : set) line(action, c.name, "", JsonValueAsCell(c.new_json));
      break;
    }
    case SyncAction::kUpdate:
      for (const ProfileChange& c : plan.changes)
        line(action, c.name, JsonValueAsCell(c.old_json), JsonValueAsCell(c.new_json));
      break;
  }
  for (const std::string& g : plan.add_groups) line(action, "groupId", "", g);
  for (const std::string& g : plan.remove_groups) line(action, "groupId", g, "");
}

namespace {
// A cell PlanCellValue would strip a quote from: "'" then a formula's first character or
// another "'".
bool LooksGuarded(std::string_view cell) {
  return cell.size() > 1 && cell[0] == '\'' && (cell[1] == '\'' || NeedsFormulaGuard(cell.substr(1)));
}
}  // namespace

void AppendPlanCell(std::string* out, std::string_view cell) {
  if (LooksGuarded(cell)) {  // written with one more quote, so it reads back as it was
    AppendCsvField(out, "'" + std::string(cell));
  } else {
    AppendCsvCellGuarded(out, cell);  // the results file's guard
  }
}

std::string PlanCellValue(std::string_view cell) {
  return std::string(LooksGuarded(cell) ? cell.substr(1) : cell);
}

void AppendPlanLines(std::string* out, std::string_view login, const DesiredUser& want,
                     const RowPlan& plan) {
  ForEachPlanLine(want, plan, [&](std::string_view action, std::string_view attribute,
                                  const std::string& old_value, const std::string& new_value) {
    std::size_t i = 0;
    for (std::string_view cell : {login, action, attribute, std::string_view(old_value),
                                  std::string_view(new_value)}) {
      if (i++) out->push_back(',');
      AppendPlanCell(out, cell);
    }
    out->push_back('\n');
  });
}

}  // namespace okta_bulk
