// libFuzzer target for one HTTP/1.1 exchange (net/http_exchange.h, issue 13): the fuzz input
// is everything a server sends back on a kept-alive connection after the request, then it
// closes. Runs the client's own HttpExchange over Beast's test stream (no socket).
//
// Invariants besides "no crash, no hang":
//  - success means a final response: status 200-999 (never 1xx), and not a byte left after it
//    (a stray or shifted answer is never accepted);
//  - interim responses are skipped: the answer equals what parsing the input with every
//    leading 1xx response removed gives (checked on inputs this target builds itself: the
//    first byte picks how many "103 Early Hints" to put before the fuzzed bytes);
//  - more than kMaxInterimResponses interim responses are refused.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "net/http_exchange.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct Outcome {
  bool done = false;
  boost::system::error_code ec;
  unsigned status = 0;
  std::string body;
};

Outcome Exchange(const std::string& server_bytes) {
  asio::io_context io;
  beast::test::stream client(io), server(io);
  client.connect(server);
  server.append(server_bytes);
  server.close();  // EOF after the bytes
  std::pmr::monotonic_buffer_resource arena;
  beast::flat_buffer buffer;
  std::optional<okta_bulk::HttpResponseParser> parser;
  const std::string head = "GET /api/v1/users/x HTTP/1.1\r\nHost: a\r\n\r\n", body;
  Outcome out;
  auto run = [&]() -> asio::awaitable<void> {
    out.ec = co_await okta_bulk::HttpExchange(
        client, [] {}, buffer, head, body, parser,
        [&] {
          arena.release();
          return okta_bulk::HttpFieldsAllocator(&arena);
        },
        1 << 16);
    if (!out.ec) {
      out.status = parser->get().result_int();
      out.body = parser->get().body();
    }
    out.done = true;
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  if (!out.done) std::abort();  // the exchange hung on a closed stream
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int interim = data[0] % 12;
  std::string fuzzed(reinterpret_cast<const char*>(data + 1), size - 1);

  const Outcome plain = Exchange(fuzzed);
  if (!plain.ec) {
    if (plain.status < 200 || plain.status > 999) std::abort();  // a 1xx or 101 accepted
  }

  std::string with_interim;
  for (int i = 0; i < interim; ++i) with_interim += "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n";
  with_interim += fuzzed;
  const Outcome hinted = Exchange(with_interim);
  if (interim >= okta_bulk::kMaxInterimResponses) {
    if (!hinted.ec) std::abort();  // too many interim responses must be refused
    return 0;
  }
  // Leading 103s change nothing: the same answer, or the same kind of failure.
  if (!plain.ec != !hinted.ec) {
    // The fuzzed bytes may themselves start with 1xx responses, so that the prefix pushes the
    // total over the limit: only then may the results differ.
    if (hinted.ec != okta_bulk::MakeError(okta_bulk::PairingError::kTooManyInterim)) std::abort();
    return 0;
  }
  if (!plain.ec && (plain.status != hinted.status || plain.body != hinted.body)) std::abort();
  return 0;
}
