#include "pipeline/csv/csv_writer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace okta_bulk {
namespace {

std::string Field(std::string_view value) {
  std::string out;
  AppendCsvField(&out, value);
  return out;
}

std::string Guarded(std::string_view value) {
  std::string out;
  AppendCsvCellGuarded(&out, value);
  return out;
}

TEST(CsvWriterTest, PlainFieldIsWrittenAsIs) {
  EXPECT_EQ(Field("jane.doe@example.com"), "jane.doe@example.com");
  EXPECT_EQ(Field("in ner"), "in ner");
  EXPECT_EQ(Field(""), "");
}

TEST(CsvWriterTest, FieldWithCommaIsQuoted) { EXPECT_EQ(Field("Doe, Jane"), "\"Doe, Jane\""); }

TEST(CsvWriterTest, QuotesInsideAreDoubled) {
  EXPECT_EQ(Field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Field("\""), "\"\"\"\"");
}

TEST(CsvWriterTest, LineBreaksAreQuotedAndKeptByteForByte) {
  EXPECT_EQ(Field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(Field("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(Field("a\rb"), "\"a\rb\"");
}

TEST(CsvWriterTest, LeadingOrTrailingBlanksAreQuoted) {
  EXPECT_EQ(Field(" a"), "\" a\"");
  EXPECT_EQ(Field("a "), "\"a \"");
  EXPECT_EQ(Field("\ta"), "\"\ta\"");
}

TEST(CsvWriterTest, LeadingByteOrderMarkIsQuoted) {
  EXPECT_EQ(Field("\xEF\xBB\xBFid"), "\"\xEF\xBB\xBFid\"");
}

TEST(CsvWriterTest, RecordIsCommaSeparatedAndEndsWithLf) {
  std::string out = "x";
  AppendCsvRecord(&out, {"a", "b,c", ""});
  EXPECT_EQ(out, "xa,\"b,c\",\n");
}

TEST(CsvWriterTest, RecordOfOneEmptyFieldIsWrittenAsEmptyQuotes) {
  std::string out;
  AppendCsvRecord(&out, {""});
  EXPECT_EQ(out, "\"\"\n");
}

TEST(CsvWriterTest, RecordAcceptsSpansOfStringsAndStringViews) {
  const std::vector<std::string> strings = {"1", "two words", "\"q\""};
  const std::vector<std::string_view> views(strings.begin(), strings.end());
  std::string from_strings;
  std::string from_views;
  AppendCsvRecord(&from_strings, std::span<const std::string>(strings));
  AppendCsvRecord(&from_views, std::span<const std::string_view>(views));
  EXPECT_EQ(from_strings, "1,two words,\"\"\"q\"\"\"\n");
  EXPECT_EQ(from_views, from_strings);
}

TEST(CsvWriterTest, FormulaLeadersNeedTheGuard) {
  for (std::string_view cell : {"=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
    EXPECT_TRUE(NeedsFormulaGuard(cell)) << cell;
  }
  for (std::string_view cell : {"", "a=1", " =1", "1-2", "'=1", "jane@example.com"}) {
    EXPECT_FALSE(NeedsFormulaGuard(cell)) << cell;
  }
}

TEST(CsvWriterTest, GuardedCellGetsASingleQuotePrefix) {
  EXPECT_EQ(Guarded("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(Guarded("-5"), "'-5");
  EXPECT_EQ(Guarded("@cmd"), "'@cmd");
  EXPECT_EQ(Guarded("\tx"), "'\tx");        // the tab is no longer leading
  EXPECT_EQ(Guarded("\rx"), "\"'\rx\"");    // CR still forces quotes
  EXPECT_EQ(Guarded("=a "), "\"'=a \"");    // trailing blank still forces quotes
}

TEST(CsvWriterTest, UnguardedCellIsWrittenLikeAField) {
  for (std::string_view cell : {"", "plain", "a,b", " lead", "q\"q", "\xEF\xBB\xBFx"}) {
    EXPECT_EQ(Guarded(cell), Field(cell)) << cell;
  }
}

}  // namespace
}  // namespace okta_bulk
