// okta-mock's connection Deadline: closes the socket once the latest deadline has passed, not
// before, and a moved deadline is honoured without re-arming the timer.
#include "tools/okta_mock/deadline.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <optional>

namespace okta_bulk::mock {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

struct SocketPair {
  asio::io_context io;
  tcp::socket server{io};
  tcp::socket client{io};
  SocketPair() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
};

// Runs a read on `server` until it ends (then stops the loop); returns when it ended,
// measured from `start`.
std::optional<SteadyClock::duration> ReadEnds(SocketPair& p, SteadyClock::time_point start,
                                              boost::system::error_code* ec) {
  std::optional<SteadyClock::duration> ended;
  char byte;
  p.server.async_read_some(asio::buffer(&byte, 1), [&](boost::system::error_code e, std::size_t) {
    *ec = e;
    ended = SteadyClock::now() - start;
    p.io.stop();
  });
  p.io.run_for(10s);
  return ended;
}

TEST(MockDeadlineTest, ClosesTheSocketWhenTheDeadlinePasses) {
  SocketPair p;
  auto start = SteadyClock::now();
  Deadline deadline(p.io.get_executor(), p.server);
  deadline.ExpiresAfter(50ms);
  boost::system::error_code ec;
  auto ended = ReadEnds(p, start, &ec);
  ASSERT_TRUE(ended) << "the pending read never ended";
  EXPECT_TRUE(ec);
  EXPECT_GE(*ended, 50ms);
  EXPECT_FALSE(p.server.is_open());
}

TEST(MockDeadlineTest, AMovedDeadlineIsHonouredNotTheFirstOne) {
  SocketPair p;
  auto start = SteadyClock::now();
  Deadline deadline(p.io.get_executor(), p.server);
  deadline.ExpiresAfter(50ms);
  asio::steady_timer later(p.io, 30ms);
  later.async_wait([&](boost::system::error_code) { deadline.ExpiresAfter(250ms); });
  boost::system::error_code ec;
  auto ended = ReadEnds(p, start, &ec);
  ASSERT_TRUE(ended);
  EXPECT_GE(*ended, 280ms) << "closed on the first deadline";
  EXPECT_FALSE(p.server.is_open());
}

TEST(MockDeadlineTest, ADeadlineMovedEarlierIsEnforcedAtOnce) {
  SocketPair p;
  auto start = SteadyClock::now();
  Deadline deadline(p.io.get_executor(), p.server);
  deadline.ExpiresAfter(60s);  // the wait ends Deadline::kMaxSleep ahead at the latest
  deadline.ExpiresAfter(50ms);
  boost::system::error_code ec;
  auto ended = ReadEnds(p, start, &ec);
  ASSERT_TRUE(ended);
  EXPECT_GE(*ended, 50ms);
  EXPECT_LT(*ended, Deadline::kMaxSleep) << "waited for the first wake-up";
  EXPECT_FALSE(p.server.is_open());
}

TEST(MockDeadlineTest, ADeadlineBeyondTheLongestSleepIsReachedThroughWakeUps) {
  // kMaxSleep is 5 s: 6 s needs a second wait. Slow (6 s) but the path every idle connection
  // takes.
  SocketPair p;
  auto start = SteadyClock::now();
  Deadline deadline(p.io.get_executor(), p.server);
  deadline.ExpiresAfter(Deadline::kMaxSleep + 1s);
  boost::system::error_code ec;
  auto ended = ReadEnds(p, start, &ec);
  ASSERT_TRUE(ended);
  EXPECT_GE(*ended, Deadline::kMaxSleep + 1s);
  EXPECT_FALSE(p.server.is_open());
}

TEST(MockDeadlineTest, DataBeforeTheDeadlineKeepsTheSocketOpen) {
  SocketPair p;
  auto start = SteadyClock::now();
  Deadline deadline(p.io.get_executor(), p.server);
  deadline.ExpiresAfter(2s);
  asio::write(p.client, asio::buffer("x", 1));
  boost::system::error_code ec = asio::error::would_block;
  auto ended = ReadEnds(p, start, &ec);
  ASSERT_TRUE(ended);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(p.server.is_open());
}

TEST(MockDeadlineTest, DestroyingItBeforeTheDeadlineLeavesTheSocketAlone) {
  SocketPair p;
  {
    Deadline deadline(p.io.get_executor(), p.server);
    deadline.ExpiresAfter(10ms);
  }
  p.io.run_for(100ms);
  EXPECT_TRUE(p.server.is_open());
}

}  // namespace
}  // namespace okta_bulk::mock
