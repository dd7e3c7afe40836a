// okta-bulk reading the CSV files people actually have (issue 18), end to end against
// okta-mock: ';' and TAB separated files, UTF-16 LE with a BOM (Excel's "Unicode Text"),
// a Windows-1252 file refused with the row and byte named, and header names that look like
// slips. Servers: okta-mock on 127.0.0.1, port 0, started and stopped by each test.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

// Profiles by login.
std::map<std::string, json::object> Profiles(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) {
    const auto& o = u.as_object();
    out.emplace(Str(o.at("login")), o.at("profile").as_object());
  }
  return out;
}

std::string Utf16Le(std::u16string_view text) {
  std::string out = "\xFF\xFE";
  for (char16_t u : text) {
    out.push_back(static_cast<char>(u & 0xFF));
    out.push_back(static_cast<char>(u >> 8));
  }
  return out;
}

TEST(ImportEndToEndDialectTest, SemicolonFileImportsEveryUserWithTheRightAttributes) {
  TempDir dir;
  // As Excel writes it in a European locale: ';', CRLF, quotes where a cell has a ';'.
  dir.Write("users.csv",
            "login;email;firstName;lastName;title\r\n"
            "a1@example.com;a1@example.com;Ann;\"O'Brien, Jr.\";\"R&D; Paris\"\r\n"
            "a2@example.com;a2@example.com;Bo;Berg;\r\n"
            "a3@example.com;a3@example.com;Cy;\"multi\r\nline\";Boss\r\n");
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("read as ';'-separated (from the header line)"), std::string::npos)
      << run.out;
  auto users = Profiles(mock);
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(Str(users.at("a1@example.com").at("firstName")), "Ann");
  EXPECT_EQ(Str(users.at("a1@example.com").at("lastName")), "O'Brien, Jr.");
  EXPECT_EQ(Str(users.at("a1@example.com").at("title")), "R&D; Paris");
  EXPECT_FALSE(users.at("a2@example.com").contains("title"));
  EXPECT_EQ(Str(users.at("a3@example.com").at("lastName")), "multi\r\nline");
  // The results file stays ','.
  EXPECT_EQ(dir.Read("r.csv").substr(0, 10), "row,login,");
}

TEST(ImportEndToEndDialectTest, TabFileImportsEveryUserAndTheDryRunSaysTab) {
  TempDir dir;
  dir.Write("users.csv",
            "login\temail\tfirstName\tlastName\tgroupId\n"
            "t1@example.com\tt1@example.com\tTia\tSmith, Jr.\t\n"
            "t2@example.com\tt2@example.com\tTom\tA;B\t\n");
  MockProcess mock;
  ProcessResult dry = RunOktaBulk({"import", dir.File("users.csv"), "--dry-run"}, mock.base_url());
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("2 would be sent"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("read as TAB-separated (from the header line)"), std::string::npos)
      << dry.out;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto users = Profiles(mock);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(Str(users.at("t1@example.com").at("lastName")), "Smith, Jr.");
  EXPECT_EQ(Str(users.at("t2@example.com").at("lastName")), "A;B");
}

TEST(ImportEndToEndDialectTest, DelimiterFlagOverridesTheHeaderLine) {
  TempDir dir;
  // The header alone would say ',' ('|' is never picked by itself): the flag decides.
  dir.Write("users.csv", "login|email|firstName|lastName\np1@example.com|p1@example.com|Ann, B|Smith, Jr.\n");
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv"),
                                   "--delimiter", "|"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("read as '|'-separated (--delimiter)"), std::string::npos) << run.out;
  auto users = Profiles(mock);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(Str(users.at("p1@example.com").at("firstName")), "Ann, B");
  EXPECT_EQ(Str(users.at("p1@example.com").at("lastName")), "Smith, Jr.");
  ProcessResult bad = RunOktaBulk({"import", dir.File("users.csv"), "--delimiter", "x"},
                                  mock.base_url());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--delimiter takes"), std::string::npos) << bad.err;
}

