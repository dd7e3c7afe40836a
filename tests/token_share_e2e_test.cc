// okta-bulk against an okta-mock whose API token gets only a share of each bucket while the
// rate-limit headers show the org's whole limit (okta-mock --token-share, contract §1.6):
// the governor has to learn the token's real share from the 429s and pace to it. The server
// is the judge: its /__stats count the 429s. Servers on 127.0.0.1, port 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

// The scenario on a 2-second window instead of 10 s, so that it takes seconds:
// 200 per window announced, 30 ms latency, --concurrency 8, 700 rows. The full 10 s one is
// bench/e2e.py's `tokenshare` scenario.
constexpr int kRows = 700;
constexpr double kWindowS = 2;

struct ImportRun {
  int64_t created = 0;
  std::vector<double> create_times;  // users' "created", epoch seconds, sorted
  int64_t requests = 0;  // as okta-mock counted them
  int64_t rate_limited = 0;
  double elapsed_s = 0;
  json::object create;  // the summary's buckets.create
};

ImportRun Import(const std::vector<std::string>& mock_flags) {
  TempDir dir;
  std::string csv = "login,email,firstName,lastName\n";
  for (int i = 0; i < kRows; ++i) {
    const std::string login = "share" + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",Ada,Lovelace\n";
  }
  dir.Write("users.csv", csv);
  std::vector<std::string> flags = {"--limits", "create=200", "--window", "2", "--latency-ms", "30"};
  flags.insert(flags.end(), mock_flags.begin(), mock_flags.end());
  MockProcess mock(flags);
  ImportRun r;
  EXPECT_NE(mock.port(), 0);
  if (mock.port() == 0) return r;
  ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                   "--concurrency", "8", "--summary-json", dir.File("run.json")},
                                  mock.base_url());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const json::object stats = MockStats(mock);
  r.created = stats.at("users_created").as_int64();
  r.requests = stats.at("requests").at("create").as_int64();
  r.rate_limited = stats.at("rate_limited").at("create").as_int64();
  for (const auto& u : MockUsers(mock)) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    const std::string created(u.at("created").as_string());
    EXPECT_EQ(std::sscanf(created.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &ms), 7)
        << created;
    const auto day = std::chrono::sys_days(std::chrono::year(y) / mo / d);
    r.create_times.push_back(static_cast<double>(day.time_since_epoch() / std::chrono::seconds(1)) +
                             h * 3600.0 + mi * 60.0 + sec + ms / 1000.0);
  }
  std::sort(r.create_times.begin(), r.create_times.end());
  boost::system::error_code ec;
  json::value summary = json::parse(dir.Read("run.json"), ec);
  EXPECT_FALSE(ec) << dir.Read("run.json");
  if (ec) return r;
  r.elapsed_s = summary.at("elapsedSeconds").to_number<double>();
  r.create = summary.at("buckets").at("create").as_object();
  return r;
}

// The share of what the token was permitted that the run used, judged like bench/e2e.py on
// okta-mock's side: its windows rebuilt from the creation times (a window opens at the first
// create after the previous one expired), creates in every window but the last / the
// token's rate x the time from the first window's start to the last one's.
double ShareUsed(const ImportRun& r, double per_window) {
  std::vector<std::pair<double, int64_t>> windows;
  for (double t : r.create_times) {
    if (windows.empty() || t >= windows.back().first + kWindowS - 0.002) windows.push_back({t, 0});
    ++windows.back().second;
  }
  if (windows.size() < 2) return 0;
  int64_t counted = 0;
  for (std::size_t i = 0; i + 1 < windows.size(); ++i) counted += windows[i].second;
  const double span = windows.back().first - windows.front().first;
  return static_cast<double>(counted) / (per_window / kWindowS * span);
}

TEST(TokenShareEndToEndTest, TokenHeldAtHalfOfWhatTheHeadersShowIsLearntFromFewRateLimitErrors) {
  ImportRun r = Import({"--token-share", "0.5"});
  const double used = ShareUsed(r, 100);
  const double share_429 = static_cast<double>(r.rate_limited) / static_cast<double>(r.requests);
  std::printf("[ e2e      ] token share 0.5 of 200 per 2 s, %d rows: %lld requests, %lld 429s "
              "(%.2f%%), %.2f s, share used %.3f\n",
              kRows, static_cast<long long>(r.requests), static_cast<long long>(r.rate_limited),
              100 * share_429, r.elapsed_s, used);
  EXPECT_EQ(r.created, kRows);
  EXPECT_GE(used, 0.95);
  EXPECT_LE(share_429, 0.015);
  ASSERT_TRUE(r.create.contains("learntCap"));
  EXPECT_EQ(r.create.at("learntCap").as_int64(), 100);
}

TEST(TokenShareEndToEndTest, TokenWithTheWholeBucketMeetsNoRateLimitErrors) {
  ImportRun r = Import({});
  std::printf("[ e2e      ] whole bucket of 200 per 2 s, %d rows: %lld requests, %lld 429s, "
              "%.2f s\n",
              kRows, static_cast<long long>(r.requests), static_cast<long long>(r.rate_limited),
              r.elapsed_s);
  EXPECT_EQ(r.created, kRows);
  EXPECT_EQ(r.rate_limited, 0);
  EXPECT_FALSE(r.create.contains("learntCap") && !r.create.at("learntCap").is_null());
}

}  // namespace
}  // namespace okta_bulk::testing
