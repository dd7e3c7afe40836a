// libFuzzer target for the Link header parser and the next-link check (net/link_header.h).
//
// The input is one Link field value, as a hostile server or a merging proxy could send it.
// Checks, beyond "no crash, no sanitizer report":
//  1. ParseLinkHeader: every target is free of '<' and '>'; every relation type is non-empty,
//     lowercase and without spaces; every parameter name is a non-empty lowercase token.
//  2. Written back in a canonical form (`<target>; name="value"`, joined with ", ") the links
//     parse to the same links, and two fields merged into one (the input cut in two, each
//     half written back, joined with ", ") parse to the links of both, in order.
//  3. TargetOnOrigin, on the whole input and on every target: what it accepts starts with
//     '/', holds only URL characters and no '#', and is the tail of the URL it came from.
// Build: see tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/link_header.h"

namespace okta_bulk {
namespace {

[[noreturn]] void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "link_header_fuzz: %s: '%.*s'\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsUrlCharOrPercent(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos;
}

std::string Canonical(const std::vector<LinkValue>& links) {
  std::string out;
  for (const LinkValue& l : links) {
    if (!out.empty()) out += ", ";
    out += "<" + l.target + ">";
    for (const auto& [name, value] : l.params) {
      out += "; " + name + "=\"";
      for (char c : value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out += "\"";
    }
  }
  return out;
}

bool Same(const LinkValue& a, const LinkValue& b) {
  return a.target == b.target && a.rels == b.rels && a.params == b.params;
}

bool Same(const std::vector<LinkValue>& a, const std::vector<LinkValue>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!Same(a[i], b[i])) return false;
  return true;
}

void CheckWellFormed(const std::vector<LinkValue>& links, std::string_view input) {
  for (const LinkValue& l : links) {
    if (l.target.find_first_of("<>") != std::string::npos) Fail("a target holds '<' or '>'", input);
    for (const std::string& r : l.rels) {
      if (r.empty()) Fail("an empty relation type", input);
      for (char c : r)
        if ((c >= 'A' && c <= 'Z') || c == ' ' || c == '\t') Fail("a relation type is not lowercase and bare", input);
    }
    for (const auto& [name, value] : l.params) {
      if (name.empty()) Fail("an empty parameter name", input);
      for (char c : name)
        if (!IsTokenChar(c) || (c >= 'A' && c <= 'Z')) Fail("a parameter name is not a lowercase token", input);
    }
  }
}

void CheckTarget(std::string_view url, std::string_view input) {
  static const LinkOrigin kOrigins[] = {{true, "acme.okta.com", "443"}, {false, "127.0.0.1", "8080"},
                                        {true, "::1", "9"}};
  for (const LinkOrigin& origin : kOrigins) {
    std::string why;
    std::optional<std::string> target = TargetOnOrigin(url, origin, &why);
    if (!target) {
      if (why.empty()) Fail("a refused URL has no reason", input);
      continue;
    }
    if (target->empty() || target->front() != '/') Fail("an accepted target does not start with '/'", input);
    if (target->find('#') != std::string::npos) Fail("an accepted target keeps a fragment", input);
    for (char c : *target)
      if (!IsUrlCharOrPercent(c)) Fail("an accepted target holds a non-URL character", input);
    // The path and query as written, or "/" put before a bare "?query" (or nothing).
    std::string_view before_fragment = url.substr(0, url.find('#'));
    std::string_view t = *target;
    if (t != "/" && !before_fragment.ends_with(t) &&
        !(t[1] == '?' && before_fragment.ends_with(t.substr(1))))
      Fail("an accepted target is not the URL's tail", input);
  }
}

}  // namespace
}  // namespace okta_bulk

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace okta_bulk;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  std::vector<LinkValue> links = ParseLinkHeader(input);
  CheckWellFormed(links, input);
  if (!Same(ParseLinkHeader(Canonical(links)), links))
    Fail("the links written back do not parse to the same links", input);

  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  std::vector<LinkValue> a = ParseLinkHeader(input.substr(0, cut)),
                         b = ParseLinkHeader(input.substr(cut));
  std::vector<LinkValue> both = a;
  both.insert(both.end(), b.begin(), b.end());
  if (!Same(ParseLinkHeader(Canonical(a) + ", " + Canonical(b)), both))
    Fail("two fields merged into one do not give the links of both", input);

  CheckTarget(input, input);
  for (const LinkValue& l : links) CheckTarget(l.target, input);
  (void)PrintableLink(input);
  return 0;
}
