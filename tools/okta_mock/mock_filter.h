// okta-mock's reading of a users `filter` or `search` expression (contract §4): attribute,
// operator and value, combined with and/or and parentheses. Parsing only; which users match
// is the tenant's business (mock_tenant.cc).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace okta_bulk::mock {

// A parsed filter/search expression: attr op value, combined with and/or, parentheses.
struct Expr {
  enum Kind { kCompare, kAnd, kOr } kind = kCompare;
  std::string attr, op, value;
  std::unique_ptr<Expr> lhs, rhs;
};

// A recursive-descent parser over `s`: Or() parses the whole expression; afterwards `ok` is
// false when it was malformed, and `pos` is how far it read.
struct ExprParser {
  std::string_view s;
  std::size_t pos = 0;
  bool ok = true;

  void Skip();
  std::string Word();
  bool PeekKeyword(std::string_view kw);
  std::unique_ptr<Expr> Or();
  std::unique_ptr<Expr> And();
  std::unique_ptr<Expr> Primary();
};

}  // namespace okta_bulk::mock
