#include "tools/okta_mock/mock_options.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "net/jose.h"
#include "tools/okta_mock/mock_schema.h"

namespace okta_bulk::mock {
namespace {

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

template <class Int>
bool ParseInt(std::string_view s, Int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

}  // namespace

const char* MockUsage() {
  return R"(usage: okta-mock --port N [options]
A local imitation of an Okta org's management API (users, groups, rate limits).
  --port N               TCP port to listen on (0 = pick a free one)          [required]
  --host ADDR            address to bind (default 127.0.0.1)
  --token T              API token expected as "Authorization: SSWS T" (default test-token)
  --groups ID,ID         groups that exist
  --groups-count N       also create N groups 00gmock0000000000001 ... ("Mock group N")
  --group NAME           also create a group named NAME with a fresh 00g... id (repeatable)
  --duplicate-group NAME one more group named NAME even when that name is taken (repeatable;
                         an org whose names repeat, for ambiguous-name tests)
  --window SECONDS       rate-limit window length, fractional allowed (default 60)
  --limits B=N,...       per-bucket limits, B in create,get,update,groups,group,other
                         (absent or 0 = unlimited)
  --token-share F        the API token's share of each limited bucket, 0 < F <= 1 (default 1):
                         past floor(F x limit) a window answers 429 while the headers show
                         the org's limit and remaining
  --concurrency N        max requests in flight (0 = unlimited)
  --latency-ms A         answer each /api/v1 request after A ms ...
  --jitter-ms J          ... plus or minus uniform(J) ms
  --tls-cert PEM         serve HTTPS with this certificate chain ...
  --tls-key PEM          ... and this private key
  --clock-skew-s S       server clock = real clock + S seconds (Date, x-rate-limit-reset)
  --password-policy P    okta (8+ chars, upper, lower, digit; default) or none
  --fault-500 P          probability of 500 E0000009 (not applied)
  --fault-503 P          probability of 503 E0000010 (not applied)
  --fault-reset P        probability of applying, then closing without an answer
  --fault-hang P         probability of never answering
  --eventual-ms M        new users invisible to GET and group PUT for M ms
  --seed N               seed for ids, latency jitter and faults
  --oauth-client ID=PEM  register an OAuth service app: client id and its public key (PEM;
                         RSA 2048+ or EC P-256), for POST /oauth2/v1/token (repeatable)
  --require-dpop         the token endpoint requires DPoP proofs (with a nonce round trip)
  --token-ttl SECONDS    access token lifetime (default 3600)
  --token-limit N        token requests per --window before a 429 (absent or 0 = unlimited)
  --schema FILE          custom profile attributes of the org: a JSON file shaped like the
                         answer of GET /api/v1/meta/schemas/user/default (definitions.custom
                         .properties and .required; type string|integer|number|boolean|array,
                         items.type, enum, oneOf, minLength, maxLength, pattern, mutability, scope,
                         title). Without it the org has Okta's base profile only, and a create
                         or update naming any other property is refused (400 E0000001)
  --load-users FILE      start with the users of FILE, a CSV with the columns gen-users
                         writes: login, email, firstName, lastName, other profile
                         attributes ("name" or "name:type"), password or passwordHash (only
                         whether set), groupId or groupIds (ids split on ';'; the groups must
                         exist: --groups, --groups-count). Each is ACTIVE, created at start
                         with a fresh id, outside every rate bucket and /__stats. A bad row
                         stops okta-mock before it listens, naming the row and the field
  --help                 this text
Test-only endpoints (no auth, no rate limit, no latency):
  GET /__stats           request counts per bucket, 429s, concurrency rejections, ...
  GET /__users           every user in creation order (never a plaintext password)
  POST /__lock/ID        lock an ACTIVE user out (LOCKED_OUT), to test unlock
  POST /__change_on_get/ID[?skip=N]  body {"profile":{...}}: right after answering the
                         (N+1)th next GET /api/v1/users/ID (id or login) of that user, apply
                         that partial update (a new ETag), as an admin's edit between a
                         client's read and its write would; once
)";
}

std::optional<MockOptions> ParseMockOptions(const std::vector<std::string>& args,
                                            std::string* error) {
  MockOptions o;
  bool have_port = false;
  int64_t groups_count = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool inline_value = false;
    if (std::size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      inline_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (flag == "--require-dpop") {
      o.require_dpop = true;
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        *error = "missing value for " + flag;
        return std::nullopt;
      }
      value = args[++i];
    }
    auto bad = [&](const char* what) {
      *error = "bad value for " + flag + " '" + value + "': " + what;
      return std::nullopt;
    };
    auto prob = [&](double* out) {
      return ParseDouble(value, out) && *out >= 0 && *out <= 1;
    };
    if (flag == "--port") {
      if (!ParseInt(value, &o.port)) return bad("expected 0..65535");
      have_port = true;
    } else if (flag == "--host") {
      if (value.empty()) return bad("empty");
      o.host = value;
    } else if (flag == "--token") {
      if (value.empty()) return bad("empty");
      o.token = value;
    } else if (flag == "--groups") {
      for (std::string_view g : Split(value, ','))
        if (!g.empty()) o.groups.emplace_back(g);
    } else if (flag == "--group") {
      if (value.empty()) return bad("empty group name");
      o.group_names.push_back(value);
    } else if (flag == "--duplicate-group") {
      if (value.empty()) return bad("empty group name");
      o.duplicate_group_names.push_back(value);
    } else if (flag == "--groups-count") {
      if (!ParseInt(value, &groups_count) || groups_count < 0) return bad("expected N >= 0");
    } else if (flag == "--window") {
      if (!ParseDouble(value, &o.window_s) || !(o.window_s > 0)) return bad("expected seconds > 0");
    } else if (flag == "--limits") {
      for (std::string_view kv : Split(value, ',')) {
        if (kv.empty()) continue;
        std::size_t eq = kv.find('=');
        if (eq == std::string_view::npos) return bad("expected bucket=N");
        auto bucket = BucketFromName(kv.substr(0, eq));
        int64_t n = 0;
        if (!bucket) return bad("unknown bucket (create,get,update,groups,group,other)");
        if (!ParseInt(kv.substr(eq + 1), &n) || n < 0) return bad("expected bucket=N, N >= 0");
        o.limits[static_cast<std::size_t>(*bucket)] = n;
      }
    } else if (flag == "--token-share") {
      if (!ParseDouble(value, &o.token_share) || !(o.token_share > 0 && o.token_share <= 1))
        return bad("expected 0 < F <= 1");
    } else if (flag == "--concurrency") {
      if (!ParseInt(value, &o.concurrency) || o.concurrency < 0) return bad("expected N >= 0");
    } else if (flag == "--latency-ms") {
      if (!ParseDouble(value, &o.latency_ms) || o.latency_ms < 0) return bad("expected ms >= 0");
    } else if (flag == "--jitter-ms") {
      if (!ParseDouble(value, &o.jitter_ms) || o.jitter_ms < 0) return bad("expected ms >= 0");
    } else if (flag == "--tls-cert") {
      o.tls_cert = value;
    } else if (flag == "--tls-key") {
      o.tls_key = value;
    } else if (flag == "--clock-skew-s") {
      if (!ParseDouble(value, &o.clock_skew_s)) return bad("expected seconds");
    } else if (flag == "--password-policy") {
      if (value == "okta") o.password_policy = true;
      else if (value == "none") o.password_policy = false;
      else return bad("expected okta or none");
    } else if (flag == "--fault-500") {
      if (!prob(&o.fault_500)) return bad("expected probability 0..1");
    } else if (flag == "--fault-503") {
      if (!prob(&o.fault_503)) return bad("expected probability 0..1");
    } else if (flag == "--fault-reset") {
      if (!prob(&o.fault_reset)) return bad("expected probability 0..1");
    } else if (flag == "--fault-hang") {
      if (!prob(&o.fault_hang)) return bad("expected probability 0..1");
    } else if (flag == "--eventual-ms") {
      if (!ParseDouble(value, &o.eventual_ms) || o.eventual_ms < 0) return bad("expected ms >= 0");
    } else if (flag == "--seed") {
      uint64_t seed = 0;
      if (!ParseInt(value, &seed)) return bad("expected unsigned integer");
      o.seed = seed;
    } else if (flag == "--oauth-client") {
      std::size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        return bad("expected CLIENT_ID=public.pem");
      std::ifstream in(value.substr(eq + 1));
      std::stringstream pem;
      if (!in || !(pem << in.rdbuf())) return bad("cannot read the key file");
      std::string key_error;
      if (!JwsKey::FromPem(pem.str(), /*allow_public=*/true, &key_error)) return bad(key_error.c_str());
      o.oauth_clients.emplace_back(value.substr(0, eq), pem.str());
    } else if (flag == "--schema") {
      std::ifstream in(value);
      std::stringstream text;
      if (!in || !(text << in.rdbuf())) return bad("cannot read the file");
      std::string schema_error;
      if (!UserSchema::FromJson(text.str(), &schema_error)) return bad(schema_error.c_str());
      o.schema_file = value;
      o.schema_json = text.str();
    } else if (flag == "--load-users") {
      if (value.empty()) return bad("empty path");
      o.load_users_file = value;
    } else if (flag == "--token-ttl") {
      if (!ParseDouble(value, &o.token_ttl_s) || !(o.token_ttl_s > 0)) return bad("expected seconds > 0");
    } else if (flag == "--token-limit") {
      if (!ParseInt(value, &o.token_limit) || o.token_limit < 0) return bad("expected N >= 0");
    } else {
      *error = "unknown flag " + flag + " (see --help)";
      return std::nullopt;
    }
  }
  if (o.help) return o;
  if (!have_port) {
    *error = "--port is required (use --port 0 for any free port)";
    return std::nullopt;
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return std::nullopt;
  }
  if (o.fault_500 + o.fault_503 + o.fault_reset + o.fault_hang > 1) {
    *error = "fault probabilities add up to more than 1";
    return std::nullopt;
  }
  for (int64_t i = 1; i <= groups_count; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "00gmock%013lld", static_cast<long long>(i));
    o.groups.emplace_back(buf);
  }
  return o;
}

}  // namespace okta_bulk::mock
