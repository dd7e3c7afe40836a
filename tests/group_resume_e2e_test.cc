// `groups create` and `unassign` killed with -9 in the middle of a run, then `--resume`d,
// against okta-mock behind a forwarding proxy that records every request (127.0.0.1, port 0):
// no group is created twice (each name POSTed once over both runs, one group per name, its id
// in the results) and no membership is removed twice (each DELETE once), every row once in the
// results file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/hostile_proxy.h"
#include "tests/testing/http_test_client.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

std::size_t LinesIn(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::size_t n = 0;
  for (char c; in.get(c);) n += c == '\n';
  return n;
}

// Runs okta-bulk (with the test token, against `org_url`) and kills it with SIGKILL as soon as
// `results` holds at least `rows` result rows. Returns its exit code (128 + 9 when killed);
// fails the test when it ended by itself first, or after 120 s.
int RunKilledAfterRows(const std::vector<std::string>& args, const std::string& org_url,
                       const std::string& results, std::size_t rows, const std::string& dir) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::FILE* o = std::freopen((dir + "/killed.out").c_str(), "w", stdout);
    std::FILE* e = std::freopen((dir + "/killed.err").c_str(), "w", stderr);
    if (!o || !e) ::_exit(126);
    ::setenv("OKTA_CLIENT_ORGURL", org_url.c_str(), 1);
    ::setenv("OKTA_CLIENT_TOKEN", "test-token", 1);
    std::vector<char*> argv = {const_cast<char*>(OKTA_BULK_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(OKTA_BULK_PATH, argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int status = 0;
  while (true) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ADD_FAILURE() << "okta-bulk ended before it was killed: make the run longer";
      break;
    }
    if (LinesIn(results) >= rows + 1 || std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Every row of the results file exactly once; returns them by row number.
std::map<int, ResultRow> EveryRowOnce(const std::string& path, int rows) {
  std::map<int, ResultRow> out;
  for (auto& r : ReadCsvFile(path)) {
    int row = std::stoi(r.at("row"));
    EXPECT_TRUE(out.emplace(row, std::move(r)).second) << "row " << row << " twice";
  }
  EXPECT_EQ(out.size(), static_cast<std::size_t>(rows));
  return out;
}

TEST(GroupResumeEndToEndTest, GroupsCreateKilledMidRunThenResumedCreatesEachNameOnce) {
  constexpr int kGroups = 600;
  TempDir dir;
  MockProcess mock({"--latency-ms", "15", "--jitter-ms", "10"});
  HostileProxy proxy(mock.port(), HostileProxy::Mode::kForward);
  std::string csv = "name,description\n";
  for (int i = 1; i <= kGroups; ++i) csv += "Team " + std::to_string(i) + ",number " + std::to_string(i) + "\n";
  dir.Write("groups.csv", csv);
  const std::vector<std::string> args = {"groups", "create", dir.File("groups.csv"), "-o",
                                         dir.File("results.csv"), "--concurrency", "8"};
  ASSERT_EQ(RunKilledAfterRows(args, proxy.base_url(), dir.File("results.csv"), 80, dir.path()),
            128 + SIGKILL);
  const std::size_t partial = ReadCsvFile(dir.File("results.csv")).size();
  EXPECT_GE(partial, 80u);
  EXPECT_LT(partial, static_cast<std::size_t>(kGroups));

  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(resume, proxy.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;

  // Each name POSTed once over both runs.
  std::map<std::string, int> posts;
  for (const std::string& r : proxy.requests()) {
    if (!r.starts_with("POST /api/v1/groups\n")) continue;
    json::value body = json::parse(r.substr(r.find('\n') + 1));
    ++posts[Str(body.at("profile").at("name"))];
  }
  EXPECT_EQ(posts.size(), static_cast<std::size_t>(kGroups));
  for (const auto& [name, n] : posts) EXPECT_EQ(n, 1) << name << " POSTed " << n << " times";

  // One group per name in the org, and the results name its id.
  TestResponse listed = HttpCall(mock.port(), "GET", "/api/v1/groups?limit=10000", "",
                                 {{"Authorization", "SSWS test-token"}});
  ASSERT_EQ(listed.status, 200);
  std::map<std::string, std::string> id_of;
  const json::value parsed = json::parse(listed.body);  // kept: the loop reads into it
  for (const auto& g : parsed.as_array())
    EXPECT_TRUE(id_of.emplace(Str(g.at("profile").at("name")), Str(g.at("id"))).second);
  EXPECT_EQ(id_of.size(), static_cast<std::size_t>(kGroups) + 1);  // and Everyone
  for (const auto& [row, r] : EveryRowOnce(dir.File("results.csv"), kGroups)) {
    const std::string name = "Team " + std::to_string(row);
    EXPECT_EQ(r.at("login"), name);
    EXPECT_TRUE(r.at("outcome") == "created" || r.at("outcome") == "existed")
        << name << ": " << r.at("outcome") << " " << r.at("error");
    EXPECT_EQ(r.at("userId"), id_of[name]) << name;
  }
  // (`existed`: a row whose create went through before the kill but whose result had not
  // been written; its resumed lookup found the group, and it was not POSTed again.)
}

TEST(GroupResumeEndToEndTest, UnassignKilledMidRunThenResumedRemovesEachMembershipOnce) {
  constexpr int kUsers = 400;
  const std::string g1 = "00gmock0000000000001", g2 = "00gmock0000000000002";
  TempDir dir;
  MockProcess mock({"--groups-count", "2", "--latency-ms", "15", "--jitter-ms", "10"});
  std::string users = "login,email,firstName,lastName,groupId\n", leavers = "login,groupId\n";
  for (int u = 1; u <= kUsers; ++u) {
    const std::string login = "u" + std::to_string(u) + "@example.com";
    users += login + "," + login + ",U,N," + g1 + ";" + g2 + "\n";
    leavers += login + "," + g1 + ";" + g2 + "\n";
  }
  dir.Write("users.csv", users);
  dir.Write("leavers.csv", leavers);
  ProcessResult imported = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("i.csv"),
                                        "--concurrency", "16"},
                                       mock.base_url());
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;

  HostileProxy proxy(mock.port(), HostileProxy::Mode::kForward);
  const std::vector<std::string> args = {"unassign", dir.File("leavers.csv"), "-o",
                                         dir.File("results.csv"), "--concurrency", "8"};
  ASSERT_EQ(RunKilledAfterRows(args, proxy.base_url(), dir.File("results.csv"), 60, dir.path()),
            128 + SIGKILL);
  const std::size_t partial = ReadCsvFile(dir.File("results.csv")).size();
  EXPECT_GE(partial, 60u);
  EXPECT_LT(partial, static_cast<std::size_t>(kUsers));
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ProcessResult resumed = RunOktaBulk(resume, proxy.base_url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;

  // Each (group, user) DELETE once over both runs: 2 per user.
  std::map<std::string, int> deletes;
  for (const std::string& r : proxy.requests())
    if (r.starts_with("DELETE /api/v1/groups/")) ++deletes[r];
  EXPECT_EQ(deletes.size(), static_cast<std::size_t>(kUsers) * 2);
  for (const auto& [target, n] : deletes) EXPECT_EQ(n, 1) << target << " sent " << n << " times";

  for (const auto& [row, r] : EveryRowOnce(dir.File("results.csv"), kUsers))
    EXPECT_TRUE(r.at("outcome") == "unassigned" || r.at("outcome") == "unchanged")
        << row << ": " << r.at("outcome") << " " << r.at("error");
  for (const auto& u : MockUsers(mock))
    EXPECT_TRUE(u.at("groupIds").as_array().empty()) << u.at("login") << " still in a group";
}

}  // namespace
}  // namespace okta_bulk::testing
