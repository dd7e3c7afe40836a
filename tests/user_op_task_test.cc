// update / assign / deactivate / delete rows (UserOpTask and their row checks), driven by the
// dispatcher over a fake transport that plays a tiny Okta org (no sockets).
#include "pipeline/jobs/user_op_task.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <map>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/jobs/import_task.h"
#include "pipeline/jobs/user_op_job.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {
namespace {

namespace asio = boost::asio;
using Result = boost::system::result<HttpResponse>;

HttpResponse Response(int status, std::string body = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse NotFound(const std::string& what, const std::string& type) {
  return Response(404, R"({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: )" +
                           what + " (" + type + ")\"}");
}

// A few users and groups, answering the calls UserOpTask makes, and logging them.
struct FakeOrg {
  struct User {
    std::string id, login, status = "ACTIVE";
    std::vector<std::string> groups;
    std::string last_update_body;
    std::string more_profile;  // more profile attributes, JSON: ,"department":"Sales"
  };
  std::map<std::string, User> users;  // by id
  std::vector<std::string> groups = {"00g1", "00g2"};
  std::vector<std::string> log;

  void Add(const std::string& id, const std::string& login, const std::string& status = "ACTIVE") {
    users[id] = User{id, login, status, {}, {}, {}};
  }
  User* Find(const std::string& key) {
    for (auto& [id, u] : users)
      if (id == key || u.login == key) return &u;
    return nullptr;
  }
  static std::string Decode(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }
  static HttpResponse UserBody(const User& u) {
    return Response(200, R"({"id":")" + u.id + R"(","status":")" + u.status +
                             R"(","created":"2020-01-01T00:00:00.000Z","profile":{"login":")" +
                             u.login + "\"" + u.more_profile + "}}");
  }

  Result Handle(const HttpRequest& r) {
    std::string method(r.method);
    log.push_back(method + " " + r.target);
    const std::string users_prefix = "/api/v1/users/", groups_prefix = "/api/v1/groups/";
    if (r.target.starts_with(users_prefix)) {
      std::string rest = r.target.substr(users_prefix.size());
      bool lifecycle = false;
      if (auto p = rest.find("/lifecycle/deactivate"); p != std::string::npos) {
        rest = rest.substr(0, p);
        lifecycle = true;
      }
      User* u = Find(Decode(rest));
      if (!u) return NotFound(Decode(rest), "User");
      if (lifecycle) {
        EXPECT_EQ(method, "POST");
        u->status = "DEPROVISIONED";
        return Response(200, "{}");
      }
      if (method == "GET") return UserBody(*u);
      if (method == "POST") {
        u->last_update_body = r.body;
        return UserBody(*u);
      }
      if (method == "DELETE") {
        if (u->status != "DEPROVISIONED") {
          u->status = "DEPROVISIONED";
        } else {
          users.erase(u->id);
        }
        return Response(204);
      }
      ADD_FAILURE() << "unexpected " << method << " " << r.target;
      return Response(405);
    }
    if (r.target.starts_with(groups_prefix)) {
      EXPECT_EQ(method, "PUT");
      std::string rest = r.target.substr(groups_prefix.size());
      std::string gid = rest.substr(0, rest.find('/'));
      std::string uid = rest.substr(rest.rfind('/') + 1);
      if (std::find(groups.begin(), groups.end(), gid) == groups.end()) return NotFound(gid, "UserGroup");
      User* u = Find(uid);
      if (!u || u->id != uid) return NotFound(uid, "User");
      u->groups.push_back(gid);
      return Response(204);
    }
    ADD_FAILURE() << "unexpected " << method << " " << r.target;
    return Response(404);
  }
};

class FakeTransport final : public HttpTransport {
 public:
  std::function<Result(const HttpRequest&)> handler;
  asio::awaitable<Result> Send(const HttpRequest& request) override { co_return handler(request); }
};

class VectorSource final : public TaskSource {
 public:
  std::deque<std::unique_ptr<Task>> tasks;
  std::unique_ptr<Task> Next() override {
    if (tasks.empty()) return nullptr;
    auto t = std::move(tasks.front());
    tasks.pop_front();
    return t;
  }
};

CsvRecord Record(std::vector<std::string> fields, uint64_t row) {
  CsvRecord r;
  r.fields = std::move(fields);
  r.record_number = row;
  r.first_line = row + 1;
  return r;
}

// Rows go through the job's own row checks (MakeUserOpRows), then the dispatcher.
struct Harness {
  explicit Harness(UserOp op) { options.task.op = op; }
  asio::io_context io;
  FakeOrg org;
  FakeTransport transport;
  RunContext run;
  VectorSource source;
  UserOpJobOptions options;
  std::unique_ptr<RowHandler> rows;
  std::vector<RowResult> results;
  std::vector<std::string> invalid;  // errors of rows the checks refused
  // Optional: sits between the dispatcher and the org (to lose responses).
  std::function<Result(const HttpRequest&)> wrap;
  bool oauth = false;  // DispatcherOptions::oauth

  void Header(std::vector<std::string> header) {
    rows = MakeUserOpRows(options);
    std::string error;
    ASSERT_TRUE(rows->Start(header, &error)) << error;
  }
  void Row(std::vector<std::string> fields) {
    BuiltRow built;
    std::string error;
    uint64_t row = source.tasks.size() + invalid.size() + 1;
    if (rows->Build(Record(std::move(fields), row), row, run, &built, &error))
      source.tasks.push_back(std::move(built.task));
    else
      invalid.push_back(error);
  }
  void Run() {
    DispatcherOptions d;
    d.seed = 7;
    d.backoff_base = std::chrono::milliseconds(1);
    d.backoff_cap = std::chrono::milliseconds(5);
    d.oauth = oauth;
    GovernorOptions g;
    g.max_in_flight = d.workers;
    RateGovernor governor(g);
    transport.handler = [this](const HttpRequest& r) { return wrap ? wrap(r) : org.Handle(r); };
    Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, d, [this](Task& t) {
      results.push_back(t.result());
      return true;
    });
    bool finished = false;
    asio::co_spawn(io, dispatcher.Run(), [&](std::exception_ptr e) {
      finished = true;
      if (e) std::rethrow_exception(e);
    });
    io.run_for(std::chrono::seconds(30));
    ASSERT_TRUE(finished) << "dispatcher did not finish";
    std::sort(results.begin(), results.end(),
              [](const RowResult& a, const RowResult& b) { return a.row < b.row; });
  }
};

TEST(UserOpTaskTest, UpdateSendsOnePartialPostWithOnlyTheNonEmptyCells) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  h.Header({"login", "firstName", "department", "costCenter"});
  h.Row({"a@example.com", "Ann", "", "CC-1"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kUpdated) << h.results[0].error;
  EXPECT_EQ(h.results[0].user_id, "00u1");
  EXPECT_EQ(h.results[0].user_status, "ACTIVE");
  ASSERT_EQ(h.org.log.size(), 1u);
  EXPECT_EQ(h.org.log[0], "POST /api/v1/users/a%40example.com");
  EXPECT_EQ(h.org.users["00u1"].last_update_body,
            R"({"profile":{"firstName":"Ann","costCenter":"CC-1"}})");
}

TEST(UserOpTaskTest, UpdateWithClearSendsNullForEmptyCellsButNeverForTheLogin) {
  Harness h(UserOp::kUpdate);
  h.options.clear_empty = true;
  h.org.Add("00u1", "a@example.com");
  h.Header({"id", "login", "department"});
  h.Row({"00u1", "", ""});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kUpdated) << h.results[0].error;
  ASSERT_EQ(h.org.log.size(), 1u);
  EXPECT_EQ(h.org.log[0], "POST /api/v1/users/00u1");
  EXPECT_EQ(h.org.users["00u1"].last_update_body, R"({"profile":{"department":null}})");
}

