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
#include <boost/json.hpp>
#include <optional>

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
                            "\r\nAccept: application/json\r\nUser-Agent: okta-bulk-test\r\n"
                            "Authorization: SSWS secret\r\nContent-Type: application/json\r\n";
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(heads[0], "POST /api/v1/users?activate=true HTTP/1.1\r\n" + fixed + "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(heads[1], "GET /api/v1/users/a%40example.com HTTP/1.1\r\n" + fixed + "\r\n");
  EXPECT_EQ(heads[2], "PUT /api/v1/groups/00g1/users/00u1 HTTP/1.1\r\n" + fixed +
                          "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(heads[3], "DELETE /api/v1/users/00u1 HTTP/1.1\r\n" + fixed + "\r\n");
}

// A conditional update: If-Match goes out with the request's value (only when it has one),
// and the ETag of a response comes back among the headers kept.
TEST(HttpClientTest, IfMatchIsSentWhenSetAndTheETagOfTheAnswerIsKept) {
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
      buf.erase(0, len);
      heads.push_back(head);
      Write(s, Ok("{}", "ETag: W/\"v" + std::to_string(heads.size()) + "\"\r\n"));
    }
  });
  Client c(server.port());
  Result got = c.Send("GET", "/api/v1/users/00u1", "");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->Header("etag"), "W/\"v1\"");
  HttpRequest update;
  update.method = "POST";
  update.target = "/api/v1/users/00u1";
  update.body = R"({"profile":{"department":"X"}})";
  update.if_match = std::string(got->Header("etag"));
  std::optional<Result> out;
  asio::co_spawn(c.io, [&]() -> asio::awaitable<void> { out = co_await c.http->Send(update); },
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  c.io.restart();
  c.io.run_for(std::chrono::seconds(20));
  ASSERT_TRUE(out.has_value() && *out);
  EXPECT_EQ((*out)->Header("etag"), "W/\"v2\"");
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].find("If-Match"), std::string::npos) << heads[0];
  EXPECT_NE(heads[1].find("\r\nIf-Match: W/\"v1\"\r\n"), std::string::npos) << heads[1];
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

// Issue 13: a response must answer the request it is read for. Each answer below names the
// request it belongs to ({"id":"<n>"} for the server's n-th request, counted over every
// connection), so a shifted pairing shows as a wrong id.
std::string Numbered(int n) { return Ok(R"({"id":")" + std::to_string(n) + R"("})"); }

TEST(HttpClientTest, InterimResponsesAreSkippedAndEachAnswerStaysWithItsRequest) {
  int served = 0;
  ScriptedServer server([&served](tcp::socket& s, int) {
    std::string buf;
    while (ScriptedServer::ReadRequest(s, buf)) {
      ++served;
      if (served % 2 == 1) {  // all in one write
        Write(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                 "Link: </style.css>; rel=preload\r\n\r\n" + Numbered(served));
      } else {  // the interim responses and the answer in separate packets
        Write(s, "HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        Write(s, "HTTP/1.1 102 Processing\r\n\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        Write(s, Numbered(served));
      }
    }
  });
  Client c(server.port());
  for (int i = 1; i <= 4; ++i) {
    Result r = c.Send();
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"id":")" + std::to_string(i) + R"("})");
  }
  EXPECT_EQ(c.http->connections_opened(), 1u);
}

TEST(HttpClientTest, ASwitchingProtocolsAnswerIsAnErrorAndTheConnectionIsNotReused) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    Write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" +
                 Numbered(1));
  });
  Client c(server.port());
  Result r = c.Send();
  ASSERT_FALSE(r);
  EXPECT_EQ(ClassifyTransportError(r.error()), TransportError::kClosedBeforeResponse)
      << r.error().message();
}

TEST(HttpClientTest, AnEndlessStreamOfInterimResponsesIsAnError) {
  std::atomic<bool> done{false};
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    if (!ScriptedServer::ReadRequest(s, buf)) return;
    for (int i = 0; i < 1000 && !done; ++i) Write(s, "HTTP/1.1 103 Early Hints\r\n\r\n");
  });
  Client c(server.port());
  Result r = c.Send();
  done = true;
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("interim"), std::string::npos) << r.error().message();
}

