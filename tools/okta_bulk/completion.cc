// One file though over 600 lines: the help-text reader and its four generators (bash, zsh, fish,
// man) share a dozen small helpers (Lines, Trim, SplitColumns, ...) that a split would expose.
#include "tools/okta_bulk/completion.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "tools/build_info.h"
#include "tools/okta_bulk/cli.h"

namespace okta_bulk {
namespace {

// The help texts' layout: a flag (or a CSV column) in two spaces, its description from
// column 27; a command in MainHelp in two spaces, its description from column 24.
constexpr std::size_t kFlagDescColumn = 27;
constexpr std::size_t kCommandDescColumn = 24;

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool Indented(std::string_view line, std::size_t n) {
  return line.size() > n && line.find_first_not_of(' ') == n;
}

// Splits a line of the two-column layout into its term and the description on the same line
// ("" when the term is too wide and the description starts on the next line).
// `gap`: the spaces that must precede the column (a flag's term may fill all but one).
void SplitColumns(std::string_view line, std::size_t column, std::size_t gap,
                  std::string_view* term, std::string_view* desc) {
  if (line.size() > column && line[column] != ' ' &&
      line.substr(column - gap, gap).find_first_not_of(' ') == std::string_view::npos) {
    *term = Trim(line.substr(0, column));
    *desc = Trim(line.substr(column));
  } else {
    *term = Trim(line);
    *desc = {};
  }
}

std::vector<std::string> Split(std::string_view s, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find_first_of(separators, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsWord(std::string_view w) {  // a command word: lower-case letters and '-'
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '-';
  });
}

// "Activates users (POST ..." -> "activates users": the command's own first clause, for a
// MainHelp line that several commands share.
std::string FirstClause(std::string_view help) {
  auto lines = Lines(help);
  std::string_view first = lines.size() > 2 ? lines[2] : std::string_view{};
  std::size_t end = first.find_first_of("(.:;");
  std::string s(Trim(first.substr(0, end)));
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// The value after the command in its usage line ("USERS.csv"), "" when it takes none.
std::string PositionalOf(const HelpCommand& c) {
  std::string_view usage = Lines(c.help).empty() ? "" : Lines(c.help)[0];
  const std::string prefix = "Usage: okta-bulk " + c.name + " ";
  if (!usage.starts_with(prefix)) return {};
  usage.remove_prefix(prefix.size());
  std::string_view word = usage.substr(0, usage.find(' '));
  if (word.empty() || word[0] == '-' || word[0] == '[') return {};
  return std::string(word);
}

// The first sentence of a flag's description, for a one-line hint.
std::string Hint(std::string_view desc) {
  std::size_t end = desc.find(". ");
  std::string s(desc.substr(0, end));
  if (s.size() > 72) {
    s.resize(72);
    s = s.substr(0, s.rfind(' ')) + "...";
  }
  return s;
}

std::string SingleQuoted(std::string_view s) {  // for sh and zsh
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string FishQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string Join(const std::vector<std::string>& words, std::string_view sep = " ") {
  std::string s;
  for (const std::string& w : words) {
    if (!s.empty()) s += sep;
    s += w;
  }
  return s;
}

// The commands okta-bulk answers itself (RunDocCommand), besides MainHelp's.
struct DocCommand {
  const char* name;
  const char* summary;
};
constexpr DocCommand kDocCommands[] = {
    {"completion", "print a completion script for bash, zsh or fish"},
    {"man", "print the okta-bulk(1) man page"},
};

}  // namespace

std::vector<std::string> HelpFlag::Choices() const {
  if (value.empty()) return {};
  for (char c : value)
    if (!((c >= 'a' && c <= 'z') || c == '-' || c == '|')) return {};
  return Split(value, "|");
}

bool HelpFlag::TakesFile() const {
  return value == "PATH" || value == "PEM" || value.ends_with(".csv") ||
         value.find("FILE") != std::string::npos;
}

std::vector<HelpFlag> FlagsFromHelp(std::string_view help) {
  std::vector<HelpFlag> flags;
  std::vector<std::size_t> open;  // the flags of the current line, whose description goes on
  for (std::string_view line : Lines(help)) {
    if (Indented(line, kFlagDescColumn) && !open.empty()) {
      for (std::size_t i : open) {
        std::string& d = flags[i].description;
        if (!d.empty()) d += ' ';
        d += Trim(line);
      }
      continue;
    }
    open.clear();
    if (!line.starts_with("  -")) continue;
    std::string_view term, desc;
    SplitColumns(line, kFlagDescColumn, 1, &term, &desc);
    std::vector<HelpFlag> line_flags;
    std::size_t i = 0;
    while (i < term.size()) {  // "-o, --output PATH", "--client-id ID, --dpop"
      std::size_t j = term.find(", -", i);
      if (j == std::string_view::npos) j = term.size();
      std::string_view item = Trim(term.substr(i, j - i));
      std::size_t space = item.find(' ');
      HelpFlag f;
      f.name = std::string(item.substr(0, space));
      if (space != std::string_view::npos) f.value = std::string(Trim(item.substr(space)));
      f.description = std::string(desc);
      line_flags.push_back(std::move(f));
      i = j + 2;
    }
    // "-o, --output PATH": the short form takes the value of the long one after it.
    for (std::size_t k = 0; k + 1 < line_flags.size(); ++k)
      if (!line_flags[k].name.starts_with("--") && line_flags[k].value.empty())
        line_flags[k].value = line_flags[k + 1].value;
    for (HelpFlag& f : line_flags) {
      if (f.name.size() < 2) continue;
      const bool seen = std::any_of(flags.begin(), flags.end(),
                                    [&](const HelpFlag& g) { return g.name == f.name; });
      if (seen) continue;
      open.push_back(flags.size());
      flags.push_back(std::move(f));
    }
  }
  for (const char* name : {"--help", "-h"}) {
    if (std::none_of(flags.begin(), flags.end(), [&](const HelpFlag& f) { return f.name == name; }))
      flags.push_back({name, "", "this command's help"});
  }
  return flags;
}

std::vector<HelpCommand> HelpCommands() {
  std::vector<HelpCommand> commands;
  std::vector<std::size_t> pending;  // listed, waiting for their description
  bool in_section = false;
  const std::string main_help = MainHelp();
  for (std::string_view line : Lines(main_help)) {
    if (!in_section) {
      in_section = line == "Commands:";
      continue;
    }
    if (!line.starts_with("  ")) break;
    std::string_view term, desc;
    if (Indented(line, kCommandDescColumn)) {
      desc = Trim(line);
    } else {
      SplitColumns(line, kCommandDescColumn, 2, &term, &desc);
    }
    std::vector<std::string> words = Split(term, " ,");
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (!IsWord(words[i])) continue;
      std::string name = words[i];
      if (i + 1 < words.size() && IsWord(words[i + 1]) &&
          !CommandHelp(name + " " + words[i + 1]).empty()) {
        name += " " + words[++i];  // "groups create"
      }
      std::string help = CommandHelp(name);
      if (help.empty()) continue;
      if (std::any_of(commands.begin(), commands.end(),
                      [&](const HelpCommand& c) { return c.name == name; }))
        continue;
      pending.push_back(commands.size());
      commands.push_back({name, "", help, FlagsFromHelp(help)});
    }
    if (!desc.empty() && !pending.empty()) {
      const bool shared = pending.size() > 1;
      for (std::size_t i : pending)
        commands[i].summary = shared ? FirstClause(commands[i].help) : std::string(desc);
      pending.clear();
    }
  }
  for (std::size_t i : pending) commands[i].summary = FirstClause(commands[i].help);
  return commands;
}

std::string BashCompletion() {
  const std::vector<HelpCommand> commands = HelpCommands();
  std::vector<std::string> first_words;
  for (const HelpCommand& c : commands) {
    std::string w = c.name.substr(0, c.name.find(' '));
    if (std::find(first_words.begin(), first_words.end(), w) == first_words.end())
      first_words.push_back(w);
  }
  for (const DocCommand& d : kDocCommands) first_words.push_back(d.name);
  first_words.insert(first_words.end(), {"--help", "--version"});

  std::string s =
      "# bash completion for okta-bulk " OKTA_BULK_VERSION
      ", generated from its help by `okta-bulk completion bash`.\n"
      "# Installed as share/bash-completion/completions/okta-bulk, or for this shell only:\n"
      "#   source <(okta-bulk completion bash)\n"
      "_okta_bulk() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd\n"
      "  COMPREPLY=()\n"
      "  if (( COMP_CWORD == 1 )); then\n"
      "    COMPREPLY=($(compgen -W \"" + Join(first_words) + "\" -- \"$cur\"))\n"
      "    return 0\n"
      "  fi\n"
      "  cmd=\"${COMP_WORDS[1]}\"\n";
  // Two-word commands ("groups create"): the second word, then the pair.
  std::vector<std::string> groups_of;
  for (const HelpCommand& c : commands) {
    std::size_t space = c.name.find(' ');
    if (space == std::string::npos) continue;
    const std::string first = c.name.substr(0, space);
    std::vector<std::string> seconds;
    for (const HelpCommand& d : commands)
      if (d.name.starts_with(first + " ")) seconds.push_back(d.name.substr(space + 1));
    if (std::find(groups_of.begin(), groups_of.end(), first) != groups_of.end()) continue;
    groups_of.push_back(first);
    s += "  if [[ $cmd == " + first + " ]]; then\n"
         "    if (( COMP_CWORD == 2 )); then\n"
         "      COMPREPLY=($(compgen -W \"" + Join(seconds) + "\" -- \"$cur\"))\n"
         "      return 0\n"
         "    fi\n"
         "    cmd=\"" + first + " ${COMP_WORDS[2]}\"\n"
         "  fi\n";
  }
  s += "  local flags=\"\"\n"
       "  case \"$cmd\" in\n";
  for (const HelpCommand& c : commands) {
    std::vector<std::string> names, file_values, other_values;
    std::string choice_cases;
    for (const HelpFlag& f : c.flags) {
      names.push_back(f.name);
      if (f.value.empty()) continue;
      if (auto choices = f.Choices(); !choices.empty())
        choice_cases += "        " + f.name + ") COMPREPLY=($(compgen -W \"" + Join(choices) +
                        "\" -- \"$cur\")); return 0 ;;\n";
      else if (f.TakesFile())
        file_values.push_back(f.name);
      else
        other_values.push_back(f.name);
    }
    s += "    " + SingleQuoted(c.name) + ")\n"
         "      case \"$prev\" in\n" + choice_cases;
    if (!file_values.empty())  // a file: bash's default completion (complete -o default)
      s += "        " + Join(file_values, "|") + ") return 0 ;;\n";
    if (!other_values.empty())  // an id, a number, a URL: nothing to offer
      s += "        " + Join(other_values, "|") +
           ") compopt +o default 2>/dev/null; return 0 ;;\n";
    s += "      esac\n"
         "      flags=\"" + Join(names) + "\" ;;\n";
  }
  s += "    completion)\n"
       "      (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"))\n"
       "      return 0 ;;\n"
       "    *) return 0 ;;\n"
       "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
       "  fi\n"
       "  return 0  # otherwise the input file: file names (complete -o default)\n"
       "}\n"
       "complete -o default -F _okta_bulk okta-bulk\n";
  return s;
}

