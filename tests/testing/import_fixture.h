// Shared pieces of the end-to-end tests: a temp dir, running okta-bulk against a MockProcess,
// and reading results.csv and okta-mock's /__users back.
#pragma once
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"

namespace okta_bulk::testing {

// A fresh directory under the system temp dir, removed with its contents at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::filesystem::path path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  void Write(const std::string& name, const std::string& content) const;
  std::string Read(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

// One row of results.csv, keyed by header name.
using ResultRow = std::map<std::string, std::string>;

// Reads a CSV file (with header) into maps; fails the test on malformed CSV.
std::vector<ResultRow> ReadCsvFile(const std::string& path);

// Runs `okta-bulk <args...>` with OKTA_CLIENT_ORGURL / OKTA_CLIENT_TOKEN set.
ProcessResult RunOktaBulk(const std::vector<std::string>& args, const std::string& org_url,
                          const std::string& token = "test-token",
                          std::map<std::string, std::string> extra_env = {});

// Runs okta-bulk like RunOktaBulk, sends it `signals` (each after its delay in ms, counted
// from the start), and waits for it. Output goes through files under `dir`.
ProcessResult RunOktaBulkWithSignals(const std::vector<std::string>& args, const std::string& org_url,
                                     const std::vector<std::pair<int, int>>& signals_after_ms,
                                     const std::string& dir);

// GET base/__users parsed as a JSON array (one object per user).
boost::json::array MockUsers(const MockProcess& mock);
boost::json::object MockStats(const MockProcess& mock);
// Requests okta-mock received for rows: every request but the org look-ups okta-bulk makes
// before the first row (the user schema, counted in the `other` bucket; issue 14).
int64_t RowRequests(const MockProcess& mock);

}  // namespace okta_bulk::testing
