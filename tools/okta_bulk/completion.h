// Shell completions (bash, zsh, fish) and the man page of okta-bulk, generated at run time
// from the help text the CLI prints (MainHelp, CommandHelp): one source of truth, so they
// never drift from the flags. `okta-bulk completion bash|zsh|fish`, `okta-bulk man`.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace okta_bulk {

// One flag as its help line states it: "-o, --output PATH   results file ..." gives two
// flags, -o and --output, both taking a value.
struct HelpFlag {
  std::string name;         // "--output", "-o"
  std::string value;        // the placeholder ("PATH", "keep|clear"), "" for a switch
  std::string description;  // its help text, continuation lines joined
  // A lower-case placeholder lists the literal values ("assign|skip|update").
  std::vector<std::string> Choices() const;
  // The value names a file (PATH, PEM, ...).
  bool TakesFile() const;
};

struct HelpCommand {
  std::string name;     // "import", "groups create"
  std::string summary;  // its line in MainHelp ("create users (and add them to groups)")
  std::string help;     // CommandHelp(name)
  std::vector<HelpFlag> flags;  // from help, in order, --help and -h last
};

// The flag lines of a help text: lines that start "  -" (a flag column of 25 characters,
// the description from column 27 or on the next lines, which start with 27 spaces).
std::vector<HelpFlag> FlagsFromHelp(std::string_view help);

// Every command MainHelp lists (its "Commands:" section), each checked against
// CommandHelp; in MainHelp's order.
std::vector<HelpCommand> HelpCommands();

std::string BashCompletion();
std::string ZshCompletion();
std::string FishCompletion();
// okta-bulk(1) in man(7) roff: MainHelp, then a section per command with its flags.
std::string ManPage();

// `okta-bulk completion SHELL` and `okta-bulk man` (args without the program name):
// true when args[0] is one of them, with *exit_code set and the text in *out or the error in
// *err; false for any other command (left to ParseCommandLine).
bool RunDocCommand(const std::vector<std::string>& args, std::string* out, std::string* err,
                   int* exit_code);

}  // namespace okta_bulk
