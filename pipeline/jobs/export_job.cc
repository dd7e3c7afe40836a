#include "pipeline/jobs/export_job.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "pipeline/files/platform.h"
#include "pipeline/files/safe_file.h"
#include "pipeline/okta/okta_json.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/engine/job_observer.h"
#include "pipeline/engine/single_task.h"

namespace okta_bulk {
namespace {

// Calls on_item(id, type, name) for each object of a JSON array (groups or users; `name` is
// profile.name, a group's); false when the body is not such an array.
template <typename F>
bool ForEachIdOf(simdjson::ondemand::parser& parser, std::string& body, F on_item) {
  using namespace simdjson;
  ondemand::document doc;
  ondemand::array array;
  if (parser.iterate(PaddedJson(body)).get(doc) || doc.get_array().get(array)) return false;
  for (auto element : array) {
    ondemand::object object;
    if (element.get_object().get(object)) return false;
    std::string id, type, name;  // copies: a string_view dies with the next field
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return false;
      if (key == "id" || key == "type") {
        std::string_view v;
        if (field.value().get_string().get(v)) continue;
        (key == "id" ? id : type).assign(v);
      } else if (key == "profile") {
        ondemand::object profile;
        if (field.value().get_object().get(profile)) continue;
        for (auto p : profile) {
          std::string_view pkey, v;
          if (p.unescaped_key().get(pkey)) return false;
          if (pkey == "name" && !p.value().get_string().get(v)) name.assign(v);
        }
      }
    }
    if (id.empty()) return false;
    on_item(id, type, name);
  }
  return true;
}

// The single task of an export: with --groups, the groups list and each group's members
// first (bucket kGroups), then one GET per users page (kUsers), following rel="next" while
// NextLinkTarget allows it; a link it refuses stops the run (`stop_reason`, exit status 3).
class ExportTask final : public Task {
 public:
  using SavePage = std::function<bool(const std::string& next, std::string* error)>;
  // `first_page`: the users listing's first page, counted as fetched from the start (a
  // resumed run starts with a later page).
  ExportTask(std::string users_target, ExportWriter& writer, GroupMemberships* groups,
             SavePage save_page, const OrgUrl& org, const std::string& first_page)
      : writer_(writer), groups_(groups), users_target_(std::move(users_target)),
        save_page_(std::move(save_page)), cursor_(org) {
    cursor_.Remember(first_page);
    result_.row = 1;
    result_.outcome = Outcome::kFailed;
    if (groups_) {
      phase_ = Phase::kGroups;
      Target("/api/v1/groups?filter=" + UrlEncodeQueryValue("type eq \"OKTA_GROUP\""));
    } else {
      StartUsers();
    }
  }
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    result_.http_status = response.status;
    if (response.status != 200) {
      std::string body = response.body;
      OktaError e = reader.ReadError(body);
      result_.error_code = e.code;
      result_.error = What() + " failed: " + e.Describe();
      return TaskStep::Done();
    }
    NextLink link = cursor_.NextAfter(response);
    std::string& next = link.target;
    switch (phase_) {
      case Phase::kGroups: {
        bool ok = ForEachIdOf(parser_, response.body, [&](std::string_view id, std::string_view type,
                                                          std::string_view name) {
          // Only OKTA_GROUPs take members through the API (contract §4); the filter asks for
          // them, and this keeps an org that ignores it right.
          if (type.empty() || type == "OKTA_GROUP") groups_->AddGroup(id, name);
        });
        if (!ok) return Malformed("the groups page is not a JSON array of groups");
        if (!link.error.empty()) return Stop(link.error);
        if (!next.empty()) return Follow(std::move(next));
        return NextGroup();
      }
      case Phase::kMembers: {
        bool ok = ForEachIdOf(parser_, response.body, [&](std::string_view id, std::string_view,
                                                          std::string_view) {
          groups_->Add(id, member_group_);
        });
        if (!ok) return Malformed("the group members page is not a JSON array of users");
        if (!link.error.empty()) return Stop(link.error);
        if (!next.empty()) return Follow(std::move(next));
        ++member_group_;
        return NextGroup();
      }
      case Phase::kUsers: {
        std::string error;
        // A page whose link is refused is written (its users are the org's), but the state
        // still names it as the page to ask for: --resume asks for it again, and stops again
        // unless the server has mended its link.
        if (!writer_.WritePage(response.body, &error) ||
            (save_page_ && link.error.empty() && !save_page_(next, &error))) {
          result_.error = error;
          return TaskStep::Done();
        }
        ++pages;
        if (!link.error.empty()) return Stop(link.error);
        if (next.empty()) {
          result_.outcome = Outcome::kExisted;  // export has no per-row outcome: "not failed"
          return TaskStep::Done();
        }
        return Follow(std::move(next));
      }
    }
    return TaskStep::Done();
  }

  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = What() + " failed: " + error;
  }

  uint64_t pages = 0;
  std::string stop_reason;  // a `next` link was refused: what and why; "" otherwise

 private:
  enum class Phase : unsigned char { kGroups, kMembers, kUsers };

  void Target(std::string target) { request_ = cursor_.Get(std::move(target)); }
  TaskStep Follow(std::string next) {
    Target(std::move(next));
    return TaskStep::Next();
  }
  TaskStep Stop(const std::string& why) {
    stop_reason = What() + ": " + why;
    result_.error = stop_reason;
    return TaskStep::Done();
  }
  TaskStep Malformed(std::string why) {
    result_.error = What() + ": " + std::move(why);
    return TaskStep::Done();
  }
  void StartUsers() {
    phase_ = Phase::kUsers;
    Target(users_target_);
  }
  TaskStep NextGroup() {
    if (member_group_ < groups_->groups()) {
      phase_ = Phase::kMembers;
      Target("/api/v1/groups/" + UrlEncodePathSegment(groups_->GroupId(member_group_)) +
             "/users?limit=1000");
      return TaskStep::Next();
    }
    groups_->Freeze();
    StartUsers();
    return TaskStep::Next();
  }
  std::string What() const {
    const char* what = phase_ == Phase::kGroups    ? "listing groups"
                       : phase_ == Phase::kMembers ? "listing group members"
                                                   : "listing users";
    return std::string(what) + " (" + request_.http.target + ")";
  }

  ExportWriter& writer_;
  GroupMemberships* groups_;
  std::string users_target_;
  SavePage save_page_;
  ListingCursor cursor_;
  Phase phase_ = Phase::kUsers;
  uint32_t member_group_ = 0;
  simdjson::ondemand::parser parser_;
  TaskRequest request_;
};

}  // namespace

