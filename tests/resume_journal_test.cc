// The resume journal (issue 18): finished rows recognised by key, renumbered to where they
// stand in the current input, edited rows told by their rowHash, and results files written
// before rowHash existed still resumed. Files only; no sockets.
#include "pipeline/engine/resume_journal.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

const std::vector<std::string> kHeader = {"login", "email", "firstName"};

std::vector<std::string> Cells(const std::string& name, const std::string& first = "Ann") {
  return {name + "@example.com", name + "@example.com", first};
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A results line for `name` as a run writes it, with the hash of Cells(name, first).
std::string Line(int row, const std::string& name, const std::string& first = "Ann",
                 const std::string& outcome = "created") {
  return std::to_string(row) + "," + name + "@example.com," + outcome + ",00u" + name +
         ",ACTIVE,200,,,1," + Hex(RowContentHash(kHeader, Cells(name, first))) + "\n";
}

const char kResultsHeader[] =
    "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts,rowHash\n";

// Feeds the journal the current input, one record per name, rows numbered from 1, then
// ends it (EndInput).
void Match(Journal* journal, const std::vector<std::vector<std::string>>& rows) {
  uint64_t row = 0;
  for (const auto& cells : rows) journal->MatchInput(cells[0], ++row, RowContentHash(kHeader, cells));
  journal->EndInput();
}

TEST(ResumeJournalTest, ContentHashIgnoresColumnOrderAndEmptyCellsButSeesAnEdit) {
  const uint64_t h = RowContentHash({"login", "firstName"}, {"a@example.com", "Ann"});
  EXPECT_NE(h, 0u);
  EXPECT_EQ(RowContentHash({"firstName", "login"}, {"Ann", "a@example.com"}), h);
  EXPECT_EQ(RowContentHash({"login", "firstName", "dept"}, {"a@example.com", "Ann", ""}), h);
  EXPECT_NE(RowContentHash({"login", "firstName"}, {"a@example.com", "Anne"}), h);
  EXPECT_NE(RowContentHash({"login", "lastName"}, {"a@example.com", "Ann"}), h) << "the column counts";
  EXPECT_NE(RowContentHash({"login", "firstName"}, {"a@example.com", ""}), h) << "a cleared cell";
}

TEST(ResumeJournalTest, ContentHashLeavesPasswordsOut) {
  const uint64_t h = RowContentHash({"login", "firstName"}, {"a@example.com", "Ann"});
  EXPECT_EQ(RowContentHash({"login", "firstName", "password"}, {"a@example.com", "Ann", "S3cret-pass"}), h);
  EXPECT_EQ(RowContentHash({"login", "Password ", "firstName"}, {"a@example.com", "x", "Ann"}), h);
  EXPECT_EQ(RowContentHash({"login", "firstName", "passwordHash", "passwordSalt"},
                           {"a@example.com", "Ann", "$2a$10$abc", "salt"}),
            h);
}

TEST(ResumeJournalTest, KeptRowsTakeTheirRowNumberInTheCurrentInputAndRemovedOnesKeepTheirResult) {
  TempDir dir;
  dir.Write("results.csv", std::string(kResultsHeader) + Line(1, "a") + Line(2, "b") + Line(3, "c"));
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  // Two rows inserted at the top, b removed.
  Match(&journal, {Cells("new1"), Cells("new2"), Cells("a"), Cells("c")});
  EXPECT_EQ(journal.matched, 2u);
  EXPECT_EQ(journal.changed, 0u);
  ASSERT_TRUE(CompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  std::map<std::string, std::string> row_of;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) row_of[r.at("login")] = r.at("row");
  EXPECT_EQ(row_of.size(), 3u) << "no result is lost";
  EXPECT_EQ(row_of["a@example.com"], "3");
  EXPECT_EQ(row_of["c@example.com"], "4");
  EXPECT_EQ(row_of["b@example.com"], "") << "b is no longer in the input: no row number of another record";
  EXPECT_EQ(journal.kept, 3u);
  EXPECT_TRUE(journal.Finished("A@example.com", 3));
  EXPECT_FALSE(journal.Finished("a@example.com", 99)) << "a record of the key that took no result";
  EXPECT_FALSE(journal.Finished("new1@example.com", 1));

  // The compacted file resumes again: the row without a number is still known by its login.
  Journal again;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &again, &error)) << error;
  EXPECT_EQ(again.kept, 3u);
  EXPECT_EQ(again.dropped_damaged, 0u);
  EXPECT_TRUE(again.Finished("b@example.com", 1));
}

