// activate / reactivate / suspend / unsuspend / unlock / expire-password / reset-password rows
// (LifecycleTask and the user-op row checks), driven by the dispatcher over a fake transport
// that plays a tiny Okta org (no sockets). The expected outcome of each action on each status
// is written out here, apart from the task's own table.
#include "pipeline/jobs/lifecycle_task.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <functional>
#include <map>

#include "pipeline/csv/csv_reader.h"
#include "pipeline/engine/dispatcher.h"
#include "pipeline/jobs/secret_file.h"
#include "pipeline/jobs/user_op_job.h"
#include "pipeline/okta/okta_requests.h"

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

// Users by id; every lifecycle call is accepted (the task decides what to send) unless
// `refuse` is set, and moves the user to the status `after` gives.
struct FakeOrg {
  struct User {
    std::string id, login, status;
  };
  std::map<std::string, User> users;
  std::vector<std::string> log;
  std::string refuse;  // a JSON error body for every lifecycle call, with 403
  std::map<std::string, std::string> after = {
      {"activate", "ACTIVE"},     {"reactivate", "PROVISIONED"}, {"suspend", "SUSPENDED"},
      {"unsuspend", "ACTIVE"},    {"unlock", "ACTIVE"},          {"expire_password", "PASSWORD_EXPIRED"},
      {"reset_password", "RECOVERY"}, {"expire_password_with_temp_password", "PASSWORD_EXPIRED"}};

  void Add(const std::string& id, const std::string& login, const std::string& status) {
    users[id] = User{id, login, status};
  }
  User* Find(const std::string& key) {
    for (auto& [id, u] : users)
      if (id == key || u.login == key) return &u;
    return nullptr;
  }
  Result Handle(const HttpRequest& r) {
    log.push_back(std::string(r.method) + " " + r.target);
    const std::string prefix = "/api/v1/users/";
    if (!r.target.starts_with(prefix)) return Response(404);
    std::string rest = r.target.substr(prefix.size());
    std::string key = rest.substr(0, rest.find('/'));
    if (key.find("%40") != std::string::npos) key.replace(key.find("%40"), 3, "@");
    User* u = Find(key);
    if (!u)
      return Response(404, R"({"errorCode":"E0000007","errorSummary":"Not found: Resource not found: )" +
                               key + " (User)\"}");
    if (r.method == "GET")
      return Response(200, R"({"id":")" + u->id + R"(","status":")" + u->status +
                               R"(","profile":{"login":")" + u->login + R"("}})");
    const std::string lc = "/lifecycle/";
    std::size_t p = rest.find(lc);
    if (r.method != "POST" || p == std::string::npos) return Response(405);
    if (!refuse.empty()) return Response(403, refuse);
    std::string op = rest.substr(p + lc.size());
    op = op.substr(0, op.find('?'));
    u->status = after.at(op);
    if (op == "reset_password") return Response(200, R"({"resetPasswordUrl":"https://x/secret"})");
    if (op == "expire_password_with_temp_password") return Response(200, R"({"tempPassword":"-secret1"})");
    return Response(200, "{}");
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
  std::function<Result(const HttpRequest&)> wrap;  // between the dispatcher and the org

  void Header(std::vector<std::string> header) {
    rows = MakeUserOpRows(options);
    std::string error;
    ASSERT_TRUE(rows->Start(header, &error)) << error;
  }
  void Row(std::vector<std::string> fields) {
    CsvRecord record;
    record.fields = std::move(fields);
    record.record_number = source.tasks.size() + 1;
    record.first_line = record.record_number + 1;
    BuiltRow built;
    std::string error;
    ASSERT_TRUE(rows->Build(record, record.record_number, run, &built, &error)) << error;
    source.tasks.push_back(std::move(built.task));
  }
  void Run() {
    DispatcherOptions d;
    d.seed = 7;
    d.backoff_base = std::chrono::milliseconds(1);
    d.backoff_cap = std::chrono::milliseconds(5);
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
  }
};

const std::vector<std::string> kStatuses = {"STAGED",     "PROVISIONED",      "ACTIVE",   "SUSPENDED",
                                            "LOCKED_OUT", "PASSWORD_EXPIRED", "RECOVERY", "DEPROVISIONED"};

struct Expectation {
  UserOp op;
  std::string path;  // the lifecycle request sent, "" when none
  // status -> outcome; a status missing here fails the row without a request.
  std::map<std::string, Outcome> outcomes;
};

