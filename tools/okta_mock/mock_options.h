// okta-mock's command line: the options struct and its parser (pure; no I/O besides none).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/okta_buckets.h"

namespace okta_bulk::mock {

struct MockOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token = "test-token";
  std::vector<std::string> groups;           // --groups ID,ID plus --groups-count ids
  double window_s = 60.0;                    // --window SECONDS (fractional allowed)
  std::array<int64_t, kBucketCount> limits{};  // --limits name=N,...; 0 = unlimited
  int64_t concurrency = 0;                   // 0 = unlimited
  double latency_ms = 0;
  double jitter_ms = 0;
  std::string tls_cert, tls_key;             // both or neither
  double clock_skew_s = 0;
  bool password_policy = true;               // --password-policy okta|none
  double fault_500 = 0, fault_503 = 0, fault_reset = 0, fault_hang = 0;  // probabilities
  double eventual_ms = 0;
  std::optional<uint64_t> seed;              // absent: random
  bool help = false;
};

// Parses argv[1..]. On error returns nullopt and sets *error to a one-line message.
std::optional<MockOptions> ParseMockOptions(const std::vector<std::string>& args,
                                            std::string* error);

// The --help text.
const char* MockUsage();

}  // namespace okta_bulk::mock
