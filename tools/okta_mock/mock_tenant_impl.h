// MockTenant::Impl, the org okta-mock imitates: its state (options, users and their indexes,
// groups, rate windows, statistics, the per-request parse arena) and its members. Private to
// okta-mock's tenant files: mock_tenant.cc (ids, answers, routing and admission),
// mock_tenant_users.cc (the user endpoints) and mock_tenant_lists.cc (lists, searches, group
// members, the test-only endpoints).
#pragma once
#include "tools/okta_mock/mock_tenant.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <ctime>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include <boost/json.hpp>

#include "net/json_text.h"
#include "net/url_encoding.h"
#include "tools/okta_mock/mock_buckets.h"
#include "tools/okta_mock/mock_credentials.h"
#include "tools/okta_mock/mock_filter.h"
#include "tools/okta_mock/mock_groups.h"
#include "tools/okta_mock/mock_load_users.h"
#include "tools/okta_mock/mock_login_key.h"
#include "tools/okta_mock/mock_oauth.h"
#include "tools/okta_mock/mock_schema.h"
#include "tools/okta_mock/mock_time.h"
#include "tools/okta_mock/mock_url.h"
#include "tools/okta_mock/mock_user_store.h"

namespace okta_bulk::mock {
namespace json = boost::json;

struct MockTenant::Impl {
  MockOptions opt;
  std::string base_url = "http://127.0.0.1";
  RateWindows windows;
  std::mt19937_64 rng;
  std::chrono::duration<double> skew;
  std::string type_id;
  std::string request_id_prefix;
  uint64_t request_seq = 0;

  // Creation order; deleted users stay as tombstones. A deque: growing never moves users.
  std::deque<User> users;
  // Keyed by the user's own `id` and `folded_login` (LoginKey(login)); a rename re-keys
  // by_login before the old string goes.
  UserIndex by_id{users, IdOf};
  UserIndex by_login{users, FoldedLoginOf};
  // The groups (mock_groups.h); memberships are the users' group_ids.
  MockGroups groups{base_url,
                    [this](int status, std::string_view code, std::string_view summary,
                           const std::vector<std::string>& causes) {
                      return Error(status, code, summary, causes);
                    },
                    [this](std::size_t n) { return RandomAlnum(n); }};

  // Request bodies are parsed into this arena, reset per request; nothing parsed outlives
  // the Handle() call that parsed it.
  unsigned char parse_buffer[64 * 1024];
  json::monotonic_resource parse_arena{parse_buffer, sizeof parse_buffer};
  json::parser parser;
  // In the arena too: a value moved in from another storage is deep-copied onto the heap
  // (that was about 20 allocations per create).
  json::value body_value = json::value(json::storage_ptr(&parse_arena));

  int64_t in_flight = 0;
  // Statistics.
  std::array<int64_t, kBucketCount> requests{}, rate_limited{};
  int64_t concurrency_rejected = 0, max_in_flight = 0, users_created = 0, requests_total = 0;
  // Updates (POST/PUT /api/v1/users/{id}) that carried If-Match, those refused with 412, and
  // the changes /__change_on_get made.
  int64_t conditional_updates = 0, precondition_failed = 0, changes_on_get = 0;
  // The last User::version handed out.
  uint64_t user_versions = 0;
  // /__change_on_get: by user id, the partial update to apply after answering a GET of it.
  struct ChangeOnGet {
    std::string body;  // {"profile":{...}}
    int64_t skip = 0;  // GETs still to answer before the one that triggers the change
  };
  std::unordered_map<std::string, ChangeOnGet> change_on_get;
  MockOAuth oauth{opt};  // the org authorization server (service apps)
  // The org's user profile schema (mock_schema.h): the base profile plus --schema's custom
  // attributes. Its id: "osc" + the default user type's id after "oty", as in Okta's
  // examples (a user type otyX has the schema oscX).
  UserSchema schema;
  std::string schema_id;
  // The owner of the API token (GET /api/v1/users/me): an admin that exists from the start.
  // Kept apart from `users` so that lists, searches, /__users and user_count() show only the
  // users a test created (a real org would list its admin too).
  User admin;

