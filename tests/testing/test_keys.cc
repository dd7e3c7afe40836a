#include "tests/testing/test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

namespace okta_bulk::testing {
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

TestKeyPair ToPem(EVP_PKEY* key) {
  if (!key) throw std::runtime_error("key generation failed");
  TestKeyPair out;
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub, key);
  out.private_pem = BioText(priv);
  out.public_pem = BioText(pub);
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace

TestKeyPair MakeRsaKey(int bits) { return ToPem(EVP_RSA_gen(static_cast<unsigned>(bits))); }
TestKeyPair MakeEcKey(const char* curve) { return ToPem(EVP_EC_gen(curve)); }

bool OpenSslVerifiesJws(const std::string& public_pem, std::string_view alg, std::string_view input,
                        std::string_view signature) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return false;
  std::string der;
  if (alg == "ES256") {
    if (signature.size() != 64) {
      EVP_PKEY_free(key);
      return false;
    }
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig,
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr));
    unsigned char* out = nullptr;
    int n = i2d_ECDSA_SIG(sig, &out);
    der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    ECDSA_SIG_free(sig);
    signature = der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace okta_bulk::testing
