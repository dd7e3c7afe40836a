#include "tools/okta_mock/mock_filter.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include <boost/json.hpp>

#include "tools/okta_mock/mock_time.h"

namespace okta_bulk::mock {
namespace json = boost::json;

void ExprParser::Skip() {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
}

std::string ExprParser::Word() {
  Skip();
  std::size_t b = pos;
  while (pos < s.size() && s[pos] != ' ' && s[pos] != ')' && s[pos] != '(') ++pos;
  return std::string(s.substr(b, pos - b));
}

bool ExprParser::PeekKeyword(std::string_view kw) {
  Skip();
  if (s.size() - pos < kw.size() + 1) return false;
  for (std::size_t i = 0; i < kw.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[pos + i])) != kw[i]) return false;
  char next = s[pos + kw.size()];
  if (next != ' ' && next != '(') return false;
  pos += kw.size();
  return true;
}

std::unique_ptr<Expr> ExprParser::Or() {
  auto lhs = And();
  while (ok && PeekKeyword("or")) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::kOr;
    e->lhs = std::move(lhs);
    e->rhs = And();
    lhs = std::move(e);
  }
  return lhs;
}

std::unique_ptr<Expr> ExprParser::And() {
  auto lhs = Primary();
  while (ok && PeekKeyword("and")) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::kAnd;
    e->lhs = std::move(lhs);
    e->rhs = Primary();
    lhs = std::move(e);
  }
  return lhs;
}

std::unique_ptr<Expr> ExprParser::Primary() {
  Skip();
  if (pos < s.size() && s[pos] == '(') {
    ++pos;
    auto e = Or();
    Skip();
    if (pos >= s.size() || s[pos] != ')') ok = false;
    else ++pos;
    return e;
  }
  auto e = std::make_unique<Expr>();
  e->attr = Word();
  e->op = Word();
  for (auto& c : e->op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (e->attr.empty()) ok = false;
  static constexpr std::string_view kOps[] = {"eq", "sw", "co", "gt", "ge", "lt", "le", "pr"};
  if (std::find(std::begin(kOps), std::end(kOps), e->op) == std::end(kOps)) ok = false;
  if (e->op == "pr") return e;
  Skip();
  if (pos < s.size() && s[pos] == '"') {
    ++pos;
    std::string v;
    while (pos < s.size() && s[pos] != '"') {
      if (s[pos] == '\\' && pos + 1 < s.size()) ++pos;
      v.push_back(s[pos++]);
    }
    if (pos >= s.size()) ok = false;
    else ++pos;
    e->value = std::move(v);
  } else {
    e->value = Word();  // true, false, numbers
    if (e->value.empty()) ok = false;
  }
  return e;
}

// ---- evaluation: which users an expression matches --------------------------------------------

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

// `profile` caches the parsed profile of `u` across the attributes of one expression.
std::optional<std::string> Attr(const User& u, std::string_view attr, const std::string& type_id,
                                std::optional<json::object>& profile) {
  if (attr == "status") return u.status;
  if (attr == "id") return u.id;
  if (attr == "created") return IsoMillis(u.created);
  if (attr == "lastUpdated") return IsoMillis(u.last_updated);
  if (attr == "statusChanged") return IsoMillis(u.status_changed);
  if (attr == "activated") return u.activated ? std::optional(IsoMillis(*u.activated)) : std::nullopt;
  if (attr == "type.id") return type_id;
  if (attr.starts_with("profile.")) {
    if (!profile) profile = json::parse(u.profile_json).as_object();
    auto it = profile->find(attr.substr(8));
    if (it == profile->end() || it->value().is_null()) return std::nullopt;
    if (it->value().is_string()) return std::string(it->value().get_string());
    return json::serialize(it->value());
  }
  return std::nullopt;
}

}  // namespace

bool Matches(const Expr& e, const User& u, const std::string& type_id,
             std::optional<json::object>& profile) {
  if (e.kind == Expr::kAnd)
    return Matches(*e.lhs, u, type_id, profile) && Matches(*e.rhs, u, type_id, profile);
  if (e.kind == Expr::kOr)
    return Matches(*e.lhs, u, type_id, profile) || Matches(*e.rhs, u, type_id, profile);
  auto v = Attr(u, e.attr, type_id, profile);
  if (e.op == "pr") return v.has_value() && !v->empty();
  if (!v) return false;
  return CompareLowered(e.op, Lower(*v), Lower(e.value));
}

bool CompareLowered(std::string_view op, const std::string& a, const std::string& b) {
  if (op == "eq") return a == b;
  if (op == "sw") return a.starts_with(b);
  if (op == "co") return a.find(b) != std::string::npos;
  if (op == "gt") return a > b;
  if (op == "ge") return a >= b;
  if (op == "lt") return a < b;
  if (op == "le") return a <= b;
  return false;
}

}  // namespace okta_bulk::mock
