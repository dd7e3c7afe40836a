#include "pipeline/okta/group_directory.h"

#include <simdjson.h>

#include "net/json_text.h"

namespace okta_bulk {
namespace {

bool EqualIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool GroupOf(simdjson::dom::element e, OrgGroup* g) {
  std::string_view id, name, type;
  if (e["id"].get_string().get(id) || id.empty()) return false;
  if (e["profile"]["name"].get_string().get(name)) name = {};
  if (e["type"].get_string().get(type)) type = {};
  g->id.assign(id);
  g->name.assign(name);
  g->type.assign(type);
  return true;
}

}  // namespace

bool ReadGroupsPage(std::string_view body, std::vector<OrgGroup>* out, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::dom::array groups;
  if (parser.parse(body.data(), body.size()).get_array().get(groups)) {
    *error = "the groups page is not a JSON array";
    return false;
  }
  for (simdjson::dom::element e : groups) {
    OrgGroup g;
    if (!GroupOf(e, &g)) {
      *error = "the groups page has an entry without an id";
      return false;
    }
    out->push_back(std::move(g));
  }
  return true;
}

bool ReadGroup(std::string_view body, OrgGroup* out, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(body.data(), body.size()).get(e) || !GroupOf(e, out)) {
    *error = "the answer is not a group (no id)";
    return false;
  }
  return true;
}

std::string CreateGroupBody(std::string_view name, std::string_view description) {
  std::string body = "{\"profile\":{\"name\":";
  AppendJsonString(&body, name);
  if (!description.empty()) {
    body += ",\"description\":";
    AppendJsonString(&body, description);
  }
  body += "}}";
  return body;
}

GroupDirectory::Match GroupDirectory::ByName(std::string_view name) const {
  Match m;
  std::vector<const OrgGroup*> exact, folded, other_kind;
  for (const OrgGroup& g : groups_) {
    if (!EqualIgnoringAsciiCase(g.name, name)) continue;
    if (!g.type.empty() && g.type != "OKTA_GROUP") {
      other_kind.push_back(&g);
      continue;
    }
    (g.name == name ? exact : folded).push_back(&g);
  }
  if (exact.size() == 1 || (exact.empty() && folded.size() == 1)) {
    m.kind = Match::kFound;
    m.group = exact.empty() ? folded.front() : exact.front();
    return m;
  }
  if (exact.size() > 1 || folded.size() > 1) {
    m.kind = Match::kAmbiguous;
    m.several = exact.size() > 1 ? exact : folded;
    return m;
  }
  if (!other_kind.empty()) {
    m.kind = Match::kNotAssignable;
    m.group = other_kind.front();
    return m;
  }
  return m;  // kMissing
}

const OrgGroup* GroupDirectory::ById(std::string_view id) const {
  for (const OrgGroup& g : groups_)
    if (g.id == id) return &g;
  return nullptr;
}

}  // namespace okta_bulk
