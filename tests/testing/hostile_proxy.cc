#include "tests/testing/hostile_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace okta_bulk::testing {
namespace {

bool WriteAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one HTTP/1.1 message (head, then a Content-Length body; this proxy serves okta-mock,
// which never sends chunked bodies) from `fd` into `message`, keeping any bytes past it in
// `buffer`. False when the peer closed or sent something this reader does not handle.
bool ReadMessage(int fd, std::string& buffer, std::string& message) {
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    char tmp[16384];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buffer.append(tmp, static_cast<std::size_t>(n));
  }
  std::string head = buffer.substr(0, end + 4);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("\r\ntransfer-encoding:") != std::string::npos) return false;
  std::size_t length = 0;
  std::size_t cl = lower.find("\r\ncontent-length:");
  if (cl != std::string::npos) length = std::stoul(lower.substr(cl + 17));
  while (buffer.size() < head.size() + length) {
    char tmp[16384];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buffer.append(tmp, static_cast<std::size_t>(n));
  }
  message = buffer.substr(0, head.size() + length);
  buffer.erase(0, head.size() + length);
  return true;
}

int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

HostileProxy::HostileProxy(uint16_t upstream_port, Mode mode)
    : upstream_port_(upstream_port), mode_(mode) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "HostileProxy cannot listen on 127.0.0.1";
    return;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

HostileProxy::~HostileProxy() {
  stopping_ = true;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  for (int fd : fds_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string HostileProxy::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void HostileProxy::Accept() {
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0 || stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

std::string HostileProxy::NextExtra(const std::string& answer) {
  std::lock_guard lock(mu_);
  std::string extra;
  if (mode_ != Mode::kInterim && answers_ % 3 == 0 && !previous_answer_.empty()) {
    extra = previous_answer_;
    ++extras_;
  }
  previous_answer_ = answer;
  return extra;
}

void HostileProxy::Serve(int client_fd) {
  int upstream_fd = ConnectLoopback(upstream_port_);
  if (upstream_fd < 0) return;
  {
    std::lock_guard lock(mu_);
    fds_.push_back(upstream_fd);
  }
  std::string from_client, from_upstream, request, answer;
  while (!stopping_ && ReadMessage(client_fd, from_client, request)) {
    if (!WriteAll(upstream_fd, request)) return;
    if (!ReadMessage(upstream_fd, from_upstream, answer)) return;
    ++answers_;
    std::string extra = NextExtra(answer);
    switch (mode_) {
      case Mode::kInterim:
        if (!WriteAll(client_fd, "HTTP/1.1 100 Continue\r\n\r\n"
                                 "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n" +
                                     answer))
          return;
        break;
      case Mode::kExtraAnswer:
        if (!WriteAll(client_fd, answer + extra)) return;
        break;
      case Mode::kLateExtraAnswer:
        if (!WriteAll(client_fd, answer)) return;
        if (!extra.empty()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(15));
          if (!WriteAll(client_fd, extra)) return;
        }
        break;
    }
  }
}

}  // namespace okta_bulk::testing
