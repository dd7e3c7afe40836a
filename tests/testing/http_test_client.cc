#include "tests/testing/http_test_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace okta_bulk::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string TestResponse::Header(const std::string& name) const {
  std::string key = Lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return "";
}

std::vector<std::string> TestResponse::Headers(const std::string& name) const {
  std::string key = Lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == key) out.push_back(v);
  return out;
}

TestResponse HttpCall(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  try {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    // A sync read has no deadline of its own: a stuck server fails the call after 60 s.
    timeval tv{60, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::accept, "application/json");
    req.set(http::field::user_agent, "okta-bulk-tests");
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.keep_alive(false);
    req.prepare_payload();
    http::write(socket, req);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (method == "HEAD") parser.skip(true);
    http::read(socket, buffer, parser);
    auto& res = parser.get();

    TestResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      out.headers.emplace_back(Lower(std::string(field.name_string())), std::string(field.value()));
    out.body = std::move(res.body());
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    return out;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("HttpCall " + method + " " + target + ": " + e.what());
  }
}

}  // namespace okta_bulk::testing
