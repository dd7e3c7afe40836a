#include "pipeline/report/summary_json.h"

#include <cmath>
#include <cstdio>

#include "pipeline/okta/okta_json.h"
#include "pipeline/report/report_text.h"

namespace okta_bulk {
namespace {

void AppendNumber(std::string* out, double v) {
  if (!std::isfinite(v)) {
    *out += "null";
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  *out += buf;
}

}  // namespace

std::string SummaryJson(const RunRecord& r) {
  std::string j = "{\n";
  auto key = [&](std::string_view k) {
    j += "  ";
    AppendJsonString(&j, k);
    j += ": ";
  };
  auto str = [&](std::string_view k, std::string_view v) {
    key(k);
    AppendJsonString(&j, ValidUtf8(v));
    j += ",\n";
  };
  auto num = [&](std::string_view k, double v) {
    key(k);
    AppendNumber(&j, v);
    j += ",\n";
  };
  auto u64 = [&](std::string_view k, uint64_t v) {
    key(k);
    j += std::to_string(v);
    j += ",\n";
  };
  str("command", r.command);
  // Which run: a JSON string, or null when not known.
  auto opt_str = [&](std::string_view v) {
    if (v.empty()) {
      j += "null";
    } else {
      AppendJsonString(&j, ValidUtf8(v));
    }
  };
  const RunIdentity& id = r.run;
  key("run");
  j += "{\"startedUtc\": ";
  opt_str(id.started ? Iso8601Utc(*id.started) : "");
  j += ", \"startedLocal\": ";
  opt_str(id.started ? Iso8601Local(*id.started) : "");
  j += ", \"endedUtc\": ";
  opt_str(id.ended ? Iso8601Utc(*id.ended) : "");
  j += ", \"endedLocal\": ";
  opt_str(id.ended ? Iso8601Local(*id.ended) : "");
  j += ",\n    \"version\": ";
  opt_str(id.version);
  j += ", \"commandLine\": ";
  opt_str(id.command_line);
  j += ",\n    \"input\": ";
  if (id.input_path.empty()) {
    j += "null";
  } else {
    j += "{\"path\": ";
    opt_str(id.input_path);
    j += ", \"bytes\": ";
    if (id.input_bytes) j += std::to_string(*id.input_bytes); else j += "null";
    j += ", \"sha256\": ";
    opt_str(id.input_sha256);
    j += "}";
  }
  j += ",\n    \"orgHost\": ";
  opt_str(id.org_host);
  j += ", \"orgUrl\": ";
  opt_str(id.org_url);
  j += ", \"auth\": ";
  opt_str(id.auth);
  j += "},\n";
  key("exitCode");
  j += std::to_string(r.exit_code) + ",\n";
  key("abortReason");
  if (r.abort_reason.empty()) {
    j += "null";
  } else {
    AppendJsonString(&j, ValidUtf8(r.abort_reason));
  }
  j += ",\n";
  key("interrupted");
  j += r.interrupted ? "true,\n" : "false,\n";
  if (r.dry_run) {
    key("dryRun");
    j += "true,\n";
    u64("wouldSend", r.would_send);
  }
  str("unit", r.unit);
  // Named after what they count: "rows" of the input, "users" or "groups" exported.
  u64(r.unit, r.items);
  if (r.unit != "rows") u64("pages", r.pages);
  num("elapsedSeconds", r.elapsed_s);
  num(r.unit + "PerSecond", ItemsPerSecond(r));
  // Every run of the job (a resumed job has several), each with the items done in it.
  key("runs");
  j += "[";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const RunSegment& seg = r.runs[i];
    j += i ? ",\n    {\"start\": " : "\n    {\"start\": ";
    AppendJsonString(&j, Iso8601Utc(seg.start));
    j += ", \"end\": ";
    opt_str(seg.end ? Iso8601Utc(*seg.end) : "");
    j += ", \"elapsedSeconds\": ";
    AppendNumber(&j, seg.elapsed_s);
    j += ", \"" + r.unit + "Done\": ";
    if (seg.done) j += std::to_string(*seg.done); else j += "null";
    j += ", \"" + r.unit + "PerSecond\": ";
    if (const auto rate = seg.Rate()) AppendNumber(&j, *rate); else j += "null";
    j += ", \"exitCode\": ";
    if (seg.exit_code) j += std::to_string(*seg.exit_code); else j += "null";
    j += "}";
  }
  j += r.runs.empty() ? "],\n" : "\n  ],\n";
  if (r.has_outcomes) {
    key("outcomes");
    j += "{";
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      if (i) j += ", ";
      AppendJsonString(&j, OutcomeName(static_cast<Outcome>(i)));
      j += ": " + std::to_string(r.outcomes[i]);
    }
    j += "},\n";
    u64("resumedRows", r.resumed_rows);
  }
  if (r.sync_plan) {  // sync: the plan's counts and the requests it saved
    const PlanCounts& p = *r.sync_plan;
    key("syncPlan");
    j += "{\"rows\": " + std::to_string(p.rows) + ", \"create\": " + std::to_string(p.create) +
         ", \"update\": " + std::to_string(p.update) + ", \"unchanged\": " +
         std::to_string(p.unchanged) + ", \"deactivate\": " + std::to_string(p.deactivate) +
         ",\n    \"attributeChanges\": " + std::to_string(p.attribute_changes) +
         ", \"groupAdds\": " + std::to_string(p.group_adds) + ", \"groupRemoves\": " +
         std::to_string(p.group_removes) + ",\n    \"requestsPlanned\": " +
         std::to_string(p.requests) + ", \"requestsOneWritePerRow\": " + std::to_string(p.rows) +
         ", \"requestsSaved\": " + std::to_string(p.RequestsSaved()) + "},\n";
  }
  // Every request of the run, the org look-ups before the first row included (orgRequests:
  // the user schema, the groups listing, group creations).
  u64("requests", r.requests);
  u64("orgRequests", r.org_requests);
  u64("rateLimited", r.rate_limited);
  u64("concurrencyLimited", r.concurrency_limited);
  u64("retried", r.retried);
  u64("transportErrors", r.transport_errors);
  num("maxShare", r.max_share);
  key("latencyMs");
  j += "{\"count\": " + std::to_string(r.latency.total());
  for (auto [name, q] : {std::pair<const char*, double>{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}}) {
    j += ", \"" + std::string(name) + "\": ";
    AppendNumber(&j, static_cast<double>(r.latency.QuantileUs(q)) / 1000.0);
  }
  j += ", \"max\": ";
  AppendNumber(&j, static_cast<double>(r.latency.max().count()) / 1e6);
  j += "},\n";
  key("buckets");
  j += "{";
  bool first = true;
  for (Bucket b : kAllBuckets) {
    const BucketReport& br = r.buckets[static_cast<std::size_t>(b)];
    if (br.requests == 0) continue;
    j += first ? "\n    " : ",\n    ";
    first = false;
    AppendJsonString(&j, BucketName(b));
    j += ": {\"requests\": " + std::to_string(br.requests) +
         ", \"rateLimited\": " + std::to_string(br.rate_limited) +
         ", \"concurrencyLimited\": " + std::to_string(br.concurrency_limited) + ", \"limit\": ";
    if (br.limit) j += std::to_string(*br.limit); else j += "null";
    j += ", \"windowSeconds\": ";
    if (br.window_s) AppendNumber(&j, *br.window_s); else j += "null";
    j += ", \"learntCap\": ";
    if (br.learnt_cap) j += std::to_string(*br.learnt_cap); else j += "null";
    j += ", \"permitted\": ";
    const auto eff = BucketEfficiency(r, b);
    if (eff) AppendNumber(&j, *BucketPermitted(r, b)); else j += "null";
    j += ", \"efficiency\": ";
    if (eff) AppendNumber(&j, *eff); else j += "null";
    j += "}";
  }
  j += first ? "}\n" : "\n  }\n";
  j += "}\n";
  return j;
}

}  // namespace okta_bulk
