// A small hostile Okta stand-in for end-to-end tests of paging (issue 13): it listens on
// 127.0.0.1 (port 0) and answers every GET with the page a test's handler gives for the
// request target, with the handler's `link` header lines as they are (merged relations,
// links that point back, to another host, with spaces). Only loopback addresses are used.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/loopback_server.h"

namespace okta_bulk::testing {

class PagingServer {
 public:
  struct Page {
    std::string body;                     // a JSON array
    std::vector<std::string> link_lines;  // each one a `Link:` header line's value
  };
  // The page for a request target ("/api/v1/users?limit=200"); nullopt: 404 with an Okta
  // error body. Called on the server's connection threads, one request at a time.
  using Handler = std::function<std::optional<Page>(const std::string& target)>;

  // Starts listening at once. After `max_requests` requests every answer is a 400 (a client
  // that loops fails instead of running for ever). Fails the current test (ADD_FAILURE) when
  // it cannot listen. The destructor closes every socket and joins every thread.
  explicit PagingServer(Handler handler, int max_requests = 50);
  PagingServer(const PagingServer&) = delete;
  PagingServer& operator=(const PagingServer&) = delete;

  std::string base_url() const { return listener_.base_url(); }  // "http://127.0.0.1:<port>"
  uint16_t port() const { return listener_.port(); }
  std::vector<std::string> targets() const;  // every request target received, in order

  // `count` users as a JSON array: ids "00u<first>"..., logins "user<n>@example.com".
  static std::string Users(int first, int count);

 private:
  void Serve(int fd);
  std::string Answer(const std::string& target);

  Handler handler_;
  int max_requests_;
  mutable std::mutex mu_;
  std::vector<std::string> targets_;  // guarded by mu_
  LoopbackListener listener_;         // last: its threads stop before the members above go
};

}  // namespace okta_bulk::testing
