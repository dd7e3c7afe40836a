// ImportTask: one row of `okta-bulk import` as a state machine:
//   create (POST /api/v1/users, with groupIds) -> done: `created`
//   create says the login exists, or refuses the row as invalid (E0000001: a login-only row
//   for a user that exists) -> look it up (GET /api/v1/users/{login}) -> `existed`
//     (a login that does not exist: `failed` with the create's error)
//     -> with --existing update, update its profile (POST /api/v1/users/{id}): `updated`;
//        not sent when the lookup shows the profile holds the row's values already
//        (the row stays `existed`)
//     -> unless --existing skip, add it to the row's groups (PUT /groups/{gid}/users/{uid}).
#pragma once
#include <memory>

#include "pipeline/okta/okta_json.h"
#include "pipeline/engine/task.h"
#include "pipeline/rows/user_row.h"

namespace okta_bulk {

// What to do with a login that already exists: add it to the row's groups (kAssign), leave
// it alone (kSkip), or update its profile with the row's non-empty cells, then add it to the
// row's groups (kUpdate; needs RowBuilderOptions::build_update_body).
enum class ExistingPolicy : unsigned char { kAssign, kSkip, kUpdate };

struct ImportTaskOptions {
  bool activate = true;
  // --next-login change-password: nextLogin=changePassword on creates (needs activate and a
  // password on every row; RowBuilderOptions::require_password checks the rows).
  bool change_password_next_login = false;
  ExistingPolicy existing = ExistingPolicy::kAssign;
  // 404s tolerated on lookups and group assignments right after a create, while Okta's
  // reads catch up with its writes (eventual consistency), and the pause between them.
  int not_found_retries = 5;
  // Look rows up before creating them (their own bucket) when that saves creates: always
  // for the first 50 rows and whenever lookups often find an existing user, otherwise while
  // the create bucket is spent. An existing login then costs no create at all.
  bool precheck_when_blocked = true;
  std::chrono::milliseconds not_found_delay{400};
  // A resumed job: any row not finished may have been created by the interrupted run (its
  // create was in flight when the process died), so an "already exists" is judged by the
  // user's created time against the job's start.
  bool resumed = false;
};

class ImportTask final : public Task {
 public:
  ImportTask(PreparedRow row, const ImportTaskOptions& options, RunContext& run);

  const TaskRequest& request() const override { return request_; }
  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override;
  void OnGiveUp(int http_status, std::string error_code, std::string error) override;
  void OnNoResponse() override;
  bool TryAlternative() override;

 private:
  enum class Phase : unsigned char { kCreate, kLookup, kUpdate, kAssign };
  void PrepareCreate();
  bool StartLookup();  // look the login up before creating it
  void PrepareLookup();
  void PrepareAssign();
  void PrepareUpdate();
  TaskStep AfterUserKnown();
  bool WantsUpdate() const;  // --existing update with at least one attribute to set
  TaskStep AssignGroups();

  PreparedRow row_;
  const ImportTaskOptions& options_;
  RunContext& run_;
  TaskRequest request_;
  Phase phase_ = Phase::kCreate;
  std::size_t group_index_ = 0;
  int not_found_ = 0;
  bool create_ambiguous_ = false;  // a create was sent and its response lost
  bool precheck_ = false;          // the current lookup is a look-before-create
  bool prechecked_ = false;        // looked up already: the login did not exist
  // The create was refused as invalid; looking up whether the login exists.
  OktaError create_error_;
  int create_error_status_ = 0;
  bool profile_holds_ = false;  // the lookup showed every attribute of the update already set
};

// Parses Okta's "YYYY-MM-DDTHH:mm:ss.SSSZ" into epoch seconds; -1 when malformed.
int64_t ParseOktaTimestamp(std::string_view s);

}  // namespace okta_bulk