const std::vector<Expectation> kExpected = {
    {UserOp::kActivate, "activate?sendEmail=false",
     {{"STAGED", Outcome::kActivated}, {"DEPROVISIONED", Outcome::kActivated},
      {"ACTIVE", Outcome::kUnchanged}, {"PROVISIONED", Outcome::kUnchanged}}},
    {UserOp::kReactivate, "reactivate?sendEmail=false",
     {{"PROVISIONED", Outcome::kReactivated}, {"RECOVERY", Outcome::kReactivated},
      {"ACTIVE", Outcome::kUnchanged}}},
    {UserOp::kSuspend, "suspend", {{"ACTIVE", Outcome::kSuspended}, {"SUSPENDED", Outcome::kUnchanged}}},
    {UserOp::kUnsuspend, "unsuspend",
     {{"SUSPENDED", Outcome::kUnsuspended}, {"ACTIVE", Outcome::kUnchanged}}},
    {UserOp::kUnlock, "unlock", {{"LOCKED_OUT", Outcome::kUnlocked}, {"ACTIVE", Outcome::kUnchanged}}},
    {UserOp::kExpirePassword, "expire_password",
     {{"ACTIVE", Outcome::kPasswordExpired}, {"PASSWORD_EXPIRED", Outcome::kUnchanged}}},
    {UserOp::kResetPassword, "reset_password?sendEmail=false",
     {{"ACTIVE", Outcome::kPasswordReset}, {"PASSWORD_EXPIRED", Outcome::kPasswordReset},
      {"LOCKED_OUT", Outcome::kPasswordReset}, {"RECOVERY", Outcome::kUnchanged}}},
};

TEST(LifecycleTaskTest, EveryActionOnEveryStatusSendsTheActionOnlyWhereItIsAccepted) {
  for (const Expectation& e : kExpected) {
    for (const std::string& status : kStatuses) {
      SCOPED_TRACE(std::string(UserOpName(e.op)) + " on " + status);
      Harness h(e.op);
      h.org.Add("00u1", "a@example.com", status);
      h.Header({"login"});
      h.Row({"a@example.com"});
      h.Run();
      ASSERT_EQ(h.results.size(), 1u);
      const RowResult& r = h.results[0];
      auto it = e.outcomes.find(status);
      const Outcome expected = it == e.outcomes.end() ? Outcome::kFailed : it->second;
      EXPECT_EQ(OutcomeName(r.outcome), OutcomeName(expected)) << r.error;
      EXPECT_EQ(r.user_id, "00u1");
      ASSERT_GE(h.org.log.size(), 1u);
      EXPECT_EQ(h.org.log[0], "GET /api/v1/users/a%40example.com");
      if (expected == Outcome::kUnchanged || expected == Outcome::kFailed) {
        EXPECT_EQ(h.org.log.size(), 1u) << "no action is sent";
        EXPECT_EQ(h.org.users["00u1"].status, status);
        EXPECT_EQ(r.user_status, status);
      } else {
        ASSERT_EQ(h.org.log.size(), 2u);
        EXPECT_EQ(h.org.log[1], "POST /api/v1/users/00u1/lifecycle/" + e.path);
      }
      if (expected == Outcome::kFailed) {
        EXPECT_NE(r.error.find("this one is " + status), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(std::string(UserOpName(e.op)) + " needs "), std::string::npos) << r.error;
      } else {
        EXPECT_EQ(r.error, "");
      }
    }
  }
}

TEST(LifecycleTaskTest, TheMessageNamesTheStatusAndWhatTheActionAccepts) {
  EXPECT_EQ(NotAllowedMessage(LifecycleRuleOf(UserOp::kSuspend), "STAGED"),
            "suspend needs an ACTIVE user; this one is STAGED");
  EXPECT_EQ(NotAllowedMessage(LifecycleRuleOf(UserOp::kActivate), "SUSPENDED"),
            "activate needs a STAGED or DEPROVISIONED user; this one is SUSPENDED");
  EXPECT_EQ(NotAllowedMessage(LifecycleRuleOf(UserOp::kResetPassword), "STAGED"),
            "reset-password needs an ACTIVE, PASSWORD_EXPIRED or LOCKED_OUT user; this one is STAGED");
}