TEST(UserOpTaskTest, UpdateOfAnUnknownLoginFailsNamingTheLogin) {
  Harness h(UserOp::kUpdate);
  h.Header({"login", "department"});
  h.Row({"ghost@example.com", "Sales"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].http_status, 404);
  EXPECT_NE(h.results[0].error.find("no user with login ghost@example.com"), std::string::npos)
      << h.results[0].error;
}

TEST(UserOpTaskTest, UpdateRowsWithABadEmailOrNoLoginAreInvalidNamingRowAndField) {
  Harness h(UserOp::kUpdate);
  h.Header({"login", "email", "department"});
  h.Row({"b@example.com", "not-an-email", "x"});
  h.Row({"", "c@example.com", "x"});
  ASSERT_EQ(h.invalid.size(), 2u);
  EXPECT_NE(h.invalid[0].find("row 1, field 'email': is not an email address"), std::string::npos)
      << h.invalid[0];
  EXPECT_NE(h.invalid[1].find("row 2, field 'login': is empty"), std::string::npos) << h.invalid[1];
}

// Issue 19: an empty cell means "leave as is", so a row whose every attribute cell is empty
// asks for nothing: `unchanged`, no request. With --empty-cells clear the same row is a change.
TEST(UserOpTaskTest, UpdateRowWithEveryAttributeCellEmptyIsUnchangedAndSendsNothing) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  h.org.Add("00u2", "b@example.com");
  h.Header({"login", "email", "department"});
  h.Row({"a@example.com", "", ""});
  h.Row({"b@example.com", "", "Sales"});
  h.Run();
  EXPECT_TRUE(h.invalid.empty()) << h.invalid[0];
  ASSERT_EQ(h.results.size(), 2u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kUnchanged) << h.results[0].error;
  EXPECT_EQ(h.results[0].login, "a@example.com");
  EXPECT_EQ(h.results[1].outcome, Outcome::kUpdated) << h.results[1].error;
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"POST /api/v1/users/b%40example.com"}));

  Harness clear(UserOp::kUpdate);
  clear.options.clear_empty = true;
  clear.org.Add("00u1", "a@example.com");
  clear.Header({"login", "department"});
  clear.Row({"a@example.com", ""});
  clear.Run();
  ASSERT_EQ(clear.results.size(), 1u);
  EXPECT_EQ(clear.results[0].outcome, Outcome::kUpdated) << clear.results[0].error;
  EXPECT_EQ(clear.org.users["00u1"].last_update_body, R"({"profile":{"department":null}})");
}

