// The Link header field (RFC 8288) as data: pure functions, no I/O, no Beast.
//
// A field value holds one or several links ("<uri>; rel=next, <uri>; rel=self"), so a proxy
// that merges the `link` lines of a response into one field (RFC 9110 §5.3) changes nothing.
// Parsing is lenient: a malformed link is skipped, the others are kept, and no input makes it
// fail. Whether a link may be followed is a separate question (TargetOnOrigin).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okta_bulk {

struct HttpResponse;

// One link-value: `<target>; rel="..."; other=params`.
struct LinkValue {
  std::string target;  // the URI-Reference between '<' and '>', exactly as written
  // The relation types of the first `rel` parameter (later ones are ignored, RFC 8288 §3.3),
  // split on spaces and lowercased (relation types compare case-insensitively).
  std::vector<std::string> rels;
  // Every parameter (rel included), in order: names lowercased, values unquoted ("" when a
  // parameter has no value).
  std::vector<std::pair<std::string, std::string>> params;

  bool HasRel(std::string_view lowercase_rel) const;
  // The first value of parameter `lowercase_name`, or nullopt.
  std::optional<std::string_view> Param(std::string_view lowercase_name) const;
};

// Every well-formed link-value of one Link field value, in order. Commas inside a quoted
// string or inside <...> do not split links; whitespace around ';', ',' and '=' (OWS) is
// allowed; parameters come in any order, quoted or as tokens.
std::vector<LinkValue> ParseLinkHeader(std::string_view field_value);

// The target of the first link with relation `lowercase_rel` over every `link` line of
// `response` (each line may hold several links); nullopt when there is none. Links with an
// `anchor` parameter are about another resource (RFC 8288 §3.2) and are not considered.
std::optional<std::string> FindLinkTarget(const HttpResponse& response,
                                          std::string_view lowercase_rel);

// Where a followed link must stay: the org's scheme, host and port (OrgUrl's fields).
struct LinkOrigin {
  bool tls = true;
  std::string_view host;  // a bare IPv6 address, without brackets, as OrgUrl holds it
  std::string_view port;  // decimal; "443" or "80" when the org URL names none
};

// The request target of `url` (its path and query; the fragment is dropped) when `url` is an
// absolute URL on `origin`: same scheme, same host (ASCII case-insensitive), same port, no
// user information, and only characters RFC 3986 allows in a URL (no space, TAB, control or
// non-ASCII byte, '%' only before two hex digits). Otherwise nullopt, with `why` set to a
// phrase that completes "the link ...".
std::optional<std::string> TargetOnOrigin(std::string_view url, const LinkOrigin& origin,
                                          std::string* why);

// `text` made printable for an error message: bytes outside 0x21-0x7E other than the space
// are written as \t, \r, \n or \xHH, and a backslash as "\\".
std::string PrintableLink(std::string_view text);

}  // namespace okta_bulk
