#include "tests/testing/hostile_proxy.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace okta_bulk::testing {
namespace {

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

}  // namespace

HostileProxy::HostileProxy(uint16_t upstream_port, Mode mode)
    : upstream_port_(upstream_port),
      mode_(mode),
      listener_("HostileProxy", [this](int fd) { Serve(fd); }) {}

std::vector<std::string> HostileProxy::requests() const {
  std::lock_guard lock(requests_mu_);
  return requests_;
}

std::string HostileProxy::NextExtra(const std::string& answer) {
  std::lock_guard lock(mu_);
  std::string extra;
  if (mode_ != Mode::kInterim && mode_ != Mode::kForward && answers_ % 3 == 0 && !previous_answer_.empty()) {
    extra = previous_answer_;
    ++extras_;
  }
  previous_answer_ = answer;
  return extra;
}

void HostileProxy::Serve(int client_fd) {
  int upstream_fd = ConnectLoopback(upstream_port_);
  if (upstream_fd < 0) return;
  listener_.Track(upstream_fd);
  std::string from_client, from_upstream, request, answer;
  while (!listener_.stopping() && ReadMessage(client_fd, from_client, request)) {
    if (!WriteAll(upstream_fd, request)) return;
    {  // sent: "METHOD TARGET" and the body
      std::size_t line_end = request.find("\r\n");
      std::string line = request.substr(0, line_end);
      if (std::size_t v = line.rfind(" HTTP/"); v != std::string::npos) line.resize(v);
      std::size_t head_end = request.find("\r\n\r\n");
      if (head_end != std::string::npos && head_end + 4 < request.size())
        line += "\n" + request.substr(head_end + 4);
      std::lock_guard lock(requests_mu_);
      requests_.push_back(std::move(line));
    }
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
      case Mode::kForward:
        if (!WriteAll(client_fd, answer)) return;
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
