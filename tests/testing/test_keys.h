// Key pairs made at test time with OpenSSL's own API (never checked in), and a JWS signature
// check written directly against OpenSSL, independent of net/jose.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk::testing {

struct TestKeyPair {
  std::string private_pem;  // PKCS#8 "PRIVATE KEY"
  std::string public_pem;   // "PUBLIC KEY"
};

TestKeyPair MakeRsaKey(int bits = 2048);
TestKeyPair MakeEcKey(const char* curve = "P-256");

// Verifies a JWS signature over `input` with `public_pem`: RS256 (PKCS#1 v1.5, SHA-256) or
// ES256 (`signature` must be 64 bytes R||S; converted to DER here for OpenSSL).
bool OpenSslVerifiesJws(const std::string& public_pem, std::string_view alg, std::string_view input,
                        std::string_view signature);

}  // namespace okta_bulk::testing
