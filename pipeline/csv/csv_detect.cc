// Reading what a CSV file is before parsing it: its delimiter (DetectDelimiter, from the
// header line) and its encoding (Utf16Decoder transcodes UTF-16 input to UTF-8). Declared in
// csv_reader.h; the tokenizer and the reader are in csv_reader.cc.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/csv/csv_bom.h"
#include "pipeline/csv/csv_reader.h"

namespace okta_bulk {

namespace {

// Fields of the first line of `text` with `delimiter` minus one (the delimiters outside
// quotes), or -1 when `text` ends before the line does.
long CountDelimiters(std::string_view text, char delimiter) {
  enum { kStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kStart;
  long count = 0;
  for (char c : text) {
    switch (state) {
      case kStart:
      case kUnquoted:
      case kQuoteInQuoted:
        if (c == delimiter) {
          ++count;
          state = kStart;
        } else if (c == '\r' || c == '\n') {
          return count;
        } else if (c == '"') {
          state = state == kStart ? kQuoted : state == kQuoteInQuoted ? kQuoted : kUnquoted;
        } else {
          state = kUnquoted;
        }
        break;
      case kQuoted:
        if (c == '"') state = kQuoteInQuoted;
        break;
    }
  }
  return -1;
}

}  // namespace

char DetectDelimiter(std::string_view text, bool at_end) {
  const std::string_view bom(kBom, 3);
  if (text.starts_with(bom)) {
    text.remove_prefix(3);
  } else if (!at_end && text.size() < 3 && bom.starts_with(text)) {
    return kDetectDelimiter;
  }
  // Empty lines before the header are skipped by the tokenizer, so here too.
  text.remove_prefix(std::min(text.find_first_not_of("\r\n"), text.size()));
  if (text.empty() && !at_end) return kDetectDelimiter;
  char best = ',';
  long best_count = -1;
  for (char candidate : {',', ';', '\t'}) {
    long count = CountDelimiters(text, candidate);
    if (count < 0) {
      if (!at_end) return kDetectDelimiter;
      // A header without a line break: count to its end.
      count = CountDelimiters(std::string(text) + "\n", candidate);
    }
    if (count > best_count) {
      best = candidate;
      best_count = count;
    }
  }
  return best;
}

std::string DelimiterName(char delimiter) {
  if (delimiter == '\t') return "TAB";
  return std::string("'") + delimiter + "'";
}

std::size_t Utf16Decoder::Unit(uint16_t unit, char* out) {
  std::size_t w = 0;
  auto put3 = [&](uint32_t cp) {
    out[w++] = static_cast<char>(0xE0 | (cp >> 12));
    out[w++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[w++] = static_cast<char>(0x80 | (cp & 0x3F));
  };
  if (high_ != 0) {
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      const uint32_t cp = 0x10000 + ((uint32_t{high_} - 0xD800) << 10) + (unit - 0xDC00);
      high_ = 0;
      out[w++] = static_cast<char>(0xF0 | (cp >> 18));
      out[w++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out[w++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[w++] = static_cast<char>(0x80 | (cp & 0x3F));
      return w;
    }
    put3(high_);  // a lone high surrogate: kept visible (and invalid), never dropped
    high_ = 0;
  }
  if (unit < 0x80) {
    out[w++] = static_cast<char>(unit);
  } else if (unit < 0x800) {
    out[w++] = static_cast<char>(0xC0 | (unit >> 6));
    out[w++] = static_cast<char>(0x80 | (unit & 0x3F));
  } else if (unit >= 0xD800 && unit <= 0xDBFF) {
    high_ = unit;
  } else {
    put3(unit);  // includes a lone low surrogate, written as invalid UTF-8
  }
  return w;
}

std::size_t Utf16Decoder::Convert(std::string_view in, char* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::size_t i = 0, w = 0;
  auto unit_of = [this](unsigned char a, unsigned char b) {
    return static_cast<uint16_t>(big_endian_ ? (a << 8) | b : (b << 8) | a);
  };
  if (have_byte_ && n > 0) {
    have_byte_ = false;
    w += Unit(unit_of(byte_, p[0]), out + w);
    i = 1;
  }
  for (; i + 1 < n; i += 2) {
    const uint16_t unit = unit_of(p[i], p[i + 1]);
    if (unit < 0x80 && high_ == 0) {
      out[w++] = static_cast<char>(unit);
    } else {
      w += Unit(unit, out + w);
    }
  }
  if (i < n) {
    have_byte_ = true;
    byte_ = p[i];
  }
  return w;
}

std::size_t Utf16Decoder::Finish(char* out) {
  std::size_t w = 0;
  if (high_ != 0) {
    const uint16_t high = high_;
    high_ = 0;
    out[w++] = static_cast<char>(0xE0 | (high >> 12));
    out[w++] = static_cast<char>(0x80 | ((high >> 6) & 0x3F));
    out[w++] = static_cast<char>(0x80 | (high & 0x3F));
  }
  if (have_byte_) {  // half a code unit: not text; 0xFF is never valid UTF-8
    have_byte_ = false;
    out[w++] = '\xFF';
  }
  return w;
}

}  // namespace okta_bulk
