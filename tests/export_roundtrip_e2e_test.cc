// The export round trip end to end: typed attributes and groups go out and come back
// (export from one okta-mock, import into an empty one, compare every user field by field),
// and an export killed with SIGKILL resumes to the same file as one that ran through.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <map>
#include <set>
#include <string>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::map<std::string, json::object> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, json::object> out;
  for (const auto& u : MockUsers(mock)) out.emplace(std::string(u.at("login").as_string()), u.as_object());
  return out;
}

std::set<std::string> GroupsOf(const json::object& user) {
  std::set<std::string> out;
  for (const auto& g : user.at("groupIds").as_array()) out.emplace(g.as_string());
  return out;
}

// Runs okta-bulk with `args` and sends it `signo` once `state_path` says `pages` pages are
// written (polling, so that a slow machine or a sanitizer build does not change what is
// tested). Its stderr goes to `err_path`. Returns the wait status, or -1 when the export
// ended first or never got there.
int SignalExportAfterPages(const std::vector<std::string>& args, const std::string& org_url,
                           const std::string& state_path, int pages, int signo,
                           const std::string& err_path = "/dev/null") {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen(err_path.c_str(), "w", stderr);
    ::setenv("OKTA_CLIENT_ORGURL", org_url.c_str(), 1);
    ::setenv("OKTA_CLIENT_TOKEN", "test-token", 1);
    std::vector<char*> argv = {const_cast<char*>(OKTA_BULK_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(OKTA_BULK_PATH, argv.data());
    ::_exit(127);
  }
  const std::string want = "pages=" + std::to_string(pages) + "\n";
  for (int i = 0; i < 6000; ++i) {  // at most 60 s
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return -1;  // finished before the signal
    std::ifstream in(state_path);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find(want) != std::string::npos) {
      ::kill(pid, signo);
      ::waitpid(pid, &status, 0);
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

// Kills the export with SIGKILL after `pages` pages; false when it ended first.
bool KillExportAfterPages(const std::vector<std::string>& args, const std::string& org_url,
                          const std::string& state_path, int pages) {
  int status = SignalExportAfterPages(args, org_url, state_path, pages, SIGKILL);
  return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Three groups, and the custom attributes of gen-users --typed (age, score, vip, tags), which
// okta-mock's default profile refuses like a real org without them.
const std::vector<std::string> kThreeGroups = {"--groups-count", "3", "--schema",
                                               std::string(TEST_DATA_DIR) + "/okta_mock_schema_typed.json"};
const char kGroupIds[] = "00gmock0000000000001,00gmock0000000000002,00gmock0000000000003";

TEST(ExportRoundTripTest, TypedAttributesAndGroupsComeBackFieldByFieldButHashesDoNot) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "300", "--typed", "--awkward", "--hashes", "--groups",
                                  kGroupIds, "--groups-per-user", "2", "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess source(kThreeGroups);
  ProcessResult seed = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"), "--concurrency", "16"},
                                   source.base_url());
  ASSERT_EQ(seed.exit_code, 0) << seed.out << seed.err;

  ProcessResult exported = RunOktaBulk({"export", "-o", dir.File("export.csv"), "--groups", "--page-size", "40"},
                                       source.base_url());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  EXPECT_NE(exported.out.find("Exported 300 users in 8 pages"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("Groups: 3, 600 memberships"), std::string::npos) << exported.out;
  std::string header = dir.Read("export.csv").substr(0, dir.Read("export.csv").find('\n'));
  EXPECT_EQ(header,
            "login,email,firstName,lastName,department,employeeNumber,age:number,score:number,vip:boolean,"
            "tags:string[],groupId,groupName");

  MockProcess target(kThreeGroups);
  ProcessResult reimport = RunOktaBulk({"import", dir.File("export.csv"), "-o", dir.File("re.csv"), "--concurrency", "16"},
                                       target.base_url());
  ASSERT_EQ(reimport.exit_code, 0) << reimport.out << reimport.err;
  auto before = UsersByLogin(source), after = UsersByLogin(target);
  ASSERT_EQ(after.size(), 300u);
  ASSERT_EQ(before.size(), 300u);
  for (const auto& [login, user] : before) {
    auto it = after.find(login);
    ASSERT_NE(it, after.end()) << login;
    const json::object& a = user.at("profile").as_object();
    const json::object& b = it->second.at("profile").as_object();
    EXPECT_EQ(a.size(), b.size()) << login;
    for (const auto& kv : a) {
      ASSERT_TRUE(b.contains(kv.key())) << login << " " << kv.key();
      EXPECT_EQ(b.at(kv.key()), kv.value()) << login << " " << kv.key() << ": " << json::serialize(kv.value())
                                            << " became " << json::serialize(b.at(kv.key()));
    }
    EXPECT_EQ(GroupsOf(it->second), GroupsOf(user)) << login;
    EXPECT_EQ(GroupsOf(user).size(), 2u) << login;
    // Okta never returns a password or hash: they cannot be exported.
    EXPECT_EQ(user.at("credential"), "hash") << login;
    EXPECT_EQ(it->second.at("credential"), "none") << login;
  }
  // The typed attributes arrived as their JSON types, not as strings.
  const json::object& p = before.at("user5@example.com").at("profile").as_object();
  EXPECT_TRUE(p.at("age").is_int64());
  EXPECT_TRUE(p.at("score").is_double());
  EXPECT_TRUE(p.at("vip").is_bool());
  EXPECT_TRUE(before.at("user6@example.com").at("profile").at("tags").is_array());
}

TEST(ExportRoundTripTest, AnExportKilledMidwayResumesToTheSameFileAsAnUninterruptedOne) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "400", "--typed", "--groups", kGroupIds, "-o",
                                  dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::vector<std::string> mock_args = kThreeGroups;
  mock_args.insert(mock_args.end(), {"--latency-ms", "15"});
  MockProcess mock(mock_args);
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"), "--concurrency", "32"},
                        mock.base_url())
                .exit_code,
            0);

  ProcessResult full = RunOktaBulk({"export", "-o", dir.File("full.csv"), "--groups", "--page-size", "5"}, mock.base_url());
  ASSERT_EQ(full.exit_code, 0) << full.out << full.err;

  const std::vector<std::string> args = {"export", "-o", dir.File("part.csv"), "--groups", "--page-size", "5"};
  ASSERT_TRUE(KillExportAfterPages(args, mock.base_url(), dir.File("part.csv.export"), 10))
      << "the export ended before it could be killed after 10 of its 80 pages";
  std::string part = dir.Read("part.csv");
  ASSERT_GT(part.size(), 0u);
  ASSERT_LT(part.size(), dir.Read("full.csv").size());
  // A page cut short by the crash: the resume must drop it, not keep a torn row.
  dir.Write("part.csv", part + "user99999@example.com,user99");

  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(resume, mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("Exported 400 users"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find("(resumed)"), std::string::npos) << resumed.out;
  EXPECT_EQ(dir.Read("part.csv"), dir.Read("full.csv"));

  // Once complete, a resume sends nothing; other options than the export's are refused.
  const int64_t requests = MockStats(mock).at("requests_total").as_int64();
  ProcessResult again = RunOktaBulk(resume, mock.base_url());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("had finished already"), std::string::npos) << again.out;
  EXPECT_EQ(MockStats(mock).at("requests_total").as_int64(), requests);
  ProcessResult other = RunOktaBulk({"export", "-o", dir.File("part.csv"), "--resume"}, mock.base_url());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("other options"), std::string::npos) << other.err;
}

