#include "pipeline/report/html_report.h"

#include <algorithm>
#include <cmath>

#include "pipeline/report/progress.h"
#include "pipeline/report/svg_chart.h"

namespace okta_bulk {
namespace {

// the org's limit while the token was held to a share of it.
std::string TokenShareNote(int64_t cap, int64_t limit, std::optional<double> window_s) {
  return "; token share about " + FixedPoint(100.0 * static_cast<double>(cap) / static_cast<double>(limit), 0) +
         "% of " + std::to_string(limit) + (window_s ? " per " + FixedPoint(*window_s, 1) + " s" : "") +
         ", learnt from 429s";
}

}  // namespace

std::string RenderHtmlReport(const RunRecord& r, const RunSeries& series,
                             const FailureTable& failures) {
  const auto& pts = series.points();
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<title>okta-bulk " + HtmlEscape(r.command) + " report</title>\n"
       "<style>\n"
       "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:960px}\n"
       "h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
       "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;"
       "text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}\n"
       ".chart{display:block;margin:8px 0;border:1px solid #ddd;background:#fff}\n"
       ".chart text{font:11px system-ui,sans-serif;fill:#444}.chart .ctitle{font-size:13px;"
       "font-weight:600;fill:#222}.chart .label{fill:#666}.chart .nodata{font-size:13px;fill:#999}\n"
       ".grid{stroke:#eee}.axis{stroke:#888}.bar{fill:#1f77b4}\n"
       ".bad{color:#b00}code{font-size:12px}\n"
       "</style>\n</head>\n<body>\n";
  h += "<h1>okta-bulk " + HtmlEscape(r.command) + ": run report</h1>\n";
  // Which run this is, before anything it did.
  const RunIdentity& id = r.run;
  auto when = [](const std::optional<RunIdentity::TimePoint>& t) {
    return t ? HtmlEscape(Iso8601Utc(*t)) + " (local " + HtmlEscape(Iso8601Local(*t)) + ")"
             : std::string("not known");
  };
  h += "<table id=\"run\">\n";
  auto id_row = [&](const char* k, const std::string& v) {
    h += "<tr><th>" + std::string(k) + "</th><td>" + v + "</td></tr>\n";
  };
  id_row("started", when(id.started));
  id_row("ended", when(id.ended));
  id_row("okta-bulk version", id.version.empty() ? "not known" : HtmlEscape(id.version));
  id_row("command line", "<code>" + HtmlEscape(id.command_line) + "</code>");
  if (!id.input_path.empty()) {
    std::string in = "<code>" + HtmlEscape(id.input_path) + "</code>";
    if (id.input_bytes)
      in += ", " + Count(*id.input_bytes, "byte", "bytes");
    in += id.input_sha256.empty() ? std::string(", not hashed (not a regular file)")
                                  : ", SHA-256 <code>" + HtmlEscape(id.input_sha256) + "</code>";
    id_row("input", in);
  }
  id_row("org", id.org_url.empty() ? "none (nothing sent)" : HtmlEscape(id.org_url));
  id_row("authentication", id.auth.empty() ? "none" : HtmlEscape(id.auth));
  h += "</table>\n";
  h += "<table id=\"summary\">\n";
  auto row = [&](const std::string& k, const std::string& v) {
    h += "<tr><th>" + HtmlEscape(k) + "</th><td>" + v + "</td></tr>\n";
  };
  row(r.unit == "rows" ? "rows" : r.unit + " exported", GroupDigits(r.items));
  if (r.unit != "rows") row("pages", GroupDigits(r.pages));
  row("elapsed", HtmlEscape(FormatDuration(r.elapsed_s)) + " (" + FixedPoint(r.elapsed_s, 1) + " s)");
  row(r.unit + " per second", FixedPoint(ItemsPerSecond(r), 1) +
                                  (r.runs.size() > 1 ? " (over every run of the job)" : ""));
  if (r.has_outcomes) {
    std::string o;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) {
      if (!r.outcomes[i]) continue;
      const auto out = static_cast<Outcome>(i);
      o += std::string(o.empty() ? "" : ", ") + (IsSuccess(out) ? "" : "<span class=\"bad\">") +
           GroupDigits(r.outcomes[i]) + " " + std::string(OutcomeName(out)) +
           (IsSuccess(out) ? "" : "</span>");
    }
    row("outcomes", o.empty() ? "none" : o);
    if (r.resumed_rows) row("already done (resumed)", GroupDigits(r.resumed_rows));
  }
  row("requests", GroupDigits(r.requests) + " (" +
                      Count(r.rate_limited, "rate-limited 429", "rate-limited 429s") + ", " +
                      Count(r.concurrency_limited, "concurrency 429", "concurrency 429s") + ", " +
                      GroupDigits(r.retried) + " retried, " +
                      Count(r.transport_errors, "transport error", "transport errors") + ")");
  row("latency", "p50 " + FixedPoint(r.latency.QuantileUs(0.5) / 1000.0, 1) + " ms, p99 " +
                     FixedPoint(r.latency.QuantileUs(0.99) / 1000.0, 1) + " ms, max " +
                     FixedPoint(static_cast<double>(r.latency.max().count()) / 1e6, 1) + " ms");
  row("exit status", std::to_string(r.exit_code));
  if (!r.abort_reason.empty()) row("stopped early", "<span class=\"bad\">" + HtmlEscape(r.abort_reason) + "</span>");
  if (r.interrupted) row("interrupted", "yes: rows missing from the results file were not sent");
  h += "</table>\n";
  if (r.sync_plan) {  // sync: the plan's counts and what it saved
    const PlanCounts& p = *r.sync_plan;
    h += "<h2>Sync plan</h2>\n<table id=\"sync-plan\">\n";
    row("rows planned", GroupDigits(p.rows));
    row("to create", GroupDigits(p.create));
    row("to update", GroupDigits(p.update) + " (" +
                         Count(p.attribute_changes, "attribute change", "attribute changes") + ")");
    row("unchanged", GroupDigits(p.unchanged));
    row("group adds", GroupDigits(p.group_adds));
    row("group removes", GroupDigits(p.group_removes));
    row("to deactivate", GroupDigits(p.deactivate));
    const int64_t saved = p.RequestsSaved();
    row("requests saved", (saved < 0 ? "-" : "") + GroupDigits(saved < 0 ? -saved : saved) + " (" +
                              GroupDigits(p.requests) + " planned; one write per row would send " +
                              GroupDigits(p.rows) + ")");
    h += "</table>\n";
  }

