#include "pipeline/jobs/import_task.h"

#include <charconv>

#include "net/rate_limit_headers.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/okta_requests.h"
#include "pipeline/okta/profile_match.h"

namespace okta_bulk {
namespace {

bool Num(std::string_view s, std::size_t pos, std::size_t len, int* out) {
  if (pos + len > s.size()) return false;
  auto r = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
  return r.ec == std::errc() && r.ptr == s.data() + pos + len;
}

}  // namespace

int64_t ParseOktaTimestamp(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':')
    return -1;
  if (!Num(s, 0, 4, &y) || !Num(s, 5, 2, &mo) || !Num(s, 8, 2, &d) || !Num(s, 11, 2, &h) ||
      !Num(s, 14, 2, &mi) || !Num(s, 17, 2, &se))
    return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

void RunContext::ObserveExistence(bool existed) {
  // Judged every 20 answers: nothing is spent to find out, and a file whose rows mostly
  // exist (a re-run, a half-done import) switches within the first few dozen rows.
  constexpr uint64_t kBatch = 20;
  ++batch_seen;
  batch_existing += existed;
  if (batch_seen < kBatch) return;
  if (batch_existing * 5 >= batch_seen) look_up = LookUp::kEveryRow;          // >= 1 in 5
  else if (batch_existing * 20 >= batch_seen) look_up = LookUp::kWhileWaiting;  // >= 1 in 20
  else look_up = LookUp::kNever;
  batch_seen = batch_existing = 0;
}

namespace {

// Whether a row about to be created should first look its login up (a GET in its own
// bucket, larger than the create bucket on Okta), so that an existing login costs no
// create. Decided from what the run has seen so far, so a fresh import into an empty org
// never sends one extra request. `waiting`: the create bucket is spent for a while.
bool LookUpFirst(const RunContext& run, bool waiting) {
  switch (run.look_up) {
    case RunContext::LookUp::kEveryRow: return true;
    case RunContext::LookUp::kWhileWaiting: return waiting;
    case RunContext::LookUp::kNever: return false;
  }
  return false;
}

}  // namespace

ImportTask::ImportTask(PreparedRow row, const ImportTaskOptions& options, RunContext& run)
    : row_(std::move(row)), options_(options), run_(run) {
  result_.row = row_.row;
  result_.login = row_.login;
  create_ambiguous_ = options.resumed;
  PrepareCreate();
  if (options_.precheck_when_blocked && LookUpFirst(run_, /*waiting=*/false))
    StartLookup();
}

void ImportTask::PrepareCreate() {
  phase_ = Phase::kCreate;
  // The body stays in request_ for retries; a look-before-create moves it back to row_.
  request_ = CreateUserRequest(options_.activate, std::move(row_.create_body),
                               options_.change_password_next_login);
}

void ImportTask::PrepareLookup() {
  phase_ = Phase::kLookup;
  request_ = GetUserRequest(row_.login);
  if (!precheck_) {
    row_.create_body.clear();  // the password is not needed any more
    row_.create_body.shrink_to_fit();
  }
}

void ImportTask::PrepareAssign() {
  phase_ = Phase::kAssign;
  request_ = AddToGroupRequest(row_.group_ids[group_index_], result_.user_id);
}

void ImportTask::PrepareUpdate() {
  phase_ = Phase::kUpdate;
  request_ = PartialUpdateRequest(result_.user_id, std::move(row_.update_body));
}

bool ImportTask::StartLookup() {
  ++run_.prechecks;
  precheck_ = true;
  std::string body = std::move(request_.http.body);  // keep the create body for later
  PrepareLookup();
  row_.create_body = std::move(body);
  return true;
}

bool ImportTask::TryAlternative() {
  if (phase_ != Phase::kCreate || prechecked_ || precheck_ || !options_.precheck_when_blocked)
    return false;
  if (!LookUpFirst(run_, /*waiting=*/true)) return false;
  return StartLookup();
}

void ImportTask::OnNoResponse() {
  if (phase_ == Phase::kCreate) create_ambiguous_ = true;
}

bool ImportTask::WantsUpdate() const {
  return options_.existing == ExistingPolicy::kUpdate &&
         row_.update_body.size() > std::string_view("{\"profile\":{}}").size();
}

TaskStep ImportTask::AfterUserKnown() {
  // An update with no attribute to set, or whose attributes the user has already (as the
  // lookup showed), changes nothing: it is not sent, and the row stays `existed`.
  if (result_.outcome == Outcome::kExisted && WantsUpdate() && !profile_holds_) {
    PrepareUpdate();
    return TaskStep::Next();
  }
  return AssignGroups();
}

TaskStep ImportTask::AssignGroups() {
  if ((result_.outcome == Outcome::kExisted || result_.outcome == Outcome::kUpdated) &&
      options_.existing != ExistingPolicy::kSkip &&
      !row_.group_ids.empty()) {
    group_index_ = 0;
    not_found_ = 0;
    PrepareAssign();
    return TaskStep::Next();
  }
  return TaskStep::Done();
}

TaskStep ImportTask::OnResponse(HttpResponse& response, ResponseReader& reader) {
  const int status = response.status;
  result_.http_status = status;
  switch (phase_) {
    case Phase::kCreate: {
      if (status == 200 || status == 201) {
        UserSummary user;
        std::string error;
        if (!reader.ReadUser(response.body, &user, &error)) {
          // The user may well exist now; find out rather than guess.
          create_ambiguous_ = true;
          PrepareLookup();
          return TaskStep::Next();
        }
        if (!IsAnswerFor(user, "", row_.login)) return TaskStep::NotMine();
        result_.outcome = Outcome::kCreated;
        if (!prechecked_) run_.ObserveExistence(false);  // a looked-up row counted already
        result_.user_id = std::move(user.id);
        result_.user_status = std::move(user.status);
        return TaskStep::Done();
      }
      if (status == 400) {
        std::string body = response.body;
        OktaError e = reader.ReadError(body);
        if (e.LoginAlreadyExists()) {
          run_.ObserveExistence(true);
          PrepareLookup();
          return TaskStep::Next();
        }
        // A row for a user that exists need not be a valid create (a login-only row, or
        // email, firstName, lastName left out): when the create is refused, the login may
        // still exist. Look it up: an existing user goes on as --existing says (as if the
        // create had met its login); a login that does not exist fails with the create's
        // error. Costs one lookup per refused row, in the lookup bucket.
        if (e.code == "E0000001" && !prechecked_) {
          create_error_ = std::move(e);
          create_error_status_ = status;
          PrepareLookup();
          return TaskStep::Next();
        }
      }
      return Fail(response, reader, "");
    }
    case Phase::kLookup: {
      // Read before ReadUser, which pads the body.
      profile_holds_ = status == 200 && WantsUpdate() &&
                       ProfileAlreadyHolds(response.body, row_.update_body);
      UserSummary user;
      std::string read_error;
      const bool read = status == 200 && reader.ReadUser(response.body, &user, &read_error);
      if (read && !IsAnswerFor(user, "", row_.login)) return TaskStep::NotMine();
      if (precheck_) {
        precheck_ = false;
        if (status == 404) {  // a new login: create it, ahead of rows not looked up yet
          run_.ObserveExistence(false);
          prechecked_ = true;
          PrepareCreate();
          return TaskStep::NextFirst();
        }
        if (status == 200) {
          ++run_.precheck_hits;
          run_.ObserveExistence(true);
        }
      }
      if (status == 200) {
        if (!read) {
          result_.outcome = Outcome::kFailed;
          result_.error = "looking up the existing user: " + read_error;
          return TaskStep::Done();
        }
        result_.user_id = std::move(user.id);
        result_.user_status = std::move(user.status);
        int64_t created = ParseOktaTimestamp(user.created);
        // A create whose response was lost may have succeeded: if the user was created
        // after this run started, it is ours, not a pre-existing one.
        bool ours = create_ambiguous_ && run_.run_start_server_epoch > 0 && created >= 0 &&
                    created >= run_.run_start_server_epoch;
        result_.outcome = ours ? Outcome::kCreated : Outcome::kExisted;
        if (ours) return TaskStep::Done();  // groupIds went with the create
        return AfterUserKnown();
      }
      if (status == 404 && create_error_status_ != 0) {  // a new login: the create's error
        result_.outcome = Outcome::kFailed;
        result_.http_status = create_error_status_;
        result_.error_code = create_error_.code;
        result_.error = create_error_.Describe();
        return TaskStep::Done();
      }
      if (status == 404 && not_found_ < options_.not_found_retries) {
        ++not_found_;
        return TaskStep::RetryAfter(options_.not_found_delay);
      }
      return Fail(response, reader, "the login exists but looking it up failed: ");
    }
    case Phase::kUpdate: {
      if (status == 200) {
        UserSummary user;
        std::string error;
        if (!reader.ReadUser(response.body, &user, &error)) {
          result_.outcome = Outcome::kFailed;
          result_.error = "user exists (" + result_.user_id + "); updating its profile: " + error;
          return TaskStep::Done();
        }
        if (!IsAnswerFor(user, result_.user_id, "")) return TaskStep::NotMine();
        result_.outcome = Outcome::kUpdated;
        result_.user_status = std::move(user.status);
        return AssignGroups();
      }
      return Fail(response, reader,
                  "user exists (" + result_.user_id + ") but updating its profile failed: ");
    }
    case Phase::kAssign: {
      if (status == 204 || status == 200) {
        if (++group_index_ < row_.group_ids.size()) {
          not_found_ = 0;
          PrepareAssign();
          return TaskStep::Next();
        }
        return TaskStep::Done();
      }
      if (status == 404 && not_found_ < options_.not_found_retries) {
        ++not_found_;
        return TaskStep::RetryAfter(options_.not_found_delay);
      }
      std::string context = "user exists (" + result_.user_id + ") but adding it to group " +
                            row_.group_ids[group_index_] + " failed: ";
      return Fail(response, reader, context);
    }
  }
  return TaskStep::Done();
}

void ImportTask::OnGiveUp(int http_status, std::string error_code, std::string error) {
  result_.outcome = Outcome::kFailed;
  result_.http_status = http_status;
  result_.error_code = std::move(error_code);
  switch (phase_) {
    case Phase::kCreate: result_.error = std::move(error); break;
    case Phase::kLookup: result_.error = "the login exists but looking it up failed: " + error; break;
    case Phase::kUpdate:
      result_.error = "user exists (" + result_.user_id + ") but updating its profile failed: " + error;
      break;
    case Phase::kAssign:
      result_.error = "user exists (" + result_.user_id + ") but adding it to group " +
                      row_.group_ids[group_index_] + " failed: " + error;
      break;
  }
}

}  // namespace okta_bulk