TEST(ResumeJournalTest, AnEditedRowIsCountedAndOnlyRetryChangedDropsItsResult) {
  for (bool retry_changed : {false, true}) {
    TempDir dir;
    dir.Write("results.csv", std::string(kResultsHeader) + Line(1, "a") + Line(2, "b"));
    Journal journal;
    std::string error;
    ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
    Match(&journal, {Cells("a"), Cells("b", "Bea")});
    EXPECT_EQ(journal.changed, 1u);
    ASSERT_TRUE(CompactJournal(dir.File("results.csv"), retry_changed, &journal, &error)) << error;
    const auto rows = ReadCsvFile(dir.File("results.csv"));
    EXPECT_EQ(rows.size(), retry_changed ? 1u : 2u);
    EXPECT_EQ(journal.kept, rows.size());
    EXPECT_TRUE(journal.Finished("a@example.com", 1));
    EXPECT_EQ(journal.Finished("b@example.com", 2), !retry_changed) << retry_changed;
  }
}

TEST(ResumeJournalTest, AResultsFileWithoutRowHashResumesWithEveryRowUnchanged) {
  TempDir dir;
  dir.Write("results.csv", "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts\n"
                           "1,a@example.com,created,00u1,ACTIVE,200,,,1\n"
                           "2,b@example.com,created,00u2,ACTIVE,200,,,1\n");
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  Match(&journal, {Cells("b", "Edited"), Cells("a", "Edited")});
  EXPECT_EQ(journal.changed, 0u) << "nothing recorded, nothing to compare";
  ASSERT_TRUE(CompactJournal(dir.File("results.csv"), true, &journal, &error)) << error;
  EXPECT_TRUE(journal.Finished("a@example.com", 2));
  EXPECT_TRUE(journal.Finished("b@example.com", 1));
  const std::string text = dir.Read("results.csv");
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), kResultsHeader) << "the header is brought up to date";
  const auto rows = ReadCsvFile(dir.File("results.csv"));
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) EXPECT_EQ(r.at("row"), r.at("login") == "a@example.com" ? "2" : "1");
}

TEST(ResumeJournalTest, ADuplicateRowsInvalidResultFollowsTheSecondRecordWithItsLogin) {
  TempDir dir;
  dir.Write("results.csv", std::string(kResultsHeader) +
                               "3,a@example.com,invalid,,,,,\"row 3: same login as row 1\",0,\n" +
                               Line(1, "a") + Line(2, "b"));
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  // One row inserted at the top: a is now rows 2 and 4.
  Match(&journal, {Cells("x"), Cells("a"), Cells("b"), Cells("a")});
  EXPECT_EQ(journal.changed, 0u) << "only the first record of a login is compared";
  ASSERT_TRUE(CompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  std::map<std::string, std::string> outcome_at;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) outcome_at[r.at("row")] = r.at("outcome");
  const std::map<std::string, std::string> expected = {{"2", "created"}, {"3", "created"}, {"4", "invalid"}};
  EXPECT_EQ(outcome_at, expected);
}

