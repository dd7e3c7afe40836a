#include "pipeline/jobs/group_export_job.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "pipeline/csv/csv_writer.h"
#include "pipeline/engine/count_text.h"
#include "pipeline/engine/job_observer.h"
#include "pipeline/engine/single_task.h"
#include "pipeline/files/safe_file.h"
#include "pipeline/jobs/export_job.h"
#include "pipeline/jobs/listing_cursor.h"
#include "pipeline/okta/group_requests.h"
#include "pipeline/okta/okta_json.h"

namespace okta_bulk {
namespace {

// The single task of a groups export: one GET per groups page (bucket kGroups), following
// rel="next" while NextLinkTarget allows it; a link it refuses stops the run (`stop_reason`,
// exit status 3).
class GroupExportTask final : public Task {
 public:
  GroupExportTask(std::string first, GroupExportWriter& writer, const OrgUrl& org)
      : writer_(writer), cursor_(org), request_(cursor_.Get(std::move(first))) {
    result_.row = 1;
    result_.outcome = Outcome::kFailed;
  }
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    result_.http_status = response.status;
    if (response.status != 200) {
      std::string body = response.body;  // the reader pads its input
      OktaError e = reader.ReadError(body);
      result_.error_code = e.code;
      result_.error = What() + " failed: " + e.Describe() +
                      (e.code.empty() ? std::string() : " (" + e.code + ")");
      return TaskStep::Done();
    }
    NextLink link = cursor_.NextAfter(response);
    std::string error;
    // A page whose link is refused is still read (its groups are the org's); the run stops
    // after it, and the output is not renamed into place.
    if (!writer_.WritePage(response.body, &error)) {
      result_.error = What() + ": " + error;
      return TaskStep::Done();
    }
    if (!link.error.empty()) {
      stop_reason = What() + ": " + link.error;
      result_.error = stop_reason;
      return TaskStep::Done();
    }
    if (link.target.empty()) {
      result_.outcome = Outcome::kExisted;  // no per-row outcome: "not failed"
      return TaskStep::Done();
    }
    request_ = cursor_.Get(std::move(link.target));
    return TaskStep::Next();
  }

  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = What() + " failed: " + error;
  }

  std::string stop_reason;  // a `next` link was refused: what and why; "" otherwise

 private:
  std::string What() const { return "listing groups (" + request_.http.target + ")"; }

  GroupExportWriter& writer_;
  ListingCursor cursor_;
  TaskRequest request_;
};

}  // namespace

// ---- GroupExportWriter ---------------------------------------------------------------------

