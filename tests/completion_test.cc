// The completions and the man page (tools/okta_bulk/completion.h) are made from the help text
// the CLI prints: every command the parser knows and every flag any help names must be in
// them, every flag they offer must be one the parser takes, and the scripts must load in
// their shells. Also `--version` of the three executables.
#include "tools/okta_bulk/completion.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"  // TempDir
#include "tests/testing/subprocess.h"
#include "tools/okta_bulk/cli.h"

namespace okta_bulk {
namespace {

using testing::ProcessResult;
using testing::RunProcess;

// The OKTA_CLIENT_* variables cleared for the test (restored after).
class CleanEnvironment {
 public:
  CleanEnvironment() {
    for (const char* name : kNames) {
      if (const char* v = std::getenv(name)) saved_.emplace_back(name, v);
      ::unsetenv(name);
    }
  }
  ~CleanEnvironment() {
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  static constexpr const char* kNames[] = {
      "OKTA_CLIENT_ORGURL",       "OKTA_CLIENT_TOKEN",       "OKTA_CLIENT_CLIENTID",
      "OKTA_CLIENT_PRIVATEKEY",   "OKTA_CLIENT_PRIVATEKEYID", "OKTA_CLIENT_SCOPES"};
  std::vector<std::pair<std::string, std::string>> saved_;
};

bool Parses(std::vector<std::string> words, std::string* error) {
  words.insert(words.begin(), "okta-bulk");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  CliConfig config;
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), &config, error);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The commands the parser names when it is given an unknown one: a list kept by hand in
// cli.cc, apart from MainHelp, which the completions are made from.
std::vector<std::string> CommandsTheParserNames() {
  CleanEnvironment env;
  std::string error;
  EXPECT_FALSE(Parses({"no-such-command"}, &error));
  const std::string from = "The commands are: ";
  std::size_t begin = error.find(from);
  std::size_t end = error.find(" (okta-bulk --help");
  if (begin == std::string::npos || end == std::string::npos) {
    ADD_FAILURE() << "the parser's message changed: " << error;
    return {};
  }
  begin += from.size();
  std::vector<std::string> names;
  std::string list = error.substr(begin, end - begin);
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t j = list.find(", ", i);
    if (j == std::string::npos) j = list.size();
    names.push_back(list.substr(i, j - i));
    i = j + 2;
  }
  return names;
}

// Every flag a help text mentions anywhere, prose included ("--token-file", "-o").
std::set<std::string> FlagsMentioned(const std::string& help) {
  std::set<std::string> flags;
  static const std::regex kFlag(R"((^|[\s(,])(--?[a-z][a-z0-9-]*))");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), kFlag); it != std::sregex_iterator();
       ++it)
    flags.insert((*it)[2].str());
  return flags;
}

// The words of `flags="..."` in the bash script's case arm for `command`.
std::vector<std::string> BashFlagsOf(const std::string& script, const std::string& command) {
  std::size_t arm = script.find("\n    '" + command + "')\n");
  if (arm == std::string::npos) return {};
  std::size_t flags = script.find("flags=\"", arm);
  if (flags == std::string::npos) return {};
  flags += 7;
  return Words(script.substr(flags, script.find('"', flags) - flags));
}

// The path of a program on PATH, "" when there is none.
std::string Which(const std::string& program) {
  ProcessResult r = RunProcess({"/bin/sh", "-c", "command -v \"$0\"", program});
  if (r.exit_code != 0) return "";
  return r.out.substr(0, r.out.find('\n'));
}

TEST(CompletionTest, HelpCommandsAreEveryCommandTheParserKnows) {
  std::vector<std::string> expected = CommandsTheParserNames();
  ASSERT_GE(expected.size(), 15u);
  std::vector<std::string> listed;
  for (const HelpCommand& c : HelpCommands()) {
    listed.push_back(c.name);
    EXPECT_FALSE(c.summary.empty()) << c.name;
    EXPECT_EQ(c.help, CommandHelp(c.name));
  }
  std::sort(expected.begin(), expected.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, expected);
}

