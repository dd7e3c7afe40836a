// MockTenant: the Okta org that okta-mock imitates, as a sans-I/O object. It owns users,
// groups, rate-limit windows, the in-flight count, fault dice and statistics, and turns one
// parsed HTTP request into one response (or a "reset"/"hang" verdict). No sockets, no timers:
// time is passed in, so tests drive it with a fake clock. Single-threaded: the server calls it
// from its one io_context thread only.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/okta_mock/mock_options.h"
#include "tools/okta_mock/mock_time.h"  // HttpDate, IsoMillis: declared here before
#include "tools/okta_mock/rate_windows.h"

namespace okta_bulk::mock {

struct SeedUser;  // mock_load_users.h

struct MockRequest {
  std::string_view method;         // "GET", "POST", ...
  std::string_view target;         // path + optional ?query, as received (percent-encoded)
  std::string_view authorization;  // the Authorization header value, "" when absent
  std::string_view body;
  std::string_view host;  // the Host header ("127.0.0.1:8080"), "" when absent
  std::string_view dpop;  // the DPoP header (RFC 9449), "" when absent
  std::string_view if_match{};  // the If-Match header, "" when absent
};

enum class MockAction : unsigned char {
  kRespond,  // send the response (after `delay`)
  kReset,    // the operation was applied; close the connection without answering
  kHang,     // never answer; keep the connection open
};

struct MockResponse {
  int status = 200;
  // Header lines in order, names exactly as they must be written (lowercase x-* names).
  // Includes Content-Type when there is a body. Names are string literals (static storage).
  std::vector<std::pair<std::string_view, std::string>> headers;
  std::string body;
  MockAction action = MockAction::kRespond;
  std::chrono::microseconds delay{0};  // latency to wait before answering
  // True when the request counts as in flight: the caller must call MockTenant::Release()
  // exactly once, when the answer has been written, the connection dropped, or a hang given up.
  bool in_flight = false;
};

class MockTenant {
 public:
  // Throws std::invalid_argument when options.schema_json is no valid schema (ParseMockOptions
  // has checked a --schema file already).
  explicit MockTenant(const MockOptions& options);
  ~MockTenant();
  MockTenant(const MockTenant&) = delete;
  MockTenant& operator=(const MockTenant&) = delete;

  // Base of the URLs in _links and link headers, e.g. "http://127.0.0.1:8080".
  void set_base_url(std::string base_url);

  // Handles one request that arrived at `real_now` (the real clock; the tenant adds
  // --clock-skew-s to get its server clock).
  MockResponse Handle(const MockRequest& request, TimePoint real_now);

  // The answer to a PUT or POST with neither a body nor Content-Length (contract §3: 411),
  // which the server gives before any authentication or rate limit: Okta's JSON error body
  // with Content-Type, Date and x-okta-request-id. Not in flight; no bucket counts it.
  MockResponse LengthRequired(TimePoint real_now);

  // One in-flight request (MockResponse::in_flight) is over.
  void Release();

  int64_t in_flight() const;
  std::size_t user_count() const;  // users not deleted

  // --load-users: adds `users` as ACTIVE users created at `real_now` (ids, created,
  // activated, lastUpdated as a create gives them), with their group memberships, outside
  // every rate bucket and statistic. Checks every row first (profile against the org's schema,
  // groups that exist, a login not taken by another user); false with *error naming the row
  // and the field, and nothing added, when one is refused.
  bool LoadUsers(const std::vector<SeedUser>& users, TimePoint real_now, std::string* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okta_bulk::mock
