#include "net/jose.h"

#include "net/json_text.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace okta_bulk {
namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kP256Bytes = 32;

int B64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

std::string OpenSslError(const char* what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return what;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return std::string(what) + " (" + buf + ")";
}

std::string BnBytes(const BIGNUM* bn, int pad_to) {
  std::string out(pad_to > 0 ? static_cast<std::size_t>(pad_to)
                             : static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}

Bn BnFromBytes(std::string_view bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr));
}

}  // namespace

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  out.reserve((in.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kB64Url[(v >> 18) & 63]);
    out.push_back(kB64Url[(v >> 12) & 63]);
    out.push_back(kB64Url[(v >> 6) & 63]);
    out.push_back(kB64Url[v & 63]);
  }
  if (in.size() - i == 1) {
    uint32_t v = byte(i) << 16;
    out.push_back(kB64Url[(v >> 18) & 63]);
    out.push_back(kB64Url[(v >> 12) & 63]);
  } else if (in.size() - i == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kB64Url[(v >> 18) & 63]);
    out.push_back(kB64Url[(v >> 12) & 63]);
    out.push_back(kB64Url[(v >> 6) & 63]);
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* out) {
  if (text.size() % 4 == 1) return false;
  std::string r;
  r.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = B64UrlValue(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or the text is not what an encoder writes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return false;
  *out = std::move(r);
  return true;
}

std::string Sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                  EVP_sha256(), nullptr))
    throw std::runtime_error(OpenSslError("SHA-256 failed"));
  return out;
}

std::string RandomBase64Url(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error(OpenSslError("the random generator failed"));
  return Base64UrlEncode(raw);
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(&out, s);
  return out;
}

std::string_view JwsAlgName(JwsAlg alg) { return alg == JwsAlg::kRS256 ? "RS256" : "ES256"; }

struct JwsKey::Pkey {
  EVP_PKEY* p = nullptr;
  explicit Pkey(EVP_PKEY* k) : p(k) {}
  ~Pkey() { EVP_PKEY_free(p); }
};

JwsKey::JwsKey(std::unique_ptr<Pkey> key, JwsAlg alg, bool has_private)
    : key_(std::move(key)), alg_(alg), has_private_(has_private) {}
JwsKey::JwsKey(JwsKey&&) noexcept = default;
JwsKey& JwsKey::operator=(JwsKey&&) noexcept = default;
JwsKey::~JwsKey() = default;

namespace {

// The JWS algorithm for `pkey`, or nullopt with `error` set for a type or curve we do not sign with.
std::optional<JwsAlg> AlgFor(EVP_PKEY* pkey, std::string* error) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    if (EVP_PKEY_get_bits(pkey) < 2048) {
      *error = "the RSA key has " + std::to_string(EVP_PKEY_get_bits(pkey)) +
               " bits; Okta requires 2048 or more";
      return std::nullopt;
    }
    return JwsAlg::kRS256;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    std::size_t len = 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) ||
        std::string_view(group) != "prime256v1") {
      *error = std::string("the EC key is on curve '") + group + "'; use P-256 (prime256v1, ES256)";
      return std::nullopt;
    }
    return JwsAlg::kES256;
  }
  *error = "the key is neither RSA nor EC P-256";
  return std::nullopt;
}

}  // namespace

std::optional<JwsKey> JwsKey::FromPem(std::string_view pem, bool allow_public, std::string* error) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // An empty passphrase callback: an encrypted key fails instead of prompting on the terminal.
  auto no_pass = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass, nullptr);
  bool is_private = raw != nullptr;
  if (!raw && allow_public) {
    ERR_clear_error();
    BIO_reset(bio.get());
    raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_pass, nullptr);
  }
  if (!raw) {
    ERR_clear_error();
    *error = pem.find("ENCRYPTED") != std::string_view::npos
                 ? "the private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)"
                 : std::string("not a PEM ") + (allow_public ? "public or private" : "private") +
                       " key (expected -----BEGIN PRIVATE KEY-----)";
    return std::nullopt;
  }
  auto key = std::make_unique<Pkey>(raw);
  auto alg = AlgFor(raw, error);
  if (!alg) return std::nullopt;
  return JwsKey(std::move(key), *alg, is_private);
}