TEST(UserOpTaskTest, UpdateRefusesAPasswordColumnAndAFileWithoutLoginOrId) {
  UserOpJobOptions options;
  options.task.op = UserOp::kUpdate;
  auto rows = MakeUserOpRows(options);
  std::string error;
  EXPECT_FALSE(rows->Start({"login", "password"}, &error));
  EXPECT_NE(error.find("does not set passwords"), std::string::npos) << error;
  rows = MakeUserOpRows(options);
  EXPECT_FALSE(rows->Start({"email", "department"}, &error));
  EXPECT_NE(error.find("no 'login' or 'id' column"), std::string::npos) << error;
}

TEST(UserOpTaskTest, AssignLooksTheLoginUpOnceThenPutsEachGroup) {
  Harness h(UserOp::kAssign);
  h.options.extra_group_ids = {"00g2"};
  h.org.Add("00u1", "a@example.com");
  h.Header({"login", "groupId"});
  h.Row({"a@example.com", "00g1"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kAssigned) << h.results[0].error;
  EXPECT_EQ(h.results[0].user_id, "00u1");
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"GET /api/v1/users/a%40example.com",
                                                 "PUT /api/v1/groups/00g1/users/00u1",
                                                 "PUT /api/v1/groups/00g2/users/00u1"}));
  EXPECT_EQ(h.org.users["00u1"].groups, (std::vector<std::string>{"00g1", "00g2"}));
}

