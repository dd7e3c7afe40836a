// okta-bulk behind a hostile proxy (tests/testing/hostile_proxy.h) in front of okta-mock, all on
// 127.0.0.1 (issue 13): interim 1xx responses and unrequested extra answers must never pair an
// answer with the wrong request. Each test checks the org itself (okta-mock's /__users): which
// users exist, in which status, and that every result row carries its own user's id.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/testing/hostile_proxy.h"
#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

struct MockUser {
  std::string id, status;
};

std::map<std::string, MockUser> UsersByLogin(const MockProcess& mock) {
  std::map<std::string, MockUser> out;
  for (const auto& u : MockUsers(mock))
    out[Str(u.at("login"))] = {Str(u.at("id")), Str(u.at("status"))};
  return out;
}

constexpr int kUsers = 12;

std::string Login(int i) { return "u" + std::to_string(i) + "@example.com"; }

// Imports kUsers users straight into okta-mock (no proxy) and returns their ids by login.
std::map<std::string, MockUser> Seed(const TempDir& dir, const MockProcess& mock) {
  std::string csv = "login,email,firstName,lastName\n";
  for (int i = 1; i <= kUsers; ++i)
    csv += Login(i) + "," + Login(i) + ",First" + std::to_string(i) + ",Last\n";
  dir.Write("seed.csv", csv);
  ProcessResult r = RunOktaBulk({"import", dir.File("seed.csv"), "-o", dir.File("seed-results.csv")},
                                mock.base_url());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto users = UsersByLogin(mock);
  EXPECT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  return users;
}

// Checks results.csv after a run through the proxy. Interim responses and extra answers that
// arrive with the real one are handled on the wire, so every row ends as `expected`. An extra
// answer that arrives late, while the next request waits, cannot be told from that request's
// own answer on HTTP/1.1: when it is about another user the task refuses it and sends the
// request again, but an error body is taken at its word, so such a row may end `failed`. A
// row never carries another user's id, and a failed row is finished by `--resume
// --retry-failed` against the org itself.
void CheckResults(const std::string& path, const std::map<std::string, MockUser>& ids,
                  const std::string& expected, bool may_fail, std::size_t rows) {
  auto results = ReadCsvFile(path);
  ASSERT_EQ(results.size(), rows);
  for (const auto& r : results) {
    const std::string& login = r.at("login");
    const bool failed = may_fail && r.at("outcome") == "failed";
    // A create sent again after a late answer about another user was refused may find the
    // user its first attempt made (slow machines see it): `existed`, with its own id.
    const bool found_own = may_fail && expected == "created" && r.at("outcome") == "existed";
    if (!failed && !found_own) {
      EXPECT_EQ(r.at("outcome"), expected) << login << ": " << r.at("error");
    }
    ASSERT_EQ(ids.count(login), 1u) << login;
    if (!failed || !r.at("userId").empty()) {
      EXPECT_EQ(r.at("userId"), ids.at(login).id) << "row " << r.at("row") << " carries another user's id";
    }
  }
}

