#include "pipeline/rows/password_hash.h"

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

using F = HashField;

HashCells Cells(std::initializer_list<std::pair<F, std::string_view>> set) {
  HashCells c{};
  for (auto [f, v] : set) c[static_cast<std::size_t>(f)] = v;
  return c;
}

// Returns the JSON, or "field: message" when refused.
std::string Hash(const HashCells& cells) {
  std::string out;
  HashProblem p;
  if (!AppendPasswordHash(&out, cells, &p)) return std::string(HashFieldName(p.field)) + ": " + p.message;
  return out;
}

TEST(PasswordHashTest, ABcryptStringInModularCryptFormIsSplitIntoCostSaltAndValue) {
  for (std::string_view prefix : {"$2a$", "$2b$", "$2y$"}) {
    std::string mcf = std::string(prefix) + "10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna";
    EXPECT_EQ(Hash(Cells({{F::kHash, mcf}})),
              R"({"algorithm":"BCRYPT","workFactor":10,"salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"})");
    EXPECT_EQ(Hash(Cells({{F::kHash, mcf}, {F::kAlgorithm, "bcrypt"}})).substr(0, 22), R"({"algorithm":"BCRYPT",)");
  }
}

TEST(PasswordHashTest, ABcryptStringWithABadShapeCostOrAlphabetIsRefused) {
  EXPECT_EQ(Hash(Cells({{F::kHash, "$2x$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}})).substr(0, 31),
            "passwordHash: is not a bcrypt h");
  EXPECT_NE(Hash(Cells({{F::kHash, "$2a$25$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}})).find("1 to 20"),
            std::string::npos);
  EXPECT_NE(Hash(Cells({{F::kHash, "$2a$10$rwh3vH166HCH/NT9XV5FY+qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}})).find("alphabet"),
            std::string::npos);
  // A salt column that disagrees with the one inside the string.
  EXPECT_EQ(Hash(Cells({{F::kHash, "$2a$10$rwh3vH166HCH/NT9XV5FYuqaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"},
                        {F::kSalt, "xxxxxxxxxxxxxxxxxxxxxx"}})).substr(0, 14),
            "passwordSalt: ");
}

TEST(PasswordHashTest, BcryptInSeparateColumnsNeedsWorkFactorSaltAndValueInRange) {
  auto ok = Cells({{F::kHash, "qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}, {F::kAlgorithm, "BCRYPT"},
                   {F::kSalt, "rwh3vH166HCH/NT9XV5FYu"}, {F::kWorkFactor, "12"}});
  EXPECT_EQ(Hash(ok),
            R"({"algorithm":"BCRYPT","workFactor":12,"salt":"rwh3vH166HCH/NT9XV5FYu","value":"qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"})");
  auto bad = ok;
  bad[static_cast<std::size_t>(F::kWorkFactor)] = "21";
  EXPECT_EQ(Hash(bad).substr(0, 11), "workFactor:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kWorkFactor)] = "";
  EXPECT_EQ(Hash(bad).substr(0, 11), "workFactor:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kSalt)] = "short";
  EXPECT_EQ(Hash(bad).substr(0, 13), "passwordSalt:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kIterationCount)] = "5000";
  EXPECT_EQ(Hash(bad), "iterationCount: does not apply to BCRYPT hashes; leave it empty");
}

TEST(PasswordHashTest, ShaAndMd5NeedABase64DigestOfTheRightSizeAndASaltOrderWhenSalted) {
  // SHA-256 of "" is 32 bytes: 44 base64 characters.
  const std::string_view sha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "SHA-256"}})),
            R"({"algorithm":"SHA-256","value":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})");
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "sha-256"}, {F::kSalt, "c2FsdA=="}, {F::kSaltOrder, "prefix"}})),
            R"({"algorithm":"SHA-256","salt":"c2FsdA==","saltOrder":"PREFIX","value":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})");
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "SHA-256"}, {F::kSalt, "c2FsdA=="}})).substr(0, 10), "saltOrder:");
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "SHA-256"}, {F::kSaltOrder, "PREFIX"}})),
            "saltOrder: is set but passwordSalt is empty");
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "SHA-512"}})).substr(0, 13), "passwordHash:");
  EXPECT_EQ(Hash(Cells({{F::kHash, sha256}, {F::kAlgorithm, "SHA-256"}, {F::kSalt, "not base64!"}, {F::kSaltOrder, "PREFIX"}})),
            "passwordSalt: must be base64");
  EXPECT_EQ(Hash(Cells({{F::kHash, "1B2M2Y8AsgTpgAmY7PhCfg=="}, {F::kAlgorithm, "MD5"}})),
            R"({"algorithm":"MD5","value":"1B2M2Y8AsgTpgAmY7PhCfg=="})");
  EXPECT_EQ(Hash(Cells({{F::kHash, "1B2M2Y8AsgTpgAmY7PhCfg=="}, {F::kAlgorithm, "MD5"}, {F::kWorkFactor, "10"}})),
            "workFactor: does not apply to MD5 hashes; leave it empty");
}

