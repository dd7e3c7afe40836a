#include "net/http_client.h"

#ifdef _WIN32  // Winsock: inet_pton, WSAPoll (Asio runs over it on Windows)
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <array>
#include <charconv>
#include <memory_resource>
#include <optional>
#include <stdexcept>
#include <vector>

#include "net/ascii.h"
#include "net/http_exchange.h"
#include "net/windows_roots.h"

namespace okta_bulk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kMaxIdle{50};  // close before a typical 60-75 s server idle timeout
// Room for a whole typical response in the first read (Beast reads at most the buffer's spare
// capacity, 512 bytes when it is empty: two reads for a create's 865-byte answer).
constexpr std::size_t kReadBufferBytes = 16 * 1024;

bool IsInterestingHeader(std::string_view lower) {
  return lower == "date" || lower == "link" || lower == "x-okta-request-id" ||
         lower.starts_with("x-rate-limit-") || lower == "retry-after" ||
         lower == "www-authenticate" || lower == "dpop-nonce" || lower == "etag";
}

// One keep-alive connection: plain TCP or TLS over TCP.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  // The request head, written by hand into a buffer the connection reuses (see
  // AppendRequestHead): a request costs no allocation once the buffer has grown.
  std::string head;
  // The response's header fields are parsed into this arena, released before each response
  // (one parser at a time per connection); a larger head spills to the heap.
  std::array<std::byte, 2048> fields_buffer;
  std::pmr::monotonic_buffer_resource fields_arena{fields_buffer.data(), fields_buffer.size()};
  std::chrono::steady_clock::time_point idle_since;

  beast::tcp_stream& Layer() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // True when the peer has closed, or sent anything at all on, an idle connection. Every reuse
  // is probed, however short the idle time: a byte that arrives with no request outstanding
  // (an extra response, a late duplicate) would otherwise be read as the answer to the next
  // request, and every later answer on the connection would pair with the wrong request
  // (RFC 9112 9.3: a response arrives only for a request sent; issue 13).
  bool LooksDead() {
    const auto idle = std::chrono::steady_clock::now() - idle_since;
    if (idle > kMaxIdle) return true;
    auto& sock = Layer().socket();
    if (!sock.is_open()) return true;
    if (buffer.size() != 0) return true;  // bytes read past the last response
#ifdef _WIN32
    // Winsock has no MSG_DONTWAIT: a poll that does not wait says the same (readable: a byte
    // or the peer's close; an error: dead too).
    WSAPOLLFD probe{};
    probe.fd = sock.native_handle();
    probe.events = POLLRDNORM;
    return ::WSAPoll(&probe, 1, 0) != 0;
#else
    char byte;
    ssize_t n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
#endif
  }
};

// Writes the head of `request`: the constant lines `fixed` (Host, Accept, User-Agent), then
// the request's credentials (Authorization and a DPoP proof, from the Authenticator: they
// change with a refreshed token), its Content-Type, and Content-Length when there is a body,
// also 0 for a bodiless PUT or POST (contract section 3: 411 without it), and If-Match when
// the request is conditional.
void AppendRequestHead(std::string& out, const HttpRequest& request, std::string_view fixed,
                       const AuthHeaders& auth) {
  out.clear();
  out += request.method;
  out.push_back(' ');
  out += request.target;
  out += " HTTP/1.1\r\n";
  out += fixed;
  if (!auth.authorization.empty()) {
    out += "Authorization: ";
    out += auth.authorization;
    out += "\r\n";
  }
  if (!auth.dpop.empty()) {
    out += "DPoP: ";
    out += auth.dpop;
    out += "\r\n";
  }
  // A value with a line break would forge a header line: never sent (an ETag has none).
  if (!request.if_match.empty() && request.if_match.find_first_of("\r\n") == std::string::npos) {
    out += "If-Match: ";
    out += request.if_match;
    out += "\r\n";
  }
  out += "Content-Type: ";
  out += request.content_type.empty() ? std::string_view("application/json") : request.content_type;
  out += "\r\n";
  if (!request.body.empty() || request.method == "PUT" || request.method == "POST" ||
      request.method == "OPTIONS") {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, request.body.size());
    out += "Content-Length: ";
    out.append(digits, end);
    out += "\r\n";
  }
  out += "\r\n";
}

using FieldsAllocator = HttpFieldsAllocator;
using ResponseParser = HttpResponseParser;