TEST(CompletionTest, FlagLinesGiveNamesValuesChoicesAndDescriptions) {
  const std::string help =
      "Usage: okta-bulk thing USERS.csv [flags]\n"
      "\n"
      "Prose mentioning --not-a-flag-line.\n"
      "Flags:\n"
      "  -o, --output PATH        results file (default results.csv; '-' = stdout)\n"
      "  --empty-cells keep|clear an empty cell leaves the attribute as it is\n"
      "                           or removes it\n"
      "  --existing assign|skip|update\n"
      "                           a login that already exists\n"
      "  --client-id ID, --private-key PEM, --dpop\n"
      "                           OAuth 2.0 service app\n"
      "  --quiet                  print nothing but errors\n"
      "  login or id              a column, not a flag\n";
  std::vector<HelpFlag> flags = FlagsFromHelp(help);
  std::vector<std::string> names;
  for (const HelpFlag& f : flags) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"-o", "--output", "--empty-cells", "--existing",
                                             "--client-id", "--private-key", "--dpop", "--quiet",
                                             "--help", "-h"}));
  EXPECT_EQ(flags[0].value, "PATH");
  EXPECT_TRUE(flags[0].TakesFile());
  EXPECT_EQ(flags[1].description, "results file (default results.csv; '-' = stdout)");
  EXPECT_EQ(flags[2].Choices(), (std::vector<std::string>{"keep", "clear"}));
  EXPECT_EQ(flags[2].description, "an empty cell leaves the attribute as it is or removes it");
  EXPECT_EQ(flags[3].Choices(), (std::vector<std::string>{"assign", "skip", "update"}));
  EXPECT_EQ(flags[3].description, "a login that already exists");
  EXPECT_EQ(flags[4].value, "ID");
  EXPECT_TRUE(flags[4].Choices().empty());
  EXPECT_FALSE(flags[4].TakesFile());
  EXPECT_TRUE(flags[5].TakesFile());
  EXPECT_EQ(flags[6].value, "");
  EXPECT_EQ(flags[6].description, "OAuth 2.0 service app");
  EXPECT_EQ(flags[7].value, "");
}

TEST(CompletionTest, EveryFlagOfEveryHelpIsInTheBashCompletion) {
  const std::string script = BashCompletion();
  for (const std::string& command : CommandsTheParserNames()) {
    std::vector<std::string> offered = BashFlagsOf(script, command);
    ASSERT_FALSE(offered.empty()) << command << " has no arm in:\n" << script;
    for (const std::string& flag : FlagsMentioned(CommandHelp(command)))
      EXPECT_NE(std::find(offered.begin(), offered.end(), flag), offered.end())
          << command << " " << flag;
    // The first word of every command is offered after `okta-bulk `.
    const std::string first = command.substr(0, command.find(' '));
    const std::string top_list = "compgen -W \"import ";
    std::size_t top = script.find(top_list);
    ASSERT_NE(top, std::string::npos);
    top += top_list.size() - 7;  // at "import"
    std::vector<std::string> top_words = Words(script.substr(top, script.find('"', top) - top));
    EXPECT_NE(std::find(top_words.begin(), top_words.end(), first), top_words.end()) << first;
  }
}

TEST(CompletionTest, EveryFlagTheCompletionsOfferIsOneTheParserTakes) {
  CleanEnvironment env;
  for (const HelpCommand& c : HelpCommands()) {
    std::vector<std::string> words = Words(c.name);
    for (const HelpFlag& f : c.flags) {
      std::vector<std::string> args = words;
      if (c.name != "export") args.push_back("in.csv");
      args.push_back(f.name);
      if (!f.value.empty()) args.push_back(f.Choices().empty() ? "1" : f.Choices().front());
      std::string error;
      Parses(args, &error);
      EXPECT_EQ(error.find("unknown flag"), std::string::npos) << c.name << " " << f.name << ": " << error;
    }
    // ... and the parser does refuse one that is not (the check can fail).
    std::string error;
    std::vector<std::string> args = words;
    args.push_back("--no-such-flag");
    EXPECT_FALSE(Parses(args, &error));
    EXPECT_NE(error.find("unknown flag"), std::string::npos) << c.name << ": " << error;
  }
}

