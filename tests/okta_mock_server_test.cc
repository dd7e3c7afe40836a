// okta-mock as a process, over loopback sockets (127.0.0.1, port 0 only).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tests/testing/http_test_client.h"
#include "tests/testing/subprocess.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;
const Headers kAuth = {{"Authorization", "SSWS test-token"}};

std::string UserBody(const std::string& login) {
  return R"({"profile":{"login":")" + login + R"(","email":")" + login +
         R"(","firstName":"Ada","lastName":"Lovelace"},"credentials":{"password":{"value":"Passw0rd!"}}})";
}

// Sends raw bytes on one connection and reads until `responses` responses have arrived
// (counted by "HTTP/1.1 " prefixes with complete bodies is overkill here: we read until the
// peer closes or 2 s of silence).
std::string RawExchange(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

std::size_t Count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(OktaMockServerTest, PrintsListeningLineWithLoopbackUrl) {
  MockProcess mock;
  ASSERT_NE(mock.port(), 0);
  EXPECT_EQ(mock.base_url(), "http://127.0.0.1:" + std::to_string(mock.port()));
}

TEST(OktaMockServerTest, RateHeadersAreLowercaseOnTheWireAndKeepAliveServesSeveralRequests) {
  MockProcess mock({"--limits", "get=5"});
  ASSERT_NE(mock.port(), 0);
  std::string req =
      "GET /api/v1/users/nobody%40example.com HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS test-token\r\n\r\n";
  std::string last = req;
  last.insert(last.size() - 2, "Connection: close\r\n");
  std::string wire = RawExchange(mock.port(), req + req + last);
  EXPECT_EQ(Count(wire, "HTTP/1.1 404 Not Found\r\n"), 3u) << wire;
  EXPECT_EQ(Count(wire, "\r\nx-rate-limit-limit: 5\r\n"), 3u);
  EXPECT_EQ(Count(wire, "\r\nx-rate-limit-remaining: "), 3u);
  EXPECT_EQ(Count(wire, "\r\nx-rate-limit-remaining: 2\r\n"), 1u);
  EXPECT_EQ(Count(wire, "\r\nx-rate-limit-reset: "), 3u);
  EXPECT_EQ(Count(wire, "\r\nx-okta-request-id: "), 3u);
  EXPECT_EQ(Count(wire, "\r\nDate: "), 3u);
}

TEST(OktaMockServerTest, APostOrPutWithNeitherBodyNorContentLengthGets411) {
  MockProcess mock;
  ASSERT_NE(mock.port(), 0);
  const std::string auth = "Host: x\r\nAuthorization: SSWS test-token\r\n";
  for (const char* method : {"POST", "PUT"}) {
    std::string bare = std::string(method) + " /api/v1/users/00u1/lifecycle/activate HTTP/1.1\r\n" +
                       auth + "Connection: close\r\n\r\n";
    std::string wire = RawExchange(mock.port(), bare);
    EXPECT_TRUE(wire.starts_with("HTTP/1.1 411 Length Required\r\n")) << method << ": " << wire;
    std::string with_length = std::string(method) +
                              " /api/v1/users/00u1/lifecycle/activate HTTP/1.1\r\n" + auth +
                              "Content-Length: 0\r\nConnection: close\r\n\r\n";
    wire = RawExchange(mock.port(), with_length);
    EXPECT_FALSE(wire.starts_with("HTTP/1.1 411")) << method << ": " << wire;
    EXPECT_TRUE(wire.starts_with("HTTP/1.1 ")) << method << ": " << wire;
  }
  // A GET needs no length.
  std::string get = "GET /api/v1/users/nobody%40example.com HTTP/1.1\r\n" + auth +
                    "Connection: close\r\n\r\n";
  EXPECT_TRUE(RawExchange(mock.port(), get).starts_with("HTTP/1.1 404")) << "GET";
}

TEST(OktaMockServerTest, AuthErrorsAre403And401) {
  MockProcess mock({"--token", "s3cret"});
  ASSERT_NE(mock.port(), 0);
  TestResponse none = HttpCall(mock.port(), "GET", "/api/v1/users/x@example.com");
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(json::parse(none.body).at("errorCode"), "E0000005");
  EXPECT_EQ(none.Header("content-type"), "application/json");
  TestResponse wrong = HttpCall(mock.port(), "GET", "/api/v1/users/x@example.com", "",
                                {{"Authorization", "SSWS test-token"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(json::parse(wrong.body).at("errorCode"), "E0000011");
  TestResponse right = HttpCall(mock.port(), "GET", "/api/v1/users/x@example.com", "",
                                {{"Authorization", "SSWS s3cret"}});
  EXPECT_EQ(right.status, 404);
}

TEST(OktaMockServerTest, CreateDuplicateGroupPutAndUsersDump) {
  MockProcess mock({"--groups-count", "1"});
  ASSERT_NE(mock.port(), 0);
  TestResponse created = HttpCall(mock.port(), "POST", "/api/v1/users?activate=true",
                                  UserBody("Zoë.Ünal@example.com"), kAuth);
  ASSERT_EQ(created.status, 200) << created.body;
  std::string id(json::parse(created.body).at("id").as_string());
  EXPECT_FALSE(created.Header("x-okta-request-id").empty());
  EXPECT_FALSE(created.Header("date").empty());

  TestResponse dup = HttpCall(mock.port(), "POST", "/api/v1/users", UserBody("zoe.unal@EXAMPLE.com"), kAuth);
  EXPECT_EQ(dup.status, 400);
  json::value e = json::parse(dup.body);
  EXPECT_EQ(e.at("errorCode"), "E0000001");
  EXPECT_EQ(e.at("errorSummary"), "Api validation failed: login");
  EXPECT_EQ(e.at("errorCauses").at(0).at("errorSummary"),
            "login: An object with this field already exists in the current organization");

  TestResponse put = HttpCall(mock.port(), "PUT", "/api/v1/groups/00gmock0000000000001/users/" + id, "", kAuth);
  EXPECT_EQ(put.status, 204);
  EXPECT_TRUE(put.body.empty());

  TestResponse got = HttpCall(mock.port(), "GET", "/api/v1/users/zo%C3%AB.%C3%BCnal%40example.com", "", kAuth);
  EXPECT_EQ(got.status, 200);

  TestResponse dump = HttpCall(mock.port(), "GET", "/__users");
  ASSERT_EQ(dump.status, 200);
  json::array users = json::parse(dump.body).as_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].at("id"), json::value(id));
  EXPECT_EQ(users[0].at("login"), "Zoë.Ünal@example.com");
  EXPECT_EQ(users[0].at("status"), "ACTIVE");
  EXPECT_EQ(users[0].at("credential"), "password");
  EXPECT_EQ(users[0].at("groupIds"), json::parse(R"(["00gmock0000000000001"])"));

  json::value stats = json::parse(HttpCall(mock.port(), "GET", "/__stats").body);
  EXPECT_EQ(stats.at("requests").at("create"), 2);
  EXPECT_EQ(stats.at("requests").at("groups"), 1);
  EXPECT_EQ(stats.at("requests").at("get"), 1);
  EXPECT_EQ(stats.at("users_created"), 1);
}

TEST(OktaMockServerTest, ConcurrencyLimitCountsRequestsWaitingOutTheirLatency) {
  MockProcess mock({"--concurrency", "1", "--latency-ms", "400"});
  ASSERT_NE(mock.port(), 0);
  auto slow = std::async(std::launch::async, [&] {
    return HttpCall(mock.port(), "GET", "/api/v1/users/a@example.com", "", kAuth);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  TestResponse rejected = HttpCall(mock.port(), "GET", "/api/v1/users/b@example.com", "", kAuth);
  EXPECT_EQ(rejected.status, 429);
  EXPECT_EQ(rejected.Header("x-rate-limit-limit"), "0");
  EXPECT_EQ(rejected.Header("x-rate-limit-remaining"), "0");
  EXPECT_EQ(slow.get().status, 404);
  json::value stats = json::parse(HttpCall(mock.port(), "GET", "/__stats").body);
  EXPECT_EQ(stats.at("concurrency_rejected"), 1);
  EXPECT_EQ(stats.at("max_in_flight"), 1);
  // The slot is free again once the slow one was answered.
  EXPECT_EQ(HttpCall(mock.port(), "GET", "/api/v1/users/c@example.com", "", kAuth).status, 404);
}

TEST(OktaMockServerTest, LatencyDelaysTheAnswer) {
  MockProcess mock({"--latency-ms", "300"});
  ASSERT_NE(mock.port(), 0);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(HttpCall(mock.port(), "GET", "/api/v1/users/a@example.com", "", kAuth).status, 404);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(290));
}

TEST(OktaMockServerTest, ResetFaultAppliesTheCreateThenDropsTheConnection) {
  MockProcess mock({"--fault-reset", "1"});
  ASSERT_NE(mock.port(), 0);
  EXPECT_THROW(HttpCall(mock.port(), "POST", "/api/v1/users", UserBody("ada@example.com"), kAuth),
               std::runtime_error);
  json::array users = json::parse(HttpCall(mock.port(), "GET", "/__users").body).as_array();
  EXPECT_EQ(users.size(), 1u);
}

TEST(OktaMockServerTest, HungRequestGetsNoAnswerAndStaysInFlight) {
  MockProcess mock({"--fault-hang", "1", "--concurrency", "1"});
  ASSERT_NE(mock.port(), 0);
  auto hung = std::async(std::launch::async, [&] {
    return RawExchange(mock.port(), "GET /api/v1/users/a%40example.com HTTP/1.1\r\nHost: x\r\n"
                                    "Authorization: SSWS test-token\r\n\r\n");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  TestResponse second = HttpCall(mock.port(), "GET", "/api/v1/users/b@example.com", "", kAuth);
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(second.Header("x-rate-limit-limit"), "0");
  EXPECT_EQ(hung.get(), "");  // 2 s of silence, no status line
}

TEST(OktaMockServerTest, SigtermStopsTheServerWithExitCodeZero) {
  // Signal only after the listening line: okta-mock installs its handler before printing it.
  std::string script = std::string("f=$(mktemp); \"") + OKTA_MOCK_PATH +
                       "\" --port 0 >\"$f\" & pid=$!; i=0; "
                       "until grep -q listening \"$f\" || [ $i -gt 200 ]; do sleep 0.05; i=$((i+1)); done; "
                       "kill -TERM $pid; wait $pid; rc=$?; cat \"$f\"; rm -f \"$f\"; echo rc=$rc";
  ProcessResult r = RunProcess({"/bin/sh", "-c", script}, {}, 20);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("okta-mock listening on http://127.0.0.1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
}

TEST(OktaMockServerTest, BadFlagExitsWithStatusTwo) {
  ProcessResult r = RunProcess({OKTA_MOCK_PATH, "--port", "0", "--no-such-flag"}, {}, 10);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(OktaMockServerTest, HelpListsTheFlags) {
  ProcessResult r = RunProcess({OKTA_MOCK_PATH, "--help"}, {}, 10);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--port", "--limits", "--concurrency", "--tls-cert", "--fault-hang", "--seed"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(OktaMockServerTest, ServesHttpsWithAGivenCertificate) {
  if (access("/usr/bin/openssl", X_OK) != 0 || access("/usr/bin/curl", X_OK) != 0)
    GTEST_SKIP() << "needs /usr/bin/openssl and /usr/bin/curl";
  char dir_template[] = "/tmp/okta-mock-tls-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  ProcessResult gen = RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                  "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1",
                                  "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                                 {}, 60);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  {
    MockProcess mock({"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
    ASSERT_NE(mock.port(), 0);
    EXPECT_EQ(mock.base_url(), "https://127.0.0.1:" + std::to_string(mock.port()));
    ProcessResult curl = RunProcess({"/usr/bin/curl", "-sS", "-i", "--cacert", dir + "/cert.pem",
                                     "-H", "Authorization: SSWS test-token",
                                     mock.base_url() + "/api/v1/users/nobody%40example.com"},
                                    {}, 30);
    EXPECT_EQ(curl.exit_code, 0) << curl.err;
    EXPECT_NE(curl.out.find("HTTP/1.1 404"), std::string::npos) << curl.out;
    EXPECT_NE(curl.out.find("x-rate-limit-reset: "), std::string::npos) << curl.out;
    EXPECT_NE(curl.out.find("E0000007"), std::string::npos) << curl.out;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace okta_bulk::testing