TEST(HttpClientTest, AnExtraResponseBehindTheAnswerFailsThatExchangeAndNeverAnswersTheNextRequest) {
  int served = 0;
  ScriptedServer server([&served](tcp::socket& s, int connection) {
    std::string buf;
    while (ScriptedServer::ReadRequest(s, buf)) {
      ++served;
      // The first connection sends a second, unrequested answer in the same write.
      Write(s, Numbered(served) + (connection == 0 ? Numbered(99) : ""));
    }
  });
  Client c(server.port());
  Result first = c.Send();
  ASSERT_FALSE(first) << "an answer followed by a stray one must not be trusted: " << first->body;
  EXPECT_EQ(ClassifyTransportError(first.error()), TransportError::kClosedBeforeResponse)
      << first.error().message();
  Result second = c.Send();
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->body, R"({"id":"2"})");  // never the stray {"id":"99"}
  EXPECT_EQ(c.http->connections_opened(), 2u);
}

TEST(HttpClientTest, BytesArrivingOnAnIdleConnectionCloseIt) {
  int served = 0;
  ScriptedServer server([&served](tcp::socket& s, int connection) {
    std::string buf;
    while (ScriptedServer::ReadRequest(s, buf)) {
      ++served;
      Write(s, Numbered(served));
      if (connection == 0) {  // an unrequested answer, a moment after the real one
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        Write(s, Numbered(99));
      }
    }
  });
  Client c(server.port());
  Result first = c.Send();
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->body, R"({"id":"1"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the stray answer arrives
  Result second = c.Send();
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->body, R"({"id":"2"})");
  EXPECT_EQ(c.http->connections_opened(), 2u);
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
  EXPECT_EQ(c.http->Describe(), "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(ConnectFailureMessage(r.error(), c.http->Describe()),
            "cannot connect to http://127.0.0.1:" + std::to_string(port) +
                " (connection refused); check the org URL and the network");
}

