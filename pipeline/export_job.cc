#include "pipeline/export_job.h"

#include <boost/asio/co_spawn.hpp>
#include <cerrno>
#include <cstring>

#include "pipeline/csv_writer.h"
#include "pipeline/okta_json.h"
#include "pipeline/run_monitor.h"

namespace okta_bulk {
namespace {

simdjson::padded_string_view PaddedBody(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING)
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

// A profile value as one CSV cell (see ExportWriter).
simdjson::error_code CellOf(simdjson::ondemand::value value, std::string* out) {
  using namespace simdjson;
  out->clear();
  ondemand::json_type type;
  if (auto e = value.type().get(type)) return e;
  switch (type) {
    case ondemand::json_type::string: {
      std::string_view s;
      if (auto e = value.get_string().get(s)) return e;
      out->assign(s);
      return SUCCESS;
    }
    case ondemand::json_type::null: return SUCCESS;
    case ondemand::json_type::array: {
      ondemand::array array;
      if (auto e = value.get_array().get(array)) return e;
      bool first = true;
      for (auto element : array) {
        ondemand::value v;
        if (auto e = element.get(v)) return e;
        std::string cell;
        if (auto e = CellOf(v, &cell)) return e;
        if (!first) out->push_back(';');
        first = false;
        out->append(cell);
      }
      return SUCCESS;
    }
    case ondemand::json_type::object: {
      std::string_view raw;
      if (auto e = simdjson::to_json_string(value).get(raw)) return e;
      out->assign(raw);
      return SUCCESS;
    }
    default: {  // number, boolean: as JSON writes them
      std::string_view raw = value.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                              raw.back() == '\t'))
        raw.remove_suffix(1);
      out->assign(raw);
      return SUCCESS;
    }
  }
}

// The single task of an export: one GET per page, following rel="next".
class ExportTask final : public Task {
 public:
  ExportTask(std::string first_target, ExportWriter& writer)
      : writer_(writer) {
    request_.bucket = Bucket::kUsers;
    request_.http.method = "GET";
    request_.http.target = std::move(first_target);
    result_.row = 1;
    result_.outcome = Outcome::kFailed;
  }
  const TaskRequest& request() const override { return request_; }

  TaskStep OnResponse(HttpResponse& response, ResponseReader& reader) override {
    result_.http_status = response.status;
    if (response.status != 200) {
      std::string body = response.body;
      OktaError e = reader.ReadError(body);
      result_.error_code = e.code;
      result_.error = "listing users (" + request_.http.target + ") failed: " + e.Describe();
      return TaskStep::Done();
    }
    std::string error;
    if (!writer_.WritePage(response.body, &error)) {
      result_.error = error;
      return TaskStep::Done();
    }
    ++pages;
    std::string next = NextLinkTarget(response);
    if (next.empty()) {
      result_.outcome = Outcome::kExisted;  // export has no per-row outcome: "not failed"
      return TaskStep::Done();
    }
    request_.http.target = std::move(next);
    return TaskStep::Next();
  }

  void OnGiveUp(int http_status, std::string error_code, std::string error) override {
    result_.http_status = http_status;
    result_.error_code = std::move(error_code);
    result_.error = "listing users (" + request_.http.target + ") failed: " + error;
  }

  uint64_t pages = 0;

 private:
  ExportWriter& writer_;
  TaskRequest request_;
};

class OneTaskSource final : public TaskSource {
 public:
  explicit OneTaskSource(std::unique_ptr<Task> task) : task_(std::move(task)) {}
  std::unique_ptr<Task> Next() override { return std::move(task_); }

 private:
  std::unique_ptr<Task> task_;
};

}  // namespace

std::string NextLinkTarget(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name != "link") continue;
    // One relation per header line: <https://org/api/v1/users?after=x&limit=200>; rel="next"
    std::string_view v = value;
    std::size_t open = v.find('<'), close = v.find('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) continue;
    std::string_view params = v.substr(close + 1);
    if (params.find("rel=\"next\"") == std::string_view::npos &&
        params.find("rel=next") == std::string_view::npos)
      continue;
    std::string_view url = v.substr(open + 1, close - open - 1);
    // Keep the path and query: the request goes to our org whatever host the link names.
    std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos) {
      std::size_t path = url.find('/', scheme + 3);
      url = path == std::string_view::npos ? std::string_view("/") : url.substr(path);
    }
    if (!url.starts_with("/")) continue;
    return std::string(url);
  }
  return {};
}

ExportWriter::ExportWriter(std::FILE* out, std::vector<std::string> columns)
    : out_(out), columns_(std::move(columns)) {}

bool ExportWriter::Flush(std::string* error) {
  if (!buffer_.empty() &&
      (std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size() ||
       std::fflush(out_) != 0)) {
    *error = std::string("cannot write the output: ") + std::strerror(errno);
    return false;
  }
  buffer_.clear();
  return true;
}

