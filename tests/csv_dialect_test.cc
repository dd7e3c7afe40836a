// The CSV dialects people actually have (issue 18): ';' and TAB separated files (Excel in a
// European locale, "Text (Tab delimited)"), UTF-16 with a byte order mark (Excel's "Unicode
// Text"), and where a byte that is not UTF-8 sits in the input.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

using Fields = std::vector<std::string>;

// A source handing out at most `step` bytes per Read.
class StepSource : public CsvByteSource {
 public:
  StepSource(std::string data, std::size_t step) : data_(std::move(data)), step_(step) {}
  boost::system::result<std::size_t> Read(std::span<char> buffer) override {
    const std::size_t n = std::min({buffer.size(), step_, data_.size() - offset_});
    std::copy_n(data_.data() + offset_, n, buffer.data());
    offset_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t offset_ = 0;
};

struct ReadResult {
  std::vector<Fields> records;
  char delimiter = 0;
  CsvReader::Encoding encoding = CsvReader::Encoding::kUtf8;
};

ReadResult ReadAll(const std::string& input, char delimiter = kDetectDelimiter,
                   std::size_t step = SIZE_MAX) {
  CsvOptions options;
  options.delimiter = delimiter;
  CsvReader reader(std::make_unique<StepSource>(input, step), options);
  ReadResult out;
  CsvRecord record;
  while (reader.Next(&record)) out.records.push_back(record.fields);
  EXPECT_FALSE(reader.error());
  EXPECT_EQ(reader.bytes_read(), input.size());
  out.delimiter = reader.delimiter();
  out.encoding = reader.encoding();
  return out;
}

std::string Utf16(std::u16string_view text, bool big_endian, bool bom = true) {
  std::string out;
  auto put = [&](char16_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  };
  if (bom) put(u'\xFEFF');
  for (char16_t u : text) put(u);
  return out;
}

// --- Picking the delimiter from the header line -----------------------------------------

TEST(CsvDelimiterTest, TheSeparatorThatGivesTheMostColumnsWins) {
  EXPECT_EQ(DetectDelimiter("login,email,firstName\n", false), ',');
  EXPECT_EQ(DetectDelimiter("login;email;firstName\r\n", false), ';');
  EXPECT_EQ(DetectDelimiter("login\temail\tfirstName\n", false), '\t');
  // A name with a comma in a ';' file: still ';'.
  EXPECT_EQ(DetectDelimiter("login;email;name, first;x\n", false), ';');
}

TEST(CsvDelimiterTest, TiesAndHeadersOfOneColumnGoToComma) {
  EXPECT_EQ(DetectDelimiter("login\n", false), ',');
  EXPECT_EQ(DetectDelimiter("a;b,c\n", false), ',');
  EXPECT_EQ(DetectDelimiter("", true), ',');
}

TEST(CsvDelimiterTest, QuotedHeaderFieldsDoNotCount) {
  EXPECT_EQ(DetectDelimiter("\"a;b;c;d\",login,email\n", false), ',');
  EXPECT_EQ(DetectDelimiter("\"a,b,c,d\";login;email\n", false), ';');
  // A quoted field with a line break does not end the header line.
  EXPECT_EQ(DetectDelimiter("\"a,b\nc,d,e\";login;email\n", false), ';');
  EXPECT_EQ(DetectDelimiter("\"a\"\",\"\",\";login;email\n", false), ';');
}

TEST(CsvDelimiterTest, OnlyTheFirstLineCountsAndABomOrEmptyLinesBeforeItAreSkipped) {
  EXPECT_EQ(DetectDelimiter("login;email\na,b,c,d,e\n", false), ';');
  EXPECT_EQ(DetectDelimiter("\xEF\xBB\xBFlogin;email\n", false), ';');
  EXPECT_EQ(DetectDelimiter("\r\n\nlogin\temail\n", false), '\t');
}

TEST(CsvDelimiterTest, AnUnfinishedHeaderLineAsksForMoreUnlessTheInputEnded) {
  EXPECT_EQ(DetectDelimiter("login;email", false), kDetectDelimiter);
  EXPECT_EQ(DetectDelimiter("\"a,b", false), kDetectDelimiter);
  EXPECT_EQ(DetectDelimiter("\xEF\xBB", false), kDetectDelimiter);
  EXPECT_EQ(DetectDelimiter("login;email", true), ';');
}

TEST(CsvDelimiterTest, ReaderDetectsSemicolonsWhenTheHeaderSpansManyReads) {
  std::string header = "login";
  for (int i = 0; i < 50; ++i) header += ";column" + std::to_string(i);
  const std::string csv = header + "\na@example.com" + std::string(50, ';') + "\n";
  const ReadResult r = ReadAll(csv, kDetectDelimiter, 7);
  EXPECT_EQ(r.delimiter, ';');
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].size(), 51u);
  EXPECT_EQ(r.records[1].size(), 51u);
  EXPECT_EQ(r.records[1][0], "a@example.com");
}