// A plain-http org allowed only as loopback (no --allow-insecure-http) whose name resolved to
// an address that is not loopback. Classified as a connect failure: every request would fail
// alike, so the dispatcher stops the run with this message.
class PlainHttpCategoryImpl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "okta_bulk.plain_http"; }
  std::string message(int) const override {
    return "the org's host name resolved to a non-loopback address; refusing to send "
           "credentials over plain http (use https://, or --allow-insecure-http if you really "
           "mean it)";
  }
};

const PlainHttpCategoryImpl& PlainHttpCategory() {
  static const PlainHttpCategoryImpl category;
  return category;
}

error_code PlainHttpNotLoopbackError() { return {1, PlainHttpCategory()}; }

}  // namespace

std::string_view HttpResponse::Header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name) return value;
  return {};
}

TransportError ClassifyTransportError(const error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return TransportError::kTimeout;
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == http::error::partial_message || ec == ssl::error::stream_truncated)
    return TransportError::kClosedBeforeResponse;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::connection_aborted)
    return TransportError::kReset;
  if (ec == asio::error::connection_refused || ec == asio::error::host_not_found ||
      ec == asio::error::host_not_found_try_again || ec == asio::error::network_unreachable ||
      ec == asio::error::host_unreachable || ec.category() == PlainHttpCategory())
    return TransportError::kConnectFailed;
  if (ec.category() == asio::error::get_ssl_category()) return TransportError::kTls;
  // Anything else (a malformed response, an oversized body, ...) is treated like a broken
  // connection: it may well succeed on a fresh one, and attempts are bounded.
  return TransportError::kClosedBeforeResponse;
}

