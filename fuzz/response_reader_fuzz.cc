// libFuzzer target for Okta response reading and request encoding (pipeline/okta/okta_json.h).
//
// The input is a response body from a hostile or broken server. Checks, beyond "no crash,
// no sanitizer report":
//  1. ReadUser and ReadError on it, with the body in an exact-size buffer (no padding slack)
//     and again with slack; both calls return the same answer either way, leave the body's
//     bytes unchanged, and ReadUser's "true" always comes with a non-empty id.
//  2. The same reader keeps working after any body (one parser reused, as in a worker).
//  3. Encoding: when the input is valid UTF-8 (AppendJsonString's precondition), the JSON
//     string it writes parses back (simdjson) to exactly the input; UrlEncodePathSegment
//     writes only unreserved bytes and %XX, and decodes back to the input.
// Build: see tools/fuzz.sh.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pipeline/okta/okta_json.h"

namespace okta_bulk {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "response_reader_fuzz: %s\n", what);
  std::abort();
}

ResponseReader& Reader() {
  static ResponseReader reader;  // reused across inputs, like a worker's
  return reader;
}

struct Answers {
  bool user_ok;
  UserSummary user;
  std::string user_error;
  OktaError error;
};

Answers ReadBoth(std::string body) {
  const std::string before = body;
  Answers a;
  a.user_ok = Reader().ReadUser(body, &a.user, &a.user_error);
  if (body != before) Fail("ReadUser changed the body");
  if (a.user_ok && a.user.id.empty()) Fail("ReadUser succeeded without an id");
  if (!a.user_ok && a.user_error.empty()) Fail("ReadUser failed without saying why");
  a.error = Reader().ReadError(body);
  if (body != before) Fail("ReadError changed the body");
  // Used on every failed row: must not crash whatever the fields hold.
  std::string d = a.error.Describe();
  bool dup = a.error.LoginAlreadyExists();
  if (dup && a.error.code != "E0000001") Fail("duplicate login without E0000001");
  (void)d;
  return a;
}

bool Same(const Answers& x, const Answers& y) {
  if (x.user_ok != y.user_ok) return false;
  if (x.user_ok && (x.user.id != y.user.id || x.user.status != y.user.status ||
                    x.user.created != y.user.created))
    return false;
  return x.error.code == y.error.code && x.error.summary == y.error.summary &&
         x.error.causes == y.error.causes;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // we write upper-case hex only
}

void CheckEncoding(std::string_view input) {
  // UrlEncodePathSegment: only unreserved bytes and %XX; decodes back to the input.
  std::string enc = UrlEncodePathSegment(input);
  std::string dec;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(enc[i]);
    if (c == '%') {
      if (i + 2 >= enc.size()) Fail("truncated %XX");
      int hi = HexValue(enc[i + 1]), lo = HexValue(enc[i + 2]);
      if (hi < 0 || lo < 0) Fail("bad %XX");
      dec.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~') {
      dec.push_back(static_cast<char>(c));
    } else {
      Fail("reserved byte left unencoded in a path segment");
    }
  }
  if (dec != input) Fail("UrlEncodePathSegment does not decode back to its input");

  if (!simdjson::validate_utf8(input.data(), input.size())) return;  // precondition
  std::string json;
  AppendJsonString(&json, input);
  simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(padded).get(element)) Fail("AppendJsonString wrote invalid JSON");
  std::string_view back;
  if (element.get_string().get(back)) Fail("AppendJsonString did not write a JSON string");
  if (back != input) Fail("AppendJsonString does not round-trip");
}

}  // namespace
}  // namespace okta_bulk

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace okta_bulk;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // Exact capacity (the reader must reserve its own padding) ...
  std::string tight;
  tight.reserve(0);
  tight.assign(bytes);
  tight.shrink_to_fit();
  const Answers a = ReadBoth(std::move(tight));
  // ... and with slack, as a transport's buffer usually has.
  std::string roomy;
  roomy.reserve(size + 256);
  roomy.assign(bytes);
  const Answers b = ReadBoth(std::move(roomy));
  if (!Same(a, b)) Fail("answer depends on the body's spare capacity");

  CheckEncoding(bytes);
  return 0;
}
