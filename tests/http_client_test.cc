// HttpClient against scripted servers on 127.0.0.1 (port 0): what a real network and a
// hostile or broken server do to a client. Each server answers with raw bytes.
#include "net/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <thread>

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Result = boost::system::result<HttpResponse>;

// Accepts connections on 127.0.0.1:0 in a thread; `script` handles each accepted socket
// (after the request head has been read) until it returns.
class ScriptedServer {
 public:
  using Script = std::function<void(tcp::socket&, int connection_index)>;
  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the blocking accept with a connection of our own.
    tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  int connections() const { return connections_; }

  // Reads one request (head and Content-Length body); false when the peer closed.
  static bool ReadRequest(tcp::socket& s, std::string& buffer) {
    boost::system::error_code ec;
    std::size_t n = asio::read_until(s, asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
    if (ec) return false;
    std::string head = buffer.substr(0, n);
    buffer.erase(0, n);
    std::size_t cl = head.find("Content-Length: ");
    std::size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
    while (buffer.size() < len) {
      char tmp[4096];
      std::size_t got = s.read_some(asio::buffer(tmp), ec);
      if (ec) return false;
      buffer.append(tmp, got);
    }
    buffer.erase(0, len);
    return true;
  }

 private:
  void Serve() {
    for (int i = 0;; ++i) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      ++connections_;
      script_(s, i);
    }
  }
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  uint16_t port_ = 0;
  Script script_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
};

void Write(tcp::socket& s, const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
}

std::string Ok(const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Client {
  asio::io_context io;
  std::unique_ptr<HttpClient> http;
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                  std::size_t max_body = 1 << 20) {
    HttpClientOptions o;
    std::string error;
    EXPECT_TRUE(OrgUrl::Parse("http://127.0.0.1:" + std::to_string(port), &o.org, &error));
    o.authorization = "SSWS secret";
    o.user_agent = "okta-bulk-test";
    o.timeout = timeout;
    o.max_body_bytes = max_body;
    http = std::make_unique<HttpClient>(io.get_executor(), o);
  }
  Result Send(std::string target = "/api/v1/users/x") { return Send("GET", std::move(target), ""); }
  Result Send(std::string_view method, std::string target, std::string body) {
    HttpRequest r;
    r.method = method;  // a literal
    r.target = std::move(target);
    r.body = std::move(body);
    std::optional<Result> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await http->Send(r); },
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.restart();
    io.run_for(std::chrono::seconds(20));  // a hung Send fails the test instead of hanging CI
    EXPECT_TRUE(out.has_value()) << "Send did not complete";
    return out.value_or(Result(boost::system::error_code(asio::error::timed_out)));
  }
};

TEST(HttpClientTest, HeadersArrivePerLineWithLowercaseNamesAndTheConnectionIsReused) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    while (ScriptedServer::ReadRequest(s, buf))
      Write(s, Ok(R"({"id":"00u1"})",
                  "X-Rate-Limit-Limit: 600\r\nx-rate-limit-remaining: 599\r\n"
                  "X-RATE-LIMIT-RESET: 1700000060\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\n"
                  "Link: <http://x/a>; rel=\"self\"\r\nLink: <http://x/b>; rel=\"next\"\r\n"));
  });
  Client c(server.port());
  for (int i = 0; i < 3; ++i) {
    Result r = c.Send();
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"id":"00u1"})");
    EXPECT_EQ(r->Header("x-rate-limit-reset"), "1700000060");
    EXPECT_EQ(r->Header("x-rate-limit-limit"), "600");
    int links = 0;
    for (const auto& [name, value] : r->headers) links += name == "link";
    EXPECT_EQ(links, 2);
  }
  EXPECT_EQ(c.http->connections_opened(), 1u);
}

