// okta-mock's network front end: an HTTP/1.1 keep-alive server (HTTPS when a certificate is
// given) that feeds each request to a MockTenant. One io_context on the calling thread; no
// locks. Asio/Beast stay inside mock_server.cc.
#pragma once
#include <ostream>

#include "tools/okta_mock/mock_options.h"

namespace okta_bulk::mock {

// Binds options.host:options.port, writes "okta-mock listening on http(s)://HOST:PORT\n" to
// `out` and flushes it, then serves until SIGTERM or SIGINT. Returns the process exit code:
// 0 after a signal, 1 when binding or the TLS setup fails (message on stderr).
int RunMockServer(const MockOptions& options, std::ostream& out);

}  // namespace okta_bulk::mock
