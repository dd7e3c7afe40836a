#include "pipeline/csv/printable.h"

#include <algorithm>
#include <limits>

namespace okta_bulk {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kHex[] = "0123456789abcdef";

bool IsPlain(unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; }

// The length of the valid UTF-8 sequence at the start of `s` and its code point, or 0 when
// it is not one (truncated, overlong, a surrogate, past U+10FFFF, a stray continuation byte).
std::size_t DecodeUtf8(std::string_view s, char32_t* cp) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  std::size_t len;
  char32_t v;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
  else return 0;
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i) & 0x3F);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}

bool IsFormatControl(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Appends `text` made safe to `out`, one whole character (or escape) at a time, while `out`
// stays within `max_out` bytes. Returns how many bytes of `text` were taken.
std::size_t AppendSafe(std::string* out, std::string_view text, std::size_t max_out) {
  std::size_t i = 0;
  char piece[8];
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::string_view add;
    std::size_t used = 1;
    if (IsPlain(c)) {
      // A run of plain bytes at once.
      std::size_t j = i + 1;
      while (j < text.size() && IsPlain(static_cast<unsigned char>(text[j]))) ++j;
      const std::size_t run = j - i;
      const std::size_t room = max_out > out->size() ? max_out - out->size() : 0;
      const std::size_t take = std::min(run, room);
      out->append(text.substr(i, take));
      i += take;
      if (take < run) return i;  // out of room
      continue;
    }
    char32_t cp = 0;
    std::size_t len = c >= 0x80 ? DecodeUtf8(text.substr(i), &cp) : 0;
    if (c < 0x80) {  // C0 control or DEL
      piece[0] = '\\';
      piece[1] = 'x';
      piece[2] = kHex[c >> 4];
      piece[3] = kHex[c & 0xF];
      add = std::string_view(piece, 4);
    } else if (len == 0) {
      add = kReplacement;
    } else if (IsFormatControl(cp)) {
      piece[0] = '\\';
      piece[1] = 'u';
      for (int k = 0; k < 4; ++k) piece[2 + k] = kHex[(cp >> (12 - 4 * k)) & 0xF];
      add = std::string_view(piece, 6);
      used = len;
    } else {
      add = text.substr(i, len);
      used = len;
    }
    if (out->size() + add.size() > max_out) return i;
    out->append(add);
    i += used;
  }
  return i;
}

// 104857 -> "104,857".
std::string GroupDigits(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendSafe(&out, text, std::numeric_limits<std::size_t>::max());
  return out;
}

std::string_view ErrorCellText(std::string_view text, std::string* scratch) {
  if (text.size() <= kMaxErrorCellBytes) {
    bool plain = true;
    for (char c : text) plain = plain && IsPlain(static_cast<unsigned char>(c));
    if (plain) return text;
  }
  scratch->clear();
  const std::size_t taken = AppendSafe(scratch, text, kMaxErrorCellBytes);
  if (taken < text.size()) {
    scratch->append("... (cut, ");
    scratch->append(GroupDigits(text.size()));
    scratch->append(" bytes in all)");
  }
  return *scratch;
}

}  // namespace okta_bulk
