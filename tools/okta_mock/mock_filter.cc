#include "tools/okta_mock/mock_filter.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

namespace okta_bulk::mock {

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

}  // namespace okta_bulk::mock
