// Streaming RFC 4180 CSV reading: a sans-I/O tokenizer and a reader that drives it from a
// file or any byte source in fixed-size blocks, so memory stays at one block plus the
// largest record no matter how big the file is.
//
// Dialect (RFC 4180 plus what spreadsheets and scripts actually write):
//  - fields are separated by ',' (or CsvOptions::delimiter: ';', TAB, '|'; a CsvReader can
//    pick it from the header line, see DetectDelimiter);
//  - a record ends at CRLF, LF, or a lone CR (old Mac exports); each counts as one line;
//  - a field that starts with '"' is quoted: it may hold ',', CR and LF exactly as written
//    (an embedded CRLF stays CRLF), and '""' inside it stands for one '"';
//  - a UTF-8 byte order mark at the very start of the input is dropped; a CsvReader also
//    reads UTF-16 (LE or BE) when the input starts with its byte order mark, transcoding to
//    UTF-8 as it streams (the tokenizer only ever sees UTF-8);
//  - the last record may lack a line break, and a final line break adds no empty record;
//  - a line with no bytes at all is skipped (it still counts in line numbers);
//  - whitespace around fields is kept: trimming is the caller's business;
//  - the header is not special: it is record 0.
// Malformed input never stops the stream: the record carries a CsvProblem and reading goes on.
#pragma once
#include <cstddef>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace okta_bulk {

// What was wrong with a record. A record has at most one problem; when several apply,
// kRecordTooLarge wins (its fields are gone), otherwise the first one met is kept.
enum class CsvProblem : unsigned char {
  kNone,
  // The input ended inside a quoted field. The field holds everything up to the end.
  kUnterminatedQuote,
  // A '"' inside a field that did not start with '"' (e.g. `ab"c`). The text is kept as-is.
  kQuoteInUnquotedField,
  // Text after a closing quote (e.g. `"abc"x`). The field is the quoted text followed by the
  // rest as-is ("abcx"), as Python's csv module does.
  kCharactersAfterClosingQuote,
  // The record grew past CsvOptions::max_record_bytes. Its fields are dropped (the record
  // has none) and the rest of it is skipped, quotes still honoured, so memory stays bounded.
  kRecordTooLarge,
};

// A short human sentence for reports, e.g. "unterminated quoted field at end of file".
std::string_view CsvProblemMessage(CsvProblem problem);

// CsvOptions::delimiter value asking a CsvReader to pick the delimiter from the header line.
inline constexpr char kDetectDelimiter = '\0';

struct CsvOptions {
  // The field separator. A CsvTokenizer needs a real one (not '"', CR, LF or
  // kDetectDelimiter); a CsvReader also takes kDetectDelimiter. The default stays ',' so the
  // files okta-bulk writes itself are always read as written.
  char delimiter = ',';
  // Upper bound on what one record may hold in memory: the decoded field bytes plus
  // sizeof(std::string) per field (so a line of a million commas is bounded too).
  std::size_t max_record_bytes = std::size_t{1} << 20;
};

// One record. Pass the same CsvRecord to every Next() call: its vector and strings are
// recycled, so steady-state reading does not allocate per row.
struct CsvRecord {
  std::vector<std::string> fields;
  // 0 for the first record (the header), 1 for the first data record, and so on. Every
  // record handed out gets a number, including ones with a problem.
  uint64_t record_number = 0;
  // 1-based physical line where the record starts (empty lines and line breaks inside
  // quoted fields are counted).
  uint64_t first_line = 0;
  CsvProblem problem = CsvProblem::kNone;
  // Offset of the record's first byte in the UTF-8 text the tokenizer was fed (for a UTF-8
  // file: in the file, its BOM included; for UTF-16 input: in the transcoded text).
  uint64_t first_byte = 0;
  // Indexes of the fields that were quoted in the input, ascending; with first_byte this
  // locates any decoded byte in the input (CsvInputOffset).
  std::vector<uint32_t> quoted_fields;
};

// Where byte `byte_in_field` of field `field` of `record` was in the input (same origin as
// CsvRecord::first_byte). Exact for a record without a problem, read with `delimiter` of
// one byte: it undoes the opening quote and doubled quotes of quoted fields.
uint64_t CsvInputOffset(const CsvRecord& record, std::size_t field, std::size_t byte_in_field);

// The delimiter of a CSV whose input starts with `text` (a leading UTF-8 BOM is skipped):
// among ',', ';' and TAB, the one that splits the first line into the most fields, ties
// going to ',' (then ';'). Content of quoted fields does not count. Returns kDetectDelimiter
// when `text` ends before the first line does and `at_end` is false: feed more text.
char DetectDelimiter(std::string_view text, bool at_end);

