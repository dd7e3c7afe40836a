// okta-mock's reading of a users `filter` or `search` expression (contract §4): attribute,
// operator and value, combined with and/or and parentheses: parsing it, and which users it
// matches (the tenant chooses which users to offer and pages them, mock_tenant.cc).
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "tools/okta_mock/mock_user_store.h"

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

// ASCII lower-casing, as filters, searches and the quick search (q=) compare.
std::string Lower(std::string_view s);

// One comparison of an expression (eq, sw, co, gt, ge, lt, le), its two sides already
// lower-cased; false for an operator it does not know. Users' and groups' filters share it.
bool CompareLowered(std::string_view op, const std::string& a, const std::string& b);

// True when user `u` matches `e` (comparisons ignore case); `type_id` is the org's default
// user type (type.id). `profile` caches the parsed profile of `u` across the attributes of
// one expression.
bool Matches(const Expr& e, const User& u, const std::string& type_id,
             std::optional<boost::json::object>& profile);

}  // namespace okta_bulk::mock