TEST(LifecycleTaskTest, SendEmailGoesIntoTheQueryOfTheActionsThatTakeIt) {
  for (UserOp op : {UserOp::kActivate, UserOp::kReactivate, UserOp::kResetPassword}) {
    Harness h(op);
    h.options.task.send_email = true;
    h.org.Add("00u1", "a@example.com", op == UserOp::kActivate ? "STAGED" : op == UserOp::kReactivate ? "PROVISIONED" : "ACTIVE");
    h.Header({"id", "department"});
    h.Row({"00u1", "ignored"});
    h.Run();
    ASSERT_EQ(h.org.log.size(), 2u);
    EXPECT_EQ(h.org.log[0], "GET /api/v1/users/00u1") << "an id row is looked up by id";
    EXPECT_EQ(h.org.log[1], "POST /api/v1/users/00u1/lifecycle/" +
                                std::string(LifecycleRuleOf(op).operation) + "?sendEmail=true");
  }
}

TEST(LifecycleTaskTest, OktasRefusalFailsTheRowWithOktasCodeAndMessage) {
  Harness h(UserOp::kSuspend);
  h.org.Add("00u1", "a@example.com", "ACTIVE");
  h.org.refuse = R"({"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status."})";
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].http_status, 403);
  EXPECT_EQ(h.results[0].error_code, "E0000038");
  EXPECT_EQ(h.results[0].error,
            "suspending failed: This operation is not allowed in the user's current status.");
}

TEST(LifecycleTaskTest, AMissingUserFailsNamingTheLogin) {
  Harness h(UserOp::kUnlock);
  h.Header({"login"});
  h.Row({"ghost@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].http_status, 404);
  EXPECT_EQ(h.results[0].error.rfind("no user with login ghost@example.com: ", 0), 0u) << h.results[0].error;
  EXPECT_EQ(h.org.log.size(), 1u);
}

// The org suspends the user but the answer is lost; the retry is refused (the user is no longer
// ACTIVE). A second lookup shows SUSPENDED: the row did it, so it is `suspended`, not failed.
TEST(LifecycleTaskTest, ARefusalAfterALostResponseIsJudgedByASecondLookup) {
  Harness h(UserOp::kSuspend);
  h.org.Add("00u1", "a@example.com", "ACTIVE");
  bool lost = false;
  h.wrap = [&](const HttpRequest& r) -> Result {
    Result result = h.org.Handle(r);
    if (r.method == "POST" && !lost) {
      lost = true;
      return boost::system::error_code(asio::error::connection_reset);
    }
    if (r.method == "POST")
      return Response(400, R"({"errorCode":"E0000001","errorSummary":"Api validation failed: suspendUser"})");
    return result;
  };
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_TRUE(lost);
  EXPECT_EQ(h.results[0].outcome, Outcome::kSuspended) << h.results[0].error;
  EXPECT_EQ(h.results[0].user_status, "SUSPENDED");
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"GET /api/v1/users/a%40example.com",
                                                 "POST /api/v1/users/00u1/lifecycle/suspend",
                                                 "POST /api/v1/users/00u1/lifecycle/suspend",
                                                 "GET /api/v1/users/00u1"}));
}

TEST(LifecycleTaskTest, NoSecretFromTheResponseReachesTheRowResult) {
  Harness h(UserOp::kResetPassword);
  h.org.Add("00u1", "a@example.com", "ACTIVE");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  const RowResult& r = h.results[0];
  EXPECT_EQ(r.outcome, Outcome::kPasswordReset);
  EXPECT_EQ(r.user_status, "RECOVERY");
  for (const std::string& s : {r.login, r.user_id, r.user_status, r.error_code, r.error})
    EXPECT_EQ(s.find("secret"), std::string::npos) << s;
}

