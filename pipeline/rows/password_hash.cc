#include "pipeline/rows/password_hash.h"

#include <algorithm>
#include <charconv>

#include "net/ascii.h"
#include "net/json_text.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

constexpr std::string_view kNames[kHashFieldCount] = {
    "passwordHash", "hashAlgorithm", "passwordSalt", "saltOrder",
    "workFactor", "iterationCount", "keySize", "digestAlgorithm"};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsBcryptRadix64(std::string_view s) {
  for (char c : s)
    if (!IsAlnum(c) && c != '.' && c != '/') return false;
  return true;
}

bool Fail(HashProblem* p, HashField f, std::string message) {
  p->field = f;
  p->message = std::move(message);
  return false;
}

// A whole number in [lo, hi] or false.
bool ParseBounded(std::string_view s, long lo, long hi, long* out) {
  long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

void Key(std::string* out, std::string_view name) {
  out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
}

}  // namespace

std::string_view HashFieldName(HashField field) { return kNames[static_cast<std::size_t>(field)]; }

bool HashFieldFromLowerName(std::string_view lower, HashField* field) {
  for (std::size_t i = 0; i < kHashFieldCount; ++i) {
    if (LowerAscii(kNames[i]) == lower) {
      *field = static_cast<HashField>(i);
      return true;
    }
  }
  return false;
}

bool AnyHashCell(const HashCells& cells) {
  for (std::string_view c : cells)
    if (!TrimSpaces(c).empty()) return true;
  return false;
}

long Base64DecodedSize(std::string_view s) {
  std::size_t pad = 0;
  while (!s.empty() && s.back() == '=') {
    s.remove_suffix(1);
    ++pad;
  }
  if (s.empty() || pad > 2) return -1;
  for (char c : s)
    if (!IsAlnum(c) && c != '+' && c != '/') return -1;
  if (s.size() % 4 == 1) return -1;
  if (pad && (s.size() + pad) % 4 != 0) return -1;
  return static_cast<long>(s.size() * 3 / 4);
}