  explicit Impl(const MockOptions& o);

  static void AppendJsonString(std::string& out, std::string_view s) {
    okta_bulk::AppendJsonString(&out, s);
  }

  // ---- mock_tenant.cc: ids, response builders, the user answer, dispatch --------------------
  std::string RandomAlnum(std::size_t n);
  double Uniform01() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

  std::string NextRequestId();
  MockResponse Json(int status, std::string body);
  MockResponse Error(int status, std::string_view code, std::string_view summary,
                     const std::vector<std::string>& causes = {});
  MockResponse ValidationError(const std::vector<Cause>& causes);
  MockResponse UnknownProperties(std::string_view body_name, const std::vector<std::string>& names);
  MockResponse NotFound(std::string_view what, std::string_view type);
  MockResponse RateLimited();
  void AddCommonHeaders(MockResponse& r, TimePoint server_now, int64_t limit, int64_t remaining,
                        int64_t reset);
  User* FindUser(std::string_view id_or_login, TimePoint now);
  // The user has changed: a new version, so a new ETag.
  void Touch(User& u) { u.version = ++user_versions; }
  // The user's weak ETag, W/"<16 hex digits>": changes with every Touch.
  static std::string ETagOf(const User& u);
  // GET, POST and PUT /api/v1/users/{id}: the user answer plus its ETag, the conditional
  // update (If-Match) and /__change_on_get.
  MockResponse UserAnswer(const MockRequest& req, User& u, TimePoint now);
  void AppendUserJson(std::string& b, const User& u);
  MockResponse UserResponse(const User& u);
  json::object* ParseBodyObject(std::string_view body);
  MockResponse Malformed();
  MockResponse Route(const MockRequest& req, std::string_view path, const Query& q, TimePoint now);
  std::string Origin(const MockRequest& req) const;
  std::optional<MockResponse> CheckCredentials(const MockRequest& req, std::string_view path,
                                               TimePoint now);
  MockResponse Handle(const MockRequest& req, TimePoint real_now);

  // ---- mock_tenant_users.cc: create, update, lifecycle, delete, --load-users ---------------
  std::optional<MockResponse> NextLoginOnCreate(const Query& q, bool activate, Credential cred,
                                                bool* expire);
  MockResponse CreateUser(const Query& q, std::string_view body, TimePoint now);
  bool LoadUsers(const std::vector<SeedUser>& seeds, TimePoint now, std::string* error);
  MockResponse UpdateUser(User& u, std::string_view body, bool partial, TimePoint now);
  void SetStatus(User& u, std::string status, TimePoint now);
  MockResponse Lifecycle(User& u, std::string_view op, const Query& q, TimePoint now);
  MockResponse LockOut(std::string_view key, TimePoint now);
  MockResponse RegisterChangeOnGet(std::string_view key, const Query& q, std::string_view body,
                                   TimePoint now);
  MockResponse DeleteUser(User& u, TimePoint now);

  // ---- mock_tenant_lists.cc: list and search, group members, test-only endpoints -----------
  bool PageLimit(const Query& q, int64_t max, int64_t* limit, MockResponse* error);
  template <class Keep>
  MockResponse UserPage(const Query& q, TimePoint now, int64_t limit, const std::string& list_url,
                        const std::string& extra, Keep keep);
  MockResponse QuickSearch(const std::string& text, const Query& q, TimePoint now);
  MockResponse ListUsers(const Query& q, TimePoint now);
  MockResponse ListGroupMembers(const std::string& gid, const Query& q, TimePoint now);
  std::unordered_map<std::string, int64_t> GroupMemberCounts(TimePoint now);
  MockResponse RouteGroups(const MockRequest& req, const std::vector<std::string_view>& seg,
                           const Query& q, TimePoint now);
  MockResponse Stats();
  MockResponse DumpUsers();
};

}  // namespace okta_bulk::mock