TEST(ImportEndToEndDialectTest, Utf16LittleEndianFileImportsWithNonAsciiNamesIntact) {
  TempDir dir;
  // Excel's "Unicode Text": UTF-16 LE with a BOM, TAB separated, CRLF.
  dir.Write("users.txt", Utf16Le(u"login\temail\tfirstName\tlastName\r\n"
                                 u"u1@example.com\tu1@example.com\tZo\u00EB\t\u00C5str\u00F6m\r\n"
                                 u"u2@example.com\tu2@example.com\tJos\u00E9\t\u4E2D\u6587\r\n"));
  MockProcess mock;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.txt"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err << dir.Read("r.csv");
  EXPECT_NE(run.out.find("UTF-16 LE"), std::string::npos) << run.out;
  auto users = Profiles(mock);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(Str(users.at("u1@example.com").at("firstName")), "Zo\xC3\xAB");
  EXPECT_EQ(Str(users.at("u1@example.com").at("lastName")), "\xC3\x85str\xC3\xB6m");
  EXPECT_EQ(Str(users.at("u2@example.com").at("firstName")), "Jos\xC3\xA9");
  EXPECT_EQ(Str(users.at("u2@example.com").at("lastName")), "\xE4\xB8\xAD\xE6\x96\x87");
}

TEST(ImportEndToEndDialectTest, Windows1252FileIsRefusedNamingRowLineAndByteOffset) {
  TempDir dir;
  const std::string csv =
      "login,firstName,lastName,email\r\n"
      "w1@example.com,Ann,Lee,w1@example.com\r\n"
      "w2@example.com,Jos\xE9,Lee,w2@example.com\r\n";  // 0xE9 is 'é' in Windows-1252, not UTF-8
  dir.Write("users.csv", csv);
  const std::string expected = "row 2 (line 3, byte offset " + std::to_string(csv.find('\xE9')) +
                               "): not valid UTF-8: save the file as 'CSV UTF-8' (in Excel: "
                               "File > Save As > CSV UTF-8)";
  MockProcess mock;
  ProcessResult dry = RunOktaBulk({"import", dir.File("users.csv"), "--dry-run"}, mock.base_url());
  EXPECT_EQ(dry.exit_code, 1) << dry.out << dry.err;
  EXPECT_NE(dry.out.find(expected), std::string::npos) << dry.out;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto results = ReadCsvFile(dir.File("r.csv"));
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    if (r.at("row") != "2") continue;
    EXPECT_EQ(r.at("outcome"), "invalid");
    EXPECT_NE(r.at("error").find(expected), std::string::npos) << r.at("error");
  }
  EXPECT_EQ(MockUsers(mock).size(), 1u);
}

TEST(ImportEndToEndDialectTest, HeaderSlipsAreWarnedInTheDryRunAndAtTheStartOfARun) {
  TempDir dir;
  dir.Write("users.csv", "login;First Name;E-mail\nh1@example.com;Hal;h1@example.com\n");
  MockProcess mock;
  const std::string hint =
      "column 'First Name' is not a known base attribute; did you mean firstName?";
  // Offline (no schema read) the hints are the only help, and the dry run goes on.
  ProcessResult dry = RunOktaBulk({"import", dir.File("users.csv"), "--dry-run", "--offline"}, mock.base_url());
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("warning: " + hint), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("did you mean email?"), std::string::npos) << dry.out;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")},
                                  mock.base_url());
  EXPECT_NE(run.err.find("warning: " + hint), std::string::npos) << run.err;
  // And the org's schema, read before the first row, refuses the columns it does not have.
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("column 'First Name' is not in the org's user profile"), std::string::npos) << run.err;
  // A header refused for want of a login column carries the hint in its error.
  dir.Write("nologin.csv", "Username,email\nx@example.com,x@example.com\n");
  ProcessResult refused = RunOktaBulk({"import", dir.File("nologin.csv"), "-o", dir.File("r2.csv")},
                                      mock.base_url());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("did you mean login?"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace okta_bulk::testing
