#include "pipeline/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "pipeline/report/progress.h"
#include "pipeline/report/report_text.h"

namespace okta_bulk {
namespace {

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
  if (v >= 1e6) return FixedPoint(v / 1e6, v >= 1e7 ? 0 : 1) + "M";
  if (v >= 1e4) return FixedPoint(v / 1e3, 0) + "k";
  if (v == std::floor(v)) return FixedPoint(v, 0);
  return FixedPoint(v, v < 1 ? 2 : 1);
}

std::string SvgOpen(const std::string& id, const std::string& title) {
  return "<svg id=\"" + id + "\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         FixedPoint(kW, 0) + "\" height=\"" + FixedPoint(kH, 0) + "\" viewBox=\"0 0 " + FixedPoint(kW, 0) + " " +
         FixedPoint(kH, 0) + "\" role=\"img\" aria-label=\"" + HtmlEscape(title) + "\">\n<title>" +
         HtmlEscape(title) + "</title>\n<text x=\"" + FixedPoint(kLeft, 0) +
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
    s += "<line x1=\"" + FixedPoint(kLeft, 1) + "\" y1=\"" + FixedPoint(y, 1) + "\" x2=\"" + FixedPoint(kLeft + pw, 1) +
         "\" y2=\"" + FixedPoint(y, 1) + "\" class=\"grid\"/>\n";
    s += "<text x=\"" + FixedPoint(kLeft - 6, 1) + "\" y=\"" + FixedPoint(y + 4, 1) +
         "\" text-anchor=\"end\">" + AxisNumber(y_max * i / 4) + "</text>\n";
  }
  for (int i = 0; i <= 5 && x_ticks; ++i) {
    const double x = kLeft + pw * i / 5;
    const double v = x_max * i / 5;
    s += "<text x=\"" + FixedPoint(x, 1) + "\" y=\"" + FixedPoint(kTop + ph + 16, 1) +
         "\" text-anchor=\"middle\">" + (x_is_time ? FormatDuration(v) : AxisNumber(v)) + "</text>\n";
  }
  s += "<line x1=\"" + FixedPoint(kLeft, 1) + "\" y1=\"" + FixedPoint(kTop + ph, 1) + "\" x2=\"" +
       FixedPoint(kLeft + pw, 1) + "\" y2=\"" + FixedPoint(kTop + ph, 1) + "\" class=\"axis\"/>\n";
  s += "<line x1=\"" + FixedPoint(kLeft, 1) + "\" y1=\"" + FixedPoint(kTop, 1) + "\" x2=\"" + FixedPoint(kLeft, 1) +
       "\" y2=\"" + FixedPoint(kTop + ph, 1) + "\" class=\"axis\"/>\n";
  s += "<text x=\"" + FixedPoint(kLeft + pw / 2, 1) + "\" y=\"" + FixedPoint(kH - 6, 1) +
       "\" text-anchor=\"middle\" class=\"label\">" + HtmlEscape(x_label) + "</text>\n";
  s += "<text x=\"14\" y=\"" + FixedPoint(kTop + ph / 2, 1) + "\" text-anchor=\"middle\" class=\"label\" "
       "transform=\"rotate(-90 14 " + FixedPoint(kTop + ph / 2, 1) + ")\">" + HtmlEscape(y_label) +
       "</text>\n</g>\n";
  return s;
}

std::string NoData(const std::string& why) {
  return "<text x=\"" + FixedPoint(kW / 2, 0) + "\" y=\"" + FixedPoint(kH / 2, 0) +
         "\" text-anchor=\"middle\" class=\"nodata\">" + HtmlEscape(why) + "</text>\n";
}


}  // namespace

std::string LineChart(const std::string& id, const std::string& title, const std::string& y_label,
                      const std::vector<ChartLine>& lines, double fixed_y_max) {
  std::string s = SvgOpen(id, title);
  double x_max = 0, y_max = fixed_y_max;
  bool any = false;
  for (const ChartLine& l : lines)
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
        s += FixedPoint(kLeft + pw * x / x_max, 1) + "," +
             FixedPoint(kTop + ph - ph * std::min(y, y_max) / y_max, 1) + " ";
      }
      s += "\"/>\n";
      if (run.size() == 1) {  // a lone point shows as a dot
        s += "<circle cx=\"" + FixedPoint(kLeft + pw * run[0].first / x_max, 1) + "\" cy=\"" +
             FixedPoint(kTop + ph - ph * std::min(run[0].second, y_max) / y_max, 1) +
             "\" r=\"2\" fill=\"" + colour + "\"/>\n";
      }
    }
    if (lines.size() > 1) {
      const double lx = kLeft + 260 + 110 * static_cast<double>(i);
      s += "<rect x=\"" + FixedPoint(lx, 1) + "\" y=\"12\" width=\"10\" height=\"10\" fill=\"" + colour +
           "\"/><text x=\"" + FixedPoint(lx + 14, 1) + "\" y=\"21\">" + HtmlEscape(lines[i].name) +
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
    if (us >= 1000000) return FixedPoint(static_cast<double>(us) / 1e6, us >= 10000000 ? 0 : 1) + " s";
    if (us >= 1000) return FixedPoint(static_cast<double>(us) / 1e3, us >= 10000 ? 0 : 1) + " ms";
    return std::to_string(us) + " µs";
  };
  const std::size_t label_every = std::max<std::size_t>(1, n / 8);
  for (std::size_t i = first; i <= last; ++i) {
    const double x = kLeft + bw * static_cast<double>(i - first);
    const double bh = ph * static_cast<double>(h.count(i)) / y_max;
    const uint64_t lo = LatencyHistogram::LowerBoundUs(i);
    const uint64_t hi = i + 1 < LatencyHistogram::kBuckets ? LatencyHistogram::LowerBoundUs(i + 1) : lo * 2;
    s += "<rect class=\"bar\" x=\"" + FixedPoint(x + 0.5, 1) + "\" y=\"" + FixedPoint(kTop + ph - bh, 1) +
         "\" width=\"" + FixedPoint(std::max(1.0, bw - 1), 1) + "\" height=\"" + FixedPoint(bh, 1) +
         "\"><title>" + label(lo) + " to " + label(hi) + ": " + Count(h.count(i), "request", "requests") +
         "</title></rect>\n";
    if ((i - first) % label_every == 0)
      s += "<text x=\"" + FixedPoint(x, 1) + "\" y=\"" + FixedPoint(kTop + ph + 16, 1) + "\">" + label(lo) +
           "</text>\n";
  }
  return s + "</svg>\n";
}

}  // namespace okta_bulk
