// What the subcommands' parsers (tools/okta_bulk/cli_*.cc) share: walking the arguments,
// the flags every job takes (output, org, credentials, limits, resume, reports), the checks
// run after them, the org and credentials, and the help text of those flags. Internal to the
// okta_bulk_cli library; cli.h is the interface.
//
// A subcommand's parser is `bool ParseX(args, config, error)`: it hands ParseCommand a
// function for its own flags (tried before the shared ones, so it may also refuse a shared
// flag that does not apply to it), then runs its own checks and FinishJobFlags, in that order
// (the order of the usage errors).
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/okta_bulk/cli.h"

namespace okta_bulk {

// A whole number in [lo, hi], nothing else in `s`.
bool ParseInt(std::string_view s, int lo, int hi, int* out);
// A number as strtod reads it, nothing else in `s`.
bool ParseDouble(const std::string& s, double* out);

// Help text: the flags every row-reading command takes, with the exit statuses and the
// results file's columns.
extern const char kCommonFlags[];
// Help text: the login and id columns that name a user (update, assign, deactivate, ...).
extern const char kWhoColumns[];

enum class FlagStatus {
  kNotMine,  // not this parser's flag: the next one is asked
  kTaken,    // parsed
  kError,    // a usage error, in the parse's error
  kHelp,     // --help: the parse ends with the command's help
};

class FlagCursor;
// A subcommand's own flags: kNotMine for a flag it leaves to the shared ones.
using SubcommandFlags = std::function<FlagStatus(FlagCursor&)>;

// The shared flags whose values are not an option of the job itself: they are checked or
// combined once all flags are read.
struct SharedFlags {
  std::string org_url, token_file;
  std::string client_id, private_key, key_id, scopes;
  bool dpop = false;
  bool allow_insecure = false;
  bool offline = false;  // --offline: a dry run that does not ask the org
  bool output_given = false;
  double max_share = 1.0;
  int timeout_s = 30;
  std::vector<std::string> positional;
};

// The argument being parsed, for a flag parser: its name (the part before '=' of
// `--name=value`) and its value, inline or the next argument. Lives for one ParseFlags.
class FlagCursor {
 public:
  FlagCursor(const std::vector<std::string>& args, const std::string& command, std::string* error)
      : args_(args), command_(command), error_(error) {}

  const std::string& arg() const { return args_[i_]; }  // as typed
  const std::string& name() const { return name_; }
  bool has_inline() const { return has_inline_; }
  const std::string& inline_value() const { return value_; }
  const std::string& command() const { return command_; }

  // The flag's value: inline, or the next argument (consumed). false with the error set when
  // there is none.
  bool Need(std::string* out);
  // Sets the error to `message`; returns kError.
  FlagStatus Fail(std::string message);
  // "--x does not apply to CMD (okta-bulk CMD --help lists its flags)"
  FlagStatus DoesNotApply();
  // "unknown flag '--x' for CMD (okta-bulk CMD --help lists them)"
  FlagStatus Unknown();

 private:
  friend bool ParseFlags(const std::vector<std::string>&, const SubcommandFlags&, CliConfig*,
                         SharedFlags*, std::string*);
  bool Advance();  // to the next argument; false past the last

  const std::vector<std::string>& args_;
  const std::string& command_;
  std::string* error_;
  std::size_t i_ = 0;  // args_[0] is the command
  std::string name_, value_;
  bool has_inline_ = false;
};

// Reads args[1..] (args[0] is the command): each argument goes to `own`, then to the shared
// flags (into c->job() and `shared`); else it is an unknown flag, or a positional argument.
// false with `error` on a usage error; true with c->help set on --help (stop there).
bool ParseFlags(const std::vector<std::string>& args, const SubcommandFlags& own, CliConfig* c,
                SharedFlags* shared, std::string* error);

// ParseFlags, then the command's files and the limits: the start of every subcommand's
// parse. A row-reading command reads one CSV file (job->input_path); a listing
// (`listing_output`, the file its usage errors show, e.g. "users.csv") reads none and needs
// -o. The governor's in-flight bound and share and Ctrl-C's grace come from the flags.
// false with `error` on a usage error; true with c->help set on --help (stop there).
bool ParseCommand(const std::vector<std::string>& args, const SubcommandFlags& own,
                  CliConfig* c, JobOptions* job, SharedFlags* shared, std::string* error,
                  const char* listing_output = nullptr);

// The --group and --group-name values, checked; kError with the message otherwise.
FlagStatus TakeGroupId(FlagCursor& flag, std::vector<std::string>* ids);
FlagStatus TakeGroupName(FlagCursor& flag, std::vector<std::string>* names);

// The last checks every job shares (--resume, --overwrite, --retry-*, --offline), then the org
// and the credentials into c->http and c->oauth (`with_groups`: the default OAuth scopes
// include the groups'). A dry run without working credentials stays offline.
bool FinishJobFlags(SharedFlags& shared, bool with_groups, CliConfig* c, JobOptions* job,
                    std::string* error);

}  // namespace okta_bulk
