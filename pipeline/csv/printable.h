// Text from outside (CSV cells, error text from the server) made safe for where okta-bulk puts
// it: a terminal, where an escape sequence would be obeyed (move the cursor, retitle the
// window, hide the line), and results.csv's error cell, which must stay valid UTF-8 and small
// (issue 13: a server can answer 100 KB of escapes and NUL bytes per row). Pure functions.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace okta_bulk {

// `text` with every character a terminal would act on shown escaped instead: C0 controls but
// TAB as \xHH (ESC is \x1b, a newline \x0a), DEL as \x7f, C1 controls (U+0080-U+009F) and the
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) as \uHHHH; bytes that
// are not valid UTF-8 become U+FFFD. Everything else is unchanged.
std::string TerminalSafe(std::string_view text);

// The longest error text results.csv keeps in a cell.
inline constexpr std::size_t kMaxErrorCellBytes = 4096;

// `text` as results.csv stores an error: TerminalSafe's rules (so `cat results.csv` obeys no
// escape, and the cell is valid UTF-8 with no NUL and no line break), cut at
// kMaxErrorCellBytes on a character boundary with "... (cut, 104,857 bytes in all)" after it.
// Returns `text` itself, without copying, when it is short and plain ASCII (the common case);
// otherwise the text is built in `*scratch` and a view of it is returned.
std::string_view ErrorCellText(std::string_view text, std::string* scratch);

}  // namespace okta_bulk
