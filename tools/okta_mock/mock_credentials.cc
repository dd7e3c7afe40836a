#include "tools/okta_mock/mock_credentials.h"

#include <cctype>
#include <optional>
#include <string>

namespace okta_bulk::mock {
namespace json = boost::json;
namespace {

bool IsRadix64(std::string_view s) {  // bcrypt's alphabet
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/')) return false;
  return true;
}

// Standard base64 (padding optional). Returns the decoded length, or nullopt when invalid.
std::optional<std::size_t> Base64DecodedLength(std::string_view s) {
  std::size_t pad = 0;
  while (!s.empty() && s.back() == '=') {
    s.remove_suffix(1);
    ++pad;
  }
  if (pad > 2 || s.empty()) return std::nullopt;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return std::nullopt;
  if (s.size() % 4 == 1) return std::nullopt;
  if (pad && (s.size() + pad) % 4 != 0) return std::nullopt;
  return s.size() * 3 / 4;
}

}  // namespace

bool PasswordMeetsPolicy(std::string_view p, bool password_policy) {
  if (!password_policy) return true;
  bool upper = false, lower = false, digit = false;
  for (char c : p) {
    upper |= (c >= 'A' && c <= 'Z');
    lower |= (c >= 'a' && c <= 'z');
    digit |= (c >= '0' && c <= '9');
  }
  return Utf8Length(p) >= 8 && upper && lower && digit;
}

// Hash import rules of contract §2. Appends causes; fills `params` (the hash minus value).
void ValidateHash(const json::value& hv, std::vector<Cause>& causes, json::object& params) {
  auto cause = [&](std::string_view name, std::string msg) {
    causes.push_back({"password.hash." + std::string(name), std::move(msg)});
  };
  if (!hv.is_object()) {
    cause("algorithm", "The field cannot be left blank");
    return;
  }
  const json::object& h = hv.get_object();
  for (const auto& kv : h)
    if (kv.key() != "value") params.emplace(kv.key(), kv.value());
  auto str = [&](std::string_view name) -> std::optional<std::string_view> {
    auto it = h.find(name);
    if (it == h.end() || !it->value().is_string()) return std::nullopt;
    return std::string_view(it->value().get_string());
  };
  auto integer = [&](std::string_view name) -> std::optional<int64_t> {
    auto it = h.find(name);
    if (it == h.end()) return std::nullopt;
    if (it->value().is_int64()) return it->value().get_int64();
    if (it->value().is_uint64()) return static_cast<int64_t>(it->value().get_uint64());
    return std::nullopt;
  };
  auto alg = str("algorithm");
  auto value = str("value");
  auto salt = str("salt");
  if (!alg) {
    cause("algorithm", "The field cannot be left blank");
    return;
  }
  std::size_t digest = 0;
  if (*alg == "SHA-512") digest = 64;
  else if (*alg == "SHA-256") digest = 32;
  else if (*alg == "SHA-1") digest = 20;
  else if (*alg == "MD5") digest = 16;
  if (*alg == "BCRYPT") {
    auto wf = integer("workFactor");
    if (!wf || *wf < 1 || *wf > 20) cause("workFactor", "must be an integer from 1 to 20");
    if (!salt || salt->size() != 22 || !IsRadix64(*salt))
      cause("salt", "must be 22 characters of bcrypt radix-64");
    if (!value || value->size() != 31 || !IsRadix64(*value))
      cause("value", "must be 31 characters of bcrypt radix-64");
  } else if (digest) {
    auto n = value ? Base64DecodedLength(*value) : std::nullopt;
    if (!n || *n != digest)
      cause("value", "must be the base64 " + std::string(*alg) + " digest (" +
                         std::to_string(digest) + " bytes)");
    if (salt && !salt->empty()) {
      if (!Base64DecodedLength(*salt)) cause("salt", "must be base64");
      auto order = str("saltOrder");
      if (!order || (*order != "PREFIX" && *order != "POSTFIX"))
        cause("saltOrder", "must be PREFIX or POSTFIX when a salt is given");
    }
  } else if (*alg == "PBKDF2") {
    if (!salt || !Base64DecodedLength(*salt)) cause("salt", "must be base64");
    auto iters = integer("iterationCount");
    if (!iters || *iters < 4096) cause("iterationCount", "must be an integer of at least 4096");
    auto key_size = integer("keySize");
    if (!key_size || *key_size < 1) cause("keySize", "must be a positive integer (bytes)");
    auto da = str("digestAlgorithm");
    if (!da || (*da != "SHA256_HMAC" && *da != "SHA512_HMAC"))
      cause("digestAlgorithm", "must be SHA256_HMAC or SHA512_HMAC");
    auto n = value ? Base64DecodedLength(*value) : std::nullopt;
    if (!n || (key_size && *key_size > 0 && *n != static_cast<std::size_t>(*key_size)))
      cause("value", "must be base64 of keySize bytes");
  } else {
    cause("algorithm", "must be one of BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2");
  }
}

// Reads body.credentials.password; appends causes.
Credential ReadCredentials(const json::object& body, std::vector<Cause>& causes,
                           json::object& hash_params, bool password_policy) {
  auto cit = body.find("credentials");
  if (cit == body.end() || !cit->value().is_object()) return Credential::kNone;
  const json::object& creds = cit->value().get_object();
  auto pit = creds.find("password");
  if (pit == creds.end() || !pit->value().is_object()) return Credential::kNone;
  const json::object& pw = pit->value().get_object();
  if (auto v = pw.find("value"); v != pw.end()) {
    std::string_view s = v->value().is_string() ? std::string_view(v->value().get_string()) : "";
    if (!PasswordMeetsPolicy(s, password_policy) || (!password_policy && s.empty()) || Utf8Length(s) > 72)
      causes.push_back({"password",
                        "Password requirements: at least 8 characters, a lowercase letter, an "
                        "uppercase letter, a number."});
    return Credential::kPassword;
  }
  if (auto h = pw.find("hash"); h != pw.end()) {
    ValidateHash(h->value(), causes, hash_params);
    return Credential::kHash;
  }
  if (auto k = pw.find("hook"); k != pw.end()) {
    const json::value& hv = k->value();
    if (!hv.is_object() || !hv.get_object().contains("type") ||
        hv.get_object().at("type") != "default")
      causes.push_back({"password.hook.type", "must be \"default\""});
    return Credential::kHook;
  }
  return Credential::kNone;
}

}  // namespace okta_bulk::mock