// The request head, byte for byte, on one reused connection: each request carries its own
// method, target and Content-Length (none for a bodiless GET, 0 for a bodiless PUT: contract
// section 3 answers 411 without it), after the same fixed headers.
TEST(HttpClientTest, RequestsOnOneConnectionCarryTheirOwnMethodTargetAndLength) {
  std::vector<std::string> heads;
  ScriptedServer server([&heads](tcp::socket& s, int) {
    std::string buf;
    for (;;) {
      boost::system::error_code ec;
      std::size_t n = asio::read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n", ec);
      if (ec) return;
      std::string head = buf.substr(0, n);
      buf.erase(0, n);
      std::size_t cl = head.find("Content-Length: ");
      std::size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
      while (buf.size() < len) {
        char tmp[4096];
        std::size_t got = s.read_some(asio::buffer(tmp), ec);
        if (ec) return;
        buf.append(tmp, got);
      }
      heads.push_back(head + buf.substr(0, len));
      buf.erase(0, len);
      Write(s, Ok("{}"));
    }
  });
  Client c(server.port());
  const std::string body = R"({"profile":{"login":"a@example.com"}})";
  ASSERT_TRUE(c.Send("POST", "/api/v1/users?activate=true", body));
  ASSERT_TRUE(c.Send("GET", "/api/v1/users/a%40example.com", ""));
  ASSERT_TRUE(c.Send("PUT", "/api/v1/groups/00g1/users/00u1", ""));
  ASSERT_TRUE(c.Send("DELETE", "/api/v1/users/00u1", ""));
  EXPECT_EQ(c.http->connections_opened(), 1u);
  const std::string fixed = "Host: 127.0.0.1:" + std::to_string(server.port()) +
                            "\r\nAuthorization: SSWS secret\r\nAccept: application/json\r\n"
                            "Content-Type: application/json\r\nUser-Agent: okta-bulk-test\r\n";
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(heads[0], "POST /api/v1/users?activate=true HTTP/1.1\r\n" + fixed + "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(heads[1], "GET /api/v1/users/a%40example.com HTTP/1.1\r\n" + fixed + "\r\n");
  EXPECT_EQ(heads[2], "PUT /api/v1/groups/00g1/users/00u1 HTTP/1.1\r\n" + fixed +
                          "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(heads[3], "DELETE /api/v1/users/00u1 HTTP/1.1\r\n" + fixed + "\r\n");
}

TEST(HttpClientTest, ChunkedBodiesAreReassembled) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n8\r\n:\"00u2\"}\r\n0\r\n\r\n");
  });
  Client c(server.port());
  Result r = c.Send();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->body, R"({"id":"00u2"})");
}

TEST(HttpClientTest, ABodyOverTheLimitIsAnErrorNotAnAllocation) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
    Write(s, std::string(64 * 1024, 'x'));
  });
  Client c(server.port(), std::chrono::seconds(5), /*max_body=*/16 * 1024);
  Result r = c.Send();
  ASSERT_FALSE(r);
  EXPECT_EQ(ClassifyTransportError(r.error()), TransportError::kClosedBeforeResponse)
      << r.error().message();
}

TEST(HttpClientTest, AServerThatTricklesBytesTimesOut) {
  std::atomic<bool> done{false};
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    std::string response = Ok(std::string(200, 'x'));
    for (char ch : response) {  // one byte every 50 ms: ~12 s for the whole response
      if (done) return;
      Write(s, std::string(1, ch));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  Client c(server.port(), std::chrono::milliseconds(600));
  auto start = std::chrono::steady_clock::now();
  Result r = c.Send();
  done = true;
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(ClassifyTransportError(r.error()), TransportError::kTimeout) << r.error().message();
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(HttpClientTest, AConnectionClosedMidResponseIsAnErrorOfItsOwnKind) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":");
    s.close();
  });
  Client c(server.port());
  Result r = c.Send();
  ASSERT_FALSE(r);
  EXPECT_EQ(ClassifyTransportError(r.error()), TransportError::kClosedBeforeResponse)
      << r.error().message();
}

TEST(HttpClientTest, GarbageInsteadOfHttpIsAnErrorNotACrash) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    s.close();
  });
  Client c(server.port());
  Result r = c.Send();
  EXPECT_FALSE(r);
}

TEST(HttpClientTest, AKeepAliveConnectionTheServerClosedWhileIdleIsNotReused) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, Ok("{}"));  // keep-alive implied, but the server closes right after
    s.close();
  });
  Client c(server.port());
  ASSERT_TRUE(c.Send());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the FIN arrives
  Result second = c.Send();
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(c.http->connections_opened(), 2u);
}

TEST(HttpClientTest, ARefusedConnectionIsAConnectFailure) {
  uint16_t port;
  {
    ScriptedServer server([](tcp::socket&, int) {});
    port = server.port();
  }
  Client c(port);
  Result r = c.Send();
  ASSERT_FALSE(r);
  EXPECT_EQ(ClassifyTransportError(r.error()), TransportError::kConnectFailed) << r.error().message();
}

TEST(OrgUrlTest, AcceptsSchemeHostAndPortOnly) {
  OrgUrl u;
  std::string error;
  ASSERT_TRUE(OrgUrl::Parse("https://acme.okta.com/", &u, &error)) << error;
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "acme.okta.com");
  EXPECT_EQ(u.port, "443");
  ASSERT_TRUE(OrgUrl::Parse("http://127.0.0.1:8080", &u, &error));
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.port, "8080");
  EXPECT_TRUE(u.IsLoopback());
  ASSERT_TRUE(OrgUrl::Parse("http://[::1]:9", &u, &error));
  EXPECT_EQ(u.host, "::1");
  EXPECT_TRUE(u.IsLoopback());
  for (const char* bad : {"acme.okta.com", "ftp://acme.okta.com", "https://acme.okta.com/api/v1",
                          "https://user@acme.okta.com", "https://acme.okta.com:99999", "https://"})
    EXPECT_FALSE(OrgUrl::Parse(bad, &u, &error)) << bad;
}

}  // namespace
}  // namespace okta_bulk