// No name is looked up: the message is built from the error code alone.
TEST(ConnectFailureMessageTest, AnUnresolvedNameIsNamedWithoutItsSchemeOrPort) {
  EXPECT_EQ(ConnectFailureMessage(asio::error::host_not_found, "https://nonexistent.invalid"),
            "cannot resolve nonexistent.invalid (host not found); check the org URL and the network");
  EXPECT_EQ(ConnectFailureMessage(asio::error::host_not_found_try_again, "http://acme.example:8080"),
            "cannot resolve acme.example (temporary failure in name resolution); check the org URL "
            "and the network");
  EXPECT_EQ(ConnectFailureMessage(asio::error::host_not_found, "http://[::1]:9"),
            "cannot resolve ::1 (host not found); check the org URL and the network");
  EXPECT_EQ(ConnectFailureMessage(asio::error::network_unreachable, "https://acme.okta.com"),
            "cannot connect to https://acme.okta.com (network unreachable); check the org URL and "
            "the network");
  EXPECT_EQ(ConnectFailureMessage(asio::error::connection_refused, ""),
            "cannot connect to the org (connection refused); check the org URL and the network")
      << "a transport that names no origin";
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

TEST(OrgUrlTest, OnlyALiteralLoopbackAddressOrLocalhostIsLoopback) {
  OrgUrl u;
  std::string error;
  for (const char* url : {"http://127.0.0.1", "http://127.255.3.9:8080", "http://[::1]:9",
                          "http://[0:0:0:0:0:0:0:1]", "http://localhost:8080", "http://LOCALHOST",
                          "http://LocalHost:1"}) {
    ASSERT_TRUE(OrgUrl::Parse(url, &u, &error)) << url << ": " << error;
    EXPECT_TRUE(u.IsLoopback()) << url;
  }
  // Names that merely start like a loopback address resolve wherever their owner likes; and
  // "127.1" is not a literal to inet_pton (only getaddrinfo's inet_aton reads it), so it is
  // treated as a name: the strict rule.
  for (const char* url : {"http://127.attacker.example", "http://127.0.0.1.nip.io:8080",
                          "http://127.1", "http://127.0.0.1.", "http://localhost.",
                          "http://localhost.attacker.example", "http://0x7f.0.0.1",
                          "http://128.0.0.1", "http://0.0.0.0", "http://[::ffff:127.0.0.1]",
                          "http://[::2]", "http://acme.okta.com"}) {
    ASSERT_TRUE(OrgUrl::Parse(url, &u, &error)) << url << ": " << error;
    EXPECT_FALSE(u.IsLoopback()) << url;
  }
}

// A plain-http org allowed only as loopback must resolve to loopback addresses alone:
// "0.0.0.0" stands in for a name that resolves elsewhere (a numeric host, so no DNS is asked;
// Linux connects 0.0.0.0 to the local host, so without the check the server below would see
// the token).
TEST(HttpClientTest, PlainHttpWithoutInsecureFlagRefusesAHostThatResolvesToANonLoopbackAddress) {
  std::atomic<int> requests{0};
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buffer;
    while (ScriptedServer::ReadRequest(s, buffer)) {
      ++requests;
      Write(s, Ok("{}"));
    }
  });
  auto send = [&](bool allow_insecure_http) {
    asio::io_context io;
    HttpClientOptions o;
    o.org.tls = false;
    o.org.host = "0.0.0.0";
    o.org.port = std::to_string(server.port());
    o.allow_insecure_http = allow_insecure_http;
    o.authorization = "SSWS secret";
    o.timeout = std::chrono::seconds(5);
    HttpClient http(io.get_executor(), o);
    HttpRequest r;
    r.method = "GET";
    r.target = "/api/v1/users/x";
    std::optional<Result> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await http.Send(r); },
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(out.has_value());
    return out.value_or(Result(boost::system::error_code(asio::error::timed_out)));
  };
  Result refused = send(false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("non-loopback"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(ClassifyTransportError(refused.error()), TransportError::kConnectFailed);
  EXPECT_EQ(server.connections(), 0);
  EXPECT_EQ(requests, 0);
  // With --allow-insecure-http the same org is used as asked.
  Result allowed = send(true);
  ASSERT_TRUE(allowed) << allowed.error().message();
  EXPECT_EQ(allowed->status, 200);
}

TEST(HttpClientTest, PlainHttpToLocalhostResolvesAndConnectsWithoutInsecureFlag) {
  ScriptedServer server([](tcp::socket& s, int) {
    std::string buffer;
    while (ScriptedServer::ReadRequest(s, buffer)) Write(s, Ok("{}"));
  });
  Client c(server.port());
  HttpClientOptions o;
  std::string error;
  ASSERT_TRUE(OrgUrl::Parse("http://localhost:" + std::to_string(server.port()), &o.org, &error));
  o.authorization = "SSWS secret";
  o.timeout = std::chrono::seconds(5);
  c.http = std::make_unique<HttpClient>(c.io.get_executor(), o);
  Result r = c.Send();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
}


// ---- the Authenticator hook ----------------------------------------------------------------

// Reads one request and returns its head (request line and headers); "" when the peer closed.
std::string ReadHead(tcp::socket& s, std::string& buffer) {
  boost::system::error_code ec;
  std::size_t n = asio::read_until(s, asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
  if (ec) return "";
  std::string head = buffer.substr(0, n);
  buffer.erase(0, n);
  std::size_t cl = head.find("Content-Length: ");
  std::size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
  while (buffer.size() < len) {
    char tmp[4096];
    std::size_t got = s.read_some(asio::buffer(tmp), ec);
    if (ec) return "";
    buffer.append(tmp, got);
  }
  buffer.erase(0, len);
  return head;
}

// Hands out "Bearer t<generation>" with a DPoP proof "proof<generation>"; a 401 moves to the
// next generation.
class CountingAuthenticator final : public Authenticator {
 public:
  asio::awaitable<boost::system::result<AuthHeaders>> Authorize(std::string_view method,
                                                                std::string_view target) override {
    ++authorized;
    last_method = std::string(method);
    last_target = std::string(target);
    if (fail) co_return boost::system::error_code(boost::system::errc::permission_denied,
                                                  boost::system::generic_category());
    AuthHeaders h;
    h.generation = generation;
    h.authorization = "Bearer t" + std::to_string(generation);
    h.dpop = "proof" + std::to_string(generation);
    co_return h;
  }
  asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders& used, const HttpResponse&,
                                                      bool may_refresh) override {
    ++unauthorized;
    if (!may_refresh) co_return UnauthorizedVerdict::kGiveUp;
    generation = used.generation + 1;
    co_return UnauthorizedVerdict::kRefreshed;
  }
  const AuthFailure* failure() const override { return fail ? &failure_ : nullptr; }

  uint64_t generation = 1;
  int authorized = 0, unauthorized = 0;
  bool fail = false;
  AuthFailure failure_{"invalid_client", 401, "nope", "could not get an access token: \"nope\""};
  std::string last_method, last_target;
};

Result SendWith(asio::io_context& io, HttpClient& http, const HttpRequest& r) {
  std::optional<Result> out;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await http.Send(r); },
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  io.restart();
  io.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(out.has_value()) << "Send did not complete";
  return out.value_or(Result(boost::system::error_code(asio::error::timed_out)));
}

std::unique_ptr<HttpClient> ClientWith(asio::io_context& io, uint16_t port, Authenticator* auth) {
  HttpClientOptions o;
  std::string error;
  EXPECT_TRUE(OrgUrl::Parse("http://127.0.0.1:" + std::to_string(port), &o.org, &error));
  o.authenticator = auth;
  o.user_agent = "okta-bulk-test";
  return std::make_unique<HttpClient>(io.get_executor(), o);
}

