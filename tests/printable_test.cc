// TerminalSafe and ErrorCellText: text from a CSV cell or a server shows no escape to a
// terminal, and results.csv's error cell is valid UTF-8, has no NUL and stays small.
#include "pipeline/csv/printable.h"

#include <gtest/gtest.h>

#include <string>

namespace okta_bulk {
namespace {

// An independent check: true when `s` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  return s.find("\xC2\x9B") != std::string_view::npos;  // CSI as a C1 character
}

TEST(TerminalSafeTest, EscapeSequencesAndControlsAreShownNotObeyed) {
  EXPECT_EQ(TerminalSafe("a\x1b[31mred\x1b[0m"), "a\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(TerminalSafe("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");  // OSC: set the title
  EXPECT_EQ(TerminalSafe(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(TerminalSafe("line\r\nnext\x7f"), "line\\x0d\\x0anext\\x7f");
  EXPECT_EQ(TerminalSafe("col\tcol"), "col\tcol");
  EXPECT_EQ(TerminalSafe("\xC2\x9B" "2J"), "\\u009b2J");     // C1 CSI, encoded as UTF-8
  EXPECT_EQ(TerminalSafe("abc\xE2\x80\xAE" "txt"), "abc\\u202etxt");  // right-to-left override
}

TEST(TerminalSafeTest, ValidUtf8PassesAndInvalidBytesBecomeReplacementCharacters) {
  const std::string text = "Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 plain ASCII";
  EXPECT_EQ(TerminalSafe(text), text);
  EXPECT_EQ(TerminalSafe("a\x9b" "b"), "a\xEF\xBF\xBD" "b");        // a lone C1 byte
  EXPECT_EQ(TerminalSafe("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(TerminalSafe("\xE6\x97"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  for (std::string_view bad : {"\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF\xFE"}) {
    std::string out = TerminalSafe(bad);
    EXPECT_TRUE(IsValidUtf8(out)) << out;
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
}

TEST(ErrorCellTextTest, ShortPlainTextIsReturnedWithoutACopy) {
  std::string scratch;
  const std::string_view text = "HTTP 400 E0000001: Api validation failed: login";
  EXPECT_EQ(ErrorCellText(text, &scratch).data(), text.data());
  EXPECT_TRUE(scratch.empty());
  EXPECT_EQ(ErrorCellText("", &scratch), "");
}

TEST(ErrorCellTextTest, AHugeHostileErrorBecomesABoundedValidCellThatSaysItWasCut) {
  std::string hostile;
  while (hostile.size() < 102400) hostile += std::string("\x1b]0;x\x07\0\xff\xC2\x9B", 10) + "text ";
  hostile.resize(102400);
  std::string scratch;
  std::string_view cell = ErrorCellText(hostile, &scratch);
  EXPECT_LE(cell.size(), kMaxErrorCellBytes + 40);
  EXPECT_TRUE(cell.ends_with("... (cut, 102,400 bytes in all)")) << cell.substr(cell.size() - 60);
  EXPECT_FALSE(HasControl(cell));
  EXPECT_EQ(cell.find('\0'), std::string_view::npos);
  EXPECT_TRUE(IsValidUtf8(cell));
}

TEST(ErrorCellTextTest, TheCutFallsBetweenCharacters) {
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xC3\xA9";  // 6000 bytes of 'é'
  std::string scratch;
  std::string_view cell = ErrorCellText(accents, &scratch);
  EXPECT_TRUE(IsValidUtf8(cell));
  EXPECT_TRUE(cell.starts_with(std::string(accents, 0, kMaxErrorCellBytes)));
  EXPECT_TRUE(cell.ends_with("... (cut, 6,000 bytes in all)"));
  // Exactly at the limit and plain: kept whole.
  const std::string full(kMaxErrorCellBytes, 'x');
  EXPECT_EQ(ErrorCellText(full, &scratch), full);
}

}  // namespace
}  // namespace okta_bulk
