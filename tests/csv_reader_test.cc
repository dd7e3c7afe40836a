#include "pipeline/csv/csv_reader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/csv/csv_writer.h"

namespace okta_bulk {
namespace {

using Fields = std::vector<std::string>;

// A record copied out of the tokenizer, comparable in assertions.
struct Rec {
  Fields fields;
  uint64_t record_number = 0;
  uint64_t first_line = 0;
  CsvProblem problem = CsvProblem::kNone;
  bool operator==(const Rec&) const = default;
};

void PrintTo(const Rec& rec, std::ostream* os) {
  *os << "#" << rec.record_number << " line " << rec.first_line << " problem "
      << static_cast<int>(rec.problem) << " [";
  for (const auto& f : rec.fields) *os << ::testing::PrintToString(f) << " ";
  *os << "]";
}

// Tokenizes `input` fed as the given chunks (pieces of `input`, in order).
std::vector<Rec> TokenizeChunks(const std::vector<std::string_view>& chunks,
                                CsvOptions options = {}) {
  CsvTokenizer tokenizer(options);
  CsvRecord record;
  std::vector<Rec> out;
  auto drain = [&] {
    while (tokenizer.Next(&record)) {
      out.push_back({record.fields, record.record_number, record.first_line, record.problem});
    }
  };
  for (std::string_view chunk : chunks) {
    tokenizer.Feed(chunk);
    drain();
  }
  tokenizer.Finish();
  drain();
  EXPECT_TRUE(tokenizer.done());
  return out;
}

std::vector<Rec> Tokenize(std::string_view input, CsvOptions options = {}) {
  return TokenizeChunks({input}, options);
}

// Just the fields of every record.
std::vector<Fields> FieldsOf(const std::vector<Rec>& records) {
  std::vector<Fields> out;
  for (const auto& r : records) out.push_back(r.fields);
  return out;
}

std::vector<Fields> ParseFields(std::string_view input) { return FieldsOf(Tokenize(input)); }

// Tokenizes `input` as one chunk, split in two at every position, split in three at every
// pair of positions (for short inputs), and byte by byte; expects the same records each time.
void ExpectSameRecordsAtEveryChunkBoundary(std::string_view input, CsvOptions options = {}) {
  const std::vector<Rec> whole = Tokenize(input, options);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    ASSERT_EQ(TokenizeChunks({input.substr(0, i), input.substr(i)}, options), whole)
        << "split at " << i << " of " << ::testing::PrintToString(std::string(input));
  }
  if (input.size() <= 64) {
    for (std::size_t i = 0; i <= input.size(); ++i) {
      for (std::size_t j = i; j <= input.size(); ++j) {
        ASSERT_EQ(TokenizeChunks({input.substr(0, i), input.substr(i, j - i), input.substr(j)},
                                 options),
                  whole)
            << "split at " << i << " and " << j;
      }
    }
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
  ASSERT_EQ(TokenizeChunks(bytes, options), whole) << "byte by byte";
}

// --- RFC 4180 basics -------------------------------------------------------------------

TEST(CsvReaderTest, SplitsFieldsOnCommasAndRecordsOnLf) {
  EXPECT_EQ(ParseFields("a,b,c\n1,2,3\n"), (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReaderTest, CrlfEndsRecordsLikeLf) {
  EXPECT_EQ(ParseFields("a,b\r\n1,2\r\n"), (std::vector<Fields>{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, LoneCrEndsARecord) {
  EXPECT_EQ(ParseFields("a,b\r1,2\r3,4"), (std::vector<Fields>{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvReaderTest, LastRecordMayLackALineBreak) {
  EXPECT_EQ(ParseFields("a,b\n1,2"), (std::vector<Fields>{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, TrailingLineBreakAddsNoEmptyRecord) {
  EXPECT_EQ(ParseFields("a\n1\n"), (std::vector<Fields>{{"a"}, {"1"}}));
  EXPECT_EQ(ParseFields("a\r\n1\r\n"), (std::vector<Fields>{{"a"}, {"1"}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ParseFields("").empty());
  EXPECT_TRUE(ParseFields("\n\r\n\r").empty());
}

TEST(CsvReaderTest, EmptyFieldsBetweenCommasAreKept) {
  EXPECT_EQ(ParseFields("a,,b\n"), (std::vector<Fields>{{"a", "", "b"}}));
}

TEST(CsvReaderTest, TrailingCommaMeansAnEmptyLastField) {
  EXPECT_EQ(ParseFields("a,b,\n"), (std::vector<Fields>{{"a", "b", ""}}));
  EXPECT_EQ(ParseFields("a,b,"), (std::vector<Fields>{{"a", "b", ""}}));
  EXPECT_EQ(ParseFields(",\n"), (std::vector<Fields>{{"", ""}}));
}

TEST(CsvReaderTest, EmptyQuotedFieldIsOneEmptyField) {
  EXPECT_EQ(ParseFields("\"\"\n"), (std::vector<Fields>{{""}}));
  EXPECT_EQ(ParseFields("a,\"\",b\n"), (std::vector<Fields>{{"a", "", "b"}}));
}

TEST(CsvReaderTest, QuotedFieldMayHoldCommas) {
  EXPECT_EQ(ParseFields("\"Doe, Jane\",x\n"), (std::vector<Fields>{{"Doe, Jane", "x"}}));
}

TEST(CsvReaderTest, DoubledQuoteInQuotedFieldIsOneQuote) {
  EXPECT_EQ(ParseFields("\"say \"\"hi\"\"\",\"\"\"\"\n"),
            (std::vector<Fields>{{"say \"hi\"", "\""}}));
}

TEST(CsvReaderTest, QuotedFieldKeepsEmbeddedLf) {
  EXPECT_EQ(ParseFields("\"line1\nline2\",x\n"), (std::vector<Fields>{{"line1\nline2", "x"}}));
}

TEST(CsvReaderTest, QuotedFieldKeepsEmbeddedCrlfBytes) {
  EXPECT_EQ(ParseFields("\"line1\r\nline2\"\r\nz\r\n"),
            (std::vector<Fields>{{"line1\r\nline2"}, {"z"}}));
}

TEST(CsvReaderTest, WhitespaceAroundFieldsIsPreserved) {
  EXPECT_EQ(ParseFields(" a , b \t\n"), (std::vector<Fields>{{" a ", " b \t"}}));
}

TEST(CsvReaderTest, ByteOrderMarkAtStartIsDropped) {
  EXPECT_EQ(ParseFields("\xEF\xBB\xBFid,name\n1,x\n"),
            (std::vector<Fields>{{"id", "name"}, {"1", "x"}}));
  EXPECT_EQ(ParseFields("\xEF\xBB\xBF\"id\"\n"), (std::vector<Fields>{{"id"}}));
}

TEST(CsvReaderTest, ByteOrderMarkLaterInTheFileIsData) {
  EXPECT_EQ(ParseFields("a\n\xEF\xBB\xBF" "b\n"), (std::vector<Fields>{{"a"}, {"\xEF\xBB\xBF" "b"}}));
}

TEST(CsvReaderTest, PartialByteOrderMarkIsKeptAsData) {
  EXPECT_EQ(ParseFields("\xEF\xBB" "x,y\n"), (std::vector<Fields>{{"\xEF\xBB" "x", "y"}}));
  EXPECT_EQ(ParseFields("\xEF"), (std::vector<Fields>{{"\xEF"}}));
  EXPECT_EQ(ParseFields("\xEF\xBB\n"), (std::vector<Fields>{{"\xEF\xBB"}}));
  EXPECT_EQ(ParseFields("\xEF,"), (std::vector<Fields>{{"\xEF", ""}}));
}

TEST(CsvReaderTest, EmptyLinesAreSkippedButCountedInLineNumbers) {
  const auto records = Tokenize("h\n\n\r\na\n\nb");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], (Rec{{"h"}, 0, 1, CsvProblem::kNone}));
  EXPECT_EQ(records[1], (Rec{{"a"}, 1, 4, CsvProblem::kNone}));
  EXPECT_EQ(records[2], (Rec{{"b"}, 2, 6, CsvProblem::kNone}));
}

TEST(CsvReaderTest, HeaderIsRecordZeroAndLinesCountEmbeddedBreaks) {
  const auto records = Tokenize("id,bio\r\n1,\"two\r\nlines\"\r\n2,\"a\nb\rc\nd\"\n3,x\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].record_number, 0u);
  EXPECT_EQ(records[0].first_line, 1u);
  EXPECT_EQ(records[1].record_number, 1u);
  EXPECT_EQ(records[1].first_line, 2u);
  EXPECT_EQ(records[2].record_number, 2u);
  EXPECT_EQ(records[2].first_line, 4u);  // record 1 spans lines 2-3
  EXPECT_EQ(records[3].record_number, 3u);
  EXPECT_EQ(records[3].first_line, 8u);  // record 2 spans lines 4-7 (LF, lone CR, LF)
}

// --- Malformed input ------------------------------------------------------------------

TEST(CsvReaderTest, UnterminatedQuoteAtEndOfFileIsFlagged) {
  const auto records = Tokenize("a,b\n1,\"never closed\n2,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].problem, CsvProblem::kNone);
  EXPECT_EQ(records[1], (Rec{{"1", "never closed\n2,3\n"}, 1, 2, CsvProblem::kUnterminatedQuote}));
}

TEST(CsvReaderTest, QuoteInUnquotedFieldIsKeptAsIsAndFlagged) {
  const auto records = Tokenize("ab\"c,d\"\"e\nok\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (Rec{{"ab\"c", "d\"\"e"}, 0, 1, CsvProblem::kQuoteInUnquotedField}));
  EXPECT_EQ(records[1].problem, CsvProblem::kNone);
}

TEST(CsvReaderTest, CharactersAfterClosingQuoteAreAppendedAndFlagged) {
  const auto records = Tokenize("\"abc\"x,y\n\"q\" ,z\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (Rec{{"abcx", "y"}, 0, 1, CsvProblem::kCharactersAfterClosingQuote}));
  EXPECT_EQ(records[1], (Rec{{"q ", "z"}, 1, 2, CsvProblem::kCharactersAfterClosingQuote}));
}

TEST(CsvReaderTest, FirstProblemInARecordIsKept) {
  const auto records = Tokenize("a\"b,\"c\"d\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].problem, CsvProblem::kQuoteInUnquotedField);
}

TEST(CsvReaderTest, RecordTooLargeIsSkippedAndReadingContinues) {
  CsvOptions options;
  options.max_record_bytes = 200;
  const std::string big(300, 'x');
  // The big record hides a quoted line break and a comma: both must be skipped with it.
  const std::string input = "h1,h2\n" + big + ",\"q\n,\"\"\"\nnext,1\n";
  const auto records = Tokenize(input, options);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(records[1], (Rec{{}, 1, 2, CsvProblem::kRecordTooLarge}));
  EXPECT_EQ(records[2], (Rec{{"next", "1"}, 2, 4, CsvProblem::kNone}));
}

TEST(CsvReaderTest, ManyEmptyFieldsCountTowardTheRecordLimit) {
  CsvOptions options;
  options.max_record_bytes = 100 * sizeof(std::string);
  const auto records = Tokenize(std::string(1000, ',') + "\nok\n", options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].problem, CsvProblem::kRecordTooLarge);
  EXPECT_TRUE(records[0].fields.empty());
  EXPECT_EQ(records[1].fields, (Fields{"ok"}));
}

TEST(CsvReaderTest, RecordJustUnderTheLimitIsKept) {
  CsvOptions options;
  options.max_record_bytes = 2 * sizeof(std::string) + 10;
  const auto records = Tokenize("12345,67890\n", options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].problem, CsvProblem::kNone);
  const auto over = Tokenize("12345,678901\n", options);
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].problem, CsvProblem::kRecordTooLarge);
  // The same bound when the last thing added is a field rather than a byte.
  EXPECT_EQ(Tokenize("1234567890,\n", options)[0].problem, CsvProblem::kNone);
  EXPECT_EQ(Tokenize("12345678901,\n", options)[0].problem, CsvProblem::kRecordTooLarge);
}

TEST(CsvReaderTest, EveryProblemHasAMessage) {
  for (CsvProblem p : {CsvProblem::kUnterminatedQuote, CsvProblem::kQuoteInUnquotedField,
                       CsvProblem::kCharactersAfterClosingQuote, CsvProblem::kRecordTooLarge}) {
    EXPECT_FALSE(CsvProblemMessage(p).empty());
    EXPECT_NE(CsvProblemMessage(p), CsvProblemMessage(CsvProblem::kNone));
  }
  EXPECT_EQ(CsvProblemMessage(CsvProblem::kUnterminatedQuote),
            "unterminated quoted field at end of file");
}

// --- Chunk boundaries -----------------------------------------------------------------

TEST(CsvReaderTest, QuotedFieldMaySpanChunkBoundary) {
  const auto records = TokenizeChunks({"a,\"hel", "lo, wo", "rld\"\n"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "hello, world"}));
}

TEST(CsvReaderTest, DoubledQuoteMaySplitAcrossChunks) {
  const auto records = TokenizeChunks({"\"x\"", "\"y\",z\n"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"x\"y", "z"}));
}

TEST(CsvReaderTest, CrlfMaySplitAcrossChunks) {
  const auto records = TokenizeChunks({"a\r", "\nb\r", "\n"});
  EXPECT_EQ(FieldsOf(records), (std::vector<Fields>{{"a"}, {"b"}}));
  EXPECT_EQ(records[1].first_line, 2u);
}

TEST(CsvReaderTest, ByteOrderMarkMaySplitAcrossChunks) {
  const auto records = TokenizeChunks({"\xEF", "\xBB", "\xBF" "a\n"});
  EXPECT_EQ(FieldsOf(records), (std::vector<Fields>{{"a"}}));
}

TEST(CsvReaderTest, EveryChunkSplitOfRfcCasesGivesTheSameRecords) {
  ExpectSameRecordsAtEveryChunkBoundary(
      "\xEF\xBB\xBFid,\"na,me\",bio\r\n"
      "1,\"say \"\"hi\"\"\",\"a\r\nb\"\r\n"
      "\n"
      "2,,\"\"\r"
      "3,x,\"\"\"\"\n"
      "4,\"q\nr\",last");
}

TEST(CsvReaderTest, EveryChunkSplitOfMalformedInputGivesTheSameRecords) {
  ExpectSameRecordsAtEveryChunkBoundary("a\"b,\"c\"d\r\n\"e\"\"\"f\n\xEF\xBB,\"open\r\n");
  ExpectSameRecordsAtEveryChunkBoundary("\xEF\xBB");
  ExpectSameRecordsAtEveryChunkBoundary("\xEF\r\n\r\"\"");
}

TEST(CsvReaderTest, EveryChunkSplitOfTooLargeRecordGivesTheSameRecords) {
  CsvOptions options;
  options.max_record_bytes = 3 * sizeof(std::string) + 8;
  ExpectSameRecordsAtEveryChunkBoundary("ab,cd\n0123456789,\"x\r\n,\"\"\"\r\nok,1\n", options);
}

TEST(CsvReaderTest, RandomInputGivesTheSameRecordsAtEveryChunkSplit) {
  std::mt19937 rng(20261129);
  const std::string alphabet = "ab,\"\r\n \xEF\xBB\xBF";
  for (int round = 0; round < 200; ++round) {
    std::string input;
    const int length = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int i = 0; i < length; ++i) {
      input += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    }
    ExpectSameRecordsAtEveryChunkBoundary(input);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// --- Storage reuse --------------------------------------------------------------------

TEST(CsvReaderTest, NextRecyclesTheCallersVectorAndStrings) {
  // The tokenizer and the caller trade two vectors, so the storage the caller held two
  // records ago is what the next record is built in. Capacities we reserved must survive.
  CsvTokenizer tokenizer;
  tokenizer.Feed("a,b\nc,d\ne,f\ng,h\n");
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  record.fields.reserve(50);
  record.fields[0].reserve(1000);
  record.fields[1].reserve(1000);
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.fields, (Fields{"e", "f"}));
  EXPECT_GE(record.fields.capacity(), 50u);
  EXPECT_GE(record.fields[0].capacity(), 1000u);
  EXPECT_GE(record.fields[1].capacity(), 1000u);
}

TEST(CsvReaderTest, HugeFieldMemoryIsNotKeptForLaterRecords) {
  const std::string input = std::string(200 * 1024, 'x') + "\nb\nc\n";
  CsvTokenizer tokenizer;
  tokenizer.Feed(input);
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields[0].size(), 200u * 1024);
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_TRUE(tokenizer.Next(&record));  // built in the first record's strings
  EXPECT_EQ(record.fields, (Fields{"c"}));
  EXPECT_LT(record.fields[0].capacity(), 64u * 1024);
}

TEST(CsvReaderTest, RecordsWithFewerFieldsDoNotLoseSpareStrings) {
  CsvTokenizer tokenizer;
  tokenizer.Feed("aaaaaaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbbbbbbbbbbb,c\nx\n1,2,3\n");
  tokenizer.Finish();
  CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.fields.size(), 3u);
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.fields, (Fields{"x"}));
  ASSERT_TRUE(tokenizer.Next(&record));
  EXPECT_EQ(record.fields, (Fields{"1", "2", "3"}));
  EXPECT_FALSE(tokenizer.Next(&record));
}

// --- CsvReader over sources -----------------------------------------------------------

// A source that hands out at most `step` bytes per Read, and fails after `fail_after` bytes.
class TrickleSource : public CsvByteSource {
 public:
  TrickleSource(std::string data, std::size_t step, std::size_t fail_after = SIZE_MAX)
      : data_(std::move(data)), step_(step), fail_after_(fail_after) {}
  boost::system::result<std::size_t> Read(std::span<char> buffer) override {
    if (offset_ >= fail_after_) return boost::system::errc::make_error_code(boost::system::errc::io_error);
    const std::size_t n = std::min({buffer.size(), step_, data_.size() - offset_});
    std::copy_n(data_.data() + offset_, n, buffer.data());
    offset_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t fail_after_;
  std::size_t offset_ = 0;
};

std::vector<Rec> ReadAll(CsvReader* reader) {
  std::vector<Rec> out;
  CsvRecord record;
  while (reader->Next(&record)) {
    out.push_back({record.fields, record.record_number, record.first_line, record.problem});
  }
  return out;
}

// About 300 KiB of rows, some with quoted fields, so records straddle 64 KiB blocks.
std::string ManyRows() {
  std::string csv = "\xEF\xBB\xBFlogin,first,bio\r\n";
  for (int i = 0; i < 5000; ++i) {
    csv += "user" + std::to_string(i) + "@example.com,First" + std::to_string(i) +
           ",\"likes \"\"csv\"\",\r\nand commas\"\r\n";
  }
  return csv;
}

TEST(CsvReaderTest, ReaderGivesTheSameRecordsAsTheTokenizerAcrossBlocks) {
  const std::string csv = ManyRows();
  const auto expected = Tokenize(csv);
  ASSERT_EQ(expected.size(), 5001u);
  EXPECT_EQ(expected[5000].first_line, 2 + 2 * 4999u);  // each data row spans two lines
  CsvReader whole(std::make_unique<CsvMemorySource>(csv));
  EXPECT_EQ(ReadAll(&whole), expected);
  EXPECT_FALSE(whole.error());
  EXPECT_EQ(whole.bytes_read(), csv.size());
  CsvReader trickle(std::make_unique<TrickleSource>(csv, 997));
  EXPECT_EQ(ReadAll(&trickle), expected);
  EXPECT_FALSE(trickle.error());
}

TEST(CsvReaderTest, ReadErrorStopsTheStreamAndIsReported) {
  const std::string csv = "a,b\n1,2\n3,4\n";
  CsvReader reader(std::make_unique<TrickleSource>(csv, 4, 8));
  const auto records = ReadAll(&reader);
  EXPECT_EQ(FieldsOf(records), (std::vector<Fields>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(reader.error(), boost::system::errc::io_error);
  CsvRecord record;
  EXPECT_FALSE(reader.Next(&record));
}

TEST(CsvReaderTest, OpenReadsAFile) {
  char path[] = "/tmp/csv_reader_test_XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string csv = ManyRows();
  {
    std::ofstream file(path, std::ios::binary);
    file << csv;
  }
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  EXPECT_EQ(ReadAll(reader->get()), Tokenize(csv));
  EXPECT_FALSE((*reader)->error());
  ::unlink(path);
}

TEST(CsvReaderTest, OpenReportsAMissingFile) {
  auto reader = CsvReader::Open("/nonexistent/dir/users.csv");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error(), boost::system::errc::no_such_file_or_directory);
}

TEST(CsvReaderTest, OpenRejectsADirectory) {
  auto reader = CsvReader::Open("/tmp");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error(), boost::system::errc::is_a_directory);
}

// --- Writer round trip ----------------------------------------------------------------

TEST(CsvReaderTest, WriterOutputReadsBackToTheSameFields) {
  std::mt19937 rng(4180);
  const std::string alphabet = "ab ,\"\r\n\t=\xEF\xBB\xBF";
  std::vector<Fields> written;
  std::string csv;
  for (int row = 0; row < 2000; ++row) {
    Fields fields(std::uniform_int_distribution<int>(1, 6)(rng));
    for (auto& field : fields) {
      const int length = std::uniform_int_distribution<int>(0, 12)(rng);
      for (int i = 0; i < length; ++i) {
        field += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
      }
    }
    AppendCsvRecord(&csv, std::span<const std::string>(fields));
    written.push_back(std::move(fields));
  }
  const auto records = Tokenize(csv);
  EXPECT_EQ(FieldsOf(records), written);
  for (const auto& r : records) EXPECT_EQ(r.problem, CsvProblem::kNone);
}

}  // namespace
}  // namespace okta_bulk