bool GroupExportWriter::Header(std::string* error) {
  if (header_written_) return true;
  header_written_ = true;
  buffer_.assign(kGroupExportHeader);
  buffer_.push_back('\n');  // as AppendCsvRecord ends a record
  if (!write_(buffer_)) {
    *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool GroupExportWriter::WritePage(std::string_view body, std::string* error) {
  std::vector<GroupSummary> groups;
  std::string why;
  if (!ReadGroupList(body, &groups, &why)) {
    *error = "the groups page cannot be read: " + why;
    return false;
  }
  if (!Header(error)) return false;
  buffer_.clear();
  std::string count;
  for (const GroupSummary& g : groups) {
    count = g.users_count >= 0 ? std::to_string(g.users_count) : std::string();
    if (g.users_count < 0) ++without_count_;
    AppendCsvRecord(&buffer_, {std::string_view(g.id), std::string_view(g.name),
                               std::string_view(g.description), std::string_view(g.type),
                               std::string_view(count)});
  }
  if (!buffer_.empty() && !write_(buffer_)) {
    *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  groups_ += groups.size();
  ++pages_;
  return true;
}

bool GroupExportWriter::Finish(std::string* error) { return Header(error); }

// ---- GroupExportSummary --------------------------------------------------------------------

std::string GroupExportSummary::Describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, " in %.1f s", elapsed_s);
  const std::string where = output_path == "-" ? std::string("stdout") : output_path;
  std::string s = (written || output_path == "-" ? "Exported " : "Listed ") +
                  Count(groups, "group", "groups") + " in " + Count(pages, "page", "pages") +
                  (written || output_path == "-" ? " to " + where : std::string()) + buf + ". " +
                  Count(stats.requests, "request", "requests") + ", " +
                  GroupDigits(stats.rate_limited) + " rate-limited (429), " +
                  GroupDigits(stats.retried) + " retried.";
  if (without_count)
    s += " " + Count(without_count, "group has", "groups have") +
         " no member count in Okta's answer (usersCount left empty).";
  if (!error.empty()) s += " The export is incomplete: " + error;
  if (!abort_reason.empty()) s += " Stopped early: " + abort_reason;
  if (interrupted) s += " Interrupted.";
  if (!written && output_path != "-" && (!error.empty() || !abort_reason.empty() || interrupted))
    s += " " + where + " was not written (an existing file is left as it was).";
  return s;
}

int GroupExportSummary::ExitCode() const {
  if (interrupted) return 130;
  if (!abort_reason.empty()) return 3;
  if (!error.empty()) return 1;
  return 0;
}

// ---- RunGroupExport ------------------------------------------------------------------------

bool RunGroupExport(boost::asio::io_context& io, HttpTransport& transport,
                    const GroupExportOptions& options, GroupExportSummary* summary,
                    std::string* error, const std::function<void(Dispatcher&)>& on_dispatcher) {
  const auto started = std::chrono::steady_clock::now();
  if (!options.filter.empty() && !options.search.empty()) {
    *error = "--filter and --search cannot be combined; use one";
    return false;
  }
  if (options.page_size < 1 || options.page_size > 10000) {
    *error = "--page-size takes a whole number from 1 to 10000 (Okta's largest groups page)";
    return false;
  }
  summary->output_path = options.output_path;
  const bool to_stdout = options.output_path == "-";
  // 0600 temporary beside the target (never through a planted link), renamed when complete.
  AtomicFile file;
  if (!to_stdout && !file.Open(options.output_path, error)) return false;
  GroupExportWriter writer([&](std::string_view data) {
    if (!to_stdout) return file.Write(data);
    return std::fwrite(data.data(), 1, data.size(), stdout) == data.size() &&
           std::fflush(stdout) == 0;
  });

  GroupListQuery query;
  query.search = options.search;
  query.filter = options.filter;
  query.limit = options.page_size;
  query.expand_stats = true;
  auto owned = std::make_unique<GroupExportTask>(ListGroupsRequest(query).http.target, writer,
                                                 options.org);
  GroupExportTask* task = owned.get();
  std::string stop_reason;
  SingleTaskRun single{.governor = options.governor, .dispatch = options.dispatch,
                       .on_dispatcher = on_dispatcher, .observer = options.observer,
                       .view = {}, .on_end = {}};
  single.view.unit = "groups";
  single.view.items_done = [&writer] { return writer.groups(); };
  single.view.pages_done = [&writer] { return writer.pages(); };
  single.on_end = [&](Task&) { stop_reason = task->stop_reason; };
  SingleTaskOutcome ran = RunSingleTask(io, transport, std::move(owned), single);
  const bool finished = ran.finished;
  const RowResult& result = ran.result;

  summary->groups = writer.groups();
  summary->pages = writer.pages();
  summary->without_count = writer.without_count();
  summary->stats = ran.stats;
  summary->abort_reason = ran.abort_reason;
  if (summary->abort_reason.empty()) summary->abort_reason = stop_reason;  // exit status 3
  if (finished && stop_reason.empty() && result.outcome == Outcome::kFailed)
    summary->error = result.error;
  summary->interrupted = !finished && summary->abort_reason.empty();
  const bool complete = finished && summary->error.empty() && summary->abort_reason.empty();
  if (complete) {
    std::string why;
    if (!writer.Finish(&why) || (!to_stdout && !file.Commit(&why)))
      summary->error = why;
    else
      summary->written = !to_stdout;
  }
  // Otherwise the AtomicFile's destructor removes the temporary: the target is untouched.
  summary->elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

}  // namespace okta_bulk
