// The plan file's cells (issue 17): guarded against spreadsheet formulas like the results
// file, and read back by --apply to exactly the value written.
#include <gtest/gtest.h>

#include "pipeline/csv/csv_writer.h"
#include "pipeline/jobs/sync_plan.h"

namespace okta_bulk {
namespace {

std::string Cell(std::string_view value) {
  std::string out;
  AppendPlanCell(&out, value);
  return out;
}

TEST(SyncPlanCellsTest, AFormulaIsWrittenAsTextLikeTheResultsFile) {
  for (std::string_view v : {"=1+1", "+33 1 23", "-5", "@SUM(A1)", "\tx", "\rx"}) {
    std::string results;
    AppendCsvCellGuarded(&results, v);
    EXPECT_EQ(Cell(v), results) << v;  // the same guard as the results file
    EXPECT_EQ(Cell(v).find_first_not_of('"'), Cell(v).find('\'')) << v;  // begins with '
  }
  EXPECT_EQ(Cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(Cell("Sales"), "Sales");
  EXPECT_EQ(Cell("O'Brien"), "O'Brien");
}

TEST(SyncPlanCellsTest, EveryCellReadsBackToItsValue) {
  for (std::string_view v : {"", "'", "''", "'x", "x'", "=1+1", "'=1+1", "''=1+1", "-5", "'-5",
                             "@a", "'@a", "\t", "'\t", "Sales", "O'Brien", "a,b", "'''"}) {
    std::string written = Cell(v);
    // What a CSV reader gives back for the written field: unquote it.
    std::string field = written;
    if (field.size() >= 2 && field.front() == '"') {
      field = field.substr(1, field.size() - 2);
      for (std::size_t p = 0; (p = field.find("\"\"", p)) != std::string::npos; ++p) field.erase(p, 1);
    }
    EXPECT_EQ(PlanCellValue(field), v) << "written as " << written;
  }
  // A written cell never begins like a formula.
  for (std::string_view v : {"=1", "'=1", "''=1", "-1", "+1", "@1"}) EXPECT_FALSE(NeedsFormulaGuard(Cell(v))) << v;
}

}  // namespace
}  // namespace okta_bulk
