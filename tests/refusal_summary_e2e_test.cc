// Every run that refuses to start (exit 2) still writes its --summary-json (issue 18), as the
// README promises: command-line errors once the flag was read, plain http to a remote host,
// outputs that clash, an earlier run's results, a destructive command without --yes, an
// unreadable input. Never when the summary JSON would itself clobber a file at stake.
// okta-mock on 127.0.0.1 where a run gets that far; a refused run sends nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

const char kUsers[] =
    "login,email,firstName,lastName\n"
    "x1@example.com,x1@example.com,Ann,One\n";

int64_t Requests(const MockProcess& mock) { return MockStats(mock).at("requests_total").as_int64(); }

struct Refusal {
  std::string what;               // for messages
  std::vector<std::string> args;  // after "okta-bulk"; {dir} is the temp dir
  std::string reason;             // a piece of the error, in stderr and abortReason
};

std::vector<std::string> Expand(const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> out;
  for (std::string a : args) {
    if (auto at = a.find("{dir}"); at != std::string::npos) a.replace(at, 5, dir.path().string());
    out.push_back(a);
  }
  return out;
}

TEST(RefusalSummaryEndToEndTest, EveryKindOfRefusalWritesItsSummaryJsonWithExitCode2) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  dir.Write("earlier.csv", "row,login,outcome,userId,userStatus,httpStatus,errorCode,error,attempts\n"
                           "1,x1@example.com,created,00u1,ACTIVE,200,,,1\n");
  const std::vector<Refusal> refusals = {
      {"a flag value out of range", {"import", "{dir}/users.csv", "--summary-json", "{dir}/s.json", "--concurrency", "0"},
       "--concurrency"},
      {"an unknown flag", {"import", "{dir}/users.csv", "--summary-json={dir}/s.json", "--frobnicate"},
       "unknown flag"},
      {"no input file", {"update", "--summary-json", "{dir}/s.json"}, "needs the CSV file"},
      {"--retry-failed without --resume", {"import", "{dir}/users.csv", "--summary-json", "{dir}/s.json", "--retry-failed"},
       "goes with --resume"},
      {"plain http to a remote host",
       {"import", "{dir}/users.csv", "--summary-json", "{dir}/s.json", "--org-url", "http://okta.example.com"},
       "refusing plain http://"},
      {"-o is the input", {"import", "{dir}/users.csv", "-o", "{dir}/users.csv", "--summary-json", "{dir}/s.json"},
       "is the same file as"},
      {"an earlier run's results without --resume",
       {"import", "{dir}/users.csv", "-o", "{dir}/earlier.csv", "--summary-json", "{dir}/s.json"},
       "already holds the results"},
      {"delete without --yes off a terminal",
       {"delete", "{dir}/users.csv", "-o", "{dir}/d.csv", "--summary-json", "{dir}/s.json"}, "--yes"},
      {"a missing input", {"import", "{dir}/missing.csv", "-o", "{dir}/m.csv", "--summary-json", "{dir}/s.json"},
       "missing.csv"},
  };
  for (const Refusal& r : refusals) {
    std::filesystem::remove(dir.File("s.json"));
    ProcessResult run = RunOktaBulk(Expand(r.args, dir), mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << r.what << ": " << run.out << run.err;
    EXPECT_NE(run.err.find(r.reason), std::string::npos) << r.what << ": " << run.err;
    ASSERT_TRUE(std::filesystem::exists(dir.File("s.json"))) << r.what << ": no summary JSON";
    const json::object o = json::parse(dir.Read("s.json")).as_object();
    EXPECT_EQ(o.at("exitCode").as_int64(), 2) << r.what;
    EXPECT_NE(std::string(o.at("abortReason").as_string()).find(r.reason), std::string::npos)
        << r.what << ": " << o.at("abortReason");
  }
  EXPECT_EQ(Requests(mock), 0) << "a refused run sent requests";
  EXPECT_EQ(dir.Read("users.csv"), kUsers);
  EXPECT_EQ(MockUsers(mock).size(), 0u);
}

TEST(RefusalSummaryEndToEndTest, ARefusedRunNeverWritesItsSummaryJsonOverAFileAtStake) {
  TempDir dir;
  MockProcess mock;
  dir.Write("users.csv", kUsers);
  dir.Write("results.csv", "precious results\n");
  const std::vector<std::vector<std::string>> slips = {
      // The command line is not understood: any argument may be the input.
      {"import", dir.File("users.csv"), "--summary-json", dir.File("users.csv"), "--concurrency", "0"},
      {"import", "--summary-json", dir.File("users.csv"), "--frobnicate", dir.File("users.csv")},
      // -o's default, results.csv, in the current directory of the run.
      {"import", "--summary-json", "results.csv", "--frobnicate"},
      // The clash is the summary JSON itself.
      {"import", dir.File("users.csv"), "-o", dir.File("r.csv"), "--summary-json", dir.File("users.csv")},
  };
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  for (const auto& args : slips) {
    ProcessResult run = RunOktaBulk(args, mock.base_url());
    EXPECT_EQ(run.exit_code, 2) << args[2] << run.out << run.err;
    EXPECT_EQ(dir.Read("users.csv"), kUsers) << "the input was replaced";
    EXPECT_EQ(dir.Read("results.csv"), "precious results\n");
  }
  std::filesystem::current_path(cwd);
  EXPECT_EQ(Requests(mock), 0);
}

}  // namespace
}  // namespace okta_bulk::testing