const std::string k401 =
    "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
    "WWW-Authenticate: Bearer error=\"invalid_token\"\r\nContent-Length: 24\r\n\r\n"
    "{\"errorCode\":\"E0000011\"}";

TEST(HttpClientAuthTest, TheAuthenticatorsHeadersAreSentAndA401IsSentAgainOnceWithTheNewToken) {
  std::vector<std::string> heads;
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    for (std::string head; !(head = ReadHead(s, buf)).empty();) {
      heads.push_back(head);
      Write(s, head.find("Bearer t1") != std::string::npos ? k401 : Ok("{}"));
    }
  });
  asio::io_context io;
  CountingAuthenticator auth;
  auto http = ClientWith(io, server.port(), &auth);
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/users?activate=true";
  Result res = SendWith(io, *http, r);
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_NE(heads[0].find("Authorization: Bearer t1\r\n"), std::string::npos) << heads[0];
  EXPECT_NE(heads[0].find("DPoP: proof1\r\n"), std::string::npos) << heads[0];
  EXPECT_NE(heads[1].find("Authorization: Bearer t2\r\n"), std::string::npos) << heads[1];
  EXPECT_NE(heads[1].find("DPoP: proof2\r\n"), std::string::npos) << heads[1];
  EXPECT_EQ(auth.unauthorized, 1);
  EXPECT_EQ(auth.last_method, "POST");
  EXPECT_EQ(auth.last_target, "/api/v1/users?activate=true");
}

TEST(HttpClientAuthTest, A401ThatOutlivesTheRefreshIsReturned) {
  int requests = 0;
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    while (!ReadHead(s, buf).empty()) {
      ++requests;
      Write(s, k401);
    }
  });
  asio::io_context io;
  CountingAuthenticator auth;
  auto http = ClientWith(io, server.port(), &auth);
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/users/x";
  Result res = SendWith(io, *http, r);
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->Header("www-authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_EQ(requests, 2);
  EXPECT_EQ(auth.unauthorized, 2);
}

TEST(HttpClientAuthTest, AFailedAuthenticatorGetsTheAuthFailedErrorAndNothingIsSent) {
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    while (!ReadHead(s, buf).empty()) Write(s, Ok("{}"));
  });
  asio::io_context io;
  CountingAuthenticator auth;
  auth.fail = true;
  auto http = ClientWith(io, server.port(), &auth);
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/users/x";
  Result res = SendWith(io, *http, r);
  ASSERT_FALSE(res) << "a failed authenticator must not look like an answer from the org";
  EXPECT_TRUE(IsAuthFailedError(res.error())) << res.error().message();
  EXPECT_FALSE(IsAuthFailedError(boost::system::error_code(asio::error::connection_refused)));
  ASSERT_NE(http->auth_failure(), nullptr);
  EXPECT_EQ(http->auth_failure()->message, "could not get an access token: \"nope\"");
  EXPECT_EQ(http->auth_failure()->http_status, 401);
  EXPECT_EQ(http->connections_opened(), 0u);
}

TEST(HttpClientAuthTest, AFailedRefreshAfterA401AnswersTheAuthFailedErrorNotThe401) {
  int requests = 0;
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    while (!ReadHead(s, buf).empty()) {
      ++requests;
      Write(s, k401);
    }
  });
  // Gives up on the 401 because its refresh failed for good.
  class FailsOnRefresh final : public Authenticator {
   public:
    asio::awaitable<boost::system::result<AuthHeaders>> Authorize(std::string_view, std::string_view) override {
      AuthHeaders h;
      h.authorization = "Bearer old";
      co_return h;
    }
    asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders&, const HttpResponse&, bool) override {
      failed = true;
      co_return UnauthorizedVerdict::kGiveUp;
    }
    const AuthFailure* failure() const override { return failed ? &failure_ : nullptr; }
    bool failed = false;
    AuthFailure failure_{"invalid_client", 401, "gone", "could not get an access token: gone"};
  } auth;
  asio::io_context io;
  auto http = ClientWith(io, server.port(), &auth);
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/users/x";
  Result res = SendWith(io, *http, r);
  ASSERT_FALSE(res);
  EXPECT_TRUE(IsAuthFailedError(res.error())) << res.error().message();
  EXPECT_EQ(requests, 1);
}

