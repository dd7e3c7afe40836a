#include "tests/testing/import_fixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "pipeline/csv_reader.h"
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

boost::json::array MockUsers(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/__users");
  EXPECT_EQ(r.status, 200);
  return boost::json::parse(r.body).as_array();
}

boost::json::object MockStats(const MockProcess& mock) {
  TestResponse r = HttpCall(mock.port(), "GET", "/__stats");
  EXPECT_EQ(r.status, 200);
  return boost::json::parse(r.body).as_object();
}

}  // namespace okta_bulk::testing
