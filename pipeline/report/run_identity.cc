#ifdef _WIN32  // MinGW-w64 declares gmtime_r and localtime_r only when asked (time.h)
#define _POSIX_THREAD_SAFE_FUNCTIONS 200112L
#endif
#include "pipeline/report/run_identity.h"

// OpenSSL's EVP digest only (no Beast, no TLS): a cheap header, already linked through net/.
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>  // read, close (the C runtime's io.h on Windows)

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "pipeline/files/platform.h"

namespace okta_bulk {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

std::string Format(RunIdentity::TimePoint t, bool utc) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  if (utc ? !::gmtime_r(&secs, &tm) : !::localtime_r(&secs, &tm)) return "";
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0) return "";
  std::string out = buf;
  if (utc) return out + "Z";
  // %z is "+0200"; ISO 8601's extended form wants "+02:00".
  char zone[16];
  if (std::strftime(zone, sizeof zone, "%z", &tm) != 5) return out;
  return out + std::string(zone, 3) + ":" + std::string(zone + 3, 2);
}

bool IsSecretFlag(std::string_view name) {
  return name == "--token" || name == "--api-token" || name == "--password" ||
         name == "--client-secret" || name == "--secret";
}

bool IsPemText(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n')) v.remove_prefix(1);
  return v.starts_with("-----BEGIN");
}

std::string RedactSecrets(std::string a, std::span<const std::string> secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    for (std::size_t at = a.find(s); at != std::string::npos; at = a.find(s, at + kRedacted.size()))
      a.replace(at, s.size(), kRedacted);
  }
  return a;
}

std::string Quoted(std::string a) {
  if (!a.empty() && a.find_first_of(" \t\n'\"$\\") == std::string::npos) return a;
  std::string q = "'";
  for (char c : a) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::string Iso8601Utc(RunIdentity::TimePoint t) { return Format(t, true); }
std::string Iso8601Local(RunIdentity::TimePoint t) { return Format(t, false); }

std::string RedactedCommandLine(std::span<const std::string> args,
                                std::span<const std::string> secrets) {
  std::string out = "okta-bulk";
  bool redact_next = false;
  bool key_next = false;
  for (const std::string& arg : args) {
    std::string a = arg;
    if (redact_next || (key_next && IsPemText(a))) {
      a = kRedacted;
    } else if (a.starts_with("--") && a.find('=') != std::string::npos) {
      const std::string name = a.substr(0, a.find('='));
      if (IsSecretFlag(name) || (name == "--private-key" && IsPemText(a.substr(name.size() + 1))))
        a = name + "=" + std::string(kRedacted);
    }
    redact_next = IsSecretFlag(arg);
    key_next = arg == "--private-key";
    out += ' ';
    out += Quoted(RedactSecrets(std::move(a), secrets));
  }
  return out;
}

bool HashInputFile(const std::string& path, uint64_t* bytes, std::string* sha256_hex,
                   std::string* error) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {  // a pipe or /dev/stdin: reading it would consume the input
    *error = path + " is not a regular file";
    return false;
  }
  // Checked regular above (a FIFO's open would wait for a writer; a swap between the checks
  // is caught by the fstat below).
  const int fd = platform::OpenForReading(path);
  if (fd < 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
            ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  std::vector<unsigned char> block(1 << 16);
  uint64_t total = 0;
  while (ok) {
    const ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    total += static_cast<uint64_t>(n);
    ok = EVP_DigestUpdate(ctx.get(), block.data(), static_cast<std::size_t>(n)) == 1;
  }
  const int read_errno = errno;
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
    *error = path + ": cannot hash it (" + std::strerror(read_errno) + ")";
    return false;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  sha256_hex->clear();
  for (unsigned int i = 0; i < len; ++i) {
    sha256_hex->push_back(kHex[digest[i] >> 4]);
    sha256_hex->push_back(kHex[digest[i] & 15]);
  }
  *bytes = total;
  return true;
}

}  // namespace okta_bulk