TEST(HttpClientAuthTest, APreauthorizedFormRequestSkipsTheAuthenticatorAndKeepsItsContentType) {
  std::string head;
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    head = ReadHead(s, buf);
    Write(s, Ok("{}"));
  });
  asio::io_context io;
  CountingAuthenticator auth;
  auto http = ClientWith(io, server.port(), &auth);
  AuthHeaders proof;
  proof.dpop = "token-proof";
  HttpRequest r;
  r.method = "POST";
  r.target = "/oauth2/v1/token";
  r.body = "grant_type=client_credentials";
  r.content_type = "application/x-www-form-urlencoded";
  r.preauthorized = &proof;
  Result res = SendWith(io, *http, r);
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(auth.authorized, 0);
  EXPECT_NE(head.find("Content-Type: application/x-www-form-urlencoded\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("DPoP: token-proof\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Authorization:"), std::string::npos) << head;
}

// Proofs named after the latest DPoP-Nonce it was shown; a use_dpop_nonce 401 always asks for
// a resend, so that the client's own limit (one nonce retry per request) is what is tested.
class NonceAuthenticator final : public Authenticator {
 public:
  asio::awaitable<boost::system::result<AuthHeaders>> Authorize(std::string_view, std::string_view) override {
    AuthHeaders h;
    h.authorization = "DPoP t";
    h.dpop = "proof-" + (nonce.empty() ? std::string("none") : nonce);
    h.dpop_nonce = nonce;
    co_return h;
  }
  void OnResponse(const AuthHeaders&, const HttpResponse& r) override {
    if (!r.Header("dpop-nonce").empty()) nonce = std::string(r.Header("dpop-nonce"));
  }
  asio::awaitable<UnauthorizedVerdict> OnUnauthorized(const AuthHeaders&, const HttpResponse&, bool) override {
    co_return UnauthorizedVerdict::kNewNonce;
  }
  const AuthFailure* failure() const override { return nullptr; }
  std::string nonce;
};

TEST(HttpClientAuthTest, ADpopNonceFromAnyResponseIsUsedAndANonceChallengeIsRetriedOnce) {
  std::vector<std::string> heads;
  const std::string challenge =
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: DPoP error=\"use_dpop_nonce\"\r\n"
      "DPoP-Nonce: n1\r\nContent-Length: 0\r\n\r\n";
  ScriptedServer server([&](tcp::socket& s, int) {
    std::string buf;
    for (std::string head; !(head = ReadHead(s, buf)).empty();) {
      heads.push_back(head);
      if (head.find("/always-challenge") != std::string::npos) {
        Write(s, challenge);
      } else if (head.find("DPoP: proof-n1\r\n") != std::string::npos) {
        Write(s, "HTTP/1.1 200 OK\r\nDPoP-Nonce: n2\r\nContent-Length: 2\r\n\r\n{}");
      } else if (head.find("DPoP: proof-n2\r\n") != std::string::npos) {
        Write(s, Ok("{}"));
      } else {
        Write(s, challenge);
      }
    }
  });
  asio::io_context io;
  NonceAuthenticator auth;
  auto http = ClientWith(io, server.port(), &auth);
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/users/x";
  Result first = SendWith(io, *http, r);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->Header("dpop-nonce"), "n2");
  Result second = SendWith(io, *http, r);  // with the nonce the 200 handed out
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->status, 200);
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_NE(heads[0].find("DPoP: proof-none\r\n"), std::string::npos) << heads[0];
  EXPECT_NE(heads[1].find("DPoP: proof-n1\r\n"), std::string::npos) << heads[1];
  EXPECT_NE(heads[2].find("DPoP: proof-n2\r\n"), std::string::npos) << heads[2];
  // A server that keeps asking for a nonce gets one resend, then its 401.
  r.target = "/always-challenge";
  Result third = SendWith(io, *http, r);
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ(third->status, 401);
  EXPECT_EQ(heads.size(), 5u);
}

TEST(OrgUrlTest, OriginLeavesOutTheDefaultPort) {
  OrgUrl u;
  std::string error;
  ASSERT_TRUE(OrgUrl::Parse("https://acme.okta.com", &u, &error));
  EXPECT_EQ(u.Origin(), "https://acme.okta.com");
  ASSERT_TRUE(OrgUrl::Parse("https://acme.okta.com:8443/", &u, &error));
  EXPECT_EQ(u.Origin(), "https://acme.okta.com:8443");
  ASSERT_TRUE(OrgUrl::Parse("http://[::1]:9", &u, &error));
  EXPECT_EQ(u.Origin(), "http://[::1]:9");
}

}  // namespace
}  // namespace okta_bulk
