#include "tools/okta_bulk/cli.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace okta_bulk {
namespace {

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

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

std::string MainHelp() {
  return "okta-bulk " OKTA_BULK_VERSION
         ": move users into an Okta org from CSV, as fast as its rate limits allow.\n"
         "\n"
         "Usage: okta-bulk <command> [flags]\n"
         "\n"
         "Commands:\n"
         "  import USERS.csv   create users (and add them to groups); see okta-bulk import --help\n"
         "\n"
         "The org and the credentials come from the environment (or files), never from flags:\n"
         "  OKTA_CLIENT_ORGURL=https://acme.okta.com   (or --org-url)\n"
         "  OKTA_CLIENT_TOKEN=<API token>              (or --token-file PATH)\n"
         "\n"
         "Example:\n"
         "  okta-bulk import users.csv -o results.csv --concurrency 8 --group 00g1abc\n";
}

std::string ImportHelp() {
  return "Usage: okta-bulk import USERS.csv [flags]\n"
         "\n"
         "Creates one Okta user per CSV row (POST /api/v1/users with its groups in one request)\n"
         "and writes one result row per input row to the results file as rows finish.\n"
         "\n"
         "CSV columns (header first, any order, names case-insensitive):\n"
         "  login (required), email, firstName, lastName, password (empty = none),\n"
         "  groupId (one id or several separated by ';'); any other column is a custom\n"
         "  profile attribute sent as a string (an empty cell leaves it out).\n"
         "\n"
         "Flags:\n"
         "  -o, --output PATH        results file (default results.csv; '-' = stdout)\n"
         "  --org-url URL            the org, e.g. https://acme.okta.com (default $OKTA_CLIENT_ORGURL)\n"
         "  --token-file PATH        file holding the API token (default: $OKTA_CLIENT_TOKEN)\n"
         "  --concurrency N          requests in flight at most (default 8; 1-512)\n"
         "  --group ID               add every user to this group too (repeatable)\n"
         "  --no-activate            create users STAGED (activate=false) instead of activating\n"
         "  --existing assign|skip   a login that already exists: add it to the row's groups\n"
         "                           (assign, default) or leave it alone (skip); outcome 'existed'\n"
         "  --max-attempts N         tries per request on 5xx/network errors (default 5)\n"
         "  --request-timeout SEC    bound on each phase of a request (default 30)\n"
         "  --max-share F            use at most this share of each rate-limit bucket (0<F<=1,\n"
         "                           default 1)\n"
         "  --ca-file PEM            also trust this CA (TLS peer verification stays on)\n"
         "  --allow-insecure-http    allow http:// to a non-loopback host (never for a real org)\n"
         "  --resume                 continue an interrupted run: rows already in the results\n"
         "                           file are skipped, the rest are appended to it\n"
         "  --retry-failed           with --resume: send the rows that failed again too\n"
         "  --dry-run                validate the whole file and say what would be sent; sends\n"
         "                           nothing, needs no token (exit 1 if any row is invalid)\n"
         "  --quiet                  print nothing but errors\n"
         "\n"
         "Exit status: 0 every row created or existed; 1 some rows invalid or failed;\n"
         "2 bad usage or configuration (nothing sent); 3 aborted (e.g. the token was refused);\n"
         "130 interrupted.\n"
         "\n"
         "Example:\n"
         "  OKTA_CLIENT_ORGURL=https://acme.okta.com OKTA_CLIENT_TOKEN=$(cat token) \\\n"
         "    okta-bulk import users.csv -o results.csv --concurrency 8 --group 00g1abc\n";
}

bool ParseCommandLine(int argc, char** argv, CliConfig* c, std::string* error) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    *error = "no command given.\n\n" + MainHelp();
    return false;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    c->help = true;
    c->help_text = MainHelp();
    return true;
  }
  if (args[0] == "--version") {
    c->help = true;
    c->help_text = "okta-bulk " OKTA_BULK_VERSION "\n";
    return true;
  }
  c->command = args[0];
  if (c->command != "import") {
    *error = "unknown command '" + c->command + "'. Try: okta-bulk import users.csv (okta-bulk --help lists the commands)";
    return false;
  }

  std::string org_url, token_file, existing = "assign";
  bool allow_insecure = false;
  double max_share = 1.0;
  int timeout_s = 30;
  std::vector<std::string> positional;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool has_inline = false;
    if (a.starts_with("--") && a.find('=') != std::string::npos) {
      name = a.substr(0, a.find('='));
      value = a.substr(a.find('=') + 1);
      has_inline = true;
    }
    auto need = [&](std::string* out) -> bool {
      if (has_inline) {
        *out = value;
        return true;
      }
      if (i + 1 >= args.size()) {
        *error = name + " needs a value (okta-bulk import --help)";
        return false;
      }
      *out = args[++i];
      return true;
    };
    std::string v;
    if (name == "--help" || name == "-h") {
      c->help = true;
      c->help_text = ImportHelp();
      return true;
    } else if (name == "-o" || name == "--output") {
      if (!need(&c->import.results_path)) return false;
    } else if (name == "--org-url") {
      if (!need(&org_url)) return false;
    } else if (name == "--token-file") {
      if (!need(&token_file)) return false;
    } else if (name == "--token" || name == "--api-token") {
      *error = "the token is never taken from the command line (it would show in ps and shell "
               "history). Use OKTA_CLIENT_TOKEN=... or --token-file PATH";
      return false;
    } else if (name == "--concurrency") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 512, &c->import.dispatch.workers)) {
        *error = "--concurrency takes a whole number from 1 to 512, e.g. --concurrency 8";
        return false;
      }
    } else if (name == "--group") {
      if (!need(&v)) return false;
      c->import.extra_group_ids.push_back(v);
    } else if (name == "--no-activate") {
      c->import.task.activate = false;
    } else if (name == "--existing") {
      if (!need(&existing)) return false;
      if (existing != "assign" && existing != "skip") {
        *error = "--existing takes 'assign' or 'skip' (got '" + existing + "')";
        return false;
      }
    } else if (name == "--max-attempts") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 100, &c->import.dispatch.max_attempts)) {
        *error = "--max-attempts takes a whole number from 1 to 100";
        return false;
      }
    } else if (name == "--request-timeout") {
      if (!need(&v)) return false;
      if (!ParseInt(v, 1, 3600, &timeout_s)) {
        *error = "--request-timeout takes seconds, from 1 to 3600";
        return false;
      }
    } else if (name == "--max-share") {
      if (!need(&v)) return false;
      if (!ParseDouble(v, &max_share) || !(max_share > 0 && max_share <= 1)) {
        *error = "--max-share takes a fraction F with 0 < F <= 1, e.g. --max-share 0.8";
        return false;
      }
    } else if (name == "--ca-file") {
      if (!need(&c->http.ca_file)) return false;
    } else if (name == "--allow-insecure-http") {
      allow_insecure = true;
    } else if (name == "--resume") {
      c->import.resume = true;
    } else if (name == "--retry-failed") {
      c->import.retry_failed = true;
    } else if (name == "--dry-run") {
      c->import.dry_run = true;
    } else if (name == "--quiet" || name == "-q") {
      c->quiet = true;
    } else if (a.starts_with("-") && a != "-") {
      *error = "unknown flag '" + a + "' for import (okta-bulk import --help lists them)";
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) {
    *error = positional.empty() ? "import needs the CSV file: okta-bulk import users.csv -o results.csv"
                                : "import takes one CSV file, got " + std::to_string(positional.size()) +
                                      " (flags go before or after it: okta-bulk import users.csv --concurrency 8)";
    return false;
  }
  c->import.input_path = positional[0];
  c->import.task.existing = existing == "skip" ? ExistingPolicy::kSkip : ExistingPolicy::kAssign;
  c->import.governor.max_in_flight = c->import.dispatch.workers;
  c->import.governor.max_share = max_share;

  if (c->import.retry_failed && !c->import.resume) {
    *error = "--retry-failed goes with --resume: okta-bulk import users.csv -o results.csv --resume --retry-failed";
    return false;
  }
  if (c->import.dry_run) return true;  // no request is sent: no org or token needed

  if (org_url.empty()) {
    const char* env = std::getenv("OKTA_CLIENT_ORGURL");
    if (env) org_url = env;
  }
  if (org_url.empty()) {
    *error = "no org URL: set OKTA_CLIENT_ORGURL=https://<your-org>.okta.com or pass --org-url";
    return false;
  }
  if (!OrgUrl::Parse(org_url, &c->http.org, error)) return false;
  if (!c->http.org.tls && !c->http.org.IsLoopback() && !allow_insecure) {
    *error = "refusing plain http:// to " + c->http.org.host +
             ": the token would cross the network unencrypted. Use https://, or "
             "--allow-insecure-http if you really mean it";
    return false;
  }

  std::string token;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) {
      *error = "cannot read --token-file '" + token_file + "'";
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    token = Trim(ss.str());
  } else if (const char* env = std::getenv("OKTA_CLIENT_TOKEN")) {
    token = Trim(env);
  }
  if (token.empty()) {
    *error = "no API token: set OKTA_CLIENT_TOKEN or pass --token-file PATH "
             "(create one in the Admin Console: Security > API > Tokens)";
    return false;
  }
  if (token.find_first_of(" \r\n\t") != std::string::npos) {
    *error = "the API token contains whitespace; check OKTA_CLIENT_TOKEN / --token-file";
    return false;
  }
  c->http.authorization = "SSWS " + token;
  c->http.user_agent = "okta-bulk/" OKTA_BULK_VERSION;
  c->http.timeout = std::chrono::seconds(timeout_s);
  return true;
}

}  // namespace okta_bulk