bool AppendPasswordHash(std::string* out, const HashCells& raw, HashProblem* p) {
  HashCells c;
  for (std::size_t i = 0; i < kHashFieldCount; ++i) c[i] = TrimSpaces(raw[i]);
  auto cell = [&](HashField f) { return c[static_cast<std::size_t>(f)]; };
  using F = HashField;
  std::string_view value = cell(F::kHash);
  if (value.empty()) {
    for (std::size_t i = 1; i < kHashFieldCount; ++i)
      if (!c[i].empty())
        return Fail(p, static_cast<F>(i),
                    "is set but passwordHash is empty; give the hash too, or leave the hash "
                    "columns empty");
  }
  std::string algorithm = Upper(cell(F::kAlgorithm));
  std::string_view salt = cell(F::kSalt);
  std::string_view work_factor = cell(F::kWorkFactor);

  // Fields that do not belong to the algorithm are refused, so nothing is silently dropped.
  auto refuse_others = [&](std::initializer_list<F> allowed) {
    for (std::size_t i = 2; i < kHashFieldCount; ++i) {
      F f = static_cast<F>(i);
      if (c[i].empty() || std::find(allowed.begin(), allowed.end(), f) != allowed.end()) continue;
      return Fail(p, f, "does not apply to " + algorithm + " hashes; leave it empty");
    }
    return true;
  };

  if (algorithm.empty() || algorithm == "BCRYPT") {
    std::string mcf_salt, mcf_value;
    long cost = 0;
    if (value.starts_with("$2")) {
      // Modular crypt form: $2a$10$ + 22 salt + 31 hash = 60 characters.
      if (value.size() != 60 || !(value[2] == 'a' || value[2] == 'b' || value[2] == 'y') ||
          value[3] != '$' || value[6] != '$' || !ParseBounded(value.substr(4, 2), 0, 99, &cost))
        return Fail(p, F::kHash,
                    "is not a bcrypt hash in modular crypt form ($2a$, $2b$ or $2y$, a 2-digit "
                    "cost, '$', then 53 characters: 60 in all)");
      mcf_salt.assign(value.substr(7, 22));
      mcf_value.assign(value.substr(29));
      if (!IsBcryptRadix64(mcf_salt) || !IsBcryptRadix64(mcf_value))
        return Fail(p, F::kHash, "has characters outside bcrypt's alphabet ./A-Za-z0-9");
      if (cost < 1 || cost > 20)
        return Fail(p, F::kHash, "has the cost " + std::to_string(cost) +
                                     "; Okta accepts bcrypt work factors from 1 to 20");
      if (!salt.empty() && salt != mcf_salt)
        return Fail(p, F::kSalt, "differs from the salt inside passwordHash; leave it empty");
      long wf = 0;
      if (!work_factor.empty() && (!ParseBounded(work_factor, 0, 99, &wf) || wf != cost))
        return Fail(p, F::kWorkFactor, "differs from the cost inside passwordHash; leave it empty");
      algorithm = "BCRYPT";
      if (!refuse_others({F::kSalt, F::kWorkFactor})) return false;
      out->append("{\"algorithm\":\"BCRYPT\"");
      Key(out, "workFactor");
      out->append(std::to_string(cost));
      Key(out, "salt");
      AppendJsonString(out, mcf_salt);
      Key(out, "value");
      AppendJsonString(out, mcf_value);
      out->push_back('}');
      return true;
    }
    if (algorithm.empty())
      return Fail(p, F::kAlgorithm,
                  "is empty; name the algorithm (BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2), "
                  "or give a bcrypt hash like $2a$10$... in passwordHash");
    if (!refuse_others({F::kSalt, F::kWorkFactor})) return false;
    long wf = 0;
    if (!ParseBounded(work_factor, 1, 20, &wf))
      return Fail(p, F::kWorkFactor, work_factor.empty()
                                         ? "is empty; BCRYPT needs the work factor (1 to 20)"
                                         : "must be a whole number from 1 to 20");
    if (salt.size() != 22 || !IsBcryptRadix64(salt))
      return Fail(p, F::kSalt, "must be 22 characters of bcrypt's alphabet ./A-Za-z0-9 (has " +
                                   std::to_string(salt.size()) + ")");
    if (value.size() != 31 || !IsBcryptRadix64(value))
      return Fail(p, F::kHash, "must be 31 characters of bcrypt's alphabet ./A-Za-z0-9, or a "
                               "whole bcrypt string like $2a$10$...");
    out->append("{\"algorithm\":\"BCRYPT\"");
    Key(out, "workFactor");
    out->append(std::to_string(wf));
    Key(out, "salt");
    AppendJsonString(out, salt);
    Key(out, "value");
    AppendJsonString(out, value);
    out->push_back('}');
    return true;
  }

  long digest = algorithm == "SHA-512" ? 64
                : algorithm == "SHA-256" ? 32
                : algorithm == "SHA-1"   ? 20
                : algorithm == "MD5"     ? 16
                                         : 0;
  if (digest) {
    if (!refuse_others({F::kSalt, F::kSaltOrder})) return false;
    long n = Base64DecodedSize(value);
    if (n != digest)
      return Fail(p, F::kHash, "must be the base64 " + algorithm + " digest (" +
                                   std::to_string(digest) + " bytes, " +
                                   std::to_string((digest + 2) / 3 * 4) + " base64 characters)");
    std::string order = Upper(cell(F::kSaltOrder));
    if (!salt.empty()) {
      if (Base64DecodedSize(salt) < 0) return Fail(p, F::kSalt, "must be base64");
      if (order != "PREFIX" && order != "POSTFIX")
        return Fail(p, F::kSaltOrder,
                    order.empty() ? "is empty; a salted hash needs PREFIX or POSTFIX"
                                  : "must be PREFIX or POSTFIX");
    } else if (!order.empty()) {
      return Fail(p, F::kSaltOrder, "is set but passwordSalt is empty");
    }
    out->append("{\"algorithm\":");
    AppendJsonString(out, algorithm);
    if (!salt.empty()) {
      Key(out, "salt");
      AppendJsonString(out, salt);
      Key(out, "saltOrder");
      AppendJsonString(out, order);
    }
    Key(out, "value");
    AppendJsonString(out, value);
    out->push_back('}');
    return true;
  }

  if (algorithm == "PBKDF2") {
    if (!refuse_others({F::kSalt, F::kIterationCount, F::kKeySize, F::kDigestAlgorithm}))
      return false;
    if (salt.empty() || Base64DecodedSize(salt) < 0)
      return Fail(p, F::kSalt, salt.empty() ? "is empty; PBKDF2 needs the base64 salt"
                                            : "must be base64");
    long iterations = 0, key_size = 0;
    if (!ParseBounded(cell(F::kIterationCount), 4096, 2147483647L, &iterations))
      return Fail(p, F::kIterationCount, "must be a whole number of at least 4096");
    if (!ParseBounded(cell(F::kKeySize), 1, 1024, &key_size))
      return Fail(p, F::kKeySize, "must be the key size in bytes (a whole number, 1 to 1024)");
    std::string digest_algorithm = Upper(cell(F::kDigestAlgorithm));
    if (digest_algorithm != "SHA256_HMAC" && digest_algorithm != "SHA512_HMAC")
      return Fail(p, F::kDigestAlgorithm, "must be SHA256_HMAC or SHA512_HMAC");
    if (Base64DecodedSize(value) != key_size)
      return Fail(p, F::kHash, "must be the base64 derived key of keySize (" +
                                   std::to_string(key_size) + ") bytes");
    out->append("{\"algorithm\":\"PBKDF2\"");
    Key(out, "iterationCount");
    out->append(std::to_string(iterations));
    Key(out, "keySize");
    out->append(std::to_string(key_size));
    Key(out, "digestAlgorithm");
    AppendJsonString(out, digest_algorithm);
    Key(out, "salt");
    AppendJsonString(out, salt);
    Key(out, "value");
    AppendJsonString(out, value);
    out->push_back('}');
    return true;
  }
  return Fail(p, F::kAlgorithm, "'" + std::string(cell(F::kAlgorithm)) +
                                    "' is not one of BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2");
}

}  // namespace okta_bulk
