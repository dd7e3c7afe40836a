#include "pipeline/report/job_runs.h"

#include <simdjson.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "pipeline/files/safe_file.h"

namespace okta_bulk {
namespace {

constexpr std::string_view kFormat = "okta-bulk job runs 1";
constexpr std::size_t kMaxBytes = 1 << 20;  // 1000 segments take about 150 KB

int64_t EpochMs(RunSegment::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

RunSegment::TimePoint FromEpochMs(int64_t ms) {
  return RunSegment::TimePoint(
      std::chrono::duration_cast<RunSegment::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

void AppendDouble(std::string* out, double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", std::isfinite(v) && v > 0 ? v : 0.0);
  *out += buf;
}

}  // namespace

std::optional<double> RunSegment::Rate() const {
  if (!done || !(elapsed_s > 0)) return std::nullopt;
  return static_cast<double>(*done) / elapsed_s;
}

std::optional<double> JobRate(const std::vector<RunSegment>& runs) {
  double items = 0, seconds = 0;
  for (const RunSegment& r : runs) {
    if (!r.done || !(r.elapsed_s > 0)) continue;
    items += static_cast<double>(*r.done);
    seconds += r.elapsed_s;
  }
  if (!(seconds > 0)) return std::nullopt;
  return items / seconds;
}

std::string JobRunsPath(const std::string& results_path) { return results_path + ".runs"; }

std::string JobRunsText(const std::vector<RunSegment>& runs) {
  std::string s = "{\"format\": \"" + std::string(kFormat) + "\", \"runs\": [";
  const std::size_t first = runs.size() > kMaxRunSegments ? runs.size() - kMaxRunSegments : 0;
  for (std::size_t i = first; i < runs.size(); ++i) {
    const RunSegment& r = runs[i];
    s += i == first ? "\n  " : ",\n  ";
    s += "{\"startMs\": " + std::to_string(EpochMs(r.start));
    s += ", \"endMs\": " + (r.end ? std::to_string(EpochMs(*r.end)) : std::string("null"));
    s += ", \"elapsedSeconds\": ";
    AppendDouble(&s, r.elapsed_s);
    s += ", \"done\": " + (r.done ? std::to_string(*r.done) : std::string("null"));
    s += ", \"exitCode\": " + (r.exit_code ? std::to_string(*r.exit_code) : std::string("null"));
    s += "}";
  }
  s += "\n]}\n";
  return s;
}

bool ParseJobRuns(std::string_view text, std::vector<RunSegment>* runs, std::string* error) {
  runs->clear();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc)) {
    *error = "not JSON";
    return false;
  }
  std::string_view format;
  simdjson::dom::array list;
  if (doc["format"].get(format) || format != kFormat || doc["runs"].get(list)) {
    *error = "not an okta-bulk runs file";
    return false;
  }
  for (simdjson::dom::element e : list) {
    RunSegment r;
    int64_t start = 0;
    double elapsed = 0;
    if (e["startMs"].get(start) || e["elapsedSeconds"].get(elapsed) || !(elapsed >= 0)) {
      *error = "a run without a start or a duration";
      runs->clear();
      return false;
    }
    r.start = FromEpochMs(start);
    r.elapsed_s = elapsed;
    int64_t end = 0;
    if (!e["endMs"].get(end)) r.end = FromEpochMs(end);
    uint64_t done = 0;
    if (!e["done"].get(done)) r.done = done;
    int64_t exit_code = 0;
    if (!e["exitCode"].get(exit_code)) r.exit_code = static_cast<int>(exit_code);
    runs->push_back(r);
  }
  return true;
}

bool LoadJobRuns(const std::string& path, std::vector<RunSegment>* runs, std::string* error) {
  runs->clear();
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return true;
  std::string text;
  if (ReadSmallFile(path, kMaxBytes, &text, error) != ReadStatus::kOk) return false;
  std::string why;
  if (!ParseJobRuns(text, runs, &why)) {
    *error = path + ": " + why;
    return false;
  }
  return true;
}

bool SaveJobRuns(const std::string& path, const std::vector<RunSegment>& runs, std::string* error) {
  return WriteFileAtomically(path, JobRunsText(runs), error);
}

}  // namespace okta_bulk
