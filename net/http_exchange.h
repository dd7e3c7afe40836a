// One HTTP/1.1 exchange on a kept-alive connection: write a request, read the answer that
// belongs to it (issue 13). Interim 1xx responses are skipped, 101 is refused, and bytes past
// the final response mean the answer may not be this request's: the exchange fails and the
// connection must be dropped. Templated on the stream so that HttpClient runs it over TCP or
// TLS and the fuzz target (fuzz/http_exchange_fuzz.cc) over Beast's test stream.
// Includes Beast: include it only from http_client.cc and the fuzz target.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/system/error_code.hpp>
#include <array>
#include <memory_resource>
#include <optional>
#include <string>

namespace okta_bulk {

// At most this many interim (1xx) responses before the final one: a peer that sends 103s for
// ever is broken, and each one costs a parse.
inline constexpr int kMaxInterimResponses = 8;

// Why a response cannot be trusted to answer the request it was read for. The connection is
// closed and the request is retried like one whose response was lost (ClassifyTransportError
// maps these to kClosedBeforeResponse).
enum class PairingError {
  kSwitchingProtocols = 1,  // 101: this client never asks to upgrade
  kTooManyInterim,          // more than kMaxInterimResponses 1xx before the final response
  kBytesAfterResponse,      // data past the end of the response: a stray or shifted answer
};

class PairingCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "okta_bulk.http_pairing"; }
  std::string message(int ev) const override {
    switch (static_cast<PairingError>(ev)) {
      case PairingError::kSwitchingProtocols:
        return "the server answered 101 Switching Protocols to a request that asked for no upgrade";
      case PairingError::kTooManyInterim:
        return "the server sent more than 8 interim (1xx) responses before its answer";
      case PairingError::kBytesAfterResponse:
        return "the server sent more data after its response than the request asked for";
    }
    return "response not paired with its request";
  }
};

inline boost::system::error_code MakeError(PairingError e) {
  static const PairingCategory category;
  return {static_cast<int>(e), category};
}

using HttpFieldsAllocator = std::pmr::polymorphic_allocator<char>;
using HttpResponseParser =
    boost::beast::http::response_parser<boost::beast::http::string_body, HttpFieldsAllocator>;

// Writes `head` and `body`, then reads the request's final response into `parser` (emplaced
// here: a Beast parser reads one message). `arm_deadline()` is called before the write and
// once before the reads: one deadline covers every interim response, so a trickle of 1xx
// cannot hold the request past it. `reset_arena()` runs before each parser is made (the
// previous one is destroyed first) and returns the allocator for its header fields.
// Errors: the stream's, Beast's parse errors, or a PairingError.
template <class Stream, class ArmDeadline, class ResetArena>
boost::asio::awaitable<boost::system::error_code> HttpExchange(
    Stream& stream, ArmDeadline arm_deadline, boost::beast::flat_buffer& buffer,
    const std::string& head, const std::string& body, std::optional<HttpResponseParser>& parser,
    ResetArena reset_arena, std::size_t body_limit) {
  namespace asio = boost::asio;
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  arm_deadline();
  const std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(body)};
  auto [wec, wn] = co_await asio::async_write(stream, out, kNoThrow);
  if (wec) co_return wec;
  arm_deadline();
  for (int interim = 0;; ++interim) {
    parser.reset();
    HttpFieldsAllocator allocator = reset_arena();
    parser.emplace(std::piecewise_construct, std::make_tuple(), std::make_tuple(allocator));
    parser->header_limit(64 * 1024);
    parser->body_limit(body_limit);
    auto [rec, rn] = co_await boost::beast::http::async_read(stream, buffer, *parser, kNoThrow);
    if (rec) co_return rec;
    const unsigned status = parser->get().result_int();
    if (status >= 200) break;
    if (status == 101) co_return MakeError(PairingError::kSwitchingProtocols);
    if (interim + 1 >= kMaxInterimResponses) co_return MakeError(PairingError::kTooManyInterim);
  }
  // Nothing may follow the response: requests go one at a time per connection, so any byte
  // here belongs to no request, and the response just read may be a stray one.
  if (buffer.size() != 0) co_return MakeError(PairingError::kBytesAfterResponse);
  co_return boost::system::error_code{};
}

}  // namespace okta_bulk
