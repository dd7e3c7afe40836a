#include "pipeline/report/run_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pipeline/okta/okta_json.h"
#include "pipeline/report/progress.h"

namespace okta_bulk {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Valid UTF-8 for JSON: invalid bytes become U+FFFD.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = Utf8Length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void AppendNumber(std::string* out, double v) {
  if (!std::isfinite(v)) {
    *out += "null";
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  *out += buf;
}

std::string Fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Requests a bucket counted: sent, minus those answered 429 (Okta does not count them).
uint64_t BucketCounted(const BucketReport& b) {
  return b.requests - std::min(b.requests, b.rate_limited + b.concurrency_limited);
}

// "; token share about 50% of 200 per 10 s, learnt from 429s": a bucket whose headers showed
// the org's limit while the token was held to a share of it.
std::string TokenShareNote(int64_t cap, int64_t limit, std::optional<double> window_s) {
  return "; token share about " + Fixed(100.0 * static_cast<double>(cap) / static_cast<double>(limit), 0) +
         "% of " + std::to_string(limit) + (window_s ? " per " + Fixed(*window_s, 1) + " s" : "") +
         ", learnt from 429s";
}

// ---- SVG charts ----

constexpr double kW = 880, kH = 250, kLeft = 64, kRight = 16, kTop = 34, kBottom = 40;
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

// A "nice" upper bound for an axis (1, 2 or 5 times a power of ten) at or above v.
double NiceMax(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

std::string AxisNumber(double v) {
  if (v >= 1e6) return Fixed(v / 1e6, v >= 1e7 ? 0 : 1) + "M";
  if (v >= 1e4) return Fixed(v / 1e3, 0) + "k";
  if (v == std::floor(v)) return Fixed(v, 0);
  return Fixed(v, v < 1 ? 2 : 1);
}

struct Line {
  std::string name;
  // Runs of points; a gap (unknown values) splits runs.
  std::vector<std::vector<std::pair<double, double>>> runs;
};

std::string SvgOpen(const std::string& id, const std::string& title) {
  return "<svg id=\"" + id + "\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         Fixed(kW, 0) + "\" height=\"" + Fixed(kH, 0) + "\" viewBox=\"0 0 " + Fixed(kW, 0) + " " +
         Fixed(kH, 0) + "\" role=\"img\" aria-label=\"" + HtmlEscape(title) + "\">\n<title>" +
         HtmlEscape(title) + "</title>\n<text x=\"" + Fixed(kLeft, 0) +
         "\" y=\"20\" class=\"ctitle\">" + HtmlEscape(title) + "</text>\n";
}

// Axes with ticks; x from 0 to x_max (seconds, or what x_label says), y from 0 to y_max.
std::string SvgAxes(double x_max, double y_max, const std::string& x_label,
                    const std::string& y_label, bool x_is_time, bool x_ticks = true) {
  std::string s;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  s += "<g class=\"axes\">\n";
  for (int i = 0; i <= 4; ++i) {
    const double y = kTop + ph - ph * i / 4;
    s += "<line x1=\"" + Fixed(kLeft, 1) + "\" y1=\"" + Fixed(y, 1) + "\" x2=\"" + Fixed(kLeft + pw, 1) +
         "\" y2=\"" + Fixed(y, 1) + "\" class=\"grid\"/>\n";
    s += "<text x=\"" + Fixed(kLeft - 6, 1) + "\" y=\"" + Fixed(y + 4, 1) +
         "\" text-anchor=\"end\">" + AxisNumber(y_max * i / 4) + "</text>\n";
  }
  for (int i = 0; i <= 5 && x_ticks; ++i) {
    const double x = kLeft + pw * i / 5;
    const double v = x_max * i / 5;
    s += "<text x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(kTop + ph + 16, 1) +
         "\" text-anchor=\"middle\">" + (x_is_time ? FormatDuration(v) : AxisNumber(v)) + "</text>\n";
  }
  s += "<line x1=\"" + Fixed(kLeft, 1) + "\" y1=\"" + Fixed(kTop + ph, 1) + "\" x2=\"" +
       Fixed(kLeft + pw, 1) + "\" y2=\"" + Fixed(kTop + ph, 1) + "\" class=\"axis\"/>\n";
  s += "<line x1=\"" + Fixed(kLeft, 1) + "\" y1=\"" + Fixed(kTop, 1) + "\" x2=\"" + Fixed(kLeft, 1) +
       "\" y2=\"" + Fixed(kTop + ph, 1) + "\" class=\"axis\"/>\n";
  s += "<text x=\"" + Fixed(kLeft + pw / 2, 1) + "\" y=\"" + Fixed(kH - 6, 1) +
       "\" text-anchor=\"middle\" class=\"label\">" + HtmlEscape(x_label) + "</text>\n";
  s += "<text x=\"14\" y=\"" + Fixed(kTop + ph / 2, 1) + "\" text-anchor=\"middle\" class=\"label\" "
       "transform=\"rotate(-90 14 " + Fixed(kTop + ph / 2, 1) + ")\">" + HtmlEscape(y_label) +
       "</text>\n</g>\n";
  return s;
}

std::string NoData(const std::string& why) {
  return "<text x=\"" + Fixed(kW / 2, 0) + "\" y=\"" + Fixed(kH / 2, 0) +
         "\" text-anchor=\"middle\" class=\"nodata\">" + HtmlEscape(why) + "</text>\n";
}

std::string LineChart(const std::string& id, const std::string& title, const std::string& y_label,
                      const std::vector<Line>& lines, double fixed_y_max = 0) {
  std::string s = SvgOpen(id, title);
  double x_max = 0, y_max = fixed_y_max;
  bool any = false;
  for (const Line& l : lines)
    for (const auto& run : l.runs)
      for (const auto& [x, y] : run) {
        any = true;
        x_max = std::max(x_max, x);
        if (fixed_y_max == 0) y_max = std::max(y_max, y);
      }
  x_max = x_max > 0 ? x_max : 1;
  y_max = NiceMax(y_max);
  s += SvgAxes(x_max, y_max, "time since start", y_label, /*x_is_time=*/true);
  if (!any) {
    s += NoData("no samples (the run was shorter than a second)");
    return s + "</svg>\n";
  }
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const char* colour = kPalette[i % std::size(kPalette)];
    for (const auto& run : lines[i].runs) {
      if (run.empty()) continue;
      s += "<polyline class=\"series\" fill=\"none\" stroke=\"" + std::string(colour) +
           "\" stroke-width=\"1.5\" points=\"";
      for (const auto& [x, y] : run) {
        s += Fixed(kLeft + pw * x / x_max, 1) + "," +
             Fixed(kTop + ph - ph * std::min(y, y_max) / y_max, 1) + " ";
      }
      s += "\"/>\n";
      if (run.size() == 1) {  // a lone point shows as a dot
        s += "<circle cx=\"" + Fixed(kLeft + pw * run[0].first / x_max, 1) + "\" cy=\"" +
             Fixed(kTop + ph - ph * std::min(run[0].second, y_max) / y_max, 1) +
             "\" r=\"2\" fill=\"" + colour + "\"/>\n";
      }
    }
    if (lines.size() > 1) {
      const double lx = kLeft + 260 + 110 * static_cast<double>(i);
      s += "<rect x=\"" + Fixed(lx, 1) + "\" y=\"12\" width=\"10\" height=\"10\" fill=\"" + colour +
           "\"/><text x=\"" + Fixed(lx + 14, 1) + "\" y=\"21\">" + HtmlEscape(lines[i].name) +
           "</text>\n";
    }
  }
  return s + "</svg>\n";
}

std::string LatencyChart(const LatencyHistogram& h) {
  std::string s = SvgOpen("chart-latency", "Request latency (count of requests per latency bucket)");
  std::size_t first = LatencyHistogram::kBuckets, last = 0;
  uint64_t top = 0;
  for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
    if (!h.count(i)) continue;
    first = std::min(first, i);
    last = i;
    top = std::max(top, h.count(i));
  }
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  const double y_max = NiceMax(static_cast<double>(top));
  // The x axis is per bucket (log scale): labelled below at a few bucket edges.
  std::string axes = SvgAxes(1, y_max, "latency (log scale)", "requests", false, /*x_ticks=*/false);
  s += axes;
  if (first > last) {
    s += NoData("no requests");
    return s + "</svg>\n";
  }
  const std::size_t n = last - first + 1;
  const double bw = pw / static_cast<double>(n);
  auto label = [](uint64_t us) {
    if (us >= 1000000) return Fixed(static_cast<double>(us) / 1e6, us >= 10000000 ? 0 : 1) + " s";
    if (us >= 1000) return Fixed(static_cast<double>(us) / 1e3, us >= 10000 ? 0 : 1) + " ms";
    return std::to_string(us) + " µs";
  };
  const std::size_t label_every = std::max<std::size_t>(1, n / 8);
  for (std::size_t i = first; i <= last; ++i) {
    const double x = kLeft + bw * static_cast<double>(i - first);
    const double bh = ph * static_cast<double>(h.count(i)) / y_max;
    const uint64_t lo = LatencyHistogram::LowerBoundUs(i);
    const uint64_t hi = i + 1 < LatencyHistogram::kBuckets ? LatencyHistogram::LowerBoundUs(i + 1) : lo * 2;
    s += "<rect class=\"bar\" x=\"" + Fixed(x + 0.5, 1) + "\" y=\"" + Fixed(kTop + ph - bh, 1) +
         "\" width=\"" + Fixed(std::max(1.0, bw - 1), 1) + "\" height=\"" + Fixed(bh, 1) +
         "\"><title>" + label(lo) + " to " + label(hi) + ": " + Count(h.count(i), "request", "requests") +
         "</title></rect>\n";
    if ((i - first) % label_every == 0)
      s += "<text x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(kTop + ph + 16, 1) + "\">" + label(lo) +
           "</text>\n";
  }
  return s + "</svg>\n";
}

}  // namespace

