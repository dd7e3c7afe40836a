// A hostile HTTP/1.1 proxy for end-to-end tests (issue 13): it listens on 127.0.0.1 (port 0),
// forwards each request to an upstream server on 127.0.0.1 (okta-mock), and misbehaves on the
// way back as a broken proxy or a hostile server would. Only loopback addresses are used.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/loopback_server.h"

namespace okta_bulk::testing {

class HostileProxy {
 public:
  enum class Mode {
    kInterim,       // "100 Continue" and "103 Early Hints" before every answer
    kExtraAnswer,   // every third answer is followed, in the same write, by a copy of the
                    // answer sent before it (to another request, maybe on another connection)
    kLateExtraAnswer,  // the same copy, sent 15 ms after the answer in a write of its own
    kForward,       // no mischief: every answer as it came (to watch requests())
  };

  // Starts listening at once; each accepted connection gets its own thread and its own
  // upstream connection. Fails the current test (ADD_FAILURE) when it cannot listen. The
  // destructor closes every socket and joins every thread.
  HostileProxy(uint16_t upstream_port, Mode mode);
  HostileProxy(const HostileProxy&) = delete;
  HostileProxy& operator=(const HostileProxy&) = delete;

  std::string base_url() const { return listener_.base_url(); }  // "http://127.0.0.1:<port>"
  int answers() const { return answers_; }         // answers forwarded from upstream
  int extra_answers() const { return extras_; }    // unrequested answers sent
  // Every request forwarded upstream, in order, as "METHOD TARGET" (the request line without
  // its version), then "\n" and the body when there is one. Safe to call while it runs.
  std::vector<std::string> requests() const;

 private:
  void Serve(int client_fd);
  std::string NextExtra(const std::string& answer);  // "" or the copy to send after `answer`

  uint16_t upstream_port_;
  Mode mode_;
  std::atomic<int> answers_{0};
  std::atomic<int> extras_{0};
  std::mutex mu_;
  std::string previous_answer_;  // guarded by mu_
  mutable std::mutex requests_mu_;
  std::vector<std::string> requests_;  // guarded by requests_mu_
  LoopbackListener listener_;    // last: its threads stop before the members above go
};

}  // namespace okta_bulk::testing
