#include "tools/okta_mock/mock_server.h"

#include <array>
#include <charconv>
#include <csignal>
#include <exception>
#include <fstream>
#include <sstream>
#include <iostream>
#include <memory>
#include <memory_resource>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "tools/okta_mock/deadline.h"
#include "tools/okta_mock/mock_load_users.h"
#include "tools/okta_mock/mock_tenant.h"

namespace okta_bulk::mock {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kIdleTimeout = 120s;        // keep-alive connection with no request
constexpr auto kWriteTimeout = 30s;
constexpr auto kHandshakeTimeout = 10s;
// A hung request stops counting as in flight after this long, so --fault-hang does not
// poison --concurrency for the rest of the run. The socket stays open until the peer leaves.
constexpr auto kHangRelease = 10s;
constexpr std::size_t kBodyLimit = 16 * 1024 * 1024;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Calls MockTenant::Release() once, unless the response was never counted as in flight.
class InFlightGuard {
 public:
  explicit InFlightGuard(MockTenant* tenant) : tenant_(tenant) {}
  ~InFlightGuard() { Release(); }
  InFlightGuard(const InFlightGuard&) = delete;
  InFlightGuard& operator=(const InFlightGuard&) = delete;
  void Release() {
    if (tenant_) tenant_->Release();
    tenant_ = nullptr;
  }

 private:
  MockTenant* tenant_;
};

// Writes the status line and header block of `res` into `out` (cleared first) exactly as
// Beast's serializer would for http::response<string_body> with the same headers inserted in
// order, then keep_alive(keep_alive) and prepare_payload(): a Connection header when the
// version's default differs, then Content-Length (none for 1xx, 204 and 304). Built by hand
// into a buffer the connection reuses, so a response costs no allocation and one send.
void AppendResponseHead(std::string& out, const MockResponse& res, unsigned version,
                        bool keep_alive) {
  out.clear();
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, res.status);
  out.append(digits, end);
  out.push_back(' ');
  out += http::obsolete_reason(static_cast<http::status>(res.status));
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  const bool no_body = (res.status >= 100 && res.status < 200) || res.status == 204 ||
                       res.status == 304;
  if (!no_body) {
    out += "Content-Length: ";
    auto [len_end, len_ec] = std::to_chars(digits, digits + sizeof digits, res.body.size());
    out.append(digits, len_end);
    out += "\r\n";
  }
  out += "\r\n";
}

auto LogErrors(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << "okta-mock: " << what << ": " << ex.what() << "\n";
    }
  };
}

// The request's header fields are parsed into a per-connection arena (released before each
// request) instead of one heap allocation per field.
using FieldsAllocator = std::pmr::polymorphic_allocator<char>;
using RequestParser = http::request_parser<http::string_body, FieldsAllocator>;

template <class Request>
bool NeedsLength(const Request& req) {
  return (req.method() == http::verb::post || req.method() == http::verb::put) &&
         !req.has_content_length() && !req.chunked();
}

// Serves requests on one connection until the peer closes, a timeout, `Connection: close`,
// a reset fault or a hang fault.
template <class Stream>
asio::awaitable<void> ServeRequests(Stream& stream, MockTenant& tenant) {
  beast::flat_buffer buffer;
  buffer.reserve(16 * 1024);  // a typical request in one read
  std::string head;  // the response's status line and headers, reused
  head.reserve(512);
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_never();  // the handshake's timeout is over: Deadline takes it from here
  Deadline deadline(co_await asio::this_coro::executor, lowest.socket());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::array<std::byte, 2048> fields_buffer;
  std::pmr::monotonic_buffer_resource fields_arena{fields_buffer.data(), fields_buffer.size()};
  for (;;) {
    fields_arena.release();
    RequestParser parser(std::piecewise_construct, std::make_tuple(),
                         std::make_tuple(FieldsAllocator(&fields_arena)));
    parser.body_limit(kBodyLimit);
    deadline.ExpiresAfter(kIdleTimeout);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (read_ec) co_return;
    const auto& req = parser.get();
    MockRequest mreq{req.method_string(), req.target(), req[http::field::authorization], req.body(),
                     req[http::field::host], req["DPoP"], req[http::field::if_match]};
    // Okta answers 411 to a PUT or POST with neither a body nor Content-Length (contract
    // section 3), before any authentication or rate limit.
    MockResponse mres = NeedsLength(req) ? tenant.LengthRequired(Clock::now())
                                         : tenant.Handle(mreq, Clock::now());
    InFlightGuard guard(mres.in_flight ? &tenant : nullptr);

    if (mres.action == MockAction::kHang) {
      timer.expires_after(kHangRelease);
      [[maybe_unused]] auto [timer_ec] = co_await timer.async_wait(kUseTuple);
      guard.Release();
      // Keep the socket open, discarding input, until the peer gives up.
      char sink[1024];
      for (;;) {
        deadline.ExpiresAfter(kIdleTimeout);
        auto [ec, n_read] = co_await lowest.async_read_some(asio::buffer(sink), kUseTuple);
        if (ec) co_return;
      }
    }
    if (mres.delay.count() > 0) {
      timer.expires_after(mres.delay);
      auto [timer_ec] = co_await timer.async_wait(kUseTuple);
      if (timer_ec) co_return;
    }
    if (mres.action == MockAction::kReset) {
      boost::system::error_code ec;
      lowest.socket().set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
      lowest.socket().close(ec);
      co_return;
    }

    const bool keep_alive = req.keep_alive();
    AppendResponseHead(head, mres, req.version(), keep_alive);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(mres.body)};
    deadline.ExpiresAfter(kWriteTimeout);
    auto [write_ec, write_n] = co_await asio::async_write(stream, out, kUseTuple);
    guard.Release();
    if (write_ec || !keep_alive) co_return;
  }
}