  // The runs of the job: a resumed job has several.
  h += "<h2>Runs of this job</h2>\n<table id=\"runs\">\n<tr><th>run</th><th>started</th><th>ended</th>"
       "<th>elapsed</th><th>" + HtmlEscape(r.unit) + " done in it</th><th>" + HtmlEscape(r.unit) +
       " per second</th><th>exit status</th></tr>\n";
  if (r.runs.empty()) h += "<tr><td colspan=\"7\">not known</td></tr>\n";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const RunSegment& seg = r.runs[i];
    const auto rate = seg.Rate();
    h += "<tr><td class=\"n\">" + std::to_string(i + 1) + (i + 1 == r.runs.size() ? " (this one)" : "") +
         "</td><td>" + HtmlEscape(Iso8601Utc(seg.start)) + "</td><td>" +
         (seg.end ? HtmlEscape(Iso8601Utc(*seg.end)) : std::string("not known")) +
         (seg.exit_code ? "" : seg.end ? " (last seen: it never finished)" : " (it never finished)") +
         "</td><td>" +
         HtmlEscape(FormatDuration(seg.elapsed_s)) + "</td><td class=\"n\">" +
         (seg.done ? GroupDigits(*seg.done) : std::string("not known")) + "</td><td class=\"n\">" +
         (rate ? FixedPoint(*rate, 1) : std::string("-")) + "</td><td>" +
         (seg.exit_code ? std::to_string(*seg.exit_code) : std::string("none (killed?)")) + "</td></tr>\n";
  }
  h += "</table>\n";
  if (r.runs.size() > 1)
    h += "<p>Rows an earlier run finished are counted in the run that did them, never in the one "
         "that skipped them. The charts below show this run only.</p>\n";

  // Buckets.
  h += "<h2>Rate-limit buckets</h2>\n<table id=\"buckets\">\n<tr><th>bucket</th><th>requests</th>"
       "<th>429s</th><th>concurrency 429s</th><th>limit / window</th><th>efficiency</th></tr>\n";
  for (Bucket b : kAllBuckets) {
    const BucketReport& br = r.buckets[static_cast<std::size_t>(b)];
    if (!br.requests) continue;
    const auto eff = BucketEfficiency(r, b);
    h += "<tr><td>" + HtmlEscape(BucketName(b)) + "</td><td class=\"n\">" + GroupDigits(br.requests) +
         "</td><td class=\"n\">" + GroupDigits(br.rate_limited) + "</td><td class=\"n\">" +
         GroupDigits(br.concurrency_limited) + "</td><td>" +
         (br.limit ? GroupDigits(static_cast<uint64_t>(std::max<int64_t>(*br.limit, 0))) + (br.window_s ? " per " + FixedPoint(*br.window_s, 1) + " s" : "")
                   : std::string("not metered")) +
         (br.learnt_cap && br.limit ? TokenShareNote(*br.learnt_cap, *br.limit, br.window_s) : "") +
         "</td><td class=\"n\">" + (eff ? FixedPoint(*eff, 3) : std::string("-")) + "</td></tr>\n";
  }
  h += "</table>\n<p>Efficiency: requests the bucket counted (sent, minus 429s) / floor(limit &times; "
       "max share) (or the learnt token share) per window &times; the windows that ended during the run, "
       "plus what the run needed of the window it ended in. "
       "1.0 means every request the limit allowed was used.</p>\n";

  // Time series.
  h += "<h2>Over time</h2>\n<p>One point per " +
       (series.stride() == 1 ? std::string("second") : Count(series.stride(), "second", "seconds")) +
       " (" + Count(pts.size(), "point", "points") + ").</p>\n";
  ChartLine throughput{r.unit + "/s", {{}}}, in_flight{"in flight", {{}}}, limited{"429s/s", {{}}};
  // Rates over intervals of at least half a point's spacing: the last sample (taken when the
  // run ends) may come a moment after the one before, and would show as a spike.
  const double min_dt = 0.5 * static_cast<double>(series.stride());
  double anchor_t = 0;
  uint64_t anchor_done = 0, anchor_limited = 0;
  double before_t = 0;  // the anchor before the current one, to widen a short last interval
  uint64_t before_done = 0, before_limited = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const SeriesPoint& p = pts[i];
    in_flight.runs[0].emplace_back(p.t_s, p.in_flight);
    const bool last = i + 1 == pts.size();
    double dt = p.t_s - anchor_t;
    if (dt < min_dt && !last) continue;
    if (dt < min_dt && last && !throughput.runs[0].empty()) {
      throughput.runs[0].pop_back();
      limited.runs[0].pop_back();
      anchor_t = before_t;
      anchor_done = before_done;
      anchor_limited = before_limited;
      dt = p.t_s - anchor_t;
    }
    if (dt <= 0) continue;
    throughput.runs[0].emplace_back(
        p.t_s, static_cast<double>(p.done - std::min(p.done, anchor_done)) / dt);
    limited.runs[0].emplace_back(
        p.t_s, static_cast<double>(p.rate_limited - std::min(p.rate_limited, anchor_limited)) / dt);
    before_t = anchor_t;
    before_done = anchor_done;
    before_limited = anchor_limited;
    anchor_t = p.t_s;
    anchor_done = p.done;
    anchor_limited = p.rate_limited;
  }
  h += LineChart("chart-throughput", "Throughput (" + r.unit + " finished per second)", r.unit + "/s",
                 {throughput});
  h += LineChart("chart-in-flight", "Requests in flight", "requests", {in_flight});
  // Each bucket as the share of its own limit left: buckets' limits differ by orders of
  // magnitude (create 100, get 10,000), and on one absolute axis the smaller bucket, usually
  // the one that holds the run back, lay flat on the floor. The legend names each limit.
  std::vector<ChartLine> remaining;
  for (Bucket b : kAllBuckets) {
    const std::size_t bi = static_cast<std::size_t>(b);
    ChartLine l{std::string(BucketName(b)), {{}}};
    int64_t limit_seen = -1;
    for (const SeriesPoint& p : pts) {
      if (p.remaining[bi] < 0 || p.limit[bi] <= 0) {
        if (!l.runs.back().empty()) l.runs.emplace_back();
        continue;
      }
      limit_seen = std::max(limit_seen, p.limit[bi]);
      l.runs.back().emplace_back(
          p.t_s, 100.0 * std::min(1.0, static_cast<double>(p.remaining[bi]) /
                                           static_cast<double>(p.limit[bi])));
    }
    if (limit_seen < 0) continue;
    l.name += " (limit " + GroupDigits(static_cast<uint64_t>(limit_seen)) + ")";
    remaining.push_back(std::move(l));
  }
  h += LineChart("chart-remaining",
                 "Remaining budget per bucket (x-rate-limit-remaining as the governor sees it, "
                 "% of the limit)",
                 "% of limit left", remaining, 100);
  h += LineChart("chart-429s", "429 responses per second (bucket and concurrency)", "429s/s", {limited});
  h += "<h2>Latency</h2>\n" + LatencyChart(r.latency);

  // Failures.
  h += "<h2>Failures by error</h2>\n";
  const auto entries = failures.Sorted();
  h += "<p>Rows whose messages differ only in numbers, ids, logins or quoted values are one "
       "group; each shows the message of its first row as it was.</p>\n";
  // A resumed job's outcomes count the failed and invalid rows an earlier run finished; this
  // run's table cannot show their messages, so it says where they are instead of hiding them.
  uint64_t listed = 0, not_ok = 0;
  for (const auto& e : entries) listed += e.count;
  if (r.has_outcomes)
    for (std::size_t i = 0; i < kOutcomeCount; ++i)
      if (!IsSuccess(static_cast<Outcome>(i))) not_ok += r.outcomes[i];
  if (not_ok > listed)
    h += "<p id=\"failures-earlier\">" +
         Count(not_ok - listed, "failed or invalid row", "failed or invalid rows") +
         " ended in an earlier run of this job and " + (not_ok - listed == 1 ? "is" : "are") +
         " not listed here: the results file has each with its error.</p>\n";
  h += "<table id=\"failures\">\n<tr><th>count</th><th>outcome</th><th>HTTP</th><th>error code</th>"
       "<th>first row</th><th>its message</th></tr>\n";
  if (entries.empty())
    h += std::string("<tr><td colspan=\"6\">") + (not_ok ? "No row failed in this run." : "No row failed.") +
         "</td></tr>\n";
  for (const auto& e : entries) {
    h += "<tr><td class=\"n\">" + GroupDigits(e.count) + "</td><td>" +
         HtmlEscape(OutcomeName(e.outcome)) + "</td><td>" +
         (e.http_status ? std::to_string(e.http_status) : std::string("-")) + "</td><td>" +
         HtmlEscape(e.error_code) + "</td><td>row " + std::to_string(e.example_row) +
         (e.example_login.empty() ? "" : " <code>" + HtmlEscape(e.example_login) + "</code>") +
         "</td><td>" +
         (e.other ? "(other kinds of errors, beyond the first " + std::to_string(FailureTable::kMaxKinds) +
                        "; this is the first) "
                  : std::string()) +
         HtmlEscape(e.example_error) + "</td></tr>\n";
  }
  h += "</table>\n</body>\n</html>\n";
  return h;
}


}  // namespace okta_bulk
