#include "tests/testing/paging_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

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

// Reads one request head (okta-bulk's GETs have no body) and returns its target: what lies
// between the method and the last space of the request line, so that a target holding a
// space or a TAB is seen as the client sent it. nullopt when the peer closed.
std::optional<std::string> ReadTarget(int fd, std::string& buffer) {
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    char tmp[16384];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return std::nullopt;
    buffer.append(tmp, static_cast<std::size_t>(n));
  }
  std::string line = buffer.substr(0, buffer.find("\r\n"));
  buffer.erase(0, end + 4);
  std::size_t first = line.find(' '), last = line.rfind(' ');
  if (first == std::string::npos || last <= first) return std::string();
  return line.substr(first + 1, last - first - 1);
}

std::string HttpDate() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string Response(int status, const std::string& reason, const std::string& body,
                     const std::vector<std::string>& links) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                  "\r\nContent-Type: application/json\r\nDate: " + HttpDate() +
                  "\r\nX-Rate-Limit-Limit: 600\r\nX-Rate-Limit-Remaining: 599\r\n"
                  "X-Rate-Limit-Reset: " + std::to_string(std::time(nullptr) + 60) + "\r\n";
  for (const std::string& link : links) r += "Link: " + link + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

}  // namespace

PagingServer::PagingServer(Handler handler, int max_requests)
    : handler_(std::move(handler)), max_requests_(max_requests) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "PagingServer cannot listen on 127.0.0.1";
    return;
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

PagingServer::~PagingServer() {
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

std::string PagingServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> PagingServer::targets() const {
  std::lock_guard lock(mu_);
  return targets_;
}

std::string PagingServer::Users(int first, int count) {
  std::string b = "[";
  for (int i = first; i < first + count; ++i) {
    if (i != first) b += ",";
    std::string n = std::to_string(i);
    b += "{\"id\":\"00u" + n + "\",\"status\":\"ACTIVE\",\"profile\":{\"login\":\"user" + n +
         "@example.com\",\"email\":\"user" + n + "@example.com\",\"firstName\":\"U\",\"lastName\":\"" +
         n + "\"},\"_links\":{}}";
  }
  return b + "]";
}

void PagingServer::Accept() {
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

std::string PagingServer::Answer(const std::string& target) {
  std::unique_lock lock(mu_);
  targets_.push_back(target);
  const bool over = static_cast<int>(targets_.size()) > max_requests_;
  lock.unlock();
  if (over)
    return Response(400, "Bad Request",
                    R"j({"errorCode":"E0000029","errorSummary":"PagingServer: too many requests (a loop?)","errorLink":"E0000029","errorId":"x","errorCauses":[]})j",
                    {});
  std::optional<Page> page = handler_(target);
  if (!page)
    return Response(404, "Not Found",
                    R"({"errorCode":"E0000007","errorSummary":"Not found: Resource not found","errorLink":"E0000007","errorId":"x","errorCauses":[]})",
                    {});
  return Response(200, "OK", page->body, page->link_lines);
}

void PagingServer::Serve(int fd) {
  std::string buffer;
  while (!stopping_) {
    std::optional<std::string> target = ReadTarget(fd, buffer);
    if (!target || !WriteAll(fd, Answer(*target))) return;
  }
}

}  // namespace okta_bulk::testing
