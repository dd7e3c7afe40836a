// Which run a summary JSON or a report is about: when it ran, which okta-bulk, what was
// typed (with no secret in it), which input (its size and SHA-256) and which org, with which
// kind of credential. Plain data plus the pure helpers that fill it; no state, any thread.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace okta_bulk {

struct RunIdentity {
  using TimePoint = std::chrono::system_clock::time_point;
  std::optional<TimePoint> started, ended;  // wall clock; nullopt = not known
  std::string version;                      // OKTA_BULK_VERSION
  std::string command_line;                 // as typed, through RedactedCommandLine
  std::string input_path;                   // "" = the command reads no input (export)
  std::optional<uint64_t> input_bytes;      // nullopt = not a regular file, or unreadable
  std::string input_sha256;                 // lowercase hex; "" = not hashed (as above)
  std::string org_host;                     // "acme.okta.com"; "" = none (a dry run)
  std::string org_url;                      // OrgUrl::Origin(): scheme, host, port if not default
  std::string auth;                         // "API token", "OAuth app <client id>", or ""
};

// "2024-05-01T12:03:04Z".
std::string Iso8601Utc(RunIdentity::TimePoint t);
// The same instant in the local time zone (TZ), with its offset: "2024-05-01T14:03:04+02:00".
std::string Iso8601Local(RunIdentity::TimePoint t);

// The command line for a record: `args` (argv without argv[0]) after "okta-bulk", each one
// quoted when it holds a blank or a quote. No secret survives: the value of a flag that
// would carry one (--token, --api-token, --password, --client-secret, and --private-key when
// it is PEM text rather than a path) and every occurrence of a string of `secrets` (the token
// read from OKTA_CLIENT_TOKEN or --token-file) become "[redacted]". Paths (--token-file,
// --private-key key.pem) stay.
std::string RedactedCommandLine(std::span<const std::string> args,
                                std::span<const std::string> secrets);

// Reads the regular file at `path` in blocks and sets its size and the SHA-256 of its
// content (lowercase hex). False, with `error` set, when it is not a regular file (a pipe is
// never opened: reading it would take the input from the run) or cannot be read.
bool HashInputFile(const std::string& path, uint64_t* bytes, std::string* sha256_hex,
                   std::string* error);

}  // namespace okta_bulk
