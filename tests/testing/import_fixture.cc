#include "tests/testing/import_fixture.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fstream>
#include <random>
#include <sstream>

#include "pipeline/csv/csv_reader.h"
#include "tests/testing/http_test_client.h"

namespace okta_bulk::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("okta-bulk-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& name, const std::string& content) const {
  std::ofstream out(File(name), std::ios::binary);
  out << content;
}

std::string TempDir::Read(const std::string& name) const {
  std::ifstream in(File(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<ResultRow> ReadCsvFile(const std::string& path) {
  std::vector<ResultRow> rows;
  auto reader = CsvReader::Open(path);
  if (!reader) {
    ADD_FAILURE() << "cannot open " << path;
    return rows;
  }
  CsvRecord header, record;
  if (!(*reader)->Next(&header)) return rows;
  while ((*reader)->Next(&record)) {
    EXPECT_EQ(record.problem, CsvProblem::kNone) << path << " record " << record.record_number;
    EXPECT_EQ(record.fields.size(), header.fields.size()) << path << " record " << record.record_number;
    ResultRow row;
    for (std::size_t i = 0; i < header.fields.size() && i < record.fields.size(); ++i)
      row[header.fields[i]] = record.fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

ProcessResult RunOktaBulk(const std::vector<std::string>& args, const std::string& org_url,
                          const std::string& token, std::map<std::string, std::string> env) {
  std::vector<std::string> argv = {OKTA_BULK_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  env["OKTA_CLIENT_ORGURL"] = org_url;
  env["OKTA_CLIENT_TOKEN"] = token;
  return RunProcess(argv, env, 300);
}

ProcessResult RunOktaBulkWithSignals(const std::vector<std::string>& args, const std::string& org_url,
                                     const std::vector<std::pair<int, int>>& signals_after_ms,
                                     const std::string& dir) {
  std::string out_path = dir + "/signal.out", err_path = dir + "/signal.err";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::FILE* o = std::freopen(out_path.c_str(), "w", stdout);
    std::FILE* e = std::freopen(err_path.c_str(), "w", stderr);
    if (!o || !e) ::_exit(126);
    ::setenv("OKTA_CLIENT_ORGURL", org_url.c_str(), 1);
    ::setenv("OKTA_CLIENT_TOKEN", "test-token", 1);
    std::vector<char*> argv = {const_cast<char*>(OKTA_BULK_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(OKTA_BULK_PATH, argv.data());
    ::_exit(127);
  }
  auto start = std::chrono::steady_clock::now();
  for (auto [sig, ms] : signals_after_ms) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(ms));
    ::kill(pid, sig);
  }
  int status = 0;
  for (int i = 0; i < 3000; ++i) {  // at most 300 s
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (i == 2999) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  }
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream o(out_path), e(err_path);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

boost::json::array MockUsers(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/__users");
  EXPECT_EQ(r.status, 200);
  return boost::json::parse(r.body).as_array();
}

int64_t RowRequests(const MockProcess& mock) {
  boost::json::object stats = MockStats(mock);
  return stats.at("requests_total").as_int64() - stats.at("requests").at("other").as_int64();
}

boost::json::object MockStats(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/__stats");
  EXPECT_EQ(r.status, 200);
  return boost::json::parse(r.body).as_object();
}

}  // namespace okta_bulk::testing