// Whether `start` (the first bytes of an input without a byte order mark) looks like UTF-16:
// "UTF-16 LE" when most of its byte pairs are a non-zero byte then 0 (ASCII text in UTF-16
// LE), "UTF-16 BE" for 0 then a non-zero byte, "" otherwise (also for fewer than 4 pairs).
// Looks at the first 512 bytes at most.
std::string_view GuessUnmarkedUtf16(std::string_view start);

// How to show a delimiter in messages: "','", "';'", "TAB", "'|'".
std::string DelimiterName(char delimiter);

// Streaming UTF-16 (LE or BE) to UTF-8. Code units may be split anywhere between calls
// (a unit's two bytes, a surrogate pair). A surrogate without its partner is written as its
// 3-byte (invalid) UTF-8 form and an odd byte at the end as 0xFF, so the row holding it is
// refused as not valid UTF-8 rather than silently changed. Not thread-safe.
class Utf16Decoder {
 public:
  explicit Utf16Decoder(bool big_endian) : big_endian_(big_endian) {}
  // Most bytes Convert(input of `size` bytes) or Finish() may write.
  static constexpr std::size_t MaxOutput(std::size_t size) { return size / 2 * 3 + 8; }
  // Converts `in`, writing UTF-8 to `out` (room for MaxOutput(in.size())); returns the bytes
  // written.
  std::size_t Convert(std::string_view in, char* out);
  // Flushes what the input ended in the middle of; returns the bytes written (at most 8).
  std::size_t Finish(char* out);

 private:
  std::size_t Unit(uint16_t unit, char* out);
  bool big_endian_;
  bool have_byte_ = false;
  unsigned char byte_ = 0;   // first byte of a split code unit
  uint16_t high_ = 0;        // a high surrogate waiting for its low half (0 = none)
};

// A push state machine that turns bytes into records; it does no I/O. Feed() a chunk, then
// call Next() until it returns false (the chunk is used up); repeat; then Finish() and drain
// Next() once more. Records are parsed lazily inside Next(), one at a time, straight from
// the caller's chunk: nothing is queued and only the record in progress is copied. Chunk
// boundaries may fall anywhere (inside quotes, between '"' and its double, between CR and
// LF, inside the BOM) without changing the result.
// Not thread-safe; one tokenizer per input.
class CsvTokenizer {
 public:
  explicit CsvTokenizer(CsvOptions options = {});

  // Changes the delimiter (a CsvReader that detected it from the header line).
  // REQUIRES: Feed() not called yet; a delimiter CsvOptions::delimiter allows.
  void SetDelimiter(char delimiter);

  // Makes `chunk` the input. It is read in place, so it must stay valid and unchanged until
  // Next() returns false.
  // REQUIRES: Next() has returned false since the previous Feed(); Finish() not called.
  void Feed(std::string_view chunk);

  // Declares the end of input; the next Next() calls flush the last record, if any.
  // REQUIRES: Finish() not called before.
  void Finish();

  // Parses until one record is complete and moves it into *out (swapping vectors with it, so
  // the old contents of out->fields are reused for later records). Returns false when the
  // current chunk is used up (after Finish(): when the input is exhausted).
  bool Next(CsvRecord* out);

  // True once Finish() was called and Next() has returned false.
  bool done() const { return done_; }

 private:
  enum class State : unsigned char {
    kBom,             // start of input: matching a possible UTF-8 BOM
    kRecordStart,     // no byte of the next record seen yet
    kAfterCr,         // just saw a CR line break; an LF right after belongs to it
    kFieldStart,      // just after ','
    kUnquoted,        // inside a field that did not start with '"'
    kQuoted,          // inside a quoted field
    kQuoteInQuoted,   // saw '"' inside a quoted field: doubled quote or closing quote
  };

  bool Parse();  // true when a record completed; consumes chunk_ up to pos_
  void BeginRecord();
  void StartField();
  void Append(const char* data, std::size_t size);
  void SetProblem(CsvProblem problem);
  void EndRecord();
  void ReplayHeldBom();
  void Emit(CsvRecord* out);

  CsvOptions options_;
  // Bytes that end a run of plain text (see ScanRun), built from the delimiter.
  std::array<unsigned char, 256> stops_{};
  std::string_view chunk_;
  std::size_t pos_ = 0;
  uint64_t chunk_start_ = 0;        // input offset of chunk_[0]
  uint64_t record_first_byte_ = 0;
  std::vector<uint32_t> quoted_;    // quoted fields of the record in progress
  State state_ = State::kBom;
  unsigned char bom_matched_ = 0;   // bytes of the BOM seen so far in kBom
  bool cr_in_quotes_ = false;       // the last byte in a quoted field was CR (for line counts)
  bool too_large_ = false;          // record in progress blew max_record_bytes
  bool record_ready_ = false;       // a completed record waits in fields_
  bool finishing_ = false;
  bool done_ = false;

