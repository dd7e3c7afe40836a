// Writing CSV: RFC 4180 field quoting and the formula-injection guard for the results file.
// Pure functions that append to a caller-owned string, so a writer can reuse one buffer for
// every row and flush it in large blocks.
#pragma once
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace okta_bulk {

// Appends `field` to *out, quoted when it must be: when it contains ',', '"', CR or LF,
// begins or ends with a space or tab (so trimming readers keep it), or begins with a UTF-8
// BOM (which a reader would drop at the start of a file). Quotes inside are doubled.
// An empty field is written as nothing.
void AppendCsvField(std::string* out, std::string_view field);

// Appends the fields separated by ',' and ended by a single LF: we write LF, not RFC 4180's
// CRLF, because every consumer we target (Excel, LibreOffice, pandas, our reader) accepts
// it and the file stays diff-friendly. A record of one empty field is written as `""` so
// it is not read back as an (ignored) empty line; a record of zero fields cannot be
// represented and is written as an empty line.
void AppendCsvRecord(std::string* out, std::span<const std::string_view> fields);
void AppendCsvRecord(std::string* out, std::span<const std::string> fields);
void AppendCsvRecord(std::string* out, std::initializer_list<std::string_view> fields);

// True when a spreadsheet could take `cell` for a formula: it begins with '=', '+', '-',
// '@', tab or CR (OWASP "CSV Injection").
bool NeedsFormulaGuard(std::string_view cell);

// Like AppendCsvField, but when NeedsFormulaGuard(cell) the value written is `'` + cell, so
// spreadsheets show it as text. Use it for every cell that comes from user input or from
// server messages; note it also turns "-5" into "'-5".
void AppendCsvCellGuarded(std::string* out, std::string_view cell);

}  // namespace okta_bulk