TEST(UserOpTaskTest, AssignByIdNeedsNoLookup) {
  Harness h(UserOp::kAssign);
  h.org.Add("00u1", "a@example.com");
  h.Header({"id", "groupId"});
  h.Row({"00u1", "00g2"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kAssigned) << h.results[0].error;
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"PUT /api/v1/groups/00g2/users/00u1"}));
}

TEST(UserOpTaskTest, AssignFailsNamingTheMissingUserOrTheMissingGroup) {
  Harness h(UserOp::kAssign);
  h.org.Add("00u1", "a@example.com");
  h.Header({"login", "groupId"});
  h.Row({"ghost@example.com", "00g1"});
  h.Row({"a@example.com", "00gNope"});
  h.Run();
  ASSERT_EQ(h.results.size(), 2u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_NE(h.results[0].error.find("no user with login ghost@example.com"), std::string::npos)
      << h.results[0].error;
  EXPECT_EQ(h.results[1].outcome, Outcome::kFailed);
  EXPECT_NE(h.results[1].error.find("group 00gNope"), std::string::npos) << h.results[1].error;
  EXPECT_NE(h.results[1].error.find("UserGroup"), std::string::npos) << h.results[1].error;
}

TEST(UserOpTaskTest, AssignRowWithoutAnyGroupIsInvalid) {
  Harness h(UserOp::kAssign);
  h.Header({"login", "groupId"});
  h.Row({"a@example.com", " ; "});
  ASSERT_EQ(h.invalid.size(), 1u);
  EXPECT_NE(h.invalid[0].find("row 1, field 'groupId': is empty"), std::string::npos) << h.invalid[0];
}

TEST(UserOpTaskTest, DeactivateSendsTheLifecycleCallButAnAlreadyDeprovisionedUserIsUnchanged) {
  Harness h(UserOp::kDeactivate);
  h.org.Add("00u1", "a@example.com");
  h.org.Add("00u2", "b@example.com", "DEPROVISIONED");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Row({"b@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 2u);
  for (const auto& r : h.results) EXPECT_EQ(r.user_status, "DEPROVISIONED") << r.error;
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeactivated) << h.results[0].error;
  // The target state held already: nothing was sent after the lookup.
  EXPECT_EQ(h.results[1].outcome, Outcome::kUnchanged) << h.results[1].error;
  EXPECT_EQ(h.org.users["00u1"].status, "DEPROVISIONED");
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(),
                       "POST /api/v1/users/00u1/lifecycle/deactivate"), 1);
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(),
                       "POST /api/v1/users/00u2/lifecycle/deactivate"), 0);
}

TEST(UserOpTaskTest, DeleteDeactivatesAnActiveUserFirstThenDeletesIt) {
  Harness h(UserOp::kDelete);
  h.org.Add("00u1", "a@example.com");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeleted) << h.results[0].error;
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"GET /api/v1/users/a%40example.com",
                                                 "POST /api/v1/users/00u1/lifecycle/deactivate",
                                                 "DELETE /api/v1/users/00u1"}));
  EXPECT_TRUE(h.org.users.empty());
}

TEST(UserOpTaskTest, DeleteOfAMissingUserFailsUnlessMissingOk) {
  for (bool missing_ok : {false, true}) {
    Harness h(UserOp::kDelete);
    h.options.task.missing_ok = missing_ok;
    h.Header({"login"});
    h.Row({"ghost@example.com"});
    h.Run();
    ASSERT_EQ(h.results.size(), 1u);
    if (missing_ok) {
      EXPECT_EQ(h.results[0].outcome, Outcome::kDeleted) << h.results[0].error;
    } else {
      EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
      EXPECT_NE(h.results[0].error.find("no user with login ghost@example.com"), std::string::npos)
          << h.results[0].error;
    }
  }
}

