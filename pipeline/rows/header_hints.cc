#include "pipeline/rows/header_hints.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "net/ascii.h"
#include "pipeline/rows/password_hash.h"
#include "pipeline/rows/typed_value.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

// Okta's base user profile (contract §2), spelled as Okta spells them.
constexpr std::array<std::string_view, 31> kBaseAttributes = {
    "login",         "email",          "firstName",     "lastName",       "middleName",
    "honorificPrefix", "honorificSuffix", "title",      "displayName",    "nickName",
    "profileUrl",    "secondEmail",    "mobilePhone",   "primaryPhone",   "streetAddress",
    "city",          "state",          "zipCode",       "countryCode",    "postalAddress",
    "preferredLanguage", "locale",     "timezone",      "userType",       "employeeNumber",
    "costCenter",    "organization",   "division",      "department",     "managerId",
    "manager"};

// Columns okta-bulk itself reads (user_row.cc, the user operations), matched ignoring case.
// The password-hash columns come from password_hash.h.
constexpr std::array<std::string_view, 5> kToolColumns = {"password", "groupId", "groupIds",
                                                          "id", "status"};

// Common names for a known column that no edit distance would find (normalised spelling).
struct Synonym {
  std::string_view name;
  std::string_view column;
};
constexpr std::array<Synonym, 24> kSynonyms = {{
    {"emailaddress", "email"},      {"mail", "email"},
    {"username", "login"},          {"loginname", "login"},
    {"givenname", "firstName"},     {"forename", "firstName"},
    {"surname", "lastName"},        {"familyname", "lastName"},
    {"phone", "primaryPhone"},      {"phonenumber", "primaryPhone"},
    {"mobile", "mobilePhone"},      {"cellphone", "mobilePhone"},
    {"mobilenumber", "mobilePhone"}, {"zip", "zipCode"},
    {"postcode", "zipCode"},        {"postalcode", "zipCode"},
    {"country", "countryCode"},     {"language", "preferredLanguage"},
    {"employeeid", "employeeNumber"}, {"company", "organization"},
    {"jobtitle", "title"},          {"street", "streetAddress"},
    {"group", "groupId"},           {"groups", "groupId"},
}};

// Lowercase, without spaces, '-', '_' and '.'.
std::string Normalise(std::string_view s) {
  std::string out;
  for (char c : LowerAscii(s))
    if (c != ' ' && c != '-' && c != '_' && c != '.' && c != '\t') out.push_back(c);
  return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours ("frist") each cost 1.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::size_t AllowedDistance(std::size_t length) {
  if (length < 5) return 0;
  return length < 8 ? 1 : 2;
}

// Whether okta-bulk already maps `lower` (a lowercased name) to a column of its own.
bool ToolMaps(const std::string& lower) {
  if (lower == "login" || lower == "email" || lower == "firstname" || lower == "lastname")
    return true;
  for (std::string_view c : kToolColumns)
    if (lower == LowerAscii(c)) return true;
  HashField field;
  return HashFieldFromLowerName(lower, &field);
}

}  // namespace

std::vector<std::string> ClosestNames(std::string_view name,
                                      const std::vector<std::string_view>& known,
                                      std::size_t max) {
  std::vector<std::string> out;
  auto add = [&](std::string_view k) {
    if (out.size() < max && std::find(out.begin(), out.end(), k) == out.end()) out.emplace_back(k);
  };
  const std::string norm = Normalise(name);
  if (norm.empty()) return out;
  for (std::string_view k : known)
    if (norm == LowerAscii(k)) add(k);
  for (const Synonym& s : kSynonyms)
    if (norm == s.name && std::find(known.begin(), known.end(), s.column) != known.end())
      add(s.column);
  std::vector<std::pair<std::size_t, std::string_view>> near;
  for (std::string_view k : known) {
    const std::string target = LowerAscii(k);
    const std::size_t allowed = AllowedDistance(std::min(norm.size(), target.size()));
    if (allowed == 0) continue;
    const std::size_t d = EditDistance(norm, target);
    if (d <= allowed) near.emplace_back(d, k);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [d, k] : near) add(k);
  return out;
}

std::string SuggestColumn(std::string_view header_name) {
  std::string name;
  AttributeType type;
  std::string why;
  if (!SplitTypedName(TrimSpaces(header_name), &name, &type, &why))
    name.assign(TrimSpaces(header_name));
  const std::string lower = LowerAscii(name);
  if (name.empty() || ToolMaps(lower)) return {};
  for (std::string_view a : kBaseAttributes)
    if (name == a) return {};  // Okta's own spelling: a base attribute, sent as it is

  std::vector<std::string_view> known(kBaseAttributes.begin(), kBaseAttributes.end());
  known.insert(known.end(), kToolColumns.begin(), kToolColumns.end());
  for (std::size_t f = 0; f < kHashFieldCount; ++f)
    known.push_back(HashFieldName(static_cast<HashField>(f)));
  std::vector<std::string> closest = ClosestNames(name, known, 1);
  return closest.empty() ? std::string() : std::move(closest.front());
}

std::vector<std::string> HeaderHints(const std::vector<std::string>& header) {
  std::vector<std::string> hints;
  for (const std::string& column : header) {
    const std::string suggestion = SuggestColumn(column);
    if (suggestion.empty()) continue;
    std::string hint = "column '";
    hint += TrimSpaces(column);
    hint += "' is not a known base attribute; did you mean ";
    hint += suggestion;
    hint += "?";
    hints.push_back(std::move(hint));
  }
  return hints;
}

}  // namespace okta_bulk
