#include "tests/testing/paging_server.h"

#include <sys/socket.h>

#include <ctime>

namespace okta_bulk::testing {
namespace {

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
    : handler_(std::move(handler)),
      max_requests_(max_requests),
      listener_("PagingServer", [this](int fd) { Serve(fd); }) {}

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
  while (!listener_.stopping()) {
    std::optional<std::string> target = ReadTarget(fd, buffer);
    if (!target || !WriteAll(fd, Answer(*target))) return;
  }
}

}  // namespace okta_bulk::testing
