#include "pipeline/csv/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/system/errc.hpp>

namespace okta_bulk {

namespace {

constexpr char kBom[3] = {'\xEF', '\xBB', '\xBF'};

// A string whose buffer grew past this is freed rather than recycled, so one huge field
// does not pin its memory for the rest of the run.
constexpr std::size_t kMaxRecycledCapacity = 64 * 1024;

// Bytes that end a run of plain text: bit 1 inside an unquoted field, bit 2 inside quotes.
constexpr unsigned char kStopUnquoted = 1;
constexpr unsigned char kStopQuoted = 2;
constexpr std::array<unsigned char, 256> kStops = [] {
  std::array<unsigned char, 256> table{};
  table[static_cast<unsigned char>(',')] = kStopUnquoted;
  table[static_cast<unsigned char>('"')] = kStopUnquoted | kStopQuoted;
  table[static_cast<unsigned char>('\r')] = kStopUnquoted | kStopQuoted;
  table[static_cast<unsigned char>('\n')] = kStopUnquoted | kStopQuoted;
  return table;
}();

// Index of the first byte in [pos, end) that has `stop` in kStops, or `end`.
inline std::size_t ScanRun(const char* data, std::size_t pos, std::size_t end, unsigned char stop) {
  while (pos < end && !(kStops[static_cast<unsigned char>(data[pos])] & stop)) ++pos;
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

CsvTokenizer::CsvTokenizer(CsvOptions options) : options_(options) {}

void CsvTokenizer::Feed(std::string_view chunk) {
  assert(pos_ == chunk_.size() && !record_ready_ && "Feed() before Next() returned false");
  assert(!finishing_ && "Feed() after Finish()");
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
  field_count_ = 0;
  record_ready_ = false;
}

bool CsvTokenizer::Parse() {
  if (record_ready_) return true;
  const char* data = chunk_.data();
  const std::size_t end = chunk_.size();
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
        BeginRecord();
        state_ = State::kFieldStart;  // reprocess c as the first byte of the first field
        break;

      case State::kFieldStart:
        if (c == '"') {
          ++pos;
          cr_in_quotes_ = false;
          state_ = State::kQuoted;
          break;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];

      case State::kUnquoted: {
        const std::size_t stop = ScanRun(data, pos, end, kStopUnquoted);
        Append(data + pos, stop - pos);
        pos = stop;
        if (pos == end) break;
        const char s = data[pos++];
        if (s == ',') {
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
        const std::size_t stop = ScanRun(data, pos, end, kStopQuoted);
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
        } else if (c == ',') {
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
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return boost::system::error_code(errno, boost::system::system_category());
  auto source = std::make_unique<FdSource>(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return boost::system::error_code(errno, boost::system::system_category());
  }
  if (S_ISDIR(st.st_mode)) {
    return boost::system::errc::make_error_code(boost::system::errc::is_a_directory);
  }
  if (S_ISREG(st.st_mode)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<CsvReader>(std::move(source), options);
}

CsvReader::CsvReader(std::unique_ptr<CsvByteSource> source, CsvOptions options)
    : source_(std::move(source)), tokenizer_(options), block_(new char[kBlockSize]) {}

bool CsvReader::Next(CsvRecord* out) {
  while (true) {
    if (tokenizer_.Next(out)) return true;
    if (eof_ || error_) return false;
    auto n = source_->Read(std::span<char>(block_.get(), kBlockSize));
    if (!n) {
      // A failed read leaves a truncated stream; the partial record is not handed out.
      error_ = n.error();
      return false;
    }
    if (*n == 0) {
      eof_ = true;
      tokenizer_.Finish();
      continue;
    }
    bytes_read_ += *n;
    tokenizer_.Feed(std::string_view(block_.get(), *n));
  }
}

}  // namespace okta_bulk
