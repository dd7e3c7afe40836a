// Deadline: a connection's timeout for okta-mock, cheaper than beast::tcp_stream's.
#pragma once
#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace okta_bulk::mock {

// A connection's deadline, enforced by one timer that is re-armed only when it fires before
// the deadline it guards: moving the deadline (twice a request) costs no system call, where
// beast::tcp_stream::expires_after re-armed the timerfd about every other request. When the
// deadline passes the socket is closed, which ends the pending read or write.
class Deadline {
 public:
  using SteadyClock = std::chrono::steady_clock;
  using Socket = boost::asio::ip::tcp::socket;
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
    if (!state_->armed) Arm(state_);
  }

 private:
  struct State {
    State(boost::asio::any_io_executor executor, Socket* s)
        : timer(std::move(executor)), socket(s) {}
    boost::asio::steady_timer timer;
    Socket* socket;  // null once the connection is gone
    SteadyClock::time_point at;
    bool armed = false;
  };
  static void Arm(const std::shared_ptr<State>& state) {
    state->armed = true;
    state->timer.expires_at(state->at);
    state->timer.async_wait([state](const boost::system::error_code&) {
      state->armed = false;
      if (!state->socket) return;
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
