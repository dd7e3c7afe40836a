// The Windows root certificate stores, for OpenSSL (issue 20). OpenSSL built for Windows looks
// for CA certificates under its own build prefix, which no Windows machine has; okta-bulk.exe
// trusts what Windows trusts instead: the ROOT store of the current user and of the machine
// (Group Policy and enterprise roots included), the certificates that Schannel and browsers use.
// --ca-file adds to them, as on Linux.
#pragma once
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace okta_bulk {

// Adds every certificate of the Windows ROOT stores to `ctx`'s trust store. False with `error`
// set when no store could be opened. Defined on Windows only (net/windows_roots.cc).
bool AddWindowsRootCertificates(SSL_CTX* ctx, std::string* error);

}  // namespace okta_bulk