// ---- RunSeries ----

RunSeries::RunSeries(std::size_t max_points) : max_points_(std::max<std::size_t>(max_points, 2)) {
  points_.reserve(max_points_);
}

void RunSeries::Merge(SeriesPoint& into, const SeriesPoint& later) {
  into.t_s = later.t_s;
  into.done = later.done;
  into.requests = later.requests;
  into.rate_limited = later.rate_limited;
  into.in_flight = std::max(into.in_flight, later.in_flight);
  for (std::size_t b = 0; b < kBucketCount; ++b) {
    if (later.remaining[b] >= 0 && (into.remaining[b] < 0 || later.remaining[b] < into.remaining[b]))
      into.remaining[b] = later.remaining[b];
    if (later.limit[b] >= 0) into.limit[b] = later.limit[b];
  }
}

void RunSeries::Add(const SeriesPoint& point) {
  if (pending_count_ == 0)
    pending_ = point;
  else
    Merge(pending_, point);
  if (++pending_count_ < stride_) return;
  pending_count_ = 0;
  points_.push_back(pending_);
  if (points_.size() < max_points_) return;
  // Full: halve the resolution by merging neighbours.
  std::size_t out = 0;
  for (std::size_t i = 0; i + 1 < points_.size(); i += 2) {
    SeriesPoint p = points_[i];
    Merge(p, points_[i + 1]);
    points_[out++] = p;
  }
  if (points_.size() % 2) points_[out++] = points_.back();
  points_.resize(out);
  stride_ *= 2;
}

