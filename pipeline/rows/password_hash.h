// Hashed-password import: the CSV hash columns of one row checked per algorithm and turned
// into Okta's `credentials.password.hash` object (contract §2). Pure functions; no state.
//
// Columns (names case-insensitive): passwordHash, hashAlgorithm (BCRYPT, SHA-512, SHA-256,
// SHA-1, MD5, PBKDF2), passwordSalt, saltOrder (PREFIX, POSTFIX), workFactor,
// iterationCount, keySize, digestAlgorithm (SHA256_HMAC, SHA512_HMAC).
// A bcrypt string in modular crypt form ($2a$/$2b$/$2y$, 2-digit cost, '$', 22-char salt,
// 31-char hash) in passwordHash with hashAlgorithm empty or BCRYPT is split into
// workFactor, salt and value.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace okta_bulk {

enum class HashField : unsigned char {
  kHash, kAlgorithm, kSalt, kSaltOrder, kWorkFactor, kIterationCount, kKeySize, kDigestAlgorithm
};
inline constexpr std::size_t kHashFieldCount = 8;

// The column name of each field as Okta-bulk documents it ("passwordHash", ...).
std::string_view HashFieldName(HashField field);
// The field a lowercased header name stands for, or false.
bool HashFieldFromLowerName(std::string_view lower, HashField* field);

using HashCells = std::array<std::string_view, kHashFieldCount>;  // indexed by HashField

struct HashProblem {
  HashField field = HashField::kHash;
  std::string message;  // e.g. "must be 22 characters of bcrypt's alphabet ./A-Za-z0-9"
};

// True when any hash cell of the row is non-empty (after trimming spaces).
bool AnyHashCell(const HashCells& cells);

// Checks the row's hash cells (REQUIRES: AnyHashCell) and appends the JSON hash object,
// e.g. {"algorithm":"BCRYPT","workFactor":10,"salt":"...","value":"..."}, to `out`.
// Returns false with the field at fault and why otherwise.
bool AppendPasswordHash(std::string* out, const HashCells& cells, HashProblem* problem);

// Standard base64 (RFC 4648 §4, '=' padding optional): the decoded length, or -1.
long Base64DecodedSize(std::string_view s);

}  // namespace okta_bulk
