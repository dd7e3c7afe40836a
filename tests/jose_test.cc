// net/jose: base64url, keys, JWS signing checked against OpenSSL directly, JWK round trips
// and RFC 7638 thumbprints. Keys are generated at test time.
#include "net/jose.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "tests/testing/test_keys.h"

namespace okta_bulk {
namespace {

namespace json = boost::json;
using testing::MakeEcKey;
using testing::MakeRsaKey;
using testing::OpenSslVerifiesJws;

JwsKey Load(const std::string& pem, bool allow_public = false) {
  std::string error;
  auto key = JwsKey::FromPem(pem, allow_public, &error);
  EXPECT_TRUE(key.has_value()) << error;
  if (!key) throw std::runtime_error(error);
  return std::move(*key);
}

TEST(Base64UrlTest, EncodesWithoutPaddingInTheUrlAlphabetAndRoundTrips) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");  // '+' and '/' in base64
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len < all.size(); len += 37) {
    std::string out;
    ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(all.substr(0, len)), &out));
    EXPECT_EQ(out, all.substr(0, len));
  }
}

TEST(Base64UrlTest, DecodingRefusesPaddingForeignCharactersAndImpossibleLengths) {
  std::string out;
  EXPECT_FALSE(Base64UrlDecode("Zg==", &out));
  EXPECT_FALSE(Base64UrlDecode("Zm+v", &out));
  EXPECT_FALSE(Base64UrlDecode("Zm/v", &out));
  EXPECT_FALSE(Base64UrlDecode("Zm9vY", &out));  // 5 characters encode no byte string
  EXPECT_FALSE(Base64UrlDecode("Zh", &out));     // non-zero leftover bits
  EXPECT_TRUE(Base64UrlDecode("Zg", &out));
  EXPECT_EQ(out, "f");
}

TEST(JwsKeyTest, Rs256SignatureVerifiesWithOpenSslAndFailsWhenTheInputChanges) {
  auto pair = MakeRsaKey();
  JwsKey key = Load(pair.private_pem);
  EXPECT_EQ(key.alg(), JwsAlg::kRS256);
  EXPECT_TRUE(key.has_private());
  std::string sig = key.Sign("header.payload");
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(OpenSslVerifiesJws(pair.public_pem, "RS256", "header.payload", sig));
  EXPECT_FALSE(OpenSslVerifiesJws(pair.public_pem, "RS256", "header.payloaD", sig));
  EXPECT_TRUE(key.Verify("header.payload", sig));
}

TEST(JwsKeyTest, Es256SignatureIsSixtyFourBytesOfRAndSNotDerAndVerifiesWithOpenSsl) {
  auto pair = MakeEcKey();
  JwsKey key = Load(pair.private_pem);
  EXPECT_EQ(key.alg(), JwsAlg::kES256);
  for (int i = 0; i < 20; ++i) {  // DER lengths vary with leading zeros; raw R||S never does
    std::string input = "h.p" + std::to_string(i);
    std::string sig = key.Sign(input);
    ASSERT_EQ(sig.size(), 64u);
    EXPECT_TRUE(OpenSslVerifiesJws(pair.public_pem, "ES256", input, sig));
    std::string tampered = sig;
    tampered[10] ^= 1;
    EXPECT_FALSE(OpenSslVerifiesJws(pair.public_pem, "ES256", input, tampered));
    EXPECT_FALSE(key.Verify(input, tampered));
    EXPECT_TRUE(key.Verify(input, sig));
  }
}

TEST(JwsKeyTest, APublicPemVerifiesButDoesNotCountAsAPrivateKey) {
  auto pair = MakeEcKey();
  JwsKey priv = Load(pair.private_pem);
  std::string error;
  EXPECT_FALSE(JwsKey::FromPem(pair.public_pem, /*allow_public=*/false, &error).has_value());
  EXPECT_NE(error.find("PRIVATE KEY"), std::string::npos) << error;
  JwsKey pub = Load(pair.public_pem, /*allow_public=*/true);
  EXPECT_FALSE(pub.has_private());
  EXPECT_TRUE(pub.Verify("a.b", priv.Sign("a.b")));
}

TEST(JwsKeyTest, SmallRsaKeysOtherCurvesAndGarbageAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(JwsKey::FromPem(MakeRsaKey(1024).private_pem, false, &error).has_value());
  EXPECT_NE(error.find("2048"), std::string::npos) << error;
  EXPECT_FALSE(JwsKey::FromPem(MakeEcKey("P-384").private_pem, false, &error).has_value());
  EXPECT_NE(error.find("P-256"), std::string::npos) << error;
  EXPECT_FALSE(JwsKey::FromPem("not a key", false, &error).has_value());
  EXPECT_NE(error.find("PEM"), std::string::npos) << error;
}

TEST(JwsKeyTest, PublicJwkRebuildsTheSameKeyForRsaAndEc) {
  for (const auto& pair : {MakeRsaKey(), MakeEcKey()}) {
    JwsKey key = Load(pair.private_pem);
    json::object jwk = json::parse(key.PublicJwk()).as_object();
    EXPECT_FALSE(jwk.contains("d"));  // never the private part
    auto s = [&](const char* name) {
      return jwk.contains(name) ? std::string(jwk.at(name).as_string()) : std::string();
    };
    std::string error;
    auto rebuilt = JwsKey::FromJwk(s("kty"), s("crv"), s("x"), s("y"), s("n"), s("e"), &error);
    ASSERT_TRUE(rebuilt.has_value()) << error;
    EXPECT_EQ(rebuilt->alg(), key.alg());
    EXPECT_TRUE(rebuilt->Verify("x.y", key.Sign("x.y")));
    EXPECT_EQ(rebuilt->Thumbprint(), key.Thumbprint());
  }
}

TEST(JwsKeyTest, ThumbprintMatchesTheExampleOfRfc7638) {
  // RFC 7638 §3.1.
  const char* n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
      "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
      "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
      "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  std::string error;
  auto key = JwsKey::FromJwk("RSA", "", "", "", n, "AQAB", &error);
  ASSERT_TRUE(key.has_value()) << error;
  EXPECT_EQ(key->Thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(JwsKeyTest, AJwkPointOffTheCurveIsRefused) {
  std::string zeros = Base64UrlEncode(std::string(32, '\0'));
  std::string error;
  EXPECT_FALSE(JwsKey::FromJwk("EC", "P-256", zeros, zeros, "", "", &error).has_value());
  EXPECT_FALSE(error.empty());
}

TEST(JwtTest, SignJwtMakesThreeSegmentsThatSplitBackAndVerify) {
  JwsKey key = JwsKey::GenerateEcP256();
  std::string jwt = SignJwt(R"({"alg":"ES256"})", R"({"sub":"x"})", key);
  JwsParts parts;
  std::string error;
  ASSERT_TRUE(SplitJws(jwt, &parts, &error)) << error;
  EXPECT_EQ(parts.header_json, R"({"alg":"ES256"})");
  EXPECT_EQ(parts.payload_json, R"({"sub":"x"})");
  EXPECT_TRUE(key.Verify(parts.signing_input, parts.signature));
  EXPECT_FALSE(SplitJws("a.b", &parts, &error));
  EXPECT_FALSE(SplitJws("a.b.c.d", &parts, &error));
  EXPECT_FALSE(SplitJws("a.b+.c", &parts, &error));
}

TEST(JoseTest, RandomIdsDifferAndJsonQuoteEscapes) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(RandomBase64Url(18));
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(ids.begin()->size(), 24u);
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(Base64UrlEncode(Sha256("abc")), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

}  // namespace
}  // namespace okta_bulk