TEST(UserOpTaskTest, DeleteWhoseResponseWasLostCountsTheFollowing404AsDeleted) {
  Harness h(UserOp::kDelete);
  h.org.Add("00u1", "a@example.com", "DEPROVISIONED");
  h.Header({"id"});
  h.Row({"00u1"});
  bool lost = false;
  h.wrap = [&](const HttpRequest& r) -> Result {
    Result result = h.org.Handle(r);
    if (r.method == "DELETE" && !lost) {  // the org deleted the user; the response is lost
      lost = true;
      return boost::system::error_code(asio::error::connection_reset);
    }
    return result;
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_TRUE(lost);
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeleted) << h.results[0].error;
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(), "DELETE /api/v1/users/00u1"), 2);
}

// Issue 13: a peer that pairs answers with the wrong requests hands a lookup of one user the
// answer about another. The id that deactivate and DELETE act on comes from that answer, so
// it must never be taken: the lookup is sent again, and only the row's own user is touched.
TEST(UserOpTaskTest, DeleteNeverActsOnAnotherUsersLookupAnswer) {
  Harness h(UserOp::kDelete);
  h.org.Add("00u1", "a@example.com");
  h.org.Add("00u2", "b@example.com");
  h.Header({"login"});
  h.Row({"a@example.com"});
  int shifted = 0;
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET" && shifted < 2) {  // the first two lookups get b's answer
      ++shifted;
      h.org.log.push_back("GET (answered for b)");
      return FakeOrg::UserBody(h.org.users["00u2"]);
    }
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeleted) << h.results[0].error;
  EXPECT_EQ(h.results[0].user_id, "00u1");
  EXPECT_EQ(h.org.users.count("00u1"), 0u);
  ASSERT_EQ(h.org.users.count("00u2"), 1u);
  EXPECT_EQ(h.org.users["00u2"].status, "ACTIVE");
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(), "POST /api/v1/users/00u2/lifecycle/deactivate"), 0);
}

TEST(UserOpTaskTest, ALookupAnsweredForAnotherUserEveryTimeFailsTheRowAndTouchesNoOne) {
  Harness h(UserOp::kDeactivate);
  h.org.Add("00u1", "a@example.com");
  h.org.Add("00u2", "b@example.com");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET") return FakeOrg::UserBody(h.org.users["00u2"]);
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_NE(h.results[0].error.find("another user"), std::string::npos) << h.results[0].error;
  EXPECT_EQ(h.results[0].attempts, 5);  // --max-attempts, as for a lost response
  EXPECT_EQ(h.org.users["00u1"].status, "ACTIVE");
  EXPECT_EQ(h.org.users["00u2"].status, "ACTIVE");
}

TEST(UserOpTaskTest, ALookupByIdMustAnswerThatId) {
  Harness h(UserOp::kDelete);
  h.org.Add("00u1", "a@example.com", "DEPROVISIONED");
  h.org.Add("00u2", "b@example.com", "DEPROVISIONED");
  h.Header({"id"});
  h.Row({"00u1"});
  bool shifted = false;
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "GET" && !shifted) {
      shifted = true;
      return FakeOrg::UserBody(h.org.users["00u2"]);
    }
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeleted) << h.results[0].error;
  EXPECT_EQ(h.org.users.count("00u1"), 0u);
  EXPECT_EQ(h.org.users.count("00u2"), 1u);
}