std::string ExportSummary::Describe() const {
  if (already_complete)
    return "The export to " + output_path + " had finished already (" +
           Count(users, "user", "users") + "); nothing was sent. Run without --resume to export again.";
  char buf[64];
  std::snprintf(buf, sizeof buf, " in %.1f s", elapsed_s);
  std::string s = "Exported " + Count(users, "user", "users") + " in " +
                  Count(pages, "page", "pages") + " to " +
                  (output_path == "-" ? std::string("stdout") : output_path) + buf +
                  (resumed ? " (resumed)" : "") + ". " +
                  Count(stats.requests, "request", "requests") + ", " +
                  GroupDigits(stats.rate_limited) + " rate-limited (429), " +
                  GroupDigits(stats.retried) + " retried.";
  if (groups)
    s += " Groups: " + GroupDigits(groups) + ", " + Count(memberships, "membership", "memberships") + ".";
  if (!left_out.empty()) {
    s += " Attributes that first appeared after the first page are not in the file:";
    for (const auto& a : left_out) s += " " + a;
    s += " (name them with --columns to include them).";
  }
  if (!type_changed.empty()) {
    s += " Columns with values that will not re-import as they are (a type other than the "
         "column's, or an array element with ';' or spaces at its ends):";
    for (const auto& a : type_changed) s += " " + a;
    s += ".";
  }
  if (!error.empty()) s += " The export is incomplete: " + error;
  if (!abort_reason.empty()) s += " Stopped early: " + abort_reason;
  if (interrupted) s += " Interrupted: the file is incomplete; --resume continues it.";
  return s;
}

int ExportSummary::ExitCode() const {
  if (interrupted) return 130;
  if (!abort_reason.empty()) return 3;
  if (!error.empty()) return 1;
  return 0;
}

