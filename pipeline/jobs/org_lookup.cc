#include "pipeline/jobs/org_lookup.h"

#include "pipeline/engine/single_task.h"
#include "pipeline/jobs/listing_cursor.h"
#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/okta/user_schema_json.h"

namespace okta_bulk {
namespace {

// Every group of the org, 1,000 a page (the spec allows 10,000 and recommends at most 200
// for speed: 1,000 keeps an org of a few thousand groups to a handful of requests).
TaskRequest FirstGroupsPage(bool stats) {
  GroupListQuery query;
  query.limit = 1000;
  query.expand_stats = stats;
  return ListGroupsRequest(query);
}

// The lookup's single task: the schema, then every groups page, then one create per name.
class OrgLookupTask final : public Task {
 public:
  OrgLookupTask(const OrgLookup& lookup, const OrgUrl& org, OrgFacts* facts)
      : lookup_(lookup), cursor_(org), facts_(facts) {
    result_.row = 1;
    result_.outcome = Outcome::kFailed;
    if (lookup_.schema) Get(Step::kSchema, std::string(kUserSchemaTarget));
    else Advance(Step::kSchema);
  }
  bool done() const { return step_ == Step::kDone; }
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    ++facts_->requests;
    if (step_ == Step::kSchema && response.status == 403) {
      // The org will not show its schema to this caller (an OAuth app without
      // okta.schemas.read): the fixed checks still apply; the run says so.
      std::string body = response.body;
      OktaError e = reader.ReadError(body);
      facts_->schema_refused = "the org refused to show its user schema (" + e.Describe() +
                               "); an OAuth app needs the okta.schemas.read scope (grant it in "
                               "the Admin Console: Applications > the app > Okta API Scopes, "
                               "and pass --scopes)";
      return Advance(Step::kSchema);
    }
    if (response.status < 200 || response.status > 299) {
      std::string body = response.body;
      OktaError e = reader.ReadError(body);
      result_.http_status = response.status;
      result_.error_code = e.code;
      result_.error = What() + " failed: HTTP " + std::to_string(response.status) + " " + e.Describe();
      return TaskStep::Done();
    }
    std::string why;
    switch (step_) {
      case Step::kSchema: {
        ProfileSchema schema;
        if (!ParseUserSchema(response.body, &schema, &why)) return Bad(why);
        facts_->schema = std::move(schema);
        return Advance(Step::kSchema);
      }
      case Step::kGroups: {
        std::vector<OrgGroup> page;
        if (!ReadGroupList(response.body, &page, &why)) return Bad(why);
        for (OrgGroup& g : page) facts_->groups.Add(std::move(g));
        NextLink link = cursor_.NextAfter(response);
        if (!link.error.empty()) return Bad(link.error);
        if (!link.target.empty()) {
          Get(Step::kGroups, std::move(link.target));
          return TaskStep::Next();
        }
        return Advance(Step::kGroups);
      }
      case Step::kCreate: {
        OrgGroup g;
        if (!ReadGroup(response.body, &g, &why)) return Bad(why);
        facts_->groups.Add(g);
        facts_->created.push_back(std::move(g));
        ++next_create_;
        return Advance(Step::kGroups);
      }
      case Step::kDone: break;
    }
    return TaskStep::Done();
  }

  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = What() + " failed: " + error;
  }
  // A create sent without an answer may have created the group: sending it again could make
  // a second one. Stop and let the rerun find it by name.
  void OnNoResponse() override {
    if (step_ == Step::kCreate) lost_create_ = true;
  }
  bool lost_create() const { return lost_create_; }

 private:
  enum class Step : unsigned char { kSchema, kGroups, kCreate, kDone };