TEST(UserOpTaskTest, ImportWithExistingUpdateUpdatesTheExistingProfileThenAddsTheGroups) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  ColumnMap columns;
  std::string error;
  ASSERT_TRUE(ColumnMap::FromHeader({"login", "password", "department", "groupId"}, &columns, &error));
  RowBuilderOptions builder_options;
  builder_options.build_update_body = true;
  RowBuilder builder(std::move(columns), builder_options);
  PreparedRow row;
  ASSERT_TRUE(builder.Build(Record({"a@example.com", "Secret-123!", "Sales", "00g1"}, 1), 1, &row, &error))
      << error;
  EXPECT_EQ(row.update_body, R"({"profile":{"department":"Sales"}})");
  ImportTaskOptions import_options;
  import_options.existing = ExistingPolicy::kUpdate;
  h.source.tasks.push_back(std::make_unique<ImportTask>(std::move(row), import_options, h.run));
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST" && r.target.starts_with("/api/v1/users?")) {
      h.org.log.push_back("POST /api/v1/users");
      return Response(400, R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login",)"
                           R"("errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]})");
    }
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kUpdated) << h.results[0].error;
  // However the import finds the login exists (a refused create, or a lookup first), it
  // ends with the partial update, then the group.
  ASSERT_GE(h.org.log.size(), 3u);
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(), "GET /api/v1/users/a%40example.com"), 1);
  EXPECT_EQ(std::vector<std::string>(h.org.log.end() - 2, h.org.log.end()),
            (std::vector<std::string>{"POST /api/v1/users/00u1", "PUT /api/v1/groups/00g1/users/00u1"}));
  EXPECT_EQ(h.org.users["00u1"].last_update_body, R"({"profile":{"department":"Sales"}})");
}

TEST(UserOpTaskTest, AnUpdateRowWithNothingToSendIsUnchangedWithoutARequest) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  UserOpRow row;
  row.row = 1;
  row.login = "a@example.com";
  row.update_body = std::string(kEmptyProfileUpdate);
  h.source.tasks.push_back(std::make_unique<UserOpTask>(std::move(row), h.options.task));
  UserOpRow with_group;  // a group to add is something to send
  with_group.row = 2;
  with_group.id = "00u1";
  with_group.update_body = std::string(kEmptyProfileUpdate);
  with_group.group_ids = {"00g1"};
  h.source.tasks.push_back(std::make_unique<UserOpTask>(std::move(with_group), h.options.task));
  h.Run();
  ASSERT_EQ(h.results.size(), 2u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kUnchanged) << h.results[0].error;
  EXPECT_EQ(h.results[0].attempts, 0);
  EXPECT_EQ(h.results[0].login, "a@example.com");
  EXPECT_EQ(h.results[1].outcome, Outcome::kUpdated) << h.results[1].error;
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"POST /api/v1/users/00u1",
                                                 "PUT /api/v1/groups/00g1/users/00u1"}));
}

TEST(UserOpTaskTest, DeactivateByIdIsNotLookedUpSoItIsSentAndReportedDeactivated) {
  Harness h(UserOp::kDeactivate);
  h.org.Add("00u2", "b@example.com", "DEPROVISIONED");
  h.Header({"id"});
  h.Row({"00u2"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kDeactivated) << h.results[0].error;
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"POST /api/v1/users/00u2/lifecycle/deactivate"}));
}

// import --existing update of `row`'s cells for a@example.com, whose create the org refuses
// as an existing login. Returns the results; `h.org.log` holds what was sent.
std::vector<RowResult> ImportExistingUpdate(Harness& h, std::vector<std::string> header,
                                            std::vector<std::string> cells) {
  ColumnMap columns;
  std::string error;
  EXPECT_TRUE(ColumnMap::FromHeader(header, &columns, &error)) << error;
  RowBuilderOptions builder_options;
  builder_options.build_update_body = true;
  RowBuilder builder(std::move(columns), builder_options);
  PreparedRow row;
  EXPECT_TRUE(builder.Build(Record(std::move(cells), 1), 1, &row, &error)) << error;
  static ImportTaskOptions import_options;
  import_options.existing = ExistingPolicy::kUpdate;
  h.source.tasks.push_back(std::make_unique<ImportTask>(std::move(row), import_options, h.run));
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "POST" && r.target.starts_with("/api/v1/users?")) {
      h.org.log.push_back("POST /api/v1/users");
      return Response(400, R"({"errorCode":"E0000001","errorSummary":"Api validation failed: login",)"
                           R"("errorCauses":[{"errorSummary":"login: An object with this field already exists in the current organization"}]})");
    }
    return h.org.Handle(r);
  };
  h.Run();
  return h.results;
}