void RunSeries::Finish() {
  if (pending_count_ == 0) return;
  pending_count_ = 0;
  if (points_.size() < max_points_) {
    points_.push_back(pending_);
  } else {
    Merge(points_.back(), pending_);
  }
}

// ---- FailureTable ----

std::string FailureTable::Normalize(std::string_view m) {
  // "row 12 (line 13), " or "row 12, " at the start.
  if (m.starts_with("row ")) {
    std::size_t i = 4;
    while (i < m.size() && IsDigit(m[i])) ++i;
    if (i > 4) {
      std::string_view rest = m.substr(i);
      if (rest.starts_with(" (line ")) {
        std::size_t close = rest.find("), ");
        if (close != std::string_view::npos) rest = rest.substr(close + 1);
      }
      if (rest.starts_with(", ")) m = rest.substr(2);
    }
  }
  std::string out;
  out.reserve(m.size());
  for (std::size_t i = 0; i < m.size();) {
    const char c = m[i];
    if (c == '\'') {
      std::size_t close = m.find('\'', i + 1);
      // Field names stay ("field 'login'"), values go.
      const bool field_name = out.ends_with("field ") || out.ends_with("column ");
      if (close != std::string_view::npos && !field_name) {
        out += "'…'";
        i = close + 1;
        continue;
      }
      if (close != std::string_view::npos) {
        out.append(m.substr(i, close + 1 - i));
        i = close + 1;
        continue;
      }
    }
    constexpr std::string_view kSeparators = " ,;()";
    if (kSeparators.find(c) == std::string_view::npos) {
      // A word with '@' (a login) becomes "…".
      std::size_t end = m.find_first_of(kSeparators, i);
      if (end == std::string_view::npos) end = m.size();
      std::string_view word = m.substr(i, end - i);
      if (word.find('@') != std::string_view::npos) {
        out += "…";
        i = end;
        continue;
      }
      // Copy the word; a run of letters and digits holding a digit (a number, or an id such
      // as 00g1abcd2EFGH3ijk4x5) becomes "#".
      for (std::size_t k = 0; k < word.size();) {
        if (!IsAlnum(word[k])) {
          out.push_back(word[k++]);
          continue;
        }
        std::size_t run_end = k;
        bool digit = false;
        for (; run_end < word.size() && IsAlnum(word[run_end]); ++run_end) digit |= IsDigit(word[run_end]);
        if (digit) out.push_back('#');
        else out.append(word.substr(k, run_end - k));
        k = run_end;
      }
      i = end;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

void FailureTable::Add(const RowResult& r) {
  if (IsSuccess(r.outcome)) return;
  ++total_;
  std::string key = Normalize(r.error);
  for (Entry& e : entries_) {
    if (e.outcome == r.outcome && e.http_status == r.http_status && e.error_code == r.error_code &&
        e.key == key) {
      ++e.count;
      return;
    }
  }
  Entry* e;
  if (entries_.size() < kMaxKinds) {
    e = &entries_.emplace_back();
    e->outcome = r.outcome;
    e->http_status = r.http_status;
    e->error_code = r.error_code;
    e->key = std::move(key);
  } else {
    e = &other_;
    e->other = true;
  }
  if (e->count++ == 0) {
    e->example_row = r.row;
    e->example_login = r.login;
    e->example_error = r.error;
  }
}

std::vector<FailureTable::Entry> FailureTable::Sorted() const {
  std::vector<Entry> out = entries_;
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry& a, const Entry& b) { return a.count > b.count; });
  if (other_.count) out.push_back(other_);
  return out;
}

// ---- summary JSON ----

std::optional<double> BucketPermitted(const RunRecord& r, Bucket bucket) {
  const BucketReport& b = r.buckets[static_cast<std::size_t>(bucket)];
  if (b.requests == 0 || !b.limit || *b.limit <= 0 || !b.window_s || *b.window_s <= 0 ||
      r.elapsed_s <= 0)
    return std::nullopt;
  double per_window = std::floor(static_cast<double>(*b.limit) * r.max_share + 1e-9);
  if (b.learnt_cap) per_window = std::min(per_window, static_cast<double>(*b.learnt_cap));
  if (per_window <= 0) return std::nullopt;
  // Windows that ended during the run count in full. Of the one the run ended in, only what
  // the run needed: what was left after full earlier windows, or at least the permits pro
  // rata to the time the run spent in it (a run that ends early in a window because its
  // rows ran out wasted nothing there; one still sending late in it was slow).
  const double windows = r.elapsed_s / *b.window_s;
  const double full = std::floor(windows + 1e-9);
  const double counted = static_cast<double>(BucketCounted(b));
  const double last = std::min(per_window, std::max({0.0, counted - per_window * full,
                                                     per_window * (windows - full)}));
  return per_window * full + last;
}

std::optional<double> BucketEfficiency(const RunRecord& r, Bucket bucket) {
  const auto permitted = BucketPermitted(r, bucket);
  if (!permitted || *permitted <= 0) return std::nullopt;
  return static_cast<double>(BucketCounted(r.buckets[static_cast<std::size_t>(bucket)])) / *permitted;
}

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
  u64(r.unit == "users" ? "users" : "rows", r.items);
  if (r.unit == "users") u64("pages", r.pages);
  num("elapsedSeconds", r.elapsed_s);
  num(r.unit == "users" ? "usersPerSecond" : "rowsPerSecond",
      r.elapsed_s > 0 ? static_cast<double>(r.items) / r.elapsed_s : 0);
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
  u64("requests", r.requests);
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

// ---- HTML ----

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&#39;"; ++i; continue;
      default: break;
    }
    const std::size_t n = Utf8Length(s, i);
    const auto u = static_cast<unsigned char>(c);
    if (n == 0 || (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) {
      out += "\xEF\xBF\xBD";  // invalid UTF-8 or a control character
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

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
  row(r.unit == "users" ? "users exported" : "rows", GroupDigits(r.items));
  if (r.unit == "users") row("pages", GroupDigits(r.pages));
  row("elapsed", HtmlEscape(FormatDuration(r.elapsed_s)) + " (" + Fixed(r.elapsed_s, 1) + " s)");
  row(r.unit + " per second",
      Fixed(r.elapsed_s > 0 ? static_cast<double>(r.items) / r.elapsed_s : 0, 1));
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
  row("latency", "p50 " + Fixed(r.latency.QuantileUs(0.5) / 1000.0, 1) + " ms, p99 " +
                     Fixed(r.latency.QuantileUs(0.99) / 1000.0, 1) + " ms, max " +
                     Fixed(static_cast<double>(r.latency.max().count()) / 1e6, 1) + " ms");
  row("exit status", std::to_string(r.exit_code));
  if (!r.abort_reason.empty()) row("stopped early", "<span class=\"bad\">" + HtmlEscape(r.abort_reason) + "</span>");
  if (r.interrupted) row("interrupted", "yes: rows missing from the results file were not sent");
  h += "</table>\n";

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
         (br.limit ? GroupDigits(static_cast<uint64_t>(std::max<int64_t>(*br.limit, 0))) + (br.window_s ? " per " + Fixed(*br.window_s, 1) + " s" : "")
                   : std::string("not metered")) +
         (br.learnt_cap && br.limit ? TokenShareNote(*br.learnt_cap, *br.limit, br.window_s) : "") +
         "</td><td class=\"n\">" + (eff ? Fixed(*eff, 3) : std::string("-")) + "</td></tr>\n";
  }
  h += "</table>\n<p>Efficiency: requests the bucket counted (sent, minus 429s) / floor(limit &times; "
       "max share) (or the learnt token share) per window &times; the windows that ended during the run, "
       "plus what the run needed of the window it ended in. "
       "1.0 means every request the limit allowed was used.</p>\n";

  // Time series.
  h += "<h2>Over time</h2>\n<p>One point per " +
       (series.stride() == 1 ? std::string("second") : Count(series.stride(), "second", "seconds")) +
       " (" + Count(pts.size(), "point", "points") + ").</p>\n";
  Line throughput{r.unit + "/s", {{}}}, in_flight{"in flight", {{}}}, limited{"429s/s", {{}}};
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
  std::vector<Line> remaining;
  double limit_max = 0;
  for (Bucket b : kAllBuckets) {
    const std::size_t bi = static_cast<std::size_t>(b);
    Line l{std::string(BucketName(b)), {{}}};
    bool any = false;
    for (const SeriesPoint& p : pts) {
      if (p.remaining[bi] < 0) {
        if (!l.runs.back().empty()) l.runs.emplace_back();
        continue;
      }
      any = true;
      l.runs.back().emplace_back(p.t_s, static_cast<double>(p.remaining[bi]));
      limit_max = std::max(limit_max, static_cast<double>(p.limit[bi]));
    }
    if (any) remaining.push_back(std::move(l));
  }
  h += LineChart("chart-remaining", "Remaining budget per bucket (x-rate-limit-remaining, as the governor sees it)",
                 "remaining", remaining, limit_max);
  h += LineChart("chart-429s", "429 responses per second (bucket and concurrency)", "429s/s", {limited});
  h += "<h2>Latency</h2>\n" + LatencyChart(r.latency);

  // Failures.
  h += "<h2>Failures by error</h2>\n";
  const auto entries = failures.Sorted();
  h += "<p>Rows whose messages differ only in numbers, ids, logins or quoted values are one "
       "group; each shows the message of its first row as it was.</p>\n";
  h += "<table id=\"failures\">\n<tr><th>count</th><th>outcome</th><th>HTTP</th><th>error code</th>"
       "<th>first row</th><th>its message</th></tr>\n";
  if (entries.empty()) h += "<tr><td colspan=\"6\">No row failed.</td></tr>\n";
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
