// The socket plumbing of the tests' small raw HTTP servers (hostile_proxy, paging_server): a
// listener on 127.0.0.1 (port 0) that serves each accepted connection on a thread of its own,
// and blocking helpers to write and connect. Only loopback addresses are ever used.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace okta_bulk::testing {

class LoopbackListener {
 public:
  // `serve(fd)` runs on its own thread per connection until it returns; the fd is closed by
  // the listener at destruction (shut down first, so a blocked read returns).
  using Serve = std::function<void(int fd)>;
  // Listens at once. Fails the current test (ADD_FAILURE naming `who`) when it cannot.
  LoopbackListener(std::string who, Serve serve);
  // Stops accepting, shuts every connection down, joins every thread, closes every fd.
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool stopping() const { return stopping_; }
  // Registers another fd (an upstream connection) to shut down and close at destruction.
  void Track(int fd);

 private:
  void Accept();

  Serve serve_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;              // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_
  std::thread acceptor_;
};

// Writes all of `bytes` (MSG_NOSIGNAL); false when the peer is gone.
bool WriteAll(int fd, const std::string& bytes);
// A TCP connection to 127.0.0.1:`port` with TCP_NODELAY, or -1.
int ConnectLoopback(uint16_t port);

}  // namespace okta_bulk::testing