  void Get(Step step, std::string target) {
    step_ = step;
    request_ = cursor_.Get(std::move(target));
  }
  // The step after `finished`.
  TaskStep Advance(Step finished) {
    if (finished == Step::kSchema && lookup_.groups) {
      Get(Step::kGroups, FirstGroupsPage(lookup_.group_stats).http.target);
      return TaskStep::Next();
    }
    if (next_create_ < lookup_.create_groups.size()) {
      step_ = Step::kCreate;
      std::string body = "{\"profile\":{\"name\":";
      AppendJsonString(&body, lookup_.create_groups[next_create_]);
      body += "}}";
      request_ = CreateGroupRequest(std::move(body));
      return TaskStep::Next();
    }
    step_ = Step::kDone;
    result_.outcome = Outcome::kExisted;  // "not failed"
    return TaskStep::Done();
  }
  TaskStep Bad(const std::string& why) {
    result_.error = What() + ": " + why;
    return TaskStep::Done();
  }
  std::string What() const {
    switch (step_) {
      case Step::kSchema: return "reading the org's user schema (GET " + request_.http.target + ")";
      case Step::kGroups: return "listing the org's groups (GET " + request_.http.target + ")";
      case Step::kCreate:
        return "creating group '" + lookup_.create_groups[next_create_] + "' (POST /api/v1/groups)";
      case Step::kDone: break;
    }
    return "asking the org";
  }

  const OrgLookup& lookup_;
  ListingCursor cursor_;  // the schema and the groups pages
  OrgFacts* facts_;
  Step step_ = Step::kSchema;
  std::size_t next_create_ = 0;
  bool lost_create_ = false;
  TaskRequest request_;
};

}  // namespace

bool RunOrgTasks(PrepareContext& context, TaskSource& source, int workers,
                 const std::function<bool(Task&)>& on_done, std::string* error) {
  const JobOptions& job = context.options;
  RunContext run;
  RateGovernor governor(job.governor);
  DispatcherOptions dispatch = job.dispatch;
  dispatch.workers = workers;
  Dispatcher dispatcher(context.io.get_executor(), context.transport, governor, run, source,
                        dispatch, on_done);
  // Ctrl-C reaches the look-ups too; the pointer the callback keeps is replaced by the run's
  // dispatcher before the io_context runs again (signals are delivered through it).
  if (context.on_dispatcher && *context.on_dispatcher) (*context.on_dispatcher)(dispatcher);
  dispatcher.RunToCompletion(context.io);
  context.requests += dispatcher.stats().requests;  // sent, as the run's are counted
  for (std::size_t i = 0; i < kBucketCount; ++i)
    context.requests_by_bucket[i] += dispatcher.stats().requests_by_bucket[i];
  if (dispatcher.aborted()) {
    context.abort_reason = "asking the org before the first row: " + dispatcher.abort_reason();
    *error = context.abort_reason;
    return false;
  }
  if (dispatcher.interrupted()) {
    context.interrupted = true;
    *error = "interrupted while asking the org before the first row; no row was sent";
    return false;
  }
  return true;
}

bool LookUpOrg(PrepareContext& context, const OrgLookup& lookup, OrgFacts* facts,
               std::string* error) {
  if (!lookup.schema && !lookup.groups && lookup.create_groups.empty()) return true;
  // One task, one worker: its pages and creates go one after another.
  OneTaskSource source(std::make_unique<OrgLookupTask>(lookup, context.options.org, facts));
  bool lost_create = false, ended = false;
  RowResult result;
  if (!RunOrgTasks(context, source, /*workers=*/1, [&](Task& t) {  // the task dies after this
        lost_create = static_cast<OrgLookupTask&>(t).lost_create();
        result = t.result();
        ended = true;
        return true;
      }, error))
    return false;
  if (!ended) {  // not stopped, yet the task never finished: say so rather than nothing
    *error = "asking the org before the first row did not finish; no row was sent";
    return false;
  }
  if (result.outcome == Outcome::kFailed) {
    *error = result.error;
    if (lost_create)
      *error += " (the last create got no answer: the group may exist now; run again and it "
                "is found by name)";
    return false;
  }
  return true;
}

std::string SchemaNote(const ProfileSchema& schema) {
  std::size_t base = 0, custom = 0;
  for (const SchemaAttribute& a : schema.attributes()) (a.custom ? custom : base) += 1;
  return "read the org's user profile schema: " + std::to_string(base) + " base and " +
         std::to_string(custom) + " custom attributes; every column checked against it";
}

}  // namespace okta_bulk