TEST(CsvDelimiterTest, ReaderOnASemicolonFileKeepsCommasTabsAndLineBreaksInQuotes) {
  const std::string csv =
      "\xEF\xBB\xBFlogin;lastName;title\r\n"
      "a@example.com;\"O'Brien, Jr.\";\"x;y\r\nz\"\r\n"
      "b@example.com;Tab\there;\"a \"\"b\"\"\"\r\n";
  const ReadResult r = ReadAll(csv);
  EXPECT_EQ(r.delimiter, ';');
  EXPECT_EQ(r.records, (std::vector<Fields>{{"login", "lastName", "title"},
                                            {"a@example.com", "O'Brien, Jr.", "x;y\r\nz"},
                                            {"b@example.com", "Tab\there", "a \"b\""}}));
  // Byte by byte: the header is held back across reads until its line is complete.
  EXPECT_EQ(ReadAll(csv, kDetectDelimiter, 1).records, r.records);
}

TEST(CsvDelimiterTest, ReaderOnATabFileKeepsCommasAndSemicolonsInFields) {
  const std::string csv =
      "login\tfirstName\tgroupId\n"
      "a@example.com\t\"Ann,\tB\"\t00g1;00g2\n"
      "b@example.com\t\"multi\nline\"\t\n";
  const ReadResult r = ReadAll(csv);
  EXPECT_EQ(r.delimiter, '\t');
  EXPECT_EQ(r.records, (std::vector<Fields>{{"login", "firstName", "groupId"},
                                            {"a@example.com", "Ann,\tB", "00g1;00g2"},
                                            {"b@example.com", "multi\nline", ""}}));
}

TEST(CsvDelimiterTest, AGivenDelimiterIsUsedAsItIs) {
  const ReadResult pipe = ReadAll("login|email\na@x.co|b,c\n", '|');
  EXPECT_EQ(pipe.delimiter, '|');
  EXPECT_EQ(pipe.records, (std::vector<Fields>{{"login", "email"}, {"a@x.co", "b,c"}}));
  // Asked for ',' on a ';' file: one column, as before.
  EXPECT_EQ(ReadAll("login;email\n", ',').records, (std::vector<Fields>{{"login;email"}}));
}

TEST(CsvDelimiterTest, TheDefaultOptionsStayComma) {
  // Results files and okta-bulk's own files are read with the default options.
  EXPECT_EQ(CsvOptions().delimiter, ',');
  CsvReader reader(std::make_unique<CsvMemorySource>("a;b;c\n"));
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_EQ(record.fields, Fields{"a;b;c"});
}

TEST(CsvDelimiterTest, DescribeSaysHowTheInputWasReadWhenNotPlainComma) {
  CsvOptions detect;
  detect.delimiter = kDetectDelimiter;
  CsvReader semi(std::make_unique<CsvMemorySource>("a;b\n"), detect);
  CsvRecord record;
  ASSERT_TRUE(semi.Next(&record));
  EXPECT_EQ(semi.Describe(false), "read as ';'-separated (from the header line)");
  CsvReader comma(std::make_unique<CsvMemorySource>("a,b\n"), detect);
  ASSERT_TRUE(comma.Next(&record));
  EXPECT_EQ(comma.Describe(false), "");
  static const std::string tab16 = Utf16(u"a\tb\n", false);
  CsvReader tab(std::make_unique<CsvMemorySource>(tab16), detect);
  ASSERT_TRUE(tab.Next(&record));
  EXPECT_EQ(tab.Describe(false), "read as TAB-separated (from the header line), UTF-16 LE");
}

// --- UTF-16 -------------------------------------------------------------------------------

TEST(CsvUtf16Test, LittleAndBigEndianWithABomReadAsUtf8) {
  const std::u16string text = u"login;firstName\r\nz\u00F6e@example.com;\u00C5sa \u4E2D\r\n";
  for (bool big_endian : {false, true}) {
    const ReadResult r = ReadAll(Utf16(text, big_endian));
    EXPECT_EQ(r.encoding, big_endian ? CsvReader::Encoding::kUtf16Be : CsvReader::Encoding::kUtf16Le);
    EXPECT_EQ(r.delimiter, ';');
    EXPECT_EQ(r.records, (std::vector<Fields>{{"login", "firstName"},
                                              {"z\xC3\xB6" "e@example.com", "\xC3\x85sa \xE4\xB8\xAD"}}));
  }
}