  // The record in progress: fields_[0, field_count_) are live; strings past field_count_
  // and in spare_ are kept only for their capacity.
  std::vector<std::string> fields_;
  std::vector<std::string> spare_;
  std::size_t field_count_ = 0;
  std::size_t record_bytes_ = 0;
  CsvProblem problem_ = CsvProblem::kNone;
  uint64_t line_ = 1;               // physical line of the next byte
  uint64_t record_first_line_ = 0;
  uint64_t next_record_number_ = 0;
};

// Where a CsvReader gets bytes. Implementations are used from one thread at a time.
class CsvByteSource {
 public:
  virtual ~CsvByteSource() = default;
  // Reads up to buffer.size() bytes into buffer; returns how many, 0 only at end of input.
  virtual boost::system::result<std::size_t> Read(std::span<char> buffer) = 0;
};

// Bytes from memory (tests, benchmarks). `data` must outlive the source.
class CsvMemorySource : public CsvByteSource {
 public:
  explicit CsvMemorySource(std::string_view data) : data_(data) {}
  boost::system::result<std::size_t> Read(std::span<char> buffer) override;

 private:
  std::string_view data_;
};

// Streams CSV records from a byte source through a CsvTokenizer in fixed blocks
// (kBlockSize), so memory is one block plus the largest record. Input that starts with a
// UTF-16 byte order mark is transcoded block by block. With kDetectDelimiter the reader
// holds back the text up to the end of the header line to pick the delimiter: the pick is
// DetectDelimiter(first max_record_bytes of the text, true), whatever the reads. Not thread-safe. Owns its source.
class CsvReader {
 public:
  static constexpr std::size_t kBlockSize = 64 * 1024;

  // Opens `path` for reading ("-" is not special; pass "/dev/stdin" for a pipe). Fails with
  // the open(2) error (e.g. no_such_file_or_directory, permission_denied) or
  // errc::is_a_directory.
  static boost::system::result<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                                CsvOptions options = {});

  explicit CsvReader(std::unique_ptr<CsvByteSource> source, CsvOptions options = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into *out (reusing its storage). Returns false at end of input or
  // on a read error; tell them apart with error().
  bool Next(CsvRecord* out);

  // The read error that stopped the stream, or a default (success) error_code.
  const boost::system::error_code& error() const { return error_; }

  // Bytes read from the source so far (for progress reporting).
  uint64_t bytes_read() const { return bytes_read_; }

  enum class Encoding : unsigned char { kUtf8, kUtf16Le, kUtf16Be };
  // What the input turned out to be; final once Next() has returned a record (or false).
  Encoding encoding() const { return encoding_; }
  // The delimiter used (the detected one with kDetectDelimiter); final like encoding().
  char delimiter() const { return delimiter_; }
  // For a summary, how the input was read when it was not ',' UTF-8: "read as
  // ';'-separated (from the header line)", "read as TAB-separated (--delimiter), UTF-16 LE";
  // "" for ',' UTF-8. `delimiter_given`: the caller chose the delimiter (--delimiter).
  std::string Describe(bool delimiter_given) const;
  // "UTF-16 LE" or "UTF-16 BE" when the input has no byte order mark but its start looks like
  // UTF-16 all the same (every other byte 0, as in ASCII text saved as UTF-16 without a BOM),
  // which this reader does not transcode; "" otherwise. Final once Next() has been called.
  std::string_view unmarked_utf16() const { return unmarked_utf16_; }

 private:
  bool Start();                          // encoding and delimiter; false on a read error
  bool ReadRaw(std::size_t offset);      // one read into block_ + offset; sets raw_/eof_/error_
  bool ReadText(std::string_view* out);  // the next UTF-8 text; false at end or on error

  std::unique_ptr<CsvByteSource> source_;
  CsvTokenizer tokenizer_;
  CsvOptions options_;
  std::unique_ptr<char[]> block_;
  std::size_t raw_ = 0;                  // bytes in block_ from the last ReadRaw
  std::unique_ptr<char[]> decoded_;      // UTF-16 input only
  std::unique_ptr<Utf16Decoder> decoder_;
  std::string header_text_;              // text held back to detect the delimiter
  boost::system::error_code error_;
  uint64_t bytes_read_ = 0;
  Encoding encoding_ = Encoding::kUtf8;
  char delimiter_ = ',';
  std::string_view unmarked_utf16_;
  bool started_ = false;
  bool eof_ = false;
  bool finished_ = false;                // tokenizer_.Finish() called
};

// Reads the CSV file at `path` through: `f(row, header, record)` for each record after the
// header, row counting from 1 (a file without even a header has none). False with "cannot read
// 'PATH': why" in `error` when the file cannot be opened or a read fails.
bool ForEachCsvRecord(
    const std::string& path, const CsvOptions& options,
    const std::function<void(uint64_t row, const CsvRecord& header, const CsvRecord& record)>& f,
    std::string* error);

}  // namespace okta_bulk
