#include "tools/okta_bulk/cli_common.h"

#include "pipeline/files/safe_file.h"
#include "pipeline/rows/user_row.h"
#include "tools/build_info.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace okta_bulk {

bool ParseInt(std::string_view s, int lo, int hi, int* out) {
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string& s, double* out) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return false;
  *out = v;
  return true;
}

const char kCommonFlags[] =
    "  -o, --output PATH        results file (default results.csv; '-' = stdout)\n"
    "  --delimiter C            the input's field separator: ',', ';', 'tab' (or '\\t') or\n"
    "                           '|' (default: whichever of ',', ';' and TAB splits the\n"
    "                           header line into the most columns; the results file is ',')\n"
    "  --org-url URL            the org, e.g. https://acme.okta.com (default $OKTA_CLIENT_ORGURL)\n"
    "  --token-file PATH        file holding the API token (default: $OKTA_CLIENT_TOKEN)\n"
    "  --client-id ID           authenticate as this OAuth 2.0 service app instead of with\n"
    "                           an API token (default $OKTA_CLIENT_CLIENTID)\n"
    "  --private-key PEM        the app's private key, RSA or EC P-256, for private_key_jwt\n"
    "                           (default $OKTA_CLIENT_PRIVATEKEY: a PEM file or the PEM text)\n"
    "  --key-id KID             the key's kid in the app (default $OKTA_CLIENT_PRIVATEKEYID)\n"
    "  --scopes 'S1 S2'         scopes to request (default: what the command needs;\n"
    "                           $OKTA_CLIENT_SCOPES)\n"
    "  --dpop                   send DPoP proofs from the first token request (default:\n"
    "                           only once the org asks for them)\n"
    "  --concurrency N          requests in flight at most (default 8; 1-512)\n"
    "  --max-attempts N         tries per request on 5xx/network errors (default 5)\n"
    "  --request-timeout SEC    bound on each phase of a request (default 30)\n"
    "  --max-stall SEC          stop (exit 3) when no row finishes for SEC seconds (default\n"
    "                           900; less once rate-limit resets are seen: 3 resets + 30 s)\n"
    "  --max-share F            use at most this share of each rate-limit bucket (0<F<=1,\n"
    "                           default 1)\n"
    "  --ca-file PEM            also trust this CA (TLS peer verification stays on)\n"
    "  --allow-insecure-http    allow http:// to a non-loopback host (never for a real org)\n"
    "  --resume                 continue an interrupted run: rows already in the results\n"
    "                           file are skipped, the rest are appended to it\n"
    "  --retry-failed           with --resume: send the rows that failed again too\n"
    "  --retry-changed          with --resume: send again the finished rows edited in the\n"
    "                           input since they ended (without it they are only counted)\n"
    "  --overwrite              start over although the results file holds an earlier\n"
    "                           run's results (kept as RESULTS.1); without it, and without\n"
    "                           --resume, such a file stops the run (exit 2)\n"
    "  --dry-run                validate the whole file and say what would be sent; sends\n"
    "                           nothing but, when credentials are set, the look-ups of the\n"
    "                           org's schema and groups (exit 1 if any row is invalid)\n"
    "  --quiet                  print nothing but errors (no progress line)\n"
    "  --progress-interval SEC  when stderr is not a terminal, a progress line every SEC\n"
    "                           seconds (default 5; on a terminal the line is redrawn in\n"
    "                           place a few times a second; NO_COLOR turns colours off)\n"
    "  --summary-json PATH      at the end, write the counts, rates, 429s and efficiency per\n"
    "                           bucket, exit status and abort reason as JSON (atomically)\n"
    "  --report PATH            at the end, write a self-contained HTML report: throughput,\n"
    "                           in flight, remaining budget per bucket and 429s over time,\n"
    "                           latency histogram, failures by error (open it in a browser)\n"
    "\n"
    "Exit status: 0 every row succeeded; 1 some rows invalid or failed; 2 bad usage or\n"
    "configuration (nothing sent); 3 aborted (e.g. the token was refused); 130 interrupted.\n"
    "The results file has one row per input row: row, login, outcome, userId, userStatus,\n"
    "httpStatus, errorCode, error, attempts, rowHash.\n";

const char kWhoColumns[] =
    "  login or id              which user; a row may give either (id wins when both are\n"
    "                           given; a login costs one lookup where an id is needed)\n";