TEST(CompletionTest, TheManPageHasASectionPerCommandWithItsFlags) {
  const std::string man = ManPage();
  EXPECT_EQ(man.find(".TH OKTA\\-BULK 1"), man.find(".TH"));
  for (const std::string& command : CommandsTheParserNames()) {
    std::string upper = command;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::string roff_name;
    for (char ch : upper) roff_name += ch == '-' ? std::string("\\-") : std::string(1, ch);
    const std::size_t section = man.find("\n.SH \"" + roff_name + "\"\n");
    ASSERT_NE(section, std::string::npos) << command;
    const std::size_t next = man.find("\n.SH ", section + 1);
    const std::string body = man.substr(section, next - section);
    for (const HelpFlag& f : FlagsFromHelp(CommandHelp(command))) {
      if (f.name == "--help" || f.name == "-h") continue;
      std::string roff_flag;
      for (char ch : f.name) roff_flag += ch == '-' ? std::string("\\-") : std::string(1, ch);
      // On a tagged paragraph's bold term line (".TP\n.B \-o, \-\-output PATH").
      bool found = false;
      for (std::size_t at = 0; (at = body.find("\n.TP\n.B ", at)) != std::string::npos; ++at) {
        const std::string term = body.substr(at + 8, body.find('\n', at + 8) - at - 8);
        found |= (" " + term + " ").find(" " + roff_flag + " ") != std::string::npos ||
                 (" " + term + " ").find(" " + roff_flag + ", ") != std::string::npos;
      }
      EXPECT_TRUE(found) << command << " " << f.name;
    }
  }
  // No line may start with a roff control character by accident (a help line "'-' = ..."
  // would be a request).
  for (std::size_t i = 0; (i = man.find('\n', i)) != std::string::npos; ++i)
    if (i + 1 < man.size() && man[i + 1] == '\'') ADD_FAILURE() << man.substr(i + 1, 40);
}

