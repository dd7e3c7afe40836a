// libFuzzer target for the CSV tokenizer and reader (pipeline/csv/csv_reader.h).
//
// Input: byte 0 picks the options and seeds the chunk splitting; the rest is the CSV text.
// Byte 0: bits 0-1 == 0 a tiny record limit (bits 5-7 its size); bits 2-3 the delimiter
// (',', ';', TAB, '|'); bit 4 reads the text as UTF-16 (LE or BE by the input's length)
// behind its byte order mark.
// Checks, beyond "no crash, no sanitizer report":
//  1. Chunking never changes the result: the records of the whole input fed as one chunk
//     equal those of the same input fed in random pieces (empty pieces included), each piece
//     in its own heap buffer that is freed as soon as Next() has returned false, so a
//     tokenizer that kept a pointer into an old chunk is caught by ASan.
//  2. CsvReader over a source that returns random short reads gives the same records.
//  3. Records are numbered 0, 1, 2, ...; each starts on a later line than the one before;
//     a kRecordTooLarge record has no fields; a record's decoded bytes (plus one
//     std::string per field) stay within max_record_bytes.
//  4. Round trip: a record without a problem, written back with every field quoted, reads
//     back as the same fields.
//  5. Where a record says its fields were (first_byte, quoted_fields, CsvInputOffset), the
//     input holds them.
//  6. A CsvReader asked to detect the delimiter reads like the tokenizer given the one
//     DetectDelimiter picks from the whole input.
//  7. UTF-16: the reader over BOM + bytes in random short reads gives the records of the
//     text Utf16Decoder makes of the bytes in one piece.
// Build: see tools/fuzz.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/csv/csv_reader.h"