std::optional<JwsKey> JwsKey::FromJwk(std::string_view kty, std::string_view crv,
                                      std::string_view x, std::string_view y, std::string_view n,
                                      std::string_view e, std::string* error) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  std::string point;
  Bn bn_n, bn_e;
  const char* type = nullptr;
  if (kty == "EC") {
    std::string xb, yb;
    if (crv != "P-256") {
      *error = "jwk: crv must be P-256";
      return std::nullopt;
    }
    if (!Base64UrlDecode(x, &xb) || !Base64UrlDecode(y, &yb) || xb.size() != kP256Bytes ||
        yb.size() != kP256Bytes) {
      *error = "jwk: x and y must be 32-byte base64url values";
      return std::nullopt;
    }
    point = "\x04" + xb + yb;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    type = "EC";
  } else if (kty == "RSA") {
    std::string nb, eb;
    if (!Base64UrlDecode(n, &nb) || !Base64UrlDecode(e, &eb) || nb.empty() || eb.empty()) {
      *error = "jwk: n and e must be base64url values";
      return std::nullopt;
    }
    bn_n = BnFromBytes(nb);
    bn_e = BnFromBytes(eb);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    type = "RSA";
  } else {
    *error = "jwk: kty must be EC or RSA";
    return std::nullopt;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0 || !raw) {
    *error = OpenSslError("jwk: not a valid public key");
    return std::nullopt;
  }
  auto key = std::make_unique<Pkey>(raw);
  if (kty == "EC") {
    // fromdata does not check that the point is on the curve.
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
      *error = OpenSslError("jwk: the point is not on P-256");
      return std::nullopt;
    }
  }
  auto alg = AlgFor(raw, error);
  if (!alg) return std::nullopt;
  return JwsKey(std::move(key), *alg, false);
}

JwsKey JwsKey::GenerateEcP256() {
  EVP_PKEY* raw = EVP_EC_gen("P-256");
  if (!raw) throw std::runtime_error(OpenSslError("cannot generate an EC P-256 key"));
  return JwsKey(std::make_unique<Pkey>(raw), JwsAlg::kES256, true);
}

std::string JwsKey::Sign(std::string_view input) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->p) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error(OpenSslError("signing failed"));
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error(OpenSslError("signing failed"));
  sig.resize(len);
  if (alg_ == JwsAlg::kRS256) return sig;
  // OpenSSL writes ECDSA signatures as DER; JWS wants R || S, each 32 bytes (RFC 7518 §3.4).
  const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> ecdsa(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
  if (!ecdsa) throw std::runtime_error(OpenSslError("bad ECDSA signature from OpenSSL"));
  return BnBytes(ECDSA_SIG_get0_r(ecdsa.get()), kP256Bytes) +
         BnBytes(ECDSA_SIG_get0_s(ecdsa.get()), kP256Bytes);
}

bool JwsKey::Verify(std::string_view input, std::string_view signature) const {
  std::string der;
  if (alg_ == JwsAlg::kES256) {
    if (signature.size() != 2 * kP256Bytes) return false;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> ecdsa(ECDSA_SIG_new());
    Bn r = BnFromBytes(signature.substr(0, kP256Bytes));
    Bn s = BnFromBytes(signature.substr(kP256Bytes));
    if (!ecdsa || !r || !s || ECDSA_SIG_set0(ecdsa.get(), r.get(), s.get()) != 1) return false;
    r.release();  // owned by ecdsa now
    s.release();
    unsigned char* out = nullptr;
    int n = i2d_ECDSA_SIG(ecdsa.get(), &out);
    if (n <= 0) return false;
    der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->p) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string JwsKey::PublicJwk() const {
  if (alg_ == JwsAlg::kES256) {
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    EVP_PKEY_get_bn_param(key_->p, OSSL_PKEY_PARAM_EC_PUB_X, &x);
    EVP_PKEY_get_bn_param(key_->p, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
    Bn bx(x), by(y);
    if (!bx || !by) throw std::runtime_error(OpenSslError("cannot read the EC public key"));
    return "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + Base64UrlEncode(BnBytes(x, kP256Bytes)) +
           "\",\"y\":\"" + Base64UrlEncode(BnBytes(y, kP256Bytes)) + "\"}";
  }
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  EVP_PKEY_get_bn_param(key_->p, OSSL_PKEY_PARAM_RSA_N, &n);
  EVP_PKEY_get_bn_param(key_->p, OSSL_PKEY_PARAM_RSA_E, &e);
  Bn bn(n), be(e);
  if (!bn || !be) throw std::runtime_error(OpenSslError("cannot read the RSA public key"));
  return "{\"e\":\"" + Base64UrlEncode(BnBytes(e, 0)) + "\",\"kty\":\"RSA\",\"n\":\"" +
         Base64UrlEncode(BnBytes(n, 0)) + "\"}";
}

std::string JwsKey::Thumbprint() const { return Base64UrlEncode(Sha256(PublicJwk())); }

std::string SignJwt(std::string_view header_json, std::string_view claims_json, const JwsKey& key) {
  std::string out = Base64UrlEncode(header_json);
  out.push_back('.');
  out += Base64UrlEncode(claims_json);
  std::string sig = key.Sign(out);
  out.push_back('.');
  out += Base64UrlEncode(sig);
  return out;
}

bool SplitJws(std::string_view token, JwsParts* out, std::string* error) {
  std::size_t d1 = token.find('.');
  std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    *error = "not a compact JWS (three base64url parts separated by '.')";
    return false;
  }
  JwsParts p;
  if (!Base64UrlDecode(token.substr(0, d1), &p.header_json) ||
      !Base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1), &p.payload_json) ||
      !Base64UrlDecode(token.substr(d2 + 1), &p.signature)) {
    *error = "a JWS part is not base64url";
    return false;
  }
  p.signing_input = std::string(token.substr(0, d2));
  *out = std::move(p);
  return true;
}

}  // namespace okta_bulk
