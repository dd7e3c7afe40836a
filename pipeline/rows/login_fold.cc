#include "pipeline/rows/login_fold.h"

#include <array>
#include <cstdint>

#include "net/ascii.h"

namespace okta_bulk {
namespace {

// Fold targets for U+00C0..U+017F (192 + 128 = 320 code points). nullptr means "keep".
constexpr const char* kFold00C0[64] = {
    // C0-C7: À Á Â Ã Ä Å Æ Ç
    "a", "a", "a", "a", "a", "a", "ae", "c",
    // C8-CF: È É Ê Ë Ì Í Î Ï
    "e", "e", "e", "e", "i", "i", "i", "i",
    // D0-D7: Ð Ñ Ò Ó Ô Õ Ö ×
    "d", "n", "o", "o", "o", "o", "o", nullptr,
    // D8-DF: Ø Ù Ú Û Ü Ý Þ ß
    "o", "u", "u", "u", "u", "y", "th", "ss",
    // E0-E7: à á â ã ä å æ ç
    "a", "a", "a", "a", "a", "a", "ae", "c",
    // E8-EF: è é ê ë ì í î ï
    "e", "e", "e", "e", "i", "i", "i", "i",
    // F0-F7: ð ñ ò ó ô õ ö ÷
    "d", "n", "o", "o", "o", "o", "o", nullptr,
    // F8-FF: ø ù ú û ü ý þ ÿ
    "o", "u", "u", "u", "u", "y", "th", "y",
};

// Latin Extended-A, U+0100..U+017F, as ranges of code points sharing one base.
struct Range {
  char16_t first;
  char16_t last;
  const char* fold;
};
constexpr Range kExtA[] = {
    {0x0100, 0x0105, "a"}, {0x0106, 0x010D, "c"}, {0x010E, 0x0111, "d"},
    {0x0112, 0x011B, "e"}, {0x011C, 0x0123, "g"}, {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"}, {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},
    {0x0136, 0x0138, "k"}, {0x0139, 0x0142, "l"}, {0x0143, 0x014B, "n"},
    {0x014C, 0x0151, "o"}, {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"},
    {0x015A, 0x0161, "s"}, {0x0162, 0x0167, "t"}, {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"}, {0x0176, 0x0178, "y"}, {0x0179, 0x017E, "z"},
    {0x017F, 0x017F, "s"},
};

const char* FoldCodePoint(char32_t cp) {
  if (cp >= 0x00C0 && cp <= 0x00FF) return kFold00C0[cp - 0x00C0];
  if (cp >= 0x0100 && cp <= 0x017F) {
    for (const Range& r : kExtA)
      if (cp >= r.first && cp <= r.last) return r.fold;
  }
  return nullptr;
}

}  // namespace

std::string FoldLogin(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(AsciiLower(static_cast<char>(c)));
      ++i;
      continue;
    }
    // Only 2-byte sequences can encode U+00C0..U+017F (lead bytes 0xC3..0xC5).
    if (c >= 0xC3 && c <= 0xC5 && i + 1 < utf8.size()) {
      auto c2 = static_cast<unsigned char>(utf8[i + 1]);
      if ((c2 & 0xC0) == 0x80) {
        char32_t cp = (static_cast<char32_t>(c & 0x1F) << 6) | (c2 & 0x3F);
        if (const char* fold = FoldCodePoint(cp)) {
          out.append(fold);
          i += 2;
          continue;
        }
      }
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

}  // namespace okta_bulk