namespace okta_bulk {
namespace {

struct Rec {
  std::vector<std::string> fields;
  uint64_t record_number;
  uint64_t first_line;
  CsvProblem problem;
  uint64_t first_byte;
  std::vector<uint32_t> quoted_fields;
  bool operator==(const Rec&) const = default;
};

Rec RecOf(const CsvRecord& r) {
  return {r.fields, r.record_number, r.first_line, r.problem, r.first_byte, r.quoted_fields};
}

[[noreturn]] void Fail(const char* what, std::size_t index) {
  std::fprintf(stderr, "csv_reader_fuzz: %s (record %zu)\n", what, index);
  std::abort();
}

// Small deterministic generator for split points (xorshift), seeded from the input.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

std::size_t PieceSize(Rng& rng, std::size_t left) {
  switch (rng.Next() % 8) {
    case 0: return 0;  // an empty chunk
    case 1: return left < 1 ? left : 1;
    case 2: return left < 2 ? left : 2;
    case 3: return left < 3 ? left : 3;
    default: return left == 0 ? 0 : 1 + rng.Next() % (left < 64 ? left : 64);
  }
}

void Drain(CsvTokenizer& t, std::vector<Rec>* out) {
  CsvRecord r;
  while (t.Next(&r)) out->push_back(RecOf(r));
}

std::vector<Rec> ParseOneChunk(std::string_view input, CsvOptions options) {
  std::vector<Rec> out;
  CsvTokenizer t(options);
  // Exact-size heap copy, so a read past the end is an ASan report.
  std::unique_ptr<char[]> copy(new char[input.size() ? input.size() : 1]);
  if (!input.empty()) std::memcpy(copy.get(), input.data(), input.size());
  t.Feed(std::string_view(copy.get(), input.size()));
  Drain(t, &out);
  copy.reset();
  t.Finish();
  Drain(t, &out);
  if (!t.done()) Fail("done() false after Finish and drain", out.size());
  return out;
}

std::vector<Rec> ParseSplit(std::string_view input, CsvOptions options, Rng rng) {
  std::vector<Rec> out;
  CsvTokenizer t(options);
  std::size_t pos = 0;
  int empty_in_a_row = 0;
  while (pos < input.size()) {
    std::size_t n = PieceSize(rng, input.size() - pos);
    if (n == 0 && ++empty_in_a_row > 2) n = 1;  // always progress
    if (n != 0) empty_in_a_row = 0;
    std::unique_ptr<char[]> piece(new char[n ? n : 1]);
    if (n) std::memcpy(piece.get(), input.data() + pos, n);
    t.Feed(std::string_view(piece.get(), n));
    Drain(t, &out);
    pos += n;
    // `piece` is freed here: the tokenizer must have copied what it keeps.
  }
  t.Finish();
  Drain(t, &out);
  if (!t.done()) Fail("done() false after Finish and drain (split)", out.size());
  return out;
}

// A byte source that hands out the input in random short reads.
class ShortReadSource final : public CsvByteSource {
 public:
  ShortReadSource(std::string_view data, Rng rng) : data_(data), rng_(rng) {}
  boost::system::result<std::size_t> Read(std::span<char> buffer) override {
    if (data_.empty()) return std::size_t{0};
    std::size_t n = 1 + rng_.Next() % 97;
    if (n > buffer.size()) n = buffer.size();
    if (n > data_.size()) n = data_.size();
    std::memcpy(buffer.data(), data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
  Rng rng_;
};

std::vector<Rec> ParseWithReader(std::string_view input, CsvOptions options, Rng rng) {
  std::vector<Rec> out;
  CsvReader reader(std::make_unique<ShortReadSource>(input, rng), options);
  CsvRecord r;
  while (reader.Next(&r)) out.push_back(RecOf(r));
  if (reader.error()) Fail("reader error on a memory source", out.size());
  if (reader.bytes_read() != input.size()) Fail("reader did not read every byte", out.size());
  return out;
}

// The records' positions point at their fields in `input` (records without a problem).
void CheckOffsets(const std::vector<Rec>& recs, std::string_view input) {
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    if (r.problem != CsvProblem::kNone) continue;
    CsvRecord record;
    record.fields = r.fields;
    record.first_byte = r.first_byte;
    record.quoted_fields = r.quoted_fields;
    for (std::size_t f = 0; f < r.fields.size(); ++f) {
      const bool quoted = std::find(r.quoted_fields.begin(), r.quoted_fields.end(), f) !=
                          r.quoted_fields.end();
      const uint64_t at = CsvInputOffset(record, f, 0);
      if (quoted) {
        if (at == 0 || at > input.size() || input[at - 1] != '"') Fail("quoted field offset", i);
      } else if (at > input.size() || input.substr(at, r.fields[f].size()) != r.fields[f]) {
        Fail("unquoted field offset", i);
      }
    }
  }
}

void CheckRecords(const std::vector<Rec>& recs, const CsvOptions& options) {
  uint64_t last_line = 0;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    if (r.record_number != i) Fail("records not numbered 0, 1, 2, ...", i);
    if (r.first_line <= last_line) Fail("record does not start on a later line", i);
    last_line = r.first_line;
    if (r.problem == CsvProblem::kRecordTooLarge && !r.fields.empty())
      Fail("a too-large record kept fields", i);
    std::size_t bytes = 0;
    for (const auto& f : r.fields) bytes += f.size() + sizeof(std::string);
    if (bytes > options.max_record_bytes) Fail("record larger than max_record_bytes", i);
    if (r.problem != CsvProblem::kRecordTooLarge && r.fields.empty())
      Fail("a record without fields (empty lines are skipped)", i);
    if (CsvProblemMessage(r.problem).empty()) Fail("problem without a message", i);
  }
}

// Writes the fields back as CSV with every field quoted.
std::string QuoteAll(const std::vector<Rec>& recs, char delimiter) {
  std::string out;
  for (const Rec& r : recs) {
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (i) out.push_back(delimiter);
      out.push_back('"');
      for (char c : r.fields[i]) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace
}  // namespace okta_bulk

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace okta_bulk;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  CsvOptions options;
  // A quarter of the inputs run with a tiny record limit, to reach kRecordTooLarge.
  if ((control & 3) == 0) options.max_record_bytes = 32 + (control >> 5) * 8;
  static constexpr char kDelimiters[4] = {',', ';', '\t', '|'};
  options.delimiter = kDelimiters[(control >> 2) & 3];
  Rng rng{0x9E3779B97F4A7C15ull ^ (uint64_t{control} * 0x100000001B3ull) ^ size};

  if (control & 16) {
    // UTF-16: the bytes after the BOM are code units, whatever they are.
    const bool big_endian = size & 1;
    std::string encoded = big_endian ? "\xFE\xFF" : "\xFF\xFE";
    encoded.append(input);
    Utf16Decoder decoder(big_endian);
    std::string text(Utf16Decoder::MaxOutput(input.size()), '\0');
    std::size_t n = decoder.Convert(input, text.data());
    n += decoder.Finish(text.data() + n);
    text.resize(n);
    const std::vector<Rec> expected = ParseOneChunk(text, options);
    const std::vector<Rec> read16 = ParseWithReader(encoded, options, rng);
    if (!(read16 == expected)) Fail("UTF-16 reader differs from decoding in one piece", 0);
    return 0;
  }

  const std::vector<Rec> whole = ParseOneChunk(input, options);
  CheckRecords(whole, options);
  CheckOffsets(whole, input);
  // A UTF-16 byte order mark makes a reader transcode: the UTF-16 mode above covers that.
  const bool utf16_bom = input.starts_with("\xFF\xFE") || input.starts_with("\xFE\xFF");

  if (!utf16_bom) {
    CsvOptions detect = options;
    detect.delimiter = kDetectDelimiter;
    CsvOptions picked = options;
    picked.delimiter = DetectDelimiter(input.substr(0, options.max_record_bytes), true);
    if (picked.delimiter == kDetectDelimiter) Fail("DetectDelimiter undecided at the end", 0);
    if (!(ParseWithReader(input, detect, rng) == ParseOneChunk(input, picked)))
      Fail("detecting reader differs from the tokenizer with the detected delimiter", 0);
  }

  const std::vector<Rec> split = ParseSplit(input, options, rng);
  if (split.size() != whole.size()) Fail("split parse gave a different number of records", split.size());
  for (std::size_t i = 0; i < whole.size(); ++i)
    if (!(split[i] == whole[i])) Fail("split parse differs from one-chunk parse", i);

  if (!utf16_bom) {
    const std::vector<Rec> read = ParseWithReader(input, options, rng);
    if (read.size() != whole.size()) Fail("CsvReader gave a different number of records", read.size());
    for (std::size_t i = 0; i < whole.size(); ++i)
      if (!(read[i] == whole[i])) Fail("CsvReader differs from the tokenizer", i);
  }

  // Round trip of the records that had no problem (a too-large limit keeps them comparable:
  // quoting adds no decoded bytes).
  std::vector<Rec> clean;
  for (const Rec& r : whole)
    if (r.problem == CsvProblem::kNone) clean.push_back(r);
  const std::vector<Rec> again = ParseOneChunk(QuoteAll(clean, options.delimiter), options);
  if (again.size() != clean.size()) Fail("round trip changed the number of records", again.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if (again[i].fields != clean[i].fields) Fail("round trip changed the fields", i);
    if (again[i].problem != CsvProblem::kNone) Fail("round trip produced a problem", i);
  }
  return 0;
}