// Deletes the odd-numbered users through a proxy in `mode`, one request at a time, and checks
// that exactly those users are gone, the others untouched (same status), and each result row
// names its own user's id.
void DeleteOddUsersThrough(HostileProxy::Mode mode) {
  TempDir dir;
  MockProcess mock;
  auto before = Seed(dir, mock);
  std::string csv = "login\n";
  for (int i = 1; i <= kUsers; i += 2) csv += Login(i) + "\n";
  dir.Write("delete.csv", csv);
  const bool late = mode == HostileProxy::Mode::kLateExtraAnswer;
  {
    HostileProxy proxy(mock.port(), mode);
    ProcessResult run = RunOktaBulk({"delete", dir.File("delete.csv"), "--yes", "-o", dir.File("results.csv"),
                                     "--concurrency", "1"},
                                    proxy.base_url());
    EXPECT_TRUE(run.exit_code == 0 || (late && run.exit_code == 1)) << run.out << run.err;
    if (mode != HostileProxy::Mode::kInterim) {
      EXPECT_GT(proxy.extra_answers(), 0);
    }
  }
  // No user outside the file was touched, whatever the proxy did.
  auto after = UsersByLogin(mock);
  for (int i = 2; i <= kUsers; i += 2) {
    const std::string login = Login(i);
    ASSERT_EQ(after.count(login), 1u) << login << " was deleted for another row";
    EXPECT_EQ(after[login].status, before[login].status) << login << " was changed for another row";
  }
  CheckResults(dir.File("results.csv"), before, "deleted", late, kUsers / 2);
  if (late) {
    // Finish what the late answers made fail, straight against the org. A row can have
    // failed on a stray answer to a DELETE that did reach the org: --missing-ok, as for any
    // cleanup run again.
    ProcessResult rerun = RunOktaBulk({"delete", dir.File("delete.csv"), "--yes", "-o", dir.File("results.csv"),
                                       "--resume", "--retry-failed", "--missing-ok"},
                                      mock.base_url());
    EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    for (const auto& r : ReadCsvFile(dir.File("results.csv"))) {
      EXPECT_EQ(r.at("outcome"), "deleted") << r.at("login") << ": " << r.at("error");
      if (!r.at("userId").empty()) {
        EXPECT_EQ(r.at("userId"), before[r.at("login")].id) << "row " << r.at("row");
      }
    }
  }
  after = UsersByLogin(mock);
  for (int i = 1; i <= kUsers; ++i)
    EXPECT_EQ(after.count(Login(i)), i % 2 == 1 ? 0u : 1u) << Login(i);
}

TEST(HostilePeerEndToEndTest, DeleteThroughInterimResponsesTouchesOnlyTheRowsUsers) {
  DeleteOddUsersThrough(HostileProxy::Mode::kInterim);
}

TEST(HostilePeerEndToEndTest, DeleteThroughExtraAnswersTouchesOnlyTheRowsUsers) {
  DeleteOddUsersThrough(HostileProxy::Mode::kExtraAnswer);
}

TEST(HostilePeerEndToEndTest, DeleteThroughLateExtraAnswersTouchesOnlyTheRowsUsers) {
  DeleteOddUsersThrough(HostileProxy::Mode::kLateExtraAnswer);
}

// An import through each hostile mode: every result row's userId is the id okta-mock gave
// that row's login, and every user exists once.
void ImportThrough(HostileProxy::Mode mode) {
  TempDir dir;
  MockProcess mock;
  std::string csv = "login,email,firstName,lastName\n";
  for (int i = 1; i <= kUsers; ++i)
    csv += Login(i) + "," + Login(i) + ",First" + std::to_string(i) + ",Last\n";
  dir.Write("users.csv", csv);
  const bool late = mode == HostileProxy::Mode::kLateExtraAnswer;
  {
    HostileProxy proxy(mock.port(), mode);
    ProcessResult run = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                     "--concurrency", "2"},
                                    proxy.base_url());
    EXPECT_TRUE(run.exit_code == 0 || (late && run.exit_code == 1)) << run.out << run.err;
  }
  auto users = UsersByLogin(mock);
  EXPECT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  CheckResults(dir.File("results.csv"), users, "created", late, kUsers);
  if (late) {
    ProcessResult rerun = RunOktaBulk({"import", dir.File("users.csv"), "-o", dir.File("results.csv"),
                                       "--resume", "--retry-failed"},
                                      mock.base_url());
    EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    for (const auto& r : ReadCsvFile(dir.File("results.csv"))) {
      EXPECT_TRUE(r.at("outcome") == "created" || r.at("outcome") == "existed") << r.at("login");
      EXPECT_EQ(r.at("userId"), users[r.at("login")].id) << "row " << r.at("row");
    }
    EXPECT_EQ(UsersByLogin(mock).size(), static_cast<std::size_t>(kUsers));
  }
}

TEST(HostilePeerEndToEndTest, ImportThroughInterimResponsesGivesEachRowItsOwnId) {
  ImportThrough(HostileProxy::Mode::kInterim);
}

TEST(HostilePeerEndToEndTest, ImportThroughExtraAnswersGivesEachRowItsOwnId) {
  ImportThrough(HostileProxy::Mode::kExtraAnswer);
}

TEST(HostilePeerEndToEndTest, ImportThroughLateExtraAnswersGivesEachRowItsOwnId) {
  ImportThrough(HostileProxy::Mode::kLateExtraAnswer);
}

}  // namespace
}  // namespace okta_bulk::testing
