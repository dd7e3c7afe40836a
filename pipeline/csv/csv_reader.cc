#include "pipeline/csv/csv_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/system/errc.hpp>

#include "pipeline/csv/csv_bom.h"
#include "pipeline/files/platform.h"

namespace okta_bulk {

namespace {

// A string whose buffer grew past this is freed rather than recycled, so one huge field
// does not pin its memory for the rest of the run.
constexpr std::size_t kMaxRecycledCapacity = 64 * 1024;

// Bytes that end a run of plain text: bit 1 inside an unquoted field, bit 2 inside quotes.
constexpr unsigned char kStopUnquoted = 1;
constexpr unsigned char kStopQuoted = 2;

std::array<unsigned char, 256> StopsFor(char delimiter) {
  std::array<unsigned char, 256> table{};
  table[static_cast<unsigned char>(delimiter)] = kStopUnquoted;
  table[static_cast<unsigned char>('"')] = kStopUnquoted | kStopQuoted;
  table[static_cast<unsigned char>('\r')] = kStopUnquoted | kStopQuoted;
  table[static_cast<unsigned char>('\n')] = kStopUnquoted | kStopQuoted;
  return table;
}

// Index of the first byte in [pos, end) that has `stop` in `stops`, or `end`.
inline std::size_t ScanRun(const unsigned char* stops, const char* data, std::size_t pos,
                           std::size_t end, unsigned char stop) {
  while (pos < end && !(stops[static_cast<unsigned char>(data[pos])] & stop)) ++pos;
  return pos;
}

}  // namespace

std::string_view CsvProblemMessage(CsvProblem problem) {
  switch (problem) {
    case CsvProblem::kNone:
      return "no problem";
    case CsvProblem::kUnterminatedQuote:
      return "unterminated quoted field at end of file";
    case CsvProblem::kQuoteInUnquotedField:
      return "quote character inside an unquoted field";
    case CsvProblem::kCharactersAfterClosingQuote:
      return "characters after the closing quote of a quoted field";
    case CsvProblem::kRecordTooLarge:
      return "record exceeds the maximum record size and was skipped";
  }
  return "unknown CSV problem";
}

uint64_t CsvInputOffset(const CsvRecord& record, std::size_t field, std::size_t byte_in_field) {
  uint64_t offset = record.first_byte;
  auto quoted = record.quoted_fields.begin();
  const auto quoted_end = record.quoted_fields.end();
  for (std::size_t j = 0; j <= field && j < record.fields.size(); ++j) {
    while (quoted != quoted_end && *quoted < j) ++quoted;
    const bool is_quoted = quoted != quoted_end && *quoted == j;
    std::string_view f = record.fields[j];
    if (j == field) f = f.substr(0, std::min(byte_in_field, f.size()));
    offset += f.size();
    // A quoted field has its opening quote and one more byte per '"' (written doubled).
    if (is_quoted) offset += 1 + static_cast<uint64_t>(std::count(f.begin(), f.end(), '"'));
    if (j < field) offset += 1 + (is_quoted ? 1 : 0);  // the closing quote, the delimiter
  }
  return offset;
}

CsvTokenizer::CsvTokenizer(CsvOptions options) : options_(options) {
  SetDelimiter(options.delimiter);
}

void CsvTokenizer::SetDelimiter(char delimiter) {
  assert(chunk_start_ == 0 && chunk_.empty() && "SetDelimiter() after Feed()");
  assert(delimiter != '"' && delimiter != '\r' && delimiter != '\n' &&
         delimiter != kDetectDelimiter);
  options_.delimiter = delimiter;
  stops_ = StopsFor(delimiter);
}

void CsvTokenizer::Feed(std::string_view chunk) {
  assert(pos_ == chunk_.size() && !record_ready_ && "Feed() before Next() returned false");
  assert(!finishing_ && "Feed() after Finish()");
  chunk_start_ += chunk_.size();
  chunk_ = chunk;
  pos_ = 0;
}

void CsvTokenizer::Finish() {
  assert(!finishing_);
  finishing_ = true;
}

bool CsvTokenizer::Next(CsvRecord* out) {
  if (Parse()) {
    Emit(out);
    return true;
  }
  if (!finishing_ || done_) return false;
  // End of input: flush whatever record is open.
  if (state_ == State::kBom) ReplayHeldBom();
  switch (state_) {
    case State::kBom:
    case State::kRecordStart:
    case State::kAfterCr:
      break;
    case State::kQuoted:
      SetProblem(CsvProblem::kUnterminatedQuote);
      EndRecord();
      break;
    case State::kFieldStart:
    case State::kUnquoted:
    case State::kQuoteInQuoted:
      EndRecord();
      break;
  }
  state_ = State::kRecordStart;
  done_ = true;
  if (!record_ready_) return false;
  Emit(out);
  return true;
}

void CsvTokenizer::BeginRecord() {
  record_first_line_ = line_;
  quoted_.clear();
  problem_ = CsvProblem::kNone;
  too_large_ = false;
  field_count_ = 0;
  record_bytes_ = 0;
  StartField();
}

void CsvTokenizer::StartField() {
  if (too_large_) return;
  record_bytes_ += sizeof(std::string);
  if (record_bytes_ > options_.max_record_bytes) {
    SetProblem(CsvProblem::kRecordTooLarge);
    return;
  }
  if (field_count_ == fields_.size()) {
    if (spare_.empty()) {
      fields_.emplace_back();
    } else {
      fields_.push_back(std::move(spare_.back()));
      spare_.pop_back();
    }
  }
  std::string& field = fields_[field_count_++];
  if (field.capacity() > kMaxRecycledCapacity) {
    std::string().swap(field);
  } else {
    field.clear();
  }
}

void CsvTokenizer::Append(const char* data, std::size_t size) {
  if (too_large_ || size == 0) return;
  record_bytes_ += size;
  if (record_bytes_ > options_.max_record_bytes) {
    SetProblem(CsvProblem::kRecordTooLarge);
    return;
  }
  fields_[field_count_ - 1].append(data, size);
}

void CsvTokenizer::SetProblem(CsvProblem problem) {
  if (problem == CsvProblem::kRecordTooLarge) {
    if (too_large_) return;
    too_large_ = true;
    problem_ = problem;
    // Give the memory back now: the rest of the record is skipped, not stored.
    for (std::size_t i = 0; i < field_count_; ++i) std::string().swap(fields_[i]);
    field_count_ = 0;
    return;
  }
  if (problem_ == CsvProblem::kNone) problem_ = problem;
}

void CsvTokenizer::EndRecord() { record_ready_ = true; }

void CsvTokenizer::ReplayHeldBom() {
  // A prefix of the BOM that turned out not to be one is ordinary text (two bytes at most,
  // none of them special), so it opens an unquoted field.
  state_ = State::kRecordStart;
  if (bom_matched_ == 0) return;
  record_first_byte_ = 0;
  BeginRecord();
  Append(kBom, bom_matched_);
  bom_matched_ = 0;
  state_ = State::kUnquoted;
}

void CsvTokenizer::Emit(CsvRecord* out) {
  // Park the strings past the live fields so the vector holds exactly the record.
  while (fields_.size() > field_count_) {
    spare_.push_back(std::move(fields_.back()));
    fields_.pop_back();
  }
  out->fields.swap(fields_);
  out->record_number = next_record_number_++;
  out->first_line = record_first_line_;
  out->problem = problem_;
  out->first_byte = record_first_byte_;
  out->quoted_fields.swap(quoted_);
  field_count_ = 0;
  record_ready_ = false;
}

bool CsvTokenizer::Parse() {
  if (record_ready_) return true;
  const char* data = chunk_.data();
  const std::size_t end = chunk_.size();
  const unsigned char* stops = stops_.data();
  const char delimiter = options_.delimiter;
  std::size_t pos = pos_;
  while (pos < end) {
    const char c = data[pos];
    switch (state_) {
      case State::kBom:
        if (c == kBom[bom_matched_]) {
          ++pos;
          if (++bom_matched_ == 3) {
            bom_matched_ = 0;
            state_ = State::kRecordStart;
          }
        } else {
          ReplayHeldBom();  // leaves state_ at kRecordStart or kUnquoted; c is reprocessed
        }
        break;

      case State::kAfterCr:
        state_ = State::kRecordStart;
        if (c == '\n') ++pos;  // second half of CRLF
        break;

      case State::kRecordStart:
        if (c == '\n' || c == '\r') {  // empty line: counted, not a record
          ++line_;
          ++pos;
          state_ = c == '\r' ? State::kAfterCr : State::kRecordStart;
          break;
        }
        record_first_byte_ = chunk_start_ + pos;
        BeginRecord();
        state_ = State::kFieldStart;  // reprocess c as the first byte of the first field
        break;

      case State::kFieldStart:
        if (c == '"') {
          ++pos;
          cr_in_quotes_ = false;
          if (!too_large_) quoted_.push_back(static_cast<uint32_t>(field_count_ - 1));
          state_ = State::kQuoted;
          break;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];

      case State::kUnquoted: {
        const std::size_t stop = ScanRun(stops, data, pos, end, kStopUnquoted);
        Append(data + pos, stop - pos);
        pos = stop;
        if (pos == end) break;
        const char s = data[pos++];
        if (s == delimiter) {
          StartField();
          state_ = State::kFieldStart;
        } else if (s == '"') {
          SetProblem(CsvProblem::kQuoteInUnquotedField);
          Append(&s, 1);
        } else {  // CR or LF ends the record
          ++line_;
          state_ = s == '\r' ? State::kAfterCr : State::kRecordStart;
          EndRecord();
          pos_ = pos;
          return true;
        }
        break;
      }

      case State::kQuoted: {
        const std::size_t stop = ScanRun(stops, data, pos, end, kStopQuoted);
        if (stop != pos) {
          Append(data + pos, stop - pos);
          cr_in_quotes_ = false;
          pos = stop;
        }
        if (pos == end) break;
        const char s = data[pos++];
        if (s == '"') {
          cr_in_quotes_ = false;
          state_ = State::kQuoteInQuoted;
        } else {
          // Embedded line breaks are kept byte for byte; CRLF counts as one line.
          if (s == '\r' || !cr_in_quotes_) ++line_;
          cr_in_quotes_ = s == '\r';
          Append(&s, 1);
        }
        break;
      }

      case State::kQuoteInQuoted:
        if (c == '"') {  // doubled quote: one literal '"'
          ++pos;
          Append(&c, 1);
          state_ = State::kQuoted;
        } else if (c == delimiter) {
          ++pos;
          StartField();
          state_ = State::kFieldStart;
        } else if (c == '\n' || c == '\r') {
          ++pos;
          ++line_;
          state_ = c == '\r' ? State::kAfterCr : State::kRecordStart;
          EndRecord();
          pos_ = pos;
          return true;
        } else {
          // `"abc"x`: keep going as unquoted text; c is reprocessed there.
          SetProblem(CsvProblem::kCharactersAfterClosingQuote);
          state_ = State::kUnquoted;
        }
        break;
    }
  }
  pos_ = pos;
  return false;
}

boost::system::result<std::size_t> CsvMemorySource::Read(std::span<char> buffer) {
  const std::size_t n = std::min(buffer.size(), data_.size());
  std::memcpy(buffer.data(), data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

namespace {

// Reads a file descriptor with read(2); closes it on destruction.
class FdSource : public CsvByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  ~FdSource() override { ::close(fd_); }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  boost::system::result<std::size_t> Read(std::span<char> buffer) override {
    while (true) {
      const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return boost::system::error_code(errno, boost::system::system_category());
    }
  }

 private:
  int fd_;
};

}  // namespace

boost::system::result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                                  CsvOptions options) {
  const int fd = platform::OpenForReading(path);
  if (fd < 0) return boost::system::error_code(errno, boost::system::system_category());
  auto source = std::make_unique<FdSource>(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return boost::system::error_code(errno, boost::system::system_category());
  }
  if (S_ISDIR(st.st_mode)) {
    return boost::system::errc::make_error_code(boost::system::errc::is_a_directory);
  }
  if (S_ISREG(st.st_mode)) platform::AdviseSequential(fd);
  return std::make_unique<CsvReader>(std::move(source), options);
}

namespace {

CsvOptions TokenizerOptions(CsvOptions options) {
  if (options.delimiter == kDetectDelimiter) options.delimiter = ',';  // set in Start()
  return options;
}

}  // namespace

CsvReader::CsvReader(std::unique_ptr<CsvByteSource> source, CsvOptions options)
    : source_(std::move(source)),
      tokenizer_(TokenizerOptions(options)),
      options_(options),
      block_(new char[kBlockSize]),
      delimiter_(TokenizerOptions(options).delimiter) {}

bool CsvReader::ReadRaw(std::size_t offset) {
  auto n = source_->Read(std::span<char>(block_.get() + offset, kBlockSize - offset));
  if (!n) {
    // A failed read leaves a truncated stream; the partial record is not handed out.
    error_ = n.error();
    return false;
  }
  raw_ = offset + *n;
  bytes_read_ += *n;
  if (*n == 0) eof_ = true;
  return true;
}

bool CsvReader::ReadText(std::string_view* out) {
  while (true) {
    if (eof_) {
      if (!decoder_) return false;
      const std::size_t n = decoder_->Finish(decoded_.get());
      decoder_.reset();
      if (n == 0) return false;
      *out = std::string_view(decoded_.get(), n);
      return true;
    }
    if (!ReadRaw(0)) return false;
    if (raw_ == 0) continue;  // end of input
    if (!decoder_) {
      *out = std::string_view(block_.get(), raw_);
      return true;
    }
    const std::size_t n = decoder_->Convert(std::string_view(block_.get(), raw_), decoded_.get());
    if (n == 0) continue;  // one byte, or half a surrogate pair
    *out = std::string_view(decoded_.get(), n);
    return true;
  }
}

bool CsvReader::Start() {
  started_ = true;
  // The encoding, from the first two bytes (a source may hand them out one at a time).
  raw_ = 0;
  while (raw_ < 2 && !eof_)
    if (!ReadRaw(raw_)) return false;
  std::string_view first(block_.get(), raw_);
  if (first.starts_with("\xFF\xFE") || first.starts_with("\xFE\xFF")) {
    const bool big_endian = first[0] == '\xFE';
    encoding_ = big_endian ? Encoding::kUtf16Be : Encoding::kUtf16Le;
    decoder_ = std::make_unique<Utf16Decoder>(big_endian);
    decoded_.reset(new char[Utf16Decoder::MaxOutput(kBlockSize)]);
    first = std::string_view(decoded_.get(), decoder_->Convert(first.substr(2), decoded_.get()));
  } else {
    // No BOM: say so if it is UTF-16 all the same (read as UTF-8 it would give names full
    // of NUL bytes). The first read usually holds a whole block; fewer bytes give no guess.
    unmarked_utf16_ = GuessUnmarkedUtf16(first);
  }
  if (options_.delimiter != kDetectDelimiter) {
    tokenizer_.Feed(first);  // block_ or decoded_: valid until the next ReadText
    return true;
  }
  // Hold back text until the header line is complete (or too long to be one), then pick.
  header_text_.assign(first);
  bool at_end = false;
  // Only the first max_record_bytes count, however the reads fell: a header line longer
  // than that is judged on its start (the tokenizer will call it too large anyway).
  const std::size_t limit = options_.max_record_bytes;
  while (true) {
    const bool enough = header_text_.size() >= limit;
    const char found =
        DetectDelimiter(std::string_view(header_text_).substr(0, limit), at_end || enough);
    if (found != kDetectDelimiter) {
      delimiter_ = found;
      break;
    }
    std::string_view more;
    if (!ReadText(&more)) {
      if (error_) return false;
      at_end = true;
      continue;
    }
    header_text_.append(more);
  }
  tokenizer_.SetDelimiter(delimiter_);
  // Once the tokenizer has used header_text_ up, Next() frees it.
  tokenizer_.Feed(header_text_);
  return true;
}

std::string_view GuessUnmarkedUtf16(std::string_view start) {
  start = start.substr(0, 512);
  const std::size_t pairs = start.size() / 2;
  if (pairs < 4) return {};
  std::size_t le = 0, be = 0;
  for (std::size_t i = 0; i + 1 < start.size(); i += 2) {
    const bool first_zero = start[i] == '\0', second_zero = start[i + 1] == '\0';
    le += !first_zero && second_zero;
    be += first_zero && !second_zero;
  }
  if (le * 4 >= pairs * 3) return "UTF-16 LE";
  if (be * 4 >= pairs * 3) return "UTF-16 BE";
  return {};
}

std::string CsvReader::Describe(bool delimiter_given) const {
  std::string s;
  if (delimiter_ != ',') {
    s = "read as " + DelimiterName(delimiter_) + "-separated (";
    s += delimiter_given ? "--delimiter" : "from the header line";
    s += ")";
  }
  if (encoding_ != Encoding::kUtf8) {
    s += s.empty() ? "read as " : ", ";
    s += encoding_ == Encoding::kUtf16Le ? "UTF-16 LE" : "UTF-16 BE";
  }
  return s;
}

bool CsvReader::Next(CsvRecord* out) {
  if (!started_ && !Start()) return false;
  while (true) {
    if (tokenizer_.Next(out)) return true;
    if (finished_ || error_) return false;
    if (!header_text_.empty()) std::string().swap(header_text_);
    std::string_view text;
    if (!ReadText(&text)) {
      if (error_) return false;
      finished_ = true;
      tokenizer_.Finish();
      continue;
    }
    tokenizer_.Feed(text);
  }
}

bool ForEachCsvRecord(
    const std::string& path, const CsvOptions& options,
    const std::function<void(uint64_t row, const CsvRecord& header, const CsvRecord& record)>& f,
    std::string* error) {
  auto opened = CsvReader::Open(path, options);
  if (!opened) {
    *error = "cannot read '" + path + "': " + opened.error().message();
    return false;
  }
  CsvReader& reader = **opened;
  CsvRecord header, record;
  if (reader.Next(&header)) {
    uint64_t row = 0;
    while (reader.Next(&record)) f(++row, header, record);
  }
  if (reader.error()) {
    *error = "cannot read '" + path + "': " + reader.error().message();
    return false;
  }
  return true;
}

}  // namespace okta_bulk
