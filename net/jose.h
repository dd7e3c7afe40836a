// JOSE building blocks for OAuth 2.0 private_key_jwt and DPoP (RFC 7515 JWS, RFC 7517 JWK,
// RFC 7518 algorithms, RFC 7519 JWT, RFC 7638 thumbprints): base64url, SHA-256, random ids,
// and JwsKey, an RSA or EC P-256 key that signs and verifies compact JWS with OpenSSL 3's EVP
// API. Pure functions and a value type: no I/O except reading the random generator. Shared
// by okta-bulk (signing) and okta-mock (verifying). OpenSSL stays inside jose.cc.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace okta_bulk {

// base64url without padding (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes);
// Decodes base64url without padding; false on any other character, on padding or on a
// length that no encoding produces.
bool Base64UrlDecode(std::string_view text, std::string* out);

std::string Sha256(std::string_view data);  // the 32-byte digest
// `bytes` bytes from OpenSSL's CSPRNG, base64url-encoded (a jti, a nonce, an opaque token).
std::string RandomBase64Url(std::size_t bytes);
// `s` as a JSON string literal, quotes included, escaped per RFC 8259.
std::string JsonQuote(std::string_view s);

// The JWS algorithms a JwsKey signs with: RS256 (RSASSA-PKCS1-v1_5 with SHA-256) for RSA
// keys, ES256 (ECDSA P-256 with SHA-256, signature R||S of 64 bytes) for EC P-256 keys.
enum class JwsAlg : unsigned char { kRS256, kES256 };
std::string_view JwsAlgName(JwsAlg alg);

// An asymmetric key for JWS: RSA (2048 bits or more) or EC P-256, private (signs and
// verifies) or public only (verifies). Immutable after construction and move-only; one
// thread at a time (OpenSSL contexts are created per call).
class JwsKey {
 public:
  // Reads a PEM private key (PKCS#8 "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY");
  // with `allow_public`, a "PUBLIC KEY" too. nullopt with `error` set when the text is not
  // such a key, is encrypted, or is another type or curve.
  static std::optional<JwsKey> FromPem(std::string_view pem, bool allow_public, std::string* error);
  // A public key from a JWK's members (RFC 7518 §6): kty "EC" with crv "P-256", x and y;
  // or kty "RSA" with n and e (base64url).
  static std::optional<JwsKey> FromJwk(std::string_view kty, std::string_view crv,
                                       std::string_view x, std::string_view y, std::string_view n,
                                       std::string_view e, std::string* error);
  // A fresh EC P-256 key pair (the ephemeral DPoP key of one run).
  static JwsKey GenerateEcP256();

  JwsKey(JwsKey&&) noexcept;
  JwsKey& operator=(JwsKey&&) noexcept;
  ~JwsKey();

  JwsAlg alg() const { return alg_; }
  bool has_private() const { return has_private_; }
  // The JWS signature of `signing_input` ("header.payload"). REQUIRES: has_private().
  // Throws std::runtime_error if OpenSSL fails (it does not for a valid key).
  std::string Sign(std::string_view signing_input) const;
  bool Verify(std::string_view signing_input, std::string_view signature) const;
  // The public JWK with only its required members in lexicographic order, as RFC 7638
  // hashes it: {"crv":"P-256","kty":"EC","x":"...","y":"..."} or {"e":"...","kty":"RSA","n":"..."}.
  std::string PublicJwk() const;
  // RFC 7638 thumbprint: base64url(SHA-256(PublicJwk())) (DPoP's jkt).
  std::string Thumbprint() const;

 private:
  struct Pkey;
  JwsKey(std::unique_ptr<Pkey> key, JwsAlg alg, bool has_private);
  std::unique_ptr<Pkey> key_;
  JwsAlg alg_ = JwsAlg::kES256;
  bool has_private_ = false;
};

// Builds a compact JWS: base64url(header) "." base64url(claims) "." base64url(signature).
// `header_json` and `claims_json` are JSON object texts, used as they are.
std::string SignJwt(std::string_view header_json, std::string_view claims_json, const JwsKey& key);

// A compact JWS split into its parts, decoded; the signature is not checked.
struct JwsParts {
  std::string header_json;
  std::string payload_json;
  std::string signing_input;  // the first two segments and the dot, as received
  std::string signature;      // raw bytes
};
// False with `error` set when `token` is not three base64url segments.
bool SplitJws(std::string_view token, JwsParts* out, std::string* error);

}  // namespace okta_bulk
