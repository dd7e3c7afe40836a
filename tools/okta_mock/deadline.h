// Deadline: a connection's timeout for okta-mock, cheaper than beast::tcp_stream's.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace okta_bulk::mock {

// A connection's deadline, enforced by one timer that wakes at the deadline or at most
// kMaxSleep ahead, and re-arms itself while the deadline lies further on: moving the deadline
// later (twice a request) costs no system call, where beast::tcp_stream::expires_after
// re-armed the timerfd about every other request. A deadline moved earlier than the pending
// wake-up re-arms at once. When the deadline passes the socket is closed, which ends the
// pending read or write.
class Deadline {
 public:
  using SteadyClock = std::chrono::steady_clock;
  using Socket = boost::asio::ip::tcp::socket;
  static constexpr SteadyClock::duration kMaxSleep = std::chrono::seconds(5);

  Deadline(boost::asio::any_io_executor executor, Socket& socket)
      : state_(std::make_shared<State>(std::move(executor), &socket)) {}
  ~Deadline() {
    state_->socket = nullptr;
    state_->timer.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void ExpiresAfter(SteadyClock::duration d) {
    state_->at = SteadyClock::now() + d;
    if (!state_->armed || state_->at < state_->wake_at) Arm(state_);
  }

 private:
  struct State {
    State(boost::asio::any_io_executor executor, Socket* s)
        : timer(std::move(executor)), socket(s) {}
    boost::asio::steady_timer timer;
    Socket* socket;  // null once the connection is gone
    SteadyClock::time_point at;       // the deadline
    SteadyClock::time_point wake_at;  // when the pending wait ends
    bool armed = false;
    uint64_t generation = 0;  // of the pending wait: an older one that still runs does nothing
  };
  static void Arm(const std::shared_ptr<State>& state) {
    state->armed = true;
    state->wake_at = std::min(state->at, SteadyClock::now() + kMaxSleep);
    const uint64_t generation = ++state->generation;
    state->timer.expires_at(state->wake_at);
    state->timer.async_wait([state, generation](const boost::system::error_code&) {
      if (generation != state->generation || !state->socket) return;
      state->armed = false;
      if (SteadyClock::now() < state->at) {
        Arm(state);
        return;
      }
      boost::system::error_code ignored;
      state->socket->close(ignored);
    });
  }
  std::shared_ptr<State> state_;
};

}  // namespace okta_bulk::mock
