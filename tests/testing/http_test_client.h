// A small synchronous HTTP/1.1 client for tests (Beast, plain TCP, 127.0.0.1 only).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace okta_bulk::testing {

struct TestResponse {
  int status = 0;
  // Every header line as received; names lowercased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // First value of header `name` (case-insensitive), or "" when absent.
  std::string Header(const std::string& name) const;
  // Every value of header `name` (one entry per header line).
  std::vector<std::string> Headers(const std::string& name) const;
};

// Sends one request on a fresh connection to 127.0.0.1:port. `target` is path + query.
// Adds Host, Accept and (when body is non-empty) Content-Type: application/json and
// Content-Length. Throws std::runtime_error on a transport failure.
TestResponse HttpCall(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace okta_bulk::testing