bool RunExport(boost::asio::io_context& io, HttpTransport& transport, const ExportOptions& options,
               ExportSummary* summary, std::string* error,
               const std::function<void(Dispatcher&)>& on_dispatcher) {
  auto started = std::chrono::steady_clock::now();
  if (!options.filter.empty() && !options.search.empty()) {
    *error = "--filter and --search cannot be combined; use one";
    return false;
  }
  const bool to_stdout = options.output_path == "-";
  if (options.resume && to_stdout) {
    *error = "--resume needs the export's file (-o users.csv), not stdout";
    return false;
  }
  std::vector<std::string> columns = options.columns;
  bool with_groups = options.groups;
  for (const auto& c : columns) with_groups |= IsGroupIdColumn(c) || IsGroupNameColumn(c);
  if (with_groups && !columns.empty() &&
      std::none_of(columns.begin(), columns.end(), [](const std::string& c) { return IsGroupIdColumn(c); }))
    columns.push_back("groupId");
  std::string target = "/api/v1/users?limit=" + std::to_string(options.page_size);
  if (!options.filter.empty()) target += "&filter=" + UrlEncodeQueryValue(options.filter);
  if (!options.search.empty()) target += "&search=" + UrlEncodeQueryValue(options.search);
  // The listing's first page: a `next` link back to it loops, even in a resumed run that
  // starts further on.
  const std::string first_page = target;

  summary->output_path = options.output_path;
  const std::string state_path = options.output_path + ".export";
  ExportState state;
  state.options = target + " groups=" + (with_groups ? "1" : "0") + " columns=" + JoinWith(columns, ',');
  GroupMemberships memberships;
  std::FILE* out = stdout;
  bool resuming = false;
  if (options.resume) {
    ExportState saved;
    std::string why;
    if (saved.Load(state_path, &why)) {
      if (saved.options != state.options) {
        *error = "cannot resume: the export in '" + options.output_path +
                 "' was started with other options (" + saved.options +
                 "); give the same --filter/--search/--columns/--groups, or run without --resume";
        return false;
      }
      if (saved.done) {
        summary->already_complete = true;
        summary->users = saved.users;
        summary->pages = saved.pages;
        return true;
      }
      state = saved;
      resuming = true;
    } else if (std::filesystem::exists(options.output_path)) {
      *error = "cannot resume '" + options.output_path + "': " + why +
               " (run without --resume to export again from the start)";
      return false;
    }
  }
  if (resuming) {
    std::string why;
    out = OpenOutputStream(options.output_path, OutputOpen::kExisting, &why);
    if (!out) {
      *error = "cannot resume: " + why;
      return false;
    }
    // The file must hold at least what the state says was written; then drop whatever
    // followed the last whole page (a page cut short by the crash).
    // 64-bit positions (platform.h): an export passes 2 GiB, where Windows' long stops.
    if (!platform::SeekStreamToEnd(out) ||
        platform::StreamPosition(out) < static_cast<long long>(state.bytes)) {
      *error = "cannot resume '" + options.output_path + "': it is shorter than the " +
               std::to_string(state.bytes) + " bytes already exported (was it edited?); run " +
               "without --resume to export again";
      std::fclose(out);
      return false;
    }
    if (!platform::TruncateFile(::fileno(out), state.bytes) || !platform::SeekStreamToEnd(out)) {
      *error = "cannot resume '" + options.output_path + "': " + std::strerror(errno);
      std::fclose(out);
      return false;
    }
    target = state.next;
    summary->resumed = true;
  } else if (!to_stdout) {
    // 0600, never through a planted link: the export holds every user's profile.
    out = OpenOutputStream(options.output_path, OutputOpen::kTruncate, error);
    if (!out) return false;
    state.next = target;
    if (!state.Save(state_path, error)) {
      std::fclose(out);
      return false;
    }
  }
  ExportWriter writer(out, columns, with_groups ? &memberships : nullptr);
  if (resuming && !state.columns.empty() &&
      !writer.RestoreHeader(state.columns, state.users, error)) {
    std::fclose(out);
    return false;
  }

  const uint64_t pages_before = state.pages;
  ExportTask::SavePage save_page;
  if (!to_stdout)
    save_page = [&](const std::string& next, std::string* why) {
      const long long at = platform::StreamPosition(out);
      if (at < 0) {
        *why = std::string("cannot write the output: ") + std::strerror(errno);
        return false;
      }
      state.columns = writer.columns();
      state.bytes = static_cast<uint64_t>(at);
      state.users = writer.users();
      ++state.pages;
      state.next = next;
      state.done = next.empty();
      return state.Save(state_path, why);
    };
  auto owned = std::make_unique<ExportTask>(std::move(target), writer,
                                            with_groups ? &memberships : nullptr, save_page,
                                            options.org, first_page);
  ExportTask* task = owned.get();
  std::string stop_reason;
  SingleTaskRun single{.governor = options.governor, .dispatch = options.dispatch,
                       .on_dispatcher = on_dispatcher, .observer = options.observer,
                       .view = {}, .on_end = {}};
  single.view.unit = "users";
  single.view.items_done = [&writer] { return writer.users(); };
  single.view.pages_done = [&writer] { return writer.pages(); };
  single.on_end = [&](Task&) {
    summary->pages = pages_before + task->pages;
    stop_reason = task->stop_reason;
  };
  SingleTaskOutcome ran = RunSingleTask(io, transport, std::move(owned), single);
  const bool finished = ran.finished;
  const RowResult& result = ran.result;

  summary->users = writer.users();
  summary->groups = memberships.groups();
  summary->memberships = memberships.size();
  // With --columns the user chose what to leave out: nothing to warn about.
  if (options.columns.empty()) summary->left_out = writer.left_out();
  summary->type_changed = writer.type_changed();
  summary->stats = ran.stats;
  summary->abort_reason = ran.abort_reason;
  if (summary->abort_reason.empty()) summary->abort_reason = stop_reason;  // exit status 3
  if (finished && stop_reason.empty() && result.outcome == Outcome::kFailed)
    summary->error = result.error;
  summary->interrupted = !finished && summary->abort_reason.empty();
  std::string write_error;
  if (finished && !writer.Finish(&write_error) && summary->error.empty()) summary->error = write_error;
  if (finished && summary->error.empty() && summary->abort_reason.empty() && !to_stdout &&
      !state.done) {
    // An org with no users: the header only.
    const long long at = platform::StreamPosition(out);
    state.columns = writer.columns();
    state.bytes = at < 0 ? 0 : static_cast<uint64_t>(at);
    state.next.clear();
    state.done = true;
    if (!state.Save(state_path, &write_error)) summary->error = write_error;
  }
  if (out != stdout && std::fclose(out) != 0 && summary->error.empty())
    summary->error = std::string("cannot write the output: ") + std::strerror(errno);
  summary->elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

}  // namespace okta_bulk
