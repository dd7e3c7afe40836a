#include "net/link_header.h"

#include <cstddef>

#include "net/ascii.h"
#include "net/http_transport.h"

namespace okta_bulk {
namespace {

bool IsOws(char c) { return c == ' ' || c == '\t'; }

// tchar (RFC 9110 §5.6.2).
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
  }
}

// A cursor over one field value.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return s_[i_]; }
  void Advance() { ++i_; }
  void SkipOws() {
    while (!AtEnd() && IsOws(s_[i_])) ++i_;
  }
  std::string_view Token() {
    std::size_t start = i_;
    while (!AtEnd() && IsTokenChar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  // At '"': the quoted-string's content with quoted-pairs undone; nullopt when it is not
  // closed (the cursor is then at the end).
  std::optional<std::string> Quoted() {
    ++i_;  // the opening quote
    std::string out;
    while (!AtEnd()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (AtEnd()) break;
        c = s_[i_++];
      }
      out.push_back(c);
    }
    return std::nullopt;
  }
  // At '<': the text up to the first '>' (a URI never holds '<' or '>'; it may hold commas
  // and semicolons). nullopt when there is no '>' (the cursor is then at the end), or when
  // another '<' comes first (the cursor is then at that '<', where a link may begin).
  std::optional<std::string_view> Angle() {
    std::size_t close = s_.find_first_of("<>", i_ + 1);
    if (close == std::string_view::npos) {
      i_ = s_.size();
      return std::nullopt;
    }
    if (s_[close] == '<') {
      i_ = close;
      return std::nullopt;
    }
    std::string_view inside = s_.substr(i_ + 1, close - i_ - 1);
    i_ = close + 1;
    return inside;
  }
  // Skips to the next `stop` character (not consumed) outside quoted strings.
  void SkipTo(std::string_view stops) {
    while (!AtEnd()) {
      char c = s_[i_];
      if (stops.find(c) != std::string_view::npos) return;
      if (c == '"') {
        (void)Quoted();
        continue;
      }
      ++i_;
    }
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

void SplitRels(std::string_view value, std::vector<std::string>* rels) {
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsOws(value[i])) ++i;
    std::size_t start = i;
    while (i < value.size() && !IsOws(value[i])) ++i;
    if (i > start) rels->push_back(LowerAscii(value.substr(start, i - start)));
  }
}

// RFC 3986 §2: unreserved, gen-delims, sub-delims; '%' is checked with what follows it.
bool IsUrlChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':                                        // unreserved
    case ':': case '/': case '?': case '#': case '[': case ']': case '@':          // gen-delims
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
    case ',': case ';': case '=':                                                  // sub-delims
      return true;
    default: return false;
  }
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A decimal port without its leading zeros; "" when `port` is not 1 to 5 digits.
std::string_view CanonicalPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return {};
  for (char c : port)
    if (c < '0' || c > '9') return {};
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  return port;
}

}  // namespace

bool LinkValue::HasRel(std::string_view lowercase_rel) const {
  for (const std::string& r : rels)
    if (r == lowercase_rel) return true;
  return false;
}

std::optional<std::string_view> LinkValue::Param(std::string_view lowercase_name) const {
  for (const auto& [name, value] : params)
    if (name == lowercase_name) return std::string_view(value);
  return std::nullopt;
}