TEST(PasswordHashTest, Pbkdf2NeedsSaltIterationsOfAtLeast4096KeySizeAndAnHmacDigest) {
  const std::string_view key32 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  auto ok = Cells({{F::kHash, key32}, {F::kAlgorithm, "PBKDF2"}, {F::kSalt, "c2FsdA=="},
                   {F::kIterationCount, "4096"}, {F::kKeySize, "32"}, {F::kDigestAlgorithm, "sha256_hmac"}});
  EXPECT_EQ(Hash(ok),
            R"({"algorithm":"PBKDF2","iterationCount":4096,"keySize":32,"digestAlgorithm":"SHA256_HMAC","salt":"c2FsdA==","value":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})");
  auto bad = ok;
  bad[static_cast<std::size_t>(F::kIterationCount)] = "4095";
  EXPECT_EQ(Hash(bad).substr(0, 15), "iterationCount:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kKeySize)] = "64";
  EXPECT_EQ(Hash(bad).substr(0, 13), "passwordHash:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kDigestAlgorithm)] = "SHA1_HMAC";
  EXPECT_EQ(Hash(bad).substr(0, 16), "digestAlgorithm:");
  bad = ok;
  bad[static_cast<std::size_t>(F::kSalt)] = "";
  EXPECT_EQ(Hash(bad).substr(0, 13), "passwordSalt:");
}

TEST(PasswordHashTest, HashColumnsWithoutAHashAndUnknownOrMissingAlgorithmsAreRefused) {
  EXPECT_EQ(Hash(Cells({{F::kAlgorithm, "BCRYPT"}})).substr(0, 14), "hashAlgorithm:");
  EXPECT_NE(Hash(Cells({{F::kSalt, "abc"}})).find("passwordHash is empty"), std::string::npos);
  EXPECT_EQ(Hash(Cells({{F::kHash, "abc"}, {F::kAlgorithm, "ARGON2"}})).substr(0, 14), "hashAlgorithm:");
  EXPECT_EQ(Hash(Cells({{F::kHash, "abc"}})).substr(0, 14), "hashAlgorithm:");
  EXPECT_FALSE(AnyHashCell(Cells({{F::kSalt, "  "}})));
  EXPECT_TRUE(AnyHashCell(Cells({{F::kKeySize, "1"}})));
}

TEST(PasswordHashTest, Base64SizeFollowsRfc4648) {
  EXPECT_EQ(Base64DecodedSize("c2FsdA=="), 4);
  EXPECT_EQ(Base64DecodedSize("c2FsdA"), 4);
  EXPECT_EQ(Base64DecodedSize("c2FsdAx="), 5);
  EXPECT_EQ(Base64DecodedSize("c2Fsd"), -1);
  EXPECT_EQ(Base64DecodedSize("c2F=dA=="), -1);
  EXPECT_EQ(Base64DecodedSize("c2-_dA=="), -1);
  EXPECT_EQ(Base64DecodedSize(""), -1);
}

}  // namespace
}  // namespace okta_bulk