// The first record of a login was still in flight when its duplicate ended invalid and the
// run stopped: the duplicate's result must stay the duplicate's. Taken by the first record,
// it kept the user from ever being created (found by a helper: 300 users plus a copy of
// user290's line, interrupted, resumed: exit 0 and user290 missing).
TEST(ResumeJournalTest, ADuplicatesResultNeverKeepsTheFirstRecordOfItsLoginFromBeingSent) {
  const std::string dup_line =
      "4,a@example.com,invalid,,,,,\"row 4, field 'login': same login as row 2\",0," +
      Hex(RowContentHash(kHeader, Cells("a"))) + "\n";
  struct Case {
    const char* what;
    std::vector<std::vector<std::string>> input;
    uint64_t first, dup;  // a's records in it
  };
  const std::vector<Case> cases = {
      {"the same input", {Cells("x"), Cells("a"), Cells("b"), Cells("a")}, 2, 4},
      {"a row inserted at the top", {Cells("new"), Cells("x"), Cells("a"), Cells("b"), Cells("a")}, 3, 5},
      {"two rows inserted: the first record now stands at the duplicate's old number",
       {Cells("n1"), Cells("n2"), Cells("x"), Cells("a"), Cells("b"), Cells("a")}, 4, 6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TempDir dir;
    dir.Write("results.csv", std::string(kResultsHeader) + Line(1, "x") + dup_line);
    Journal journal;
    std::string error;
    ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
    Match(&journal, c.input);
    EXPECT_FALSE(journal.Finished("a@example.com", c.first)) << "the user must still be sent";
    EXPECT_TRUE(journal.Finished("a@example.com", c.dup));
    ASSERT_TRUE(CompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
    std::map<std::string, std::string> outcome_at;
    for (const auto& r : ReadCsvFile(dir.File("results.csv"))) outcome_at[r.at("row")] = r.at("outcome");
    const std::map<std::string, std::string> expected = {
        {std::to_string(c.first - 1), "created"}, {std::to_string(c.dup), "invalid"}};
    EXPECT_EQ(outcome_at, expected);
  }
}

// The first record was the invalid one (a bad cell) and its valid duplicate had not run yet:
// the invalid result goes back to the record with its content, and the valid one is sent.
TEST(ResumeJournalTest, AnInvalidFirstRecordKeepsItsResultAndItsValidDuplicateIsSent) {
  TempDir dir;
  const auto bad = Cells("a", "");  // the first name left empty: invalid
  dir.Write("results.csv", std::string(kResultsHeader) +
                               "1,a@example.com,invalid,,,,,\"row 1, field 'firstName': empty\",0," +
                               Hex(RowContentHash(kHeader, bad)) + "\n");
  for (int inserted : {0, 1, 2}) {
    SCOPED_TRACE(inserted);
    Journal journal;
    std::string error;
    ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
    std::vector<std::vector<std::string>> input;
    for (int i = 0; i < inserted; ++i) input.push_back(Cells("new" + std::to_string(i)));
    input.push_back(bad);
    input.push_back(Cells("b"));
    input.push_back(Cells("a"));
    Match(&journal, input);
    EXPECT_TRUE(journal.Finished("a@example.com", inserted + 1));
    EXPECT_FALSE(journal.Finished("a@example.com", inserted + 3)) << "the valid copy is sent";
  }
}

TEST(ResumeJournalTest, AResultWithoutAKeyNeverSharesANumberWithARenumberedRowOrOutlivesItsRecord) {
  TempDir dir;
  dir.Write("results.csv", std::string(kResultsHeader) + Line(1, "a") +
                               "2,,invalid,,,,,\"row 2, field 'login': is empty\",0,\n" + Line(3, "c"));
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  // One row inserted at the top: a is row 2 now, the row without a login row 3.
  Match(&journal, {Cells("x"), Cells("a"), {"", "", "Nobody"}, Cells("c")});
  ASSERT_TRUE(CompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  std::map<std::string, std::string> outcome_at;
  for (const auto& r : ReadCsvFile(dir.File("results.csv"))) outcome_at[r.at("row")] = r.at("outcome");
  const std::map<std::string, std::string> expected = {{"2", "created"}, {"4", "created"}};
  EXPECT_EQ(outcome_at, expected) << "row 2's old invalid result is about a record that moved";
  EXPECT_FALSE(journal.Finished("", 3)) << "the row without a login is read and reported again";
  EXPECT_FALSE(journal.Finished("", 2));

  // Read back, every kept result is still there.
  Journal again;
  ASSERT_TRUE(LoadJournal(dir.File("results.csv"), false, &again, &error)) << error;
  EXPECT_EQ(again.kept, 2u);
  EXPECT_TRUE(again.Finished("a@example.com", 2));
  EXPECT_TRUE(again.Finished("c@example.com", 4));
}

TEST(ResumeJournalTest, TheSameKeyTwiceUnderOneRowNumberIsKeptOnce) {
  TempDir dir;
  dir.Write("results.csv", std::string(kResultsHeader) + Line(1, "a") + Line(1, "a") + Line(2, "b"));
  Journal journal;
  std::string error;
  ASSERT_TRUE(LoadAndCompactJournal(dir.File("results.csv"), false, &journal, &error)) << error;
  EXPECT_EQ(journal.kept, 2u);
  EXPECT_EQ(journal.counts[static_cast<std::size_t>(Outcome::kCreated)], 2u);
  EXPECT_EQ(ReadCsvFile(dir.File("results.csv")).size(), 2u);
}

}  // namespace
}  // namespace okta_bulk::testing