namespace {

std::string ZshDescription(std::string_view text) {  // inside [...] of an _arguments spec
  std::string out;
  for (char c : text) {
    if (c == '[') c = '(';
    if (c == ']') c = ')';
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string ZshFlagSpec(const HelpFlag& f) {
  std::string spec;
  if (f.description.find("(repeatable)") != std::string::npos) spec += "*";
  spec += f.name + "[" + ZshDescription(Hint(f.description)) + "]";
  if (!f.value.empty()) {
    std::string message = ZshDescription(f.value);
    if (auto choices = f.Choices(); !choices.empty())
      spec += ":" + message + ":(" + Join(choices) + ")";
    else if (f.TakesFile())
      spec += ":" + message + ":_files";
    else
      spec += ":" + message + ": ";
  }
  return SingleQuoted(spec);
}

}  // namespace

std::string ZshCompletion() {
  const std::vector<HelpCommand> commands = HelpCommands();
  std::string s =
      "#compdef okta-bulk\n"
      "# zsh completion for okta-bulk " OKTA_BULK_VERSION
      ", generated from its help by `okta-bulk completion zsh`.\n"
      "# Installed as share/zsh/vendor-completions/_okta-bulk (any directory in $fpath), or for\n"
      "# this shell only: source <(okta-bulk completion zsh)\n"
      "_okta-bulk() {\n"
      "  local -a commands subcommands\n"
      "  commands=(\n";
  std::vector<std::string> firsts;
  for (const HelpCommand& c : commands) {
    std::string first = c.name.substr(0, c.name.find(' '));
    if (std::find(firsts.begin(), firsts.end(), first) != firsts.end()) continue;
    firsts.push_back(first);
    s += "    " + SingleQuoted(first + ":" + c.summary) + "\n";
  }
  for (const DocCommand& d : kDocCommands)
    s += "    " + SingleQuoted(std::string(d.name) + ":" + d.summary) + "\n";
  s += "  )\n"
       "  if (( CURRENT == 2 )); then\n"
       "    if [[ $PREFIX == -* ]]; then\n"
       "      _arguments '--help[what okta-bulk does and its commands]' "
       "'--version[the version, commit and libraries]'\n"
       "    else\n"
       "      _describe -t commands 'okta-bulk command' commands\n"
       "    fi\n"
       "    return\n"
       "  fi\n"
       "  local cmd=$words[2]\n"
       "  local -i skip=1\n"
       "  case $cmd in\n";
  for (const std::string& first : firsts) {
    std::vector<std::string> seconds;
    for (const HelpCommand& c : commands)
      if (c.name.starts_with(first + " ")) seconds.push_back(c.name.substr(first.size() + 1));
    if (seconds.empty()) continue;
    s += "    " + first + ")\n"
         "      if (( CURRENT == 3 )); then\n"
         "        subcommands=(";
    for (const HelpCommand& c : commands)
      if (c.name.starts_with(first + " "))
        s += " " + SingleQuoted(c.name.substr(first.size() + 1) + ":" + c.summary);
    s += " )\n"
         "        _describe -t commands '" + first + " command' subcommands\n"
         "        return\n"
         "      fi\n"
         "      cmd=\"" + first + " $words[3]\"; skip=2 ;;\n";
  }
  s += "  esac\n"
       "  shift $skip words\n"
       "  (( CURRENT -= skip ))\n"
       "  case $cmd in\n";
  for (const HelpCommand& c : commands) {
    s += "    " + SingleQuoted(c.name) + ")\n"
         "      _arguments -S";
    for (const HelpFlag& f : c.flags) s += " \\\n        " + ZshFlagSpec(f);
    const std::string positional = PositionalOf(c);
    if (!positional.empty()) s += " \\\n        " + SingleQuoted("1:" + positional + ":_files");
    s += " ;;\n";
  }
  s += "    completion) _arguments '1:shell:(bash zsh fish)' ;;\n"
       "  esac\n"
       "}\n"
       "if [[ $funcstack[1] == _okta-bulk ]]; then\n"
       "  _okta-bulk \"$@\"\n"
       "else\n"
       "  compdef _okta-bulk okta-bulk\n"
       "fi\n";
  return s;
}

std::string FishCompletion() {
  const std::vector<HelpCommand> commands = HelpCommands();
  std::string s =
      "# fish completion for okta-bulk " OKTA_BULK_VERSION
      ", generated from its help by `okta-bulk completion fish`.\n"
      "# Installed as share/fish/vendor_completions.d/okta-bulk.fish, or for this shell only:\n"
      "#   okta-bulk completion fish | source\n"
      "complete -c okta-bulk -e\n"
      "complete -c okta-bulk -f\n"
      "complete -c okta-bulk -n __fish_use_subcommand -l help -s h -d "
      "'what okta-bulk does and its commands'\n"
      "complete -c okta-bulk -n __fish_use_subcommand -l version -d "
      "'the version, commit and libraries'\n";
  std::vector<std::string> firsts;
  for (const HelpCommand& c : commands) {
    const std::size_t space = c.name.find(' ');
    const std::string first = c.name.substr(0, space);
    if (std::find(firsts.begin(), firsts.end(), first) == firsts.end()) {
      firsts.push_back(first);
      s += "complete -c okta-bulk -n __fish_use_subcommand -a " + first + " -d " +
           FishQuoted(space == std::string::npos ? c.summary : first + " " + c.name.substr(space + 1)) +
           "\n";
    }
    std::string when = "__fish_seen_subcommand_from " + first;
    if (space != std::string::npos) {
      const std::string second = c.name.substr(space + 1);
      s += "complete -c okta-bulk -n " +
           FishQuoted(when + "; and not __fish_seen_subcommand_from " + second) + " -a " +
           second + " -d " + FishQuoted(c.summary) + "\n";
      when += "; and __fish_seen_subcommand_from " + second;
    }
    const std::string condition = " -n " + FishQuoted(when);
    if (!PositionalOf(c).empty()) s += "complete -c okta-bulk" + condition + " -F\n";
    for (const HelpFlag& f : c.flags) {
      s += "complete -c okta-bulk" + condition;
      s += f.name.starts_with("--") ? " -l " + f.name.substr(2) : " -s " + f.name.substr(1);
      if (!f.value.empty()) {
        if (auto choices = f.Choices(); !choices.empty())
          s += " -x -a " + FishQuoted(Join(choices));
        else
          s += f.TakesFile() ? " -r -F" : " -x";
      }
      s += " -d " + FishQuoted(Hint(f.description)) + "\n";
    }
  }
  for (const DocCommand& d : kDocCommands)
    s += std::string("complete -c okta-bulk -n __fish_use_subcommand -a ") + d.name + " -d " +
         FishQuoted(d.summary) + "\n";
  s += "complete -c okta-bulk -n '__fish_seen_subcommand_from completion' -x -a 'bash zsh fish'\n";
  return s;
}

namespace {

// Text for roff: backslashes escaped, '-' as the minus sign (so flags copy as typed), and a
// line that would start with a control character ('.' or ''') guarded.
std::string Roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// One help text as man(7): unindented lines are filled paragraphs, flag lines become tagged
// paragraphs (.TP) with their description, other indented blocks (CSV columns, examples)
// stay as they are (.nf).
std::string HelpBodyToRoff(std::string_view help) {
  std::string out;
  enum { kText, kFlags, kVerbatim } mode = kText;
  bool flag_open = false;  // the last .TP takes continuation lines
  auto set_mode = [&](decltype(mode) next) {
    if (mode == next) return;
    if (mode == kVerbatim) out += ".fi\n.RE\n";
    if (next == kVerbatim) out += ".RS 2\n.nf\n";
    if (next == kText && mode == kFlags) out += ".PP\n";
    mode = next;
  };
  for (std::string_view line : Lines(help)) {
    if (Trim(line).empty()) {
      set_mode(kText);
      out += ".PP\n";
      flag_open = false;
      continue;
    }
    if (flag_open && Indented(line, kFlagDescColumn)) {
      out += Roff(Trim(line)) + "\n";
      continue;
    }
    flag_open = false;
    if (line.starts_with("  -")) {
      std::string_view term, desc;
      SplitColumns(line, kFlagDescColumn, 1, &term, &desc);
      set_mode(kFlags);
      out += ".TP\n.B " + Roff(term) + "\n";
      if (!desc.empty()) out += Roff(desc) + "\n";
      flag_open = true;
    } else if (line.starts_with(" ")) {
      set_mode(kVerbatim);
      out += Roff(line) + "\n";
    } else {
      set_mode(kText);
      out += Roff(line) + "\n";
    }
  }
  set_mode(kText);
  return out;
}

}  // namespace

std::string ManPage() {
  const std::vector<HelpCommand> commands = HelpCommands();
  std::string s = ".\\\" okta-bulk(1), generated from its help text by `okta-bulk man`.\n"
                  ".TH OKTA\\-BULK 1 \"\" \"okta-bulk " OKTA_BULK_VERSION "\" \"User Commands\"\n"
                  ".SH NAME\n"
                  "okta\\-bulk \\- move users into and out of an Okta org from CSV files\n"
                  ".SH SYNOPSIS\n";
  for (const HelpCommand& c : commands) {
    const std::string positional = PositionalOf(c);
    s += ".B okta\\-bulk " + Roff(c.name) + "\n" +
         (positional.empty() ? "" : ".I " + Roff(positional) + "\n") + "[flags]\n.br\n";
  }
  s += ".B okta\\-bulk completion\nbash|zsh|fish\n.br\n"
       ".B okta\\-bulk man\n.br\n"
       ".B okta\\-bulk \\-\\-help\n|\n.B \\-\\-version\n"
       ".SH DESCRIPTION\n";
  // MainHelp without its first line (NAME says it) and its usage line (SYNOPSIS does).
  const std::string main_help = MainHelp();
  std::string description;
  bool first = true;
  for (std::string_view line : Lines(main_help)) {
    if (std::exchange(first, false) || line.starts_with("Usage:")) continue;
    description += std::string(line) + "\n";
  }
  s += HelpBodyToRoff(description);
  s += ".SH COMMANDS\n"
       "Each command's section below is its help, as\n.B okta\\-bulk\n.I command\n"
       ".B \\-\\-help\nprints it.\n";
  for (const HelpCommand& c : commands) {
    s += ".SH \"" + Roff(Upper(c.name)) + "\"\n";
    s += HelpBodyToRoff(c.help);
  }
  s += ".SH \"SHELL COMPLETION\"\n"
       ".B okta\\-bulk completion bash\n"
       "(and zsh, fish) prints a completion script made from the same help text, installed\n"
       "with the package; for one shell only:\n"
       ".RS 2\n.nf\nsource <(okta\\-bulk completion bash)\n.fi\n.RE\n"
       ".SH \"SEE ALSO\"\n"
       ".BR okta\\-mock (1),\n"
       ".BR gen\\-users (1)\n";
  return s;
}

bool RunDocCommand(const std::vector<std::string>& args, std::string* out, std::string* err,
                   int* exit_code) {
  if (args.empty() || (args[0] != "completion" && args[0] != "man")) return false;
  *exit_code = 0;
  const bool wants_help = args.size() == 2 && (args[1] == "--help" || args[1] == "-h");
  if (args[0] == "man") {
    if (args.size() == 1) {
      *out = ManPage();
    } else if (wants_help) {
      *out = "Usage: okta-bulk man\n\nPrints okta-bulk(1), the man page, in roff:\n"
             "  okta-bulk man | man -l -\n";
    } else {
      *err = "man takes no arguments: okta-bulk man | man -l -";
      *exit_code = 2;
    }
    return true;
  }
  const std::string usage = "Usage: okta-bulk completion bash|zsh|fish\n";
  if (wants_help) {
    *out = usage +
           "\nPrints the completion script for the shell. For this shell only:\n"
           "  source <(okta-bulk completion bash)\n"
           "  source <(okta-bulk completion zsh)\n"
           "  okta-bulk completion fish | source\n";
  } else if (args.size() == 2 && args[1] == "bash") {
    *out = BashCompletion();
  } else if (args.size() == 2 && args[1] == "zsh") {
    *out = ZshCompletion();
  } else if (args.size() == 2 && args[1] == "fish") {
    *out = FishCompletion();
  } else {
    *err = "completion takes one shell: bash, zsh or fish (okta-bulk completion bash)";
    *exit_code = 2;
  }
  return true;
}

}  // namespace okta_bulk