TEST(CsvUtf16Test, ASurrogatePairBecomesOneFourByteCharacter) {
  // U+1F600 is D83D DE00 in UTF-16, F0 9F 98 80 in UTF-8.
  const ReadResult r = ReadAll(Utf16(u"a,b\nx\U0001F600y,z\n", false));
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1][0], "x\xF0\x9F\x98\x80y");
}

TEST(CsvUtf16Test, CharactersSplitAcrossReadsAndBlocksArriveWhole) {
  // A row long enough to cross the reader's 64 KiB block, full of 2-byte units, a 3-byte
  // character and a surrogate pair, read whole, in odd-sized reads and byte by byte: every
  // split (inside a code unit, between the halves of a pair) gives the same text.
  std::u16string row;
  while (row.size() < CsvReader::kBlockSize)
    row += u"\u00E9\u4E2D\U0001F600;";
  const std::u16string text = u"a;b\n" + row + u"\n";
  const ReadResult whole = ReadAll(Utf16(text, true));
  ASSERT_EQ(whole.records.size(), 2u);
  EXPECT_EQ(whole.records[1][0], "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
  EXPECT_EQ(whole.records[1].size(), row.size() / 5 + 1);
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{4093}}) {
    EXPECT_EQ(ReadAll(Utf16(text, true), kDetectDelimiter, step).records, whole.records) << step;
    EXPECT_EQ(ReadAll(Utf16(text, false), kDetectDelimiter, step).records, whole.records) << step;
  }
}

TEST(CsvUtf16Test, ALoneSurrogateOrAnOddByteIsKeptAsInvalidUtf8) {
  const ReadResult lone = ReadAll(Utf16(u"a\nx\xD800y\n", false));
  ASSERT_EQ(lone.records.size(), 2u);
  EXPECT_FALSE(Utf8Problem(lone.records[1][0]).empty());
  std::string odd = Utf16(u"a\nb", false);
  odd.push_back('c');
  const ReadResult r = ReadAll(odd);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1][0], "b\xFF");
}

TEST(CsvUtf16Test, AUtf8BomIsStillSkippedAndWithoutABomTheBytesAreUtf8) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFlogin\n").records, (std::vector<Fields>{{"login"}}));
  const ReadResult plain = ReadAll("l\xC3\xB6gin\n");
  EXPECT_EQ(plain.encoding, CsvReader::Encoding::kUtf8);
  EXPECT_EQ(plain.records, (std::vector<Fields>{{"l\xC3\xB6gin"}}));
}

// --- Where a byte that is not UTF-8 is ------------------------------------------------------

TEST(CsvInputOffsetTest, LocatesBytesOfUnquotedAndQuotedFields) {
  // Row 1 starts at byte 9; "Jos\xE9" from Windows-1252, in a quoted field after one with a
  // doubled quote.
  const std::string csv = "login,fn\n\"a\"\"b\",\"Jos\xE9\"\nc,d\xE9\n";
  CsvReader reader(std::make_unique<CsvMemorySource>(csv));
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_EQ(record.first_byte, 9u);
  EXPECT_EQ(record.quoted_fields, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(CsvInputOffset(record, 1, 3), csv.find('\xE9'));
  EXPECT_EQ(CsvInputOffset(record, 0, 2), csv.find('b'));
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_TRUE(record.quoted_fields.empty());
  EXPECT_EQ(CsvInputOffset(record, 1, 1), csv.rfind('\xE9'));
}

TEST(CsvInputOffsetTest, NonUtf8CellMessageNamesRowLineAndByteOffset) {
  const std::string csv = "login,firstName\r\nok@example.com,Ann\r\nb@example.com,\"Jos\xE9\"\r\n";
  CsvReader reader(std::make_unique<CsvMemorySource>(csv));
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_TRUE(reader.Next(&record));
  std::string error;
  EXPECT_FALSE(CheckRecordShape(record, 2, {"login", "firstName"}, &error));
  EXPECT_EQ(error,
            "row 2 (line 3, byte offset " + std::to_string(csv.find('\xE9')) +
                "): not valid UTF-8: save the file as 'CSV UTF-8' (in Excel: File > Save As > "
                "CSV UTF-8); the first bad byte is in field 'firstName'");
}

}  // namespace
}  // namespace okta_bulk
