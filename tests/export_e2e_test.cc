// okta-bulk export against okta-mock: every user across pages, the columns asked for, and a
// round trip (export, then import into an empty org) that loses no profile attribute.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock))
    out.emplace(std::string(u.at("login").as_string()), u.as_object());
  return out;
}

TEST(ExportEndToEndTest, ExportFollowsEveryPageAndReimportsIntoAnEmptyOrgWithTheSameProfiles) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "450", "--awkward", "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess source({"--groups-count", "1"});
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"),
                                    "--concurrency", "16"},
                                   source.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;

  const int64_t before_export = MockStats(source).at("requests_total").as_int64();
  ProcessResult exported = RunOktaBulk({"export", "-o", dir.File("export.csv")}, source.base_url());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  EXPECT_NE(exported.out.find("Exported 450 users in 3 pages"), std::string::npos) << exported.out;
  EXPECT_EQ(MockStats(source).at("requests_total").as_int64() - before_export, 3);  // one per page
  auto rows = ReadCsvFile(dir.File("export.csv"));
  ASSERT_EQ(rows.size(), 450u);

  MockProcess target({"--groups-count", "1"});
  ProcessResult reimport = RunOktaBulk({"import", dir.File("export.csv"), "-o", dir.File("re.csv"),
                                        "--concurrency", "16"},
                                       target.base_url());
  ASSERT_EQ(reimport.exit_code, 0) << reimport.out << reimport.err;
  auto before = UsersByLogin(source), after = UsersByLogin(target);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [login, user] : before) {
    auto it = after.find(login);
    ASSERT_NE(it, after.end()) << login;
    EXPECT_EQ(json::serialize(it->second.at("profile")), json::serialize(user.at("profile"))) << login;
  }
}

TEST(ExportEndToEndTest, SearchAndColumnsSelectTheUsersAndTheColumnsAndFeedUpdate) {
  TempDir dir;
  MockProcess mock({"--groups-count", "1"});
  dir.Write("users.csv",
            "login,email,firstName,lastName,department\n"
            "a@example.com,a@example.com,A,One,Sales\n"
            "b@example.com,b@example.com,B,Two,Eng\n"
            "c@example.com,c@example.com,C,Three,Sales\n");
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv")}, mock.base_url())
                .exit_code, 0);
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("sales.csv"), "--search",
                                   "profile.department eq \"Sales\"", "--columns", "id,status,login,department"},
                                  mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // The columns were chosen: leaving email, firstName and lastName out is no surprise.
  EXPECT_EQ(run.out.find("first appeared after the first page"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("--columns to include"), std::string::npos) << run.out;
  auto users = UsersByLogin(mock);
  auto rows = ReadCsvFile(dir.File("sales.csv"));
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r.at("department"), "Sales");
    EXPECT_EQ(r.at("id"), std::string(users.at(r.at("login")).at("id").as_string()));
    EXPECT_EQ(r.at("status"), "PROVISIONED");
  }

  // Edit the export's department and feed it to update as it is: users are addressed by id,
  // the status column is ignored.
  std::string edited = "id,status,login,department\n";
  for (const auto& r : rows)
    edited += r.at("id") + "," + r.at("status") + "," + r.at("login") + ",Marketing\n";
  dir.Write("edited.csv", edited);
  ProcessResult update = RunOktaBulk({"update", dir.File("edited.csv"), "-o", dir.File("u.csv")}, mock.base_url());
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  users = UsersByLogin(mock);
  EXPECT_EQ(users.at("a@example.com").at("profile").at("department"), "Marketing");
  EXPECT_EQ(users.at("b@example.com").at("profile").at("department"), "Eng");
  EXPECT_EQ(users.at("c@example.com").at("profile").at("department"), "Marketing");
}

TEST(ExportEndToEndTest, TheExportIsPrivateAndALinkPlantedAtTheOutputIsNotFollowed) {
  TempDir dir;
  dir.Write("users.csv", "login,email,firstName,lastName\na@example.com,a@example.com,A,A\n");
  MockProcess mock;
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("r.csv")}, mock.base_url()).exit_code, 0);
  dir.Write("victim", "precious\n");
  std::filesystem::create_symlink(dir.File("victim"), dir.File("linked.csv"));
  ProcessResult linked = RunOktaBulk({"export", "-o", dir.File("linked.csv")}, mock.base_url());
  EXPECT_EQ(linked.exit_code, 2) << linked.out << linked.err;
  EXPECT_NE(linked.err.find("symbolic link"), std::string::npos) << linked.err;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  ProcessResult plain = RunOktaBulk({"export", "-o", dir.File("export.csv")}, mock.base_url());
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  for (const char* name : {"export.csv", "export.csv.export", "r.csv"})
    EXPECT_EQ(std::filesystem::status(dir.File(name)).permissions(), std::filesystem::perms(0600))
        << name;
}

TEST(ExportEndToEndTest, ExportNeedsAnOutputAndRejectsFlagsThatDoNotApply) {
  ProcessResult no_output = RunProcess({OKTA_BULK_PATH, "export"});
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_NE(no_output.err.find("export needs the file to write"), std::string::npos) << no_output.err;
  ProcessResult dry = RunProcess({OKTA_BULK_PATH, "export", "-o", "x.csv", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 2);
  EXPECT_NE(dry.err.find("--dry-run does not apply to export"), std::string::npos) << dry.err;
}

}  // namespace
}  // namespace okta_bulk::testing