bool IsCertificateError(const error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

bool OrgUrl::Parse(std::string_view url, OrgUrl* out, std::string* error) {
  OrgUrl r;
  if (url.starts_with("https://")) {
    r.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    r.tls = false;
    url.remove_prefix(7);
  } else {
    *error = "the org URL must start with https:// (got '" + std::string(url) + "')";
    return false;
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty() || url.find_first_of("/?#@ ") != std::string_view::npos) {
    *error = "the org URL must be scheme://host[:port] with no path, e.g. https://acme.okta.com";
    return false;
  }
  std::size_t colon = url.rfind(':');
  if (url.front() == '[') {  // [::1]:8080
    std::size_t close = url.find(']');
    if (close == std::string_view::npos) {
      *error = "bad IPv6 host in org URL";
      return false;
    }
    r.host = std::string(url.substr(1, close - 1));
    colon = url.find(':', close);
  } else {
    r.host = std::string(url.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    r.port = std::string(url.substr(colon + 1));
    if (r.port.empty() || r.port.size() > 5 ||
        r.port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(r.port) == 0 || std::stoul(r.port) > 65535) {
      *error = "bad port in org URL (1 to 65535)";
      return false;
    }
  } else {
    r.port = r.tls ? "443" : "80";
  }
  if (r.host.empty()) {
    *error = "the org URL has no host";
    return false;
  }
  *out = std::move(r);
  return true;
}

std::string OrgUrl::Origin() const {
  bool default_port = (tls && port == "443") || (!tls && port == "80");
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + h + (default_port ? "" : ":" + port);
}

namespace {

bool IsLoopbackHostLiteral(std::string_view host) {
  if (host.size() == 9) {  // "localhost", in any case (host names are case-insensitive)
    bool match = true;
    for (std::size_t i = 0; i < 9; ++i) match = match && AsciiLower(host[i]) == "localhost"[i];
    if (match) return true;
  }
  // Only what inet_pton reads as a literal: dotted quads of four decimal parts for IPv4, so
  // "127.1" or "0x7f.0.0.1" (which getaddrinfo would also accept) and names like
  // "127.attacker.example" are not loopback. Strict on purpose: a host that is not plainly a
  // loopback literal needs --allow-insecure-http (issue 13).
  if (host.size() >= INET6_ADDRSTRLEN) return false;
  char text[INET6_ADDRSTRLEN];
  host.copy(text, host.size());
  text[host.size()] = '\0';
  in_addr v4{};
  if (::inet_pton(AF_INET, text, &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, text, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

bool OrgUrl::IsLoopback() const { return IsLoopbackHostLiteral(host); }

struct HttpClient::Impl {
  asio::any_io_executor executor;
  HttpClientOptions options;
  ssl::context tls_context{ssl::context::tls_client};
  std::string host_header;
  std::string fixed_headers;  // Host ... User-Agent lines of every request
  std::vector<std::unique_ptr<Connection>> idle;
  tcp::resolver::results_type endpoints;
  std::size_t opened = 0;
  std::unique_ptr<StaticAuthenticator> static_auth;
  Authenticator* authenticator = nullptr;
  std::vector<Connection*> busy;  // connections a SendOnce is using now (for CancelAll)

  // Keeps `c` in `busy` for the lifetime of this object (a SendOnce frame).
  struct Busy {
    Impl& d;
    Connection* c;
    Busy(Impl& impl, Connection* conn) : d(impl), c(conn) { d.busy.push_back(c); }
    ~Busy() { std::erase(d.busy, c); }
  };

  asio::awaitable<boost::system::result<HttpResponse>> SendOnce(const HttpRequest& request,
                                                                 const AuthHeaders& auth);

  asio::awaitable<error_code> Open(Connection& c) {
    if (endpoints.empty()) {
      tcp::resolver resolver(executor);
      auto [ec, results] =
          co_await resolver.async_resolve(options.org.host, options.org.port, kNoThrow);
      if (ec) co_return ec;
      // Plain http was allowed only because the host looked like loopback: the credentials
      // must not leave the machine, whatever the resolver (or /etc/hosts) says (issue 13).
      if (!options.org.tls && !options.allow_insecure_http) {
        for (const auto& entry : results) {
          if (!entry.endpoint().address().is_loopback())
            co_return PlainHttpNotLoopbackError();
        }
      }
      endpoints = results;
    }
    c.plain = std::make_unique<beast::tcp_stream>(executor);
    c.buffer.reserve(kReadBufferBytes);
    beast::tcp_stream* layer = c.plain.get();
    if (options.org.tls) {
      c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*c.plain),
                                                                     tls_context);
      c.plain.reset();
      layer = &beast::get_lowest_layer(*c.tls);
    }
    layer->expires_after(options.timeout);
    auto [cec, ep] = co_await layer->async_connect(endpoints, kNoThrow);
    if (cec) {
      endpoints = {};  // resolve again next time
      co_return cec;
    }
    layer->socket().set_option(tcp::no_delay(true));
    ++opened;
    if (c.tls) {
      if (!SSL_set_tlsext_host_name(c.tls->native_handle(), options.org.host.c_str()))
        co_return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
      if (options.verify_peer) {
        c.tls->set_verify_mode(ssl::verify_peer);
        c.tls->set_verify_callback(ssl::host_name_verification(options.org.host));
      } else {
        c.tls->set_verify_mode(ssl::verify_none);
      }
      layer->expires_after(options.timeout);
      auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, kNoThrow);
      if (hec) co_return hec;
    }
    co_return error_code{};
  }
};

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->options = std::move(options);
  impl_->authenticator = impl_->options.authenticator;
  if (!impl_->authenticator) {
    impl_->static_auth = std::make_unique<StaticAuthenticator>(impl_->options.authorization);
    impl_->authenticator = impl_->static_auth.get();
  }
  const OrgUrl& org = impl_->options.org;
  bool default_port = (org.tls && org.port == "443") || (!org.tls && org.port == "80");
  std::string host = org.host.find(':') != std::string::npos ? "[" + org.host + "]" : org.host;
  impl_->host_header = default_port ? host : host + ":" + org.port;
  impl_->fixed_headers = "Host: " + impl_->host_header +
                         "\r\nAccept: application/json\r\nUser-Agent: " +
                         impl_->options.user_agent + "\r\n";
  if (org.tls) {
    error_code ec;
    impl_->tls_context.set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the system CA certificates: " + ec.message());
#ifdef _WIN32
    // OpenSSL's default paths are its build prefix, not a Windows store: trust what Windows
    // trusts (the current user's and the machine's root stores).
    std::string roots_error;
    if (!AddWindowsRootCertificates(impl_->tls_context.native_handle(), &roots_error))
      throw std::runtime_error("cannot load the Windows root certificates: " + roots_error);
#endif
    if (!impl_->options.ca_file.empty()) {
      impl_->tls_context.load_verify_file(impl_->options.ca_file, ec);
      if (ec)
        throw std::runtime_error("cannot load --ca-file '" + impl_->options.ca_file +
                                 "': " + ec.message());
    }
  }
}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::connections_opened() const { return impl_->opened; }

void HttpClient::CancelAll() {
  for (Connection* c : impl_->busy) {
    if (!c->plain && !c->tls) continue;  // not connected yet
    c->Layer().close();  // pending operations end with operation_aborted; never pooled again
  }
}

void HttpClient::SetAuthenticator(Authenticator* authenticator) {
  impl_->authenticator = authenticator;
}

const AuthFailure* HttpClient::auth_failure() const { return impl_->authenticator->failure(); }

std::string HttpClient::Describe() const { return impl_->options.org.Origin(); }

std::string_view HttpClient::refusal_advice() const {
  return impl_->authenticator->refusal_advice();
}

asio::awaitable<boost::system::result<HttpResponse>> HttpClient::Send(const HttpRequest& request) {
  Impl& d = *impl_;
  if (request.preauthorized) {
    auto result = co_await d.SendOnce(request, *request.preauthorized);
    co_return result;
  }
  bool refreshed = false, nonce_retried = false;
  for (int auth_retries = 0;; ++auth_retries) {
    auto auth = co_await d.authenticator->Authorize(request.method, request.target);
    if (!auth) {
      if (d.authenticator->failure()) co_return AuthFailedError();
      co_return auth.error();
    }
    auto result = co_await d.SendOnce(request, *auth);
    if (result) d.authenticator->OnResponse(*auth, *result);
    if (!result || result->status != 401 || auth_retries >= 2) co_return result;
    UnauthorizedVerdict verdict = co_await d.authenticator->OnUnauthorized(*auth, *result, !refreshed);
    if (verdict == UnauthorizedVerdict::kGiveUp) {
      // A refresh that failed for good says more than the 401 it answered.
      if (d.authenticator->failure()) co_return AuthFailedError();
      co_return result;
    }
    if (verdict == UnauthorizedVerdict::kRefreshed) refreshed = true;
    if (verdict == UnauthorizedVerdict::kNewNonce) {
      if (nonce_retried) co_return result;  // RFC 9449 §9: one retry with the new nonce
      nonce_retried = true;
    }
  }
}

asio::awaitable<boost::system::result<HttpResponse>> HttpClient::Impl::SendOnce(
    const HttpRequest& request, const AuthHeaders& auth) {
  Impl& d = *this;
  std::unique_ptr<Connection> conn;
  while (!d.idle.empty()) {
    conn = std::move(d.idle.back());
    d.idle.pop_back();
    if (!conn->LooksDead()) break;
    conn.reset();
  }
  if (!conn) conn = std::make_unique<Connection>();
  Busy busy(d, conn.get());
  if (!conn->plain && !conn->tls) {
    error_code ec = co_await d.Open(*conn);
    if (ec) co_return ec;
  }
  AppendRequestHead(conn->head, request, d.fixed_headers, auth);

  std::optional<ResponseParser> parser;
  Connection* c = conn.get();
  auto arm_deadline = [c, timeout = d.options.timeout] { c->Layer().expires_after(timeout); };
  auto reset_arena = [c] {
    c->fields_arena.release();
    return FieldsAllocator(&c->fields_arena);
  };
  error_code ec =
      conn->tls ? co_await HttpExchange(*conn->tls, arm_deadline, conn->buffer, conn->head,
                                        request.body, parser, reset_arena, d.options.max_body_bytes)
                : co_await HttpExchange(*conn->plain, arm_deadline, conn->buffer, conn->head,
                                        request.body, parser, reset_arena, d.options.max_body_bytes);
  if (ec) co_return ec;  // the connection is dropped: never reuse a failed stream

  auto& msg = parser->get();
  HttpResponse response;
  response.headers.reserve(8);  // date, request id, three x-rate-limit-*, a link or two
  response.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    std::string name = LowerAscii(field.name_string());
    if (IsInterestingHeader(name)) response.headers.emplace_back(std::move(name), field.value());
  }
  bool keep_alive = msg.keep_alive();
  response.body = std::move(msg.body());
  if (keep_alive && d.idle.size() < d.options.max_idle_connections) {
    conn->idle_since = std::chrono::steady_clock::now();
    d.idle.push_back(std::move(conn));
  }
  co_return response;
}

}  // namespace okta_bulk