TEST(UserOpTaskTest, ImportWithExistingUpdateSendsNoUpdateWhenTheLookupShowsTheValuesAlready) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  h.org.users["00u1"].more_profile = R"(,"department":"Sales","level":3,"vip":true)";
  auto results = ImportExistingUpdate(h, {"login", "department", "level:integer", "vip:boolean", "groupId"},
                                      {"a@example.com", "Sales", "3", "true", "00g1"});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::kExisted) << results[0].error;
  EXPECT_EQ(std::count(h.org.log.begin(), h.org.log.end(), "POST /api/v1/users/00u1"), 0)
      << ::testing::PrintToString(h.org.log);
  // The groups are still the row's business.
  EXPECT_EQ(h.org.log.back(), "PUT /api/v1/groups/00g1/users/00u1");
}

TEST(UserOpTaskTest, ImportWithExistingUpdateSendsTheUpdateWhenOneValueDiffers) {
  Harness h(UserOp::kUpdate);
  h.org.Add("00u1", "a@example.com");
  h.org.users["00u1"].more_profile = R"(,"department":"Sales","level":3)";
  auto results = ImportExistingUpdate(h, {"login", "department", "level:integer"},
                                      {"a@example.com", "Sales", "4"});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::kUpdated) << results[0].error;
  EXPECT_EQ(h.org.log.back(), "POST /api/v1/users/00u1");
  EXPECT_EQ(h.org.users["00u1"].last_update_body, R"({"profile":{"department":"Sales","level":4}})");
}

HttpResponse Forbidden(bool insufficient_scope_header) {
  HttpResponse r = Response(403, R"({"errorCode":"E0000006","errorSummary":"You do not have permission )"
                                 R"(to perform the requested action","errorCauses":[]})");
  if (insufficient_scope_header)
    r.headers.emplace_back("www-authenticate", "Bearer error=\"insufficient_scope\"");
  return r;
}

TEST(UserOpTaskTest, AnOAuth403NamesTheScopeTheRefusedRequestNeeded) {
  Harness h(UserOp::kAssign);
  h.oauth = true;
  h.org.Add("00u1", "a@example.com");
  h.Header({"login", "groupId"});
  h.Row({"a@example.com", "00g1"});
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method == "PUT") return Forbidden(false);  // the token has users.read only
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  const RowResult& r = h.results[0];
  EXPECT_EQ(r.outcome, Outcome::kFailed);
  EXPECT_EQ(r.error_code, "E0000006");
  EXPECT_NE(r.error.find("adding it to group 00g1 failed: You do not have permission"), std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("PUT /api/v1/groups/{groupId}/users/{userId} needs the OAuth scope "
                         "okta.groups.manage"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("Admin Console: Applications > the app > Okta API Scopes"), std::string::npos)
      << r.error;
}

TEST(UserOpTaskTest, AnInsufficientScopeChallengeNamesTheScopeAndAnAdminRoles403DoesNot) {
  Harness h(UserOp::kDeactivate);
  h.org.Add("00u1", "a@example.com");
  h.org.Add("00u2", "b@example.com");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Row({"b@example.com"});
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.target.find("a%40") != std::string::npos) return Forbidden(true);
    if (r.target.find("b%40") != std::string::npos) return Forbidden(false);  // API token
    return h.org.Handle(r);
  };
  h.Run();
  ASSERT_EQ(h.results.size(), 2u);
  EXPECT_NE(h.results[0].error.find("GET /api/v1/users/{id} needs the OAuth scope okta.users.read"),
            std::string::npos) << h.results[0].error;
  EXPECT_EQ(h.results[1].error.find("OAuth"), std::string::npos) << h.results[1].error;
  EXPECT_NE(h.results[1].error.find("You do not have permission"), std::string::npos) << h.results[1].error;
}

}  // namespace
}  // namespace okta_bulk