namespace {

// A token or a PEM key is a few KiB at most; anything larger is the wrong file, and
// /dev/zero must not fill memory (issue 13).
constexpr std::size_t kMaxCredentialFileBytes = 64 * 1024;

// Reads the credential file at `path`, which `source` names for messages ("--token-file
// 'tok.txt'"); false with `error` set.
bool ReadCredentialFile(const std::string& path, const std::string& source, std::string* out,
                        std::string* error) {
  std::string why;
  switch (ReadSmallFile(path, kMaxCredentialFileBytes, out, &why)) {
    case ReadStatus::kOk: return true;
    case ReadStatus::kTooLarge:
      *error = source + " is larger than " + ByteLimitText(kMaxCredentialFileBytes) +
               "; is it the right file?";
      return false;
    case ReadStatus::kCannotRead: break;
  }
  *error = "cannot read " + source;
  return false;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

// Reads the service app's private key (a path, or PEM text from OKTA_CLIENT_PRIVATEKEY) and
// fills c->oauth.
bool LoadOAuth(const std::string& client_id, std::string private_key, const std::string& key_id,
               std::vector<std::string> scopes, bool dpop, int max_attempts, CliConfig* c,
               std::string* error) {
  std::string source = "--private-key '" + private_key + "'";
  if (private_key.empty()) {
    const char* env = std::getenv("OKTA_CLIENT_PRIVATEKEY");
    if (!env || Trim(env).empty()) {
      *error = "--client-id needs the app's private key: --private-key key.pem (or "
               "OKTA_CLIENT_PRIVATEKEY). The public half must be registered with the app";
      return false;
    }
    private_key = env;
    source = "OKTA_CLIENT_PRIVATEKEY";
  }
  std::string pem = private_key;
  if (Trim(private_key).rfind("-----BEGIN", 0) != 0) {  // a path
    if (source == "OKTA_CLIENT_PRIVATEKEY") source += " ('" + private_key + "')";
    if (!ReadCredentialFile(private_key, source, &pem, error)) return false;
  }
  std::string why;
  auto key = JwsKey::FromPem(pem, /*allow_public=*/false, &why);
  if (!key) {
    *error = source + ": " + why;
    return false;
  }
  OAuthOptions o;
  o.client_id = client_id;
  o.key_id = key_id;
  o.key = std::make_shared<const JwsKey>(std::move(*key));
  o.scopes = std::move(scopes);
  o.dpop = dpop ? DpopMode::kAlways : DpopMode::kAuto;
  o.max_attempts = max_attempts;
  c->oauth = std::move(o);
  return true;
}

}  // namespace

bool FlagCursor::Advance() {
  if (++i_ >= args_.size()) return false;
  const std::string& a = args_[i_];
  name_ = a;
  value_.clear();
  has_inline_ = false;
  if (a.starts_with("--") && a.find('=') != std::string::npos) {
    name_ = a.substr(0, a.find('='));
    value_ = a.substr(a.find('=') + 1);
    has_inline_ = true;
  }
  return true;
}

bool FlagCursor::Need(std::string* out) {
  if (has_inline_) {
    *out = value_;
    return true;
  }
  if (i_ + 1 >= args_.size()) {
    *error_ = name_ + " needs a value (okta-bulk " + command_ + " --help)";
    return false;
  }
  *out = args_[++i_];
  return true;
}

FlagStatus FlagCursor::Fail(std::string message) {
  *error_ = std::move(message);
  return FlagStatus::kError;
}

FlagStatus FlagCursor::DoesNotApply() {
  return Fail(name_ + " does not apply to " + command_ + " (okta-bulk " + command_ +
              " --help lists its flags)");
}

FlagStatus FlagCursor::Unknown() {
  return Fail("unknown flag '" + arg() + "' for " + command_ + " (okta-bulk " + command_ +
              " --help lists them)");
}

namespace {

// The flags every job takes, into c->job() and `s`.
FlagStatus ParseSharedFlag(FlagCursor& f, CliConfig* c, SharedFlags* s) {
  JobOptions& job = c->job();
  const std::string& name = f.name();
  std::string v;
  auto need = [&](std::string* out) { return f.Need(out); };
  if (name == "--help" || name == "-h") {
    return FlagStatus::kHelp;
  } else if (name == "-o" || name == "--output") {
    if (!need(&job.results_path)) return FlagStatus::kError;
    s->output_given = true;
  } else if (name == "--delimiter") {
    if (!need(&v)) return FlagStatus::kError;
    if (v == "," || v == ";" || v == "|") {
      job.delimiter = v[0];
    } else if (v == "tab" || v == "TAB" || v == "\\t" || v == "\t") {
      job.delimiter = '\t';
    } else {
      return f.Fail("--delimiter takes ',', ';', 'tab' or '|' (got '" + v + "')");
    }
  } else if (name == "--org-url") {
    if (!need(&s->org_url)) return FlagStatus::kError;
  } else if (name == "--token-file") {
    if (!need(&s->token_file)) return FlagStatus::kError;
  } else if (name == "--token" || name == "--api-token") {
    return f.Fail("the token is never taken from the command line (it would show in ps and shell "
                  "history). Use OKTA_CLIENT_TOKEN=... or --token-file PATH");
  } else if (name == "--client-id") {
    if (!need(&s->client_id)) return FlagStatus::kError;
  } else if (name == "--private-key") {
    if (!need(&s->private_key)) return FlagStatus::kError;
  } else if (name == "--key-id") {
    if (!need(&s->key_id)) return FlagStatus::kError;
  } else if (name == "--scopes") {
    if (!need(&s->scopes)) return FlagStatus::kError;
  } else if (name == "--dpop") {
    s->dpop = true;
  } else if (name == "--concurrency") {
    if (!need(&v)) return FlagStatus::kError;
    if (!ParseInt(v, 1, 512, &job.dispatch.workers))
      return f.Fail("--concurrency takes a whole number from 1 to 512, e.g. --concurrency 8");
  } else if (name == "--offline") {
    s->offline = true;
  } else if (name == "--max-attempts") {
    if (!need(&v)) return FlagStatus::kError;
    if (!ParseInt(v, 1, 100, &job.dispatch.max_attempts))
      return f.Fail("--max-attempts takes a whole number from 1 to 100");
  } else if (name == "--request-timeout") {
    if (!need(&v)) return FlagStatus::kError;
    if (!ParseInt(v, 1, 3600, &s->timeout_s))
      return f.Fail("--request-timeout takes seconds, from 1 to 3600");
  } else if (name == "--max-stall") {
    if (!need(&v)) return FlagStatus::kError;
    int max_stall_s = 0;
    if (!ParseInt(v, 1, 7 * 86400, &max_stall_s))
      return f.Fail("--max-stall takes seconds, from 1 to 604800 (a week)");
    job.dispatch.max_stall = std::chrono::seconds(max_stall_s);
  } else if (name == "--max-share") {
    if (!need(&v)) return FlagStatus::kError;
    if (!ParseDouble(v, &s->max_share) || !(s->max_share > 0 && s->max_share <= 1))
      return f.Fail("--max-share takes a fraction F with 0 < F <= 1, e.g. --max-share 0.8");
  } else if (name == "--ca-file") {
    if (!need(&c->http.ca_file)) return FlagStatus::kError;
  } else if (name == "--allow-insecure-http") {
    s->allow_insecure = true;
  } else if (name == "--resume") {
    job.resume = true;
  } else if (name == "--overwrite") {
    job.overwrite = true;
  } else if (name == "--yes") {
    c->yes = true;
  } else if (name == "--retry-failed") {
    job.retry_failed = true;
  } else if (name == "--retry-changed") {
    job.retry_changed = true;
  } else if (name == "--dry-run") {
    job.dry_run = true;
  } else if (name == "--quiet" || name == "-q") {
    c->quiet = true;
    job.quiet = true;
  } else if (name == "--summary-json") {
    if (!need(&c->summary_json)) return FlagStatus::kError;
  } else if (name == "--report") {
    if (!need(&c->report)) return FlagStatus::kError;
  } else if (name == "--progress-interval") {
    if (!need(&v)) return FlagStatus::kError;
    if (!ParseInt(v, 1, 3600, &c->progress_interval_s))
      return f.Fail("--progress-interval takes seconds, from 1 to 3600, e.g. --progress-interval 10");
  } else {
    return FlagStatus::kNotMine;
  }
  return FlagStatus::kTaken;
}

}  // namespace

bool ParseFlags(const std::vector<std::string>& args, const SubcommandFlags& own, CliConfig* c,
                SharedFlags* shared, std::string* error) {
  FlagCursor flag(args, c->command, error);
  while (flag.Advance()) {
    FlagStatus status = own(flag);
    if (status == FlagStatus::kNotMine) status = ParseSharedFlag(flag, c, shared);
    switch (status) {
      case FlagStatus::kTaken: continue;
      case FlagStatus::kError: return false;
      case FlagStatus::kHelp:
        c->help = true;
        c->help_text = CommandHelp(c->command);
        return true;
      case FlagStatus::kNotMine: break;
    }
    const std::string& a = flag.arg();
    if (a.starts_with("-") && a != "-") {
      flag.Unknown();
      return false;
    }
    shared->positional.push_back(a);
  }
  return true;
}

FlagStatus TakeGroupId(FlagCursor& flag, std::vector<std::string>* ids) {
  std::string v;
  if (!flag.Need(&v)) return FlagStatus::kError;
  if (!ValidOktaId(v))
    return flag.Fail("--group takes a group id, like --group 00g1abcd2EFGH3ijk4x5 (got '" + v + "')");
  ids->push_back(v);
  return FlagStatus::kTaken;
}

FlagStatus TakeGroupName(FlagCursor& flag, std::vector<std::string>* names) {
  std::string v;
  if (!flag.Need(&v)) return FlagStatus::kError;
  if (TrimSpaces(v).empty() || v.find(';') != std::string::npos)
    return flag.Fail("--group-name takes one group's name, e.g. --group-name Engineering (repeat "
                     "the flag for several)");
  names->emplace_back(TrimSpaces(v));
  return FlagStatus::kTaken;
}

namespace {

bool TakeInputFile(const SharedFlags& shared, const std::string& cmd, JobOptions* job,
                   std::string* error) {
  const std::vector<std::string>& positional = shared.positional;
  if (positional.size() != 1) {
    *error = positional.empty() ? cmd + " needs the CSV file: okta-bulk " + cmd + " users.csv -o results.csv"
                                : cmd + " takes one CSV file, got " + std::to_string(positional.size()) +
                                      " (flags go before or after it: okta-bulk " + cmd + " users.csv --concurrency 8)";
    return false;
  }
  job->input_path = positional[0];
  return true;
}

// A listing's output (-o, required) and no input.
bool TakeOutputFile(const SharedFlags& shared, const std::string& cmd, const char* example,
                    std::string* error) {
  if (!shared.positional.empty()) {
    *error = cmd + " reads no file; it writes one: okta-bulk " + cmd + " -o " + example;
    return false;
  }
  if (!shared.output_given) {
    *error = cmd + " needs the file to write: okta-bulk " + cmd + " -o " + example +
             " ('-o -' for stdout)";
    return false;
  }
  return true;
}

void ApplyLimits(const SharedFlags& shared, JobOptions* job) {
  job->governor.max_in_flight = job->dispatch.workers;
  job->governor.max_share = shared.max_share;
  // Ctrl-C: requests in flight get a few seconds, never more than a request may take.
  job->dispatch.interrupt_grace = std::min<std::chrono::milliseconds>(
      std::chrono::seconds(5), std::chrono::seconds(shared.timeout_s));
}

}  // namespace

bool ParseCommand(const std::vector<std::string>& args, const SubcommandFlags& own,
                  CliConfig* c, JobOptions* job, SharedFlags* shared, std::string* error,
                  const char* listing_output) {
  if (!ParseFlags(args, own, c, shared, error)) return false;
  if (c->help) return true;
  if (listing_output) {
    if (!TakeOutputFile(*shared, c->command, listing_output, error)) return false;
    job->input_path = "-";  // no input
  } else if (!TakeInputFile(*shared, c->command, job, error)) {
    return false;
  }
  ApplyLimits(*shared, job);
  return true;
}

namespace {

// The org and the credentials, from the flags and the environment, into c->http and c->oauth.
bool Connect(SharedFlags& s, bool with_groups, CliConfig* c, JobOptions& job, std::string* err) {
  const std::string& cmd = c->command;
  std::string& org_url = s.org_url;
  std::string& client_id = s.client_id;
  std::string& scopes = s.scopes;
  std::string& key_id = s.key_id;
  std::string& token_file = s.token_file;
  std::string& private_key = s.private_key;
  const bool allow_insecure = s.allow_insecure;
  const bool dpop = s.dpop;
  const int timeout_s = s.timeout_s;
  if (org_url.empty()) {
    const char* env = std::getenv("OKTA_CLIENT_ORGURL");
    if (env) org_url = env;
  }
  if (org_url.empty()) {
    *err = "no org URL: set OKTA_CLIENT_ORGURL=https://<your-org>.okta.com or pass --org-url";
    return false;
  }
  if (!OrgUrl::Parse(org_url, &c->http.org, err)) return false;
  c->http.allow_insecure_http = allow_insecure;
  if (!c->http.org.tls && !c->http.org.IsLoopback() && !allow_insecure) {
    *err = "refusing plain http:// to " + c->http.org.host +
           ": the token would cross the network unencrypted. Use https://, or "
           "--allow-insecure-http if you really mean it";
    return false;
  }
  c->http.user_agent = "okta-bulk/" OKTA_BULK_VERSION;
  c->http.timeout = std::chrono::seconds(timeout_s);
  if (client_id.empty())
    if (const char* env = std::getenv("OKTA_CLIENT_CLIENTID")) client_id = Trim(env);
  if (!client_id.empty()) {
    if (!token_file.empty()) {
      *err = "--token-file and --client-id are two ways to authenticate; give one";
      return false;
    }
    std::vector<std::string> scope_list;
    if (scopes.empty())
      if (const char* env = std::getenv("OKTA_CLIENT_SCOPES")) scopes = env;
    for (char& ch : scopes)
      if (ch == ',') ch = ' ';
    std::istringstream scope_words(scopes);
    for (std::string w; scope_words >> w;) scope_list.push_back(w);
    if (scope_list.empty()) scope_list = DefaultScopes(cmd, with_groups);
    job.dispatch.oauth = true;  // a 403 E0000006 then names the missing scope
    if (key_id.empty())
      if (const char* env = std::getenv("OKTA_CLIENT_PRIVATEKEYID")) key_id = Trim(env);
    return LoadOAuth(client_id, private_key, key_id, std::move(scope_list), dpop,
                     job.dispatch.max_attempts, c, err);
  }
  if (!private_key.empty() || !key_id.empty() || !scopes.empty() || dpop) {
    *err = "--private-key, --key-id, --scopes and --dpop go with --client-id (or "
           "OKTA_CLIENT_CLIENTID): okta-bulk " + cmd + " --help";
    return false;
  }

  std::string token;
  if (!token_file.empty()) {
    if (!ReadCredentialFile(token_file, "--token-file '" + token_file + "'", &token, err))
      return false;
    token = Trim(std::move(token));
  } else if (const char* env = std::getenv("OKTA_CLIENT_TOKEN")) {
    token = Trim(env);
  }
  if (token.empty()) {
    *err = "no API token: set OKTA_CLIENT_TOKEN or pass --token-file PATH "
           "(create one in the Admin Console: Security > API > Tokens)";
    return false;
  }
  if (token.find_first_of(" \r\n\t") != std::string::npos) {
    *err = "the API token contains whitespace; check OKTA_CLIENT_TOKEN / --token-file";
    return false;
  }
  c->http.authorization = "SSWS " + token;
  return true;
}

}  // namespace

bool FinishJobFlags(SharedFlags& s, bool with_groups, CliConfig* c, JobOptions* job_options,
                    std::string* error) {
  JobOptions& job = *job_options;
  const std::string& cmd = c->command;
  if (job.resume && job.overwrite) {
    *error = "--resume continues the results file and --overwrite starts a new one; give one";
    return false;
  }
  if (job.retry_failed && !job.resume) {
    *error = "--retry-failed goes with --resume: okta-bulk " + cmd + " users.csv -o results.csv --resume --retry-failed";
    return false;
  }
  if (job.retry_changed && !job.resume) {
    *error = "--retry-changed goes with --resume: okta-bulk " + cmd + " users.csv -o results.csv --resume --retry-changed";
    return false;
  }
  // The org and the credentials. A dry run sends nothing but the org look-ups (its user
  // schema, its groups: issue 14), and only when it has credentials; without them it stays
  // offline.
  if (job.dry_run && s.offline) return true;
  if (s.offline) {
    *error = "--offline goes with --dry-run (a run that sends asks the org first)";
    return false;
  }
  if (job.dry_run) {
    const HttpClientOptions offline = c->http;
    std::string ignored;
    if (!Connect(s, with_groups, c, job, &ignored)) {
      c->http = offline;
      c->oauth.reset();
      return true;
    }
    job.org_checks = true;
    job.org = c->http.org;
    return true;
  }
  if (!Connect(s, with_groups, c, job, error)) return false;
  job.org_checks = true;
  job.org = c->http.org;
  return true;
}

}  // namespace okta_bulk