asio::awaitable<void> PlainSession(tcp::socket socket, MockTenant& tenant) {
  beast::tcp_stream stream(std::move(socket));
  co_await ServeRequests(stream, tenant);
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> TlsSession(tcp::socket socket, asio::ssl::context& ctx, MockTenant& tenant) {
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx);
  beast::get_lowest_layer(stream).expires_after(kHandshakeTimeout);
  auto [hs_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kUseTuple);
  if (hs_ec) co_return;
  co_await ServeRequests(stream, tenant);
  if (!beast::get_lowest_layer(stream).socket().is_open()) co_return;
  beast::get_lowest_layer(stream).expires_after(2s);
  [[maybe_unused]] auto [sd_ec] = co_await stream.async_shutdown(kUseTuple);
}

asio::awaitable<void> AcceptLoop(tcp::acceptor& acceptor, MockTenant& tenant,
                                 asio::ssl::context* ssl) {
  asio::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      std::cerr << "okta-mock: accept: " << ec.message() << "\n";
      backoff.expires_after(50ms);  // e.g. EMFILE: do not spin
      [[maybe_unused]] auto [timer_ec] = co_await backoff.async_wait(kUseTuple);
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    auto executor = socket.get_executor();
    if (ssl) {
      co_spawn(executor, TlsSession(std::move(socket), *ssl, tenant), LogErrors("tls session"));
    } else {
      co_spawn(executor, PlainSession(std::move(socket), tenant), LogErrors("session"));
    }
  }
}

// --load-users FILE into `tenant`; false after saying on stderr what is wrong.
bool LoadUsersFile(MockTenant& tenant, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!in || !(text << in.rdbuf())) {
    std::cerr << "okta-mock: --load-users " << path << ": cannot read the file\n";
    return false;
  }
  std::vector<SeedUser> users;
  std::string error;
  const auto t0 = std::chrono::steady_clock::now();
  if (!ReadSeedUsers(text.str(), &users, &error) ||
      !tenant.LoadUsers(users, Clock::now(), &error)) {
    std::cerr << "okta-mock: --load-users " << path << ": " << error << "; nothing loaded\n";
    return false;
  }
  std::cerr << "okta-mock: loaded " << users.size() << " ACTIVE users from " << path << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - t0).count()
            << " ms\n";
  return true;
}

}  // namespace

int RunMockServer(const MockOptions& options, std::ostream& out) {
#ifdef SIGPIPE  // Windows has none: a write to a closed socket fails with an error there
  std::signal(SIGPIPE, SIG_IGN);
#endif
  // Declared before the io_context: coroutine frames destroyed with the io_context release
  // in-flight counts into it.
  MockTenant tenant(options);
  if (!options.load_users_file.empty() && !LoadUsersFile(tenant, options.load_users_file)) return 2;
  asio::io_context ioc(1);

  std::optional<asio::ssl::context> ssl;
  if (!options.tls_cert.empty()) {
    try {
      ssl.emplace(asio::ssl::context::tls_server);
      ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      ssl->use_certificate_chain_file(options.tls_cert);
      ssl->use_private_key_file(options.tls_key, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      std::cerr << "okta-mock: TLS setup failed: " << e.what() << "\n";
      return 1;
    }
  }

  boost::system::error_code ec;
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    std::cerr << "okta-mock: --host must be an IP address: " << options.host << "\n";
    return 1;
  }
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "okta-mock: cannot listen on " << host << ":" << options.port << ": "
              << ec.message() << "\n";
    return 1;
  }
  const uint16_t port = acceptor.local_endpoint().port();
  std::string host_part = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  std::string base = std::string(ssl ? "https" : "http") + "://" + host_part + ":" + std::to_string(port);
  tenant.set_base_url(base);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    acceptor.close(ec);
    ioc.stop();
  });
  co_spawn(ioc, AcceptLoop(acceptor, tenant, ssl ? &*ssl : nullptr), LogErrors("accept loop"));

  out << "okta-mock listening on " << base << std::endl;
  ioc.run();
  return 0;
}

}  // namespace okta_bulk::mock