struct TempResults {
  TempResults() {
    char tmpl[] = "/tmp/lifecycle-test-XXXXXX";
    dir = ::mkdtemp(tmpl);
    results = dir + "/results.csv";
  }
  ~TempResults() { std::filesystem::remove_all(dir); }
  std::string Secrets() const {
    std::ifstream in(SecretFile::PathFor(results));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string dir, results;
};

TEST(LifecycleTaskTest, TheTemporaryPasswordGoesExactlyToTheSecretsFileOnly) {
  TempResults tmp;
  std::string error;
  auto secrets = SecretFile::Open(tmp.results, true, &error);
  ASSERT_TRUE(secrets) << error;
  Harness h(UserOp::kExpirePassword);
  h.options.task.temp_password = true;
  h.options.task.secrets = secrets.get();
  h.org.Add("00u1", "a@example.com", "ACTIVE");
  h.org.Add("00u2", "b@example.com", "PASSWORD_EXPIRED");
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Row({"b@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 2u);
  for (const RowResult& r : h.results) {
    EXPECT_EQ(r.error.find("secret"), std::string::npos) << r.error;
    EXPECT_EQ(r.outcome, r.login == "a@example.com" ? Outcome::kPasswordExpired : Outcome::kUnchanged);
  }
  EXPECT_EQ(h.org.log[1], "POST /api/v1/users/00u1/lifecycle/expire_password_with_temp_password");
  secrets.reset();
  // The secret is written as it is: no formula guard in front of its '-'.
  EXPECT_EQ(tmp.Secrets(), "row,login,userId,kind,secret\n1,a@example.com,00u1,tempPassword,-secret1\n");
  struct stat st {};
  ASSERT_EQ(::stat(SecretFile::PathFor(tmp.results).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(LifecycleTaskTest, AResetLinkIsKeptOnlyWhenNoEmailIsSentAndASecretsFileIsGiven) {
  TempResults tmp;
  std::string error;
  auto secrets = SecretFile::Open(tmp.results, true, &error);
  ASSERT_TRUE(secrets) << error;
  Harness h(UserOp::kResetPassword);
  h.options.task.send_email = false;
  h.options.task.secrets = secrets.get();
  h.org.Add("00u1", "a@example.com", "LOCKED_OUT");
  h.Header({"id"});
  h.Row({"00u1"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kPasswordReset) << h.results[0].error;
  EXPECT_EQ(h.org.log[1], "POST /api/v1/users/00u1/lifecycle/reset_password?sendEmail=false");
  secrets.reset();
  EXPECT_EQ(tmp.Secrets(), "row,login,userId,kind,secret\n1,,00u1,resetPasswordUrl,https://x/secret\n");
}

TEST(LifecycleTaskTest, ALostAnswerWithATemporaryPasswordFailsTheRowSayingSo) {
  TempResults tmp;
  std::string error;
  auto secrets = SecretFile::Open(tmp.results, true, &error);
  ASSERT_TRUE(secrets) << error;
  Harness h(UserOp::kExpirePassword);
  h.options.task.temp_password = true;
  h.options.task.secrets = secrets.get();
  h.org.Add("00u1", "a@example.com", "ACTIVE");
  bool lost = false;
  h.wrap = [&](const HttpRequest& r) -> Result {
    Result result = h.org.Handle(r);
    if (r.method == "POST" && !lost) {
      lost = true;
      return boost::system::error_code(asio::error::connection_reset);
    }
    if (r.method == "POST")
      return Response(403, R"({"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status."})");
    return result;
  };
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_NE(h.results[0].error.find("tempPassword was lost"), std::string::npos) << h.results[0].error;
  EXPECT_EQ(h.results[0].user_status, "PASSWORD_EXPIRED");
}

// The lookup shows PROVISIONED, the user finishes its activation before the reactivate
// arrives and Okta refuses it (403 E0000038): a second lookup shows ACTIVE, where reactivate
// leads, so the row is `unchanged`, not failed (issue 15: "or Okta's answer shows it").
TEST(LifecycleTaskTest, ARefusalOfAUserAlreadyWhereTheActionLeadsIsUnchanged) {
  Harness h(UserOp::kReactivate);
  h.org.Add("00u1", "a@example.com", "PROVISIONED");
  h.wrap = [&](const HttpRequest& r) -> Result {
    if (r.method != "POST") return h.org.Handle(r);
    h.org.log.push_back(std::string(r.method) + " " + r.target);
    h.org.users["00u1"].status = "ACTIVE";
    return Response(403, R"({"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status."})");
  };
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(OutcomeName(h.results[0].outcome), OutcomeName(Outcome::kUnchanged)) << h.results[0].error;
  EXPECT_EQ(h.results[0].error, "");
  EXPECT_EQ(h.results[0].error_code, "");
  EXPECT_EQ(h.results[0].user_status, "ACTIVE");
  EXPECT_EQ(h.org.log, (std::vector<std::string>{"GET /api/v1/users/a%40example.com",
                                                 "POST /api/v1/users/00u1/lifecycle/reactivate?sendEmail=false",
                                                 "GET /api/v1/users/00u1"}));
}

// A refusal the second lookup does not explain (the user is still where the action is
// allowed, or somewhere else) fails the row with Okta's code and words, sent once.
TEST(LifecycleTaskTest, ARefusalTheSecondLookupDoesNotExplainFailsWithOktasWordsAndIsNotResent) {
  Harness h(UserOp::kReactivate);
  h.org.Add("00u1", "a@example.com", "RECOVERY");
  h.org.refuse = R"({"errorCode":"E0000038","errorSummary":"This operation is not allowed in the user's current status."})";
  h.Header({"login"});
  h.Row({"a@example.com"});
  h.Run();
  ASSERT_EQ(h.results.size(), 1u);
  EXPECT_EQ(h.results[0].outcome, Outcome::kFailed);
  EXPECT_EQ(h.results[0].http_status, 403);
  EXPECT_EQ(h.results[0].error_code, "E0000038");
  EXPECT_EQ(h.results[0].error,
            "reactivating failed: This operation is not allowed in the user's current status.");
  EXPECT_EQ(h.org.log.size(), 3u) << "lookup, the refused action, the second lookup";
}

// activate and reactivate without email: Okta answers with the activation link, which goes to
// the secrets file (--write-activation-links) and nowhere else; with the email nothing is kept.
TEST(LifecycleTaskTest, AnActivationLinkIsKeptOnlyWhenNoEmailIsSentAndASecretsFileIsGiven) {
  for (UserOp op : {UserOp::kActivate, UserOp::kReactivate}) {
    for (bool send_email : {false, true}) {
      SCOPED_TRACE(std::string(UserOpName(op)) + (send_email ? " with email" : " without email"));
      TempResults tmp;
      std::string error;
      auto secrets = SecretFile::Open(tmp.results, true, &error);
      ASSERT_TRUE(secrets) << error;
      Harness h(op);
      h.options.task.send_email = send_email;
      h.options.task.secrets = secrets.get();
      h.org.Add("00u1", "a@example.com", op == UserOp::kActivate ? "STAGED" : "PROVISIONED");
      h.wrap = [&](const HttpRequest& r) -> Result {
        Result result = h.org.Handle(r);
        if (r.method == "POST" && r.target.ends_with("sendEmail=false"))
          return Response(200, R"({"activationUrl":"https://x/welcome/secrettoken","activationToken":"secrettoken"})");
        return result;
      };
      h.Header({"login"});
      h.Row({"a@example.com"});
      h.Run();
      ASSERT_EQ(h.results.size(), 1u);
      const RowResult& r = h.results[0];
      EXPECT_EQ(r.outcome, op == UserOp::kActivate ? Outcome::kActivated : Outcome::kReactivated) << r.error;
      for (const std::string& s : {r.login, r.user_id, r.user_status, r.error_code, r.error})
        EXPECT_EQ(s.find("secret"), std::string::npos) << s;
      secrets.reset();
      EXPECT_EQ(tmp.Secrets(),
                send_email ? "row,login,userId,kind,secret\n"
                           : "row,login,userId,kind,secret\n1,a@example.com,00u1,activationUrl,"
                             "https://x/welcome/secrettoken\n");
    }
  }
}

TEST(LifecycleTaskTest, LifecycleRequestsCountInTheUsersBucket) {
  TaskRequest r = LifecycleRequest("00u1", "reset_password", SendEmailQuery(true));
  EXPECT_EQ(r.http.method, "POST");
  EXPECT_EQ(r.http.target, "/api/v1/users/00u1/lifecycle/reset_password?sendEmail=true");
  EXPECT_EQ(r.bucket, Bucket::kUsers);
  EXPECT_EQ(LifecycleRequest("00u1", "suspend").bucket, Bucket::kUsers);
  EXPECT_EQ(LifecycleRequest("00u1", "suspend").http.target, "/api/v1/users/00u1/lifecycle/suspend");
}

TEST(LifecycleTaskTest, OutcomeNamesRoundTripAndFailuresStayLast) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    Outcome back;
    ASSERT_TRUE(OutcomeFromName(OutcomeName(static_cast<Outcome>(i)), &back)) << i;
    EXPECT_EQ(static_cast<std::size_t>(back), i);
  }
  EXPECT_EQ(OutcomeName(Outcome::kPasswordExpired), "password_expired");
  EXPECT_EQ(OutcomeName(Outcome::kUnchanged), "unchanged");
  EXPECT_EQ(static_cast<std::size_t>(Outcome::kFailed), kOutcomeCount - 1);
  EXPECT_FALSE(IsSuccess(Outcome::kFailed));
  EXPECT_TRUE(IsSuccess(Outcome::kUnchanged));
}

}  // namespace
}  // namespace okta_bulk