TEST(CompletionTest, TheManPageRendersWithoutWarnings) {
  if (Which("groff").empty()) GTEST_SKIP() << "no groff";
  testing::TempDir dir;
  dir.Write("okta-bulk.1", ManPage());
  ProcessResult r = RunProcess({"/bin/sh", "-c", "groff -man -Tutf8 -ww -z \"$0\"", dir.File("okta-bulk.1")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  ProcessResult text = RunProcess({"/bin/sh", "-c", "groff -man -Tutf8 \"$0\" | col -b", dir.File("okta-bulk.1")});
  EXPECT_NE(text.out.find("--existing assign|skip|update"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("okta-bulk import users.csv -o results.csv"), std::string::npos);
}

// Runs `script` in bash after loading `okta-bulk completion bash` from the binary.
ProcessResult InBash(const std::string& script) {
  return RunProcess({"/bin/bash", "-c",
                     "source <(\"$0\" completion bash) || exit 9\n" + script, OKTA_BULK_PATH});
}

// What the completion function offers for the words of a command line (the last is the
// word being completed).
std::string Complete(const std::string& words) {
  ProcessResult r = InBash("COMP_WORDS=(" + words +
                           "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _okta_bulk; "
                           "printf '%s\\n' \"${COMPREPLY[*]}\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

TEST(CompletionTest, TheBashCompletionLoadsAndCompletesCommandsFlagsAndValues) {
  ProcessResult r = InBash("complete -p okta-bulk");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "complete -o default -F _okta_bulk okta-bulk\n");
  EXPECT_EQ(Complete("okta-bulk imp"), "import");
  EXPECT_EQ(Complete("okta-bulk re"), "reactivate reset-password");
  EXPECT_EQ(Complete("okta-bulk gr"), "groups");
  EXPECT_EQ(Complete("okta-bulk groups c"), "create");
  EXPECT_EQ(Complete("okta-bulk comp"), "completion");
  EXPECT_EQ(Complete("okta-bulk completion ''"), "bash zsh fish");
  EXPECT_EQ(Complete("okta-bulk import u.csv --exi"), "--existing");
  EXPECT_EQ(Complete("okta-bulk import u.csv --existing ''"), "assign skip update");
  EXPECT_EQ(Complete("okta-bulk update u.csv --empty-cells c"), "clear");
  EXPECT_EQ(Complete("okta-bulk export --gr"), "--groups");
  EXPECT_EQ(Complete("okta-bulk delete u.csv --mi"), "--missing-ok");
  EXPECT_EQ(Complete("okta-bulk activate u.csv --se"), "--send-email");
  EXPECT_EQ(Complete("okta-bulk suspend u.csv --ye"), "--yes");
  EXPECT_EQ(Complete("okta-bulk unlock u.csv --ye"), "");  // unlock asks nothing
  EXPECT_EQ(Complete("okta-bulk import u.csv --sum"), "--summary-json");
  const std::string groups_create = Complete("okta-bulk groups create g.csv --");
  EXPECT_NE(groups_create.find("--output"), std::string::npos);
  EXPECT_EQ(groups_create.find("--existing"), std::string::npos);
}

TEST(CompletionTest, TheZshAndFishCompletionsLoadAndComplete) {
  testing::TempDir dir;
  const std::string zsh = Which("zsh"), fish = Which("fish");
  if (!zsh.empty()) {
    dir.Write("_okta-bulk", ZshCompletion());
    ProcessResult r = RunProcess({zsh, "-n", dir.File("_okta-bulk")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    // Loaded by compinit from $fpath, as the package installs it.
    ProcessResult loaded = RunProcess(
        {zsh, "-fc",
         "fpath=(\"$0\" $fpath); autoload -Uz compinit; compinit -u -d \"$0/zcompdump\"; "
         "print -r -- $_comps[okta-bulk]",
         dir.path().string()});
    EXPECT_EQ(loaded.out, "_okta-bulk\n") << loaded.err;
  } else {
    std::fprintf(stderr, "no zsh: the zsh script is not checked\n");
  }
  if (!fish.empty()) {
    dir.Write("okta-bulk.fish", FishCompletion());
    ProcessResult r = RunProcess({fish, "--no-config", "-c",
                                  "source $argv[1]; complete -C 'okta-bulk import u.csv --exi'; "
                                  "complete -C 'okta-bulk import u.csv --existing '; "
                                  "complete -C 'okta-bulk groups '; complete -C 'okta-bulk imp'",
                                  dir.File("okta-bulk.fish")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("--existing\t"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nassign\t"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nupdate\t"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("create\t"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("import\tcreate users"), std::string::npos) << r.out;
  } else {
    std::fprintf(stderr, "no fish: the fish script is not checked\n");
  }
}

TEST(CompletionTest, CompletionAndManAreCommandsOfTheBinary) {
  ProcessResult man = RunProcess({OKTA_BULK_PATH, "man"});
  EXPECT_EQ(man.exit_code, 0);
  EXPECT_EQ(man.out, ManPage());
  for (const char* shell : {"bash", "zsh", "fish"}) {
    ProcessResult r = RunProcess({OKTA_BULK_PATH, "completion", shell});
    EXPECT_EQ(r.exit_code, 0) << shell;
    EXPECT_NE(r.out.find("okta-bulk"), std::string::npos) << shell;
  }
  ProcessResult bad = RunProcess({OKTA_BULK_PATH, "completion", "powershell"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("bash, zsh or fish"), std::string::npos);
  EXPECT_EQ(RunProcess({OKTA_BULK_PATH, "completion"}).exit_code, 2);
  EXPECT_EQ(RunProcess({OKTA_BULK_PATH, "man", "extra"}).exit_code, 2);
}

TEST(VersionTest, TheThreeToolsPrintVersionCommitAndLibraries) {
  // The commit of this checkout, when it is one (the build wrote it at build time).
  const std::string source_dir = std::filesystem::path(TEST_DATA_DIR).parent_path().parent_path();
  ProcessResult git = RunProcess({"/bin/sh", "-c", "git -C \"$0\" rev-parse --short=12 HEAD 2>/dev/null", source_dir});
  std::string head = git.exit_code == 0 ? git.out.substr(0, git.out.find('\n')) : "";
  for (auto [path, name] : {std::pair{OKTA_BULK_PATH, "okta-bulk"}, std::pair{OKTA_MOCK_PATH, "okta-mock"},
                            std::pair{GEN_USERS_PATH, "gen-users"}}) {
    ProcessResult r = RunProcess({path, "--version"});
    EXPECT_EQ(r.exit_code, 0) << name << r.err;
    EXPECT_EQ(r.out.rfind(std::string(name) + " " OKTA_BULK_VERSION "\n", 0), 0u) << r.out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\ncommit: +([0-9a-f]{12}(-dirty)?|unknown)\n")))
        << r.out;
    if (!head.empty()) {
      EXPECT_EQ(m[1].str().substr(0, 12), head) << r.out;
    }
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\nBoost: +1\\.[0-9]+\\.[0-9]+\n"))) << r.out;
    // The OpenSSL loaded at run time, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\nOpenSSL: +OpenSSL [0-9]+\\.[0-9]+\\.[0-9]+")))
        << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\nsimdjson: +[0-9]+\\.[0-9]+\\.[0-9]+ \\(\\w+\\)\n")))
        << r.out;
  }
}

}  // namespace
}  // namespace okta_bulk