bool ExportWriter::WritePage(std::string& body, std::string* error) {
  using namespace simdjson;
  ondemand::document doc;
  ondemand::array array;
  if (parser_.iterate(PaddedBody(body)).get(doc) || doc.get_array().get(array)) {
    *error = "the users page is not a JSON array";
    return false;
  }
  std::size_t n = 0;
  std::string cell;
  for (auto element : array) {
    ondemand::object user;
    if (element.get_object().get(user)) {
      *error = "the users page holds something that is not a user object";
      return false;
    }
    if (n == page_.size()) page_.emplace_back();
    User& u = page_[n++];
    u.id.clear();
    u.status.clear();
    u.fields = 0;
    for (auto field : user) {
      std::string_view key;
      if (field.unescaped_key().get(key)) {
        *error = "malformed user object in the users page";
        return false;
      }
      if (key == "id" || key == "status") {
        std::string_view s;
        if (!field.value().get_string().get(s)) (key == "id" ? u.id : u.status).assign(s);
      } else if (key == "profile") {
        ondemand::object profile;
        if (field.value().get_object().get(profile)) continue;
        for (auto attribute : profile) {
          std::string_view name;
          ondemand::value value;
          if (attribute.unescaped_key().get(name) || attribute.value().get(value) ||
              CellOf(value, &cell)) {
            *error = "malformed profile in the users page";
            return false;
          }
          if (u.fields == u.profile.size()) u.profile.emplace_back();
          u.profile[u.fields].first.assign(name);
          u.profile[u.fields].second.assign(cell);
          ++u.fields;
        }
      }
    }
  }

  if (!header_written_) {
    if (columns_.empty()) {
      columns_ = {"login", "email", "firstName", "lastName"};
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t f = 0; f < page_[i].fields; ++f) {
          const std::string& name = page_[i].profile[f].first;
          if (std::find(columns_.begin(), columns_.end(), name) == columns_.end())
            columns_.push_back(name);
        }
    }
    AppendCsvRecord(&buffer_, std::span<const std::string>(columns_));
    header_written_ = true;
  }
  std::vector<std::string_view> row(columns_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const User& u = page_[i];
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& col = columns_[c];
      row[c] = {};
      if (col == "id") {
        row[c] = u.id;
      } else if (col == "status") {
        row[c] = u.status;
      } else {
        for (std::size_t f = 0; f < u.fields; ++f)
          if (u.profile[f].first == col) row[c] = u.profile[f].second;
      }
    }
    for (std::size_t f = 0; f < u.fields; ++f)
      if (std::find(columns_.begin(), columns_.end(), u.profile[f].first) == columns_.end())
        left_out_.insert(u.profile[f].first);
    AppendCsvRecord(&buffer_, std::span<const std::string_view>(row));
    ++users_;
  }
  ++pages_;
  return Flush(error);
}

bool ExportWriter::Finish(std::string* error) {
  if (!header_written_) {
    if (columns_.empty()) columns_ = {"login", "email", "firstName", "lastName"};
    AppendCsvRecord(&buffer_, std::span<const std::string>(columns_));
    header_written_ = true;
  }
  return Flush(error);
}

std::string ExportSummary::Describe() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "Exported %llu users in %llu pages to %s in %.1f s. %llu requests, %llu rate-limited (429), %llu retried.",
                static_cast<unsigned long long>(users), static_cast<unsigned long long>(pages),
                output_path == "-" ? "stdout" : output_path.c_str(), elapsed_s,
                static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(stats.rate_limited),
                static_cast<unsigned long long>(stats.retried));
  std::string s = buf;
  if (!left_out.empty()) {
    s += " Attributes that first appeared after the first page are not in the file:";
    for (const auto& a : left_out) s += " " + a;
    s += " (name them with --columns to include them).";
  }
  if (!error.empty()) s += " The export is incomplete: " + error;
  if (!abort_reason.empty()) s += " Stopped early: " + abort_reason;
  if (interrupted) s += " Interrupted: the file is incomplete.";
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
  std::FILE* out = stdout;
  if (options.output_path != "-") {
    out = std::fopen(options.output_path.c_str(), "wb");
    if (!out) {
      *error = "cannot write '" + options.output_path + "': " + std::strerror(errno);
      return false;
    }
  }
  summary->output_path = options.output_path;
  std::string target = "/api/v1/users?limit=" + std::to_string(options.page_size);
  if (!options.filter.empty()) target += "&filter=" + UrlEncodeQueryValue(options.filter);
  if (!options.search.empty()) target += "&search=" + UrlEncodeQueryValue(options.search);

  ExportWriter writer(out, options.columns);
  auto owned = std::make_unique<ExportTask>(std::move(target), writer);
  ExportTask* task = owned.get();
  OneTaskSource source(std::move(owned));
  RunContext run;
  RateGovernor governor(options.governor);
  DispatcherOptions dispatch = options.dispatch;
  dispatch.workers = 1;  // one cursor: pages come one after another
  RowResult result;
  bool finished = false;
  Dispatcher dispatcher(io.get_executor(), transport, governor, run, source, dispatch,
                        [&](Task& t) {
                          summary->pages = task->pages;
                          result = t.result();
                          finished = true;
                          return true;
                        });
  if (on_dispatcher) on_dispatcher(dispatcher);
  if (options.observer) {
    RunView view;
    view.executor = io.get_executor();
    view.dispatcher = &dispatcher;
    view.governor = &governor;
    view.unit = "users";
    view.items_done = [&writer] { return writer.users(); };
    view.pages_done = [&writer] { return writer.pages(); };
    options.observer->OnStart(view);
  }
  dispatcher.RunToCompletion(io);
  if (options.observer) options.observer->OnFinish();

  summary->users = writer.users();
  summary->left_out = writer.left_out();
  summary->stats = dispatcher.stats();
  summary->abort_reason = dispatcher.abort_reason();
  if (finished && result.outcome == Outcome::kFailed) summary->error = result.error;
  summary->interrupted = !finished && summary->abort_reason.empty();
  std::string write_error;
  if (finished && !writer.Finish(&write_error) && summary->error.empty()) summary->error = write_error;
  if (out != stdout && std::fclose(out) != 0 && summary->error.empty())
    summary->error = std::string("cannot write the output: ") + std::strerror(errno);
  summary->elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return true;
}

}  // namespace okta_bulk