TEST(ExportRoundTripTest, CtrlCDuringAnExportPrintsTheResumeCommandWhichCompletesTheFile) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "200", "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  MockProcess mock({"--latency-ms", "15"});
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv"), "--concurrency", "32"},
                        mock.base_url())
                .exit_code,
            0);
  ProcessResult full = RunOktaBulk({"export", "-o", dir.File("full.csv"), "--page-size", "5"}, mock.base_url());
  ASSERT_EQ(full.exit_code, 0) << full.out << full.err;

  const std::vector<std::string> args = {"export", "-o", dir.File("part.csv"), "--page-size", "5"};
  int status = SignalExportAfterPages(args, mock.base_url(), dir.File("part.csv.export"), 5, SIGINT,
                                      dir.File("err.txt"));
  ASSERT_NE(status, -1) << "the export ended before it could be interrupted after 5 of its 40 pages";
  ASSERT_TRUE(WIFEXITED(status)) << "Ctrl-C must be handled, not kill the process";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string err = dir.Read("err.txt");
  const std::string intro = "To continue the export:\n  ";
  std::size_t at = err.find(intro);
  ASSERT_NE(at, std::string::npos) << err;
  std::string command = err.substr(at + intro.size());
  command = command.substr(0, command.find('\n'));
  EXPECT_EQ(command, "okta-bulk export -o " + dir.File("part.csv") + " --page-size 5 --resume") << err;

  // The printed command, run as it is, completes the file.
  std::vector<std::string> resume;
  std::istringstream words(command);
  for (std::string w; words >> w;) resume.push_back(w);
  ASSERT_EQ(resume.front(), "okta-bulk");
  resume.erase(resume.begin());
  ProcessResult resumed = RunOktaBulk(resume, mock.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("(resumed)"), std::string::npos) << resumed.out;
  EXPECT_EQ(dir.Read("part.csv"), dir.Read("full.csv"));
}

TEST(ExportRoundTripTest, GroupListingsArePacedInTheGroupsBucket) {
  TempDir dir;
  ProcessResult gen = RunProcess({GEN_USERS_PATH, "--count", "30", "--groups", kGroupIds, "-o", dir.File("users.csv")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  // Two group requests per 2 s window: the groups list and three member lists need a wait.
  MockProcess mock({"--groups-count", "3", "--limits", "groups=2", "--window", "2"});
  ASSERT_EQ(RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("seed.csv")}, mock.base_url()).exit_code, 0);
  // The import listed the groups once (its group ids checked before the first row): let
  // that window pass, so the export starts with the bucket whole, as the test intends.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const json::object seeded = MockStats(mock);
  const int64_t groups_before = seeded.at("requests").at("groups").as_int64();
  const int64_t limited_before = seeded.at("rate_limited").at("groups").as_int64();
  ProcessResult run = RunOktaBulk({"export", "-o", dir.File("e.csv"), "--groups"}, mock.base_url());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json::object stats = MockStats(mock);
  // Unpaced, the four requests would meet at least two 429s. X-Rate-Limit-Reset and Date
  // have a resolution of one second, the whole window here, so the governor's one probe at
  // the estimated reset may come early once: at most one 429, and it is retried.
  const int64_t limited = stats.at("rate_limited").at("groups").as_int64() - limited_before;
  EXPECT_LE(limited, 1);
  EXPECT_EQ(stats.at("requests").at("groups").as_int64() - groups_before, 4 + limited);
  auto rows = ReadCsvFile(dir.File("e.csv"));
  ASSERT_EQ(rows.size(), 30u);
  for (const auto& r : rows) EXPECT_EQ(r.at("groupId").substr(0, 7), "00gmock") << r.at("login");
}

}  // namespace
}  // namespace okta_bulk::testing
