// Input the way people save it (issue 18): the progress total of a ';' or TAB file counts its
// records as the job reads them (the delimiter found by the reader, not ','), and a file in
// UTF-16 without a byte order mark is named as such, with how to save it, instead of reading
// as column names full of NUL bytes.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/report/progress.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

// ASCII `text` as UTF-16 LE (or BE) without a byte order mark.
std::string Utf16(const std::string& text, bool big_endian) {
  std::string out;
  for (char c : text) {
    if (big_endian) out.push_back('\0');
    out.push_back(c);
    if (!big_endian) out.push_back('\0');
  }
  return out;
}

TEST(CsvEncodingSlipsTest, TheProgressTotalOfASemicolonOrTabFileCountsItsRecordsAsTheJobReadsThem) {
  TempDir dir;
  // After ';' a quote opens a field spanning two lines; split on ',' it would be three records.
  for (const std::string sep : {";", "\t"}) {
    dir.Write("u.csv", "login" + sep + "title\n"
                       "a@example.com" + sep + "\"line1\nline2, more\"\n"
                       "b@example.com" + sep + "x\n");
    EXPECT_EQ(CountCsvRecords(dir.File("u.csv")), 2u) << (sep == ";" ? "';'" : "TAB");
    EXPECT_EQ(CountCsvRecords(dir.File("u.csv"), sep[0]), 2u) << "--delimiter";
  }
}

TEST(CsvEncodingSlipsTest, Utf16WithoutAByteOrderMarkIsRecognisedAndPlainUtf8IsNot) {
  const std::string header = "login,email,firstName,lastName\n";
  EXPECT_EQ(GuessUnmarkedUtf16(Utf16(header, false)), "UTF-16 LE");
  EXPECT_EQ(GuessUnmarkedUtf16(Utf16(header, true)), "UTF-16 BE");
  EXPECT_EQ(GuessUnmarkedUtf16(header), "");
  EXPECT_EQ(GuessUnmarkedUtf16("login,nom,pr\xC3\xA9nom\n\xE5\xA7\x93,x\n"), "") << "UTF-8 beyond ASCII";
  EXPECT_EQ(GuessUnmarkedUtf16(std::string("a\0b\0", 4)), "") << "too little to tell";
}

TEST(CsvEncodingSlipsTest, AUtf16FileWithoutAByteOrderMarkStopsWithHowToSaveIt) {
  TempDir dir;
  MockProcess mock;
  for (bool big_endian : {false, true}) {
    const std::string content =
        Utf16("login,email,firstName,lastName\r\nu1@example.com,u1@example.com,Ann,One\r\n", big_endian);
    dir.Write("u16.csv", content);
    for (bool dry_run : {true, false}) {
      std::vector<std::string> args = {"import", dir.File("u16.csv"), "-o", dir.File("r.csv")};
      if (dry_run) args.push_back("--dry-run");
      ProcessResult run = RunOktaBulk(args, mock.base_url());
      EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
      EXPECT_NE(run.err.find(big_endian ? "UTF-16 BE" : "UTF-16 LE"), std::string::npos) << run.err;
      EXPECT_NE(run.err.find("without a byte order mark"), std::string::npos) << run.err;
      EXPECT_NE(run.err.find("CSV UTF-8"), std::string::npos) << run.err;
      EXPECT_EQ(dir.Read("u16.csv"), content);
    }
  }
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), 0);
  EXPECT_EQ(MockUsers(mock).size(), 0u);
}

}  // namespace
}  // namespace okta_bulk::testing
