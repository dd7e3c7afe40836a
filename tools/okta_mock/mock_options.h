// okta-mock's command line: the options struct and its parser (no I/O but reading the
// --oauth-client key files).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/okta_buckets.h"

namespace okta_bulk::mock {

struct MockOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token = "test-token";
  std::vector<std::string> groups;           // --groups ID,ID plus --groups-count ids
  std::vector<std::string> group_names;      // --group NAME (repeatable): named groups
  // --duplicate-group NAME (repeatable): one more group named NAME even when the name is
  // taken, as in an org whose groups were named before names had to be unique (a test's
  // ambiguous name).
  std::vector<std::string> duplicate_group_names;
  double window_s = 60.0;                    // --window SECONDS (fractional allowed)
  std::array<int64_t, kBucketCount> limits{};  // --limits name=N,...; 0 = unlimited
  // --token-share F, 0 < F <= 1: the API token may use floor(F x limit) of each window while
  // the headers show the org's limit and remaining (contract §1.6, the unconfirmed case).
  double token_share = 1.0;
  int64_t concurrency = 0;                   // 0 = unlimited
  double latency_ms = 0;
  double jitter_ms = 0;
  std::string tls_cert, tls_key;             // both or neither
  double clock_skew_s = 0;
  bool password_policy = true;               // --password-policy okta|none
  double fault_500 = 0, fault_503 = 0, fault_reset = 0, fault_hang = 0;  // probabilities
  double eventual_ms = 0;
  std::optional<uint64_t> seed;              // absent: random
  // OAuth 2.0 service apps (mock_oauth.h): --oauth-client ID=PEM registers a client id with
  // its public key (the PEM text, read when the flags are parsed).
  std::vector<std::pair<std::string, std::string>> oauth_clients;
  bool require_dpop = false;                 // --require-dpop
  double token_ttl_s = 3600;                 // --token-ttl SECONDS: access token lifetime
  int64_t token_limit = 0;                   // --token-limit N per window on /oauth2/v1/token
  // --schema FILE: the org's custom profile attributes, a JSON file shaped like Okta's answer
  // to GET /api/v1/meta/schemas/user/default (mock_schema.h). The text is read and checked
  // when the flags are parsed; "" = the default base profile only. Tests may set it directly.
  std::string schema_file;
  std::string schema_json;
  // --load-users FILE: users the org starts with (mock_load_users.h), read when the server
  // starts.
  std::string load_users_file;
  bool help = false;
};

// Parses argv[1..]; reads the key files of --oauth-client. On error returns nullopt and sets *error to a one-line message.
std::optional<MockOptions> ParseMockOptions(const std::vector<std::string>& args,
                                            std::string* error);

// The --help text.
const char* MockUsage();

}  // namespace okta_bulk::mock