std::vector<LinkValue> ParseLinkHeader(std::string_view field_value) {
  std::vector<LinkValue> links;
  Scanner in(field_value);
  while (true) {
    // Empty list elements (", ,") are allowed (RFC 9110 §5.6.1).
    in.SkipOws();
    while (!in.AtEnd() && (in.Peek() == ',' || IsOws(in.Peek()))) in.Advance();
    if (in.AtEnd()) break;
    if (in.Peek() != '<') {  // not a link-value: skip this list element
      in.SkipTo(",");
      continue;
    }
    std::optional<std::string_view> target = in.Angle();
    if (!target) continue;  // an unclosed '<': read on from where the next link may start
    LinkValue link;
    link.target.assign(*target);
    bool rel_seen = false, good = true;
    while (true) {
      in.SkipOws();
      if (in.AtEnd() || in.Peek() == ',') break;
      if (in.Peek() != ';') {  // garbage where a ';' or ',' belongs: the link is malformed
        good = false;
        in.SkipTo(",");
        break;
      }
      in.Advance();
      in.SkipOws();
      if (in.AtEnd() || in.Peek() == ',') break;  // a trailing ';'
      if (in.Peek() == ';') continue;             // an empty parameter
      std::string_view name = in.Token();
      if (name.empty()) {  // not a parameter name: drop it, keep the link's other ones
        in.SkipTo(";,");
        continue;
      }
      std::string value;
      in.SkipOws();  // BWS
      if (!in.AtEnd() && in.Peek() == '=') {
        in.Advance();
        in.SkipOws();
        if (!in.AtEnd() && in.Peek() == '"') {
          std::optional<std::string> quoted = in.Quoted();
          if (!quoted) {  // unterminated: it ran to the end of the field
            good = false;
            break;
          }
          value = std::move(*quoted);
        } else {
          value.assign(in.Token());
        }
      }
      std::string lower_name = LowerAscii(name);
      if (lower_name == "rel" && !rel_seen) {
        rel_seen = true;
        SplitRels(value, &link.rels);
      }
      link.params.emplace_back(std::move(lower_name), std::move(value));
    }
    if (good) links.push_back(std::move(link));
  }
  return links;
}

std::optional<std::string> FindLinkTarget(const HttpResponse& response,
                                          std::string_view lowercase_rel) {
  for (const auto& [name, value] : response.headers) {
    if (name != "link") continue;
    for (const LinkValue& link : ParseLinkHeader(value))
      if (link.HasRel(lowercase_rel) && !link.Param("anchor")) return link.target;
  }
  return std::nullopt;
}

std::optional<std::string> TargetOnOrigin(std::string_view url, const LinkOrigin& origin,
                                          std::string* why) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    char c = url[i];
    if (c == '%') {
      if (i + 2 >= url.size() || !IsHex(url[i + 1]) || !IsHex(url[i + 2])) {
        *why = "has a '%' that is not followed by two hex digits";
        return std::nullopt;
      }
      continue;
    }
    if (!IsUrlChar(c)) {
      *why = c == ' '    ? "holds a space, which a URL cannot hold"
             : c == '\t' ? "holds a TAB, which a URL cannot hold"
                         : "holds a character that a URL cannot hold (a control, a non-ASCII "
                           "byte or a character RFC 3986 does not allow)";
      return std::nullopt;
    }
  }
  std::size_t colon = url.find(':');
  std::string_view scheme = colon == std::string_view::npos ? std::string_view{} : url.substr(0, colon);
  bool https = EqualsIgnoreCase(scheme, "https"), http = EqualsIgnoreCase(scheme, "http");
  if ((!https && !http) || url.substr(colon + 1, 2) != "//") {
    *why = "is not an absolute http(s) URL";
    return std::nullopt;
  }
  if (https != origin.tls) {
    *why = origin.tls ? "uses http:// where the org uses https://"
                      : "uses https:// where the org uses http://";
    return std::nullopt;
  }
  std::string_view rest = url.substr(colon + 3);
  std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    *why = "carries user information ('@') in its authority";
    return std::nullopt;
  }
  std::string_view host, port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *why = "has a malformed IPv6 host";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        *why = "has a malformed host";
        return std::nullopt;
      }
      has_port = true;
      port = after.substr(1);
    }
  } else {
    std::size_t c = authority.find(':');
    host = authority.substr(0, c);
    if (c != std::string_view::npos) {
      has_port = true;
      port = authority.substr(c + 1);
    }
  }
  // An empty port ("host:") means the scheme's default (RFC 3986 §3.2.3).
  if (!has_port || port.empty()) port = https ? "443" : "80";
  std::string_view want_port = CanonicalPort(origin.port);
  if (host.empty() || !EqualsIgnoreCase(host, origin.host) || CanonicalPort(port).empty() ||
      CanonicalPort(port) != want_port) {
    *why = "points to another host or port than the org's";
    return std::nullopt;
  }
  rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
  std::string target;
  if (rest.empty() || rest.front() != '/') target = "/";
  target.append(rest);
  return target;
}

std::string PrintableLink(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c >= 0x20 && c < 0x7F) out.push_back(ch);
    else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace okta_bulk
