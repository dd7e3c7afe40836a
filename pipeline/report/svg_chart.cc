#include "pipeline/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "pipeline/report/progress.h"
#include "pipeline/report/report_text.h"

namespace okta_bulk {
namespace {

constexpr double kW = 880, kH = 250, kLeft = 64, kRight = 36, kBottom = 40;
constexpr double kTitleBaseline = 20;  // the title's row, above everything else
constexpr double kLegendRow = 18;      // each legend row below the title
constexpr double kTopNoLegend = 34;    // the plot's top edge when there is no legend
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

// A generous estimate of the width of 11px text (system-ui averages about 6 px a glyph), so
// that what is laid out with it never overlaps in a real browser.
double TextWidth(std::string_view text) { return 7.0 * static_cast<double>(text.size()); }

std::string AxisNumber(double v) {
  if (v >= 1e6) return FixedPoint(v / 1e6, v >= 1e7 ? 0 : 1) + "M";
  if (v >= 1e4) return FixedPoint(v / 1e3, 0) + "k";
  if (v == std::floor(v)) return FixedPoint(v, 0);
  return FixedPoint(v, v < 1 ? 2 : 1);
}

// The plot area of one chart: everything outside it (title, legend, tick labels, axis
// labels) is laid out around it, never over it.
struct Plot {
  double top = kTopNoLegend;
  double left = kLeft, right = kW - kRight, bottom = kH - kBottom;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

std::string SvgOpen(const std::string& id, const std::string& title, const Plot& plot) {
  return "<svg id=\"" + id + "\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         FixedPoint(kW, 0) + "\" height=\"" + FixedPoint(kH, 0) + "\" viewBox=\"0 0 " + FixedPoint(kW, 0) + " " +
         FixedPoint(kH, 0) + "\" role=\"img\" aria-label=\"" + HtmlEscape(title) + "\">\n<title>" +
         HtmlEscape(title) + "</title>\n<text x=\"" + FixedPoint(kLeft, 0) + "\" y=\"" +
         FixedPoint(kTitleBaseline, 0) + "\" class=\"ctitle\">" + HtmlEscape(title) + "</text>\n" +
         "<rect class=\"plot\" x=\"" + FixedPoint(plot.left, 1) + "\" y=\"" + FixedPoint(plot.top, 1) +
         "\" width=\"" + FixedPoint(plot.width(), 1) + "\" height=\"" + FixedPoint(plot.height(), 1) +
         "\" fill=\"none\" stroke=\"none\"/>\n";
}

// Axes with ticks: x over `x_ticks` (seconds when x_is_time; none when empty), y over
// `y_ticks`. Tick labels sit outside the plot, the last x one inside the chart's width.
std::string SvgAxes(const Plot& plot, const AxisTicks& x_ticks, const AxisTicks& y_ticks,
                    const std::string& x_label, const std::string& y_label, bool x_is_time) {
  std::string s;
  s += "<g class=\"axes\">\n";
  for (double v : y_ticks.values) {
    const double y = plot.bottom - plot.height() * v / y_ticks.end;
    s += "<line x1=\"" + FixedPoint(plot.left, 1) + "\" y1=\"" + FixedPoint(y, 1) + "\" x2=\"" +
         FixedPoint(plot.right, 1) + "\" y2=\"" + FixedPoint(y, 1) + "\" class=\"grid\"/>\n";
    s += "<text x=\"" + FixedPoint(plot.left - 6, 1) + "\" y=\"" + FixedPoint(y + 4, 1) +
         "\" text-anchor=\"end\" class=\"tick ytick\">" + AxisNumber(v) + "</text>\n";
  }
  for (double v : x_ticks.values) {
    const double x = plot.left + plot.width() * v / x_ticks.end;
    s += "<text x=\"" + FixedPoint(x, 1) + "\" y=\"" + FixedPoint(plot.bottom + 16, 1) +
         "\" text-anchor=\"middle\" class=\"tick xtick\">" +
         (x_is_time ? FormatDuration(v) : AxisNumber(v)) + "</text>\n";
  }
  s += "<line x1=\"" + FixedPoint(plot.left, 1) + "\" y1=\"" + FixedPoint(plot.bottom, 1) + "\" x2=\"" +
       FixedPoint(plot.right, 1) + "\" y2=\"" + FixedPoint(plot.bottom, 1) + "\" class=\"axis\"/>\n";
  s += "<line x1=\"" + FixedPoint(plot.left, 1) + "\" y1=\"" + FixedPoint(plot.top, 1) + "\" x2=\"" +
       FixedPoint(plot.left, 1) + "\" y2=\"" + FixedPoint(plot.bottom, 1) + "\" class=\"axis\"/>\n";
  s += "<text x=\"" + FixedPoint(plot.left + plot.width() / 2, 1) + "\" y=\"" + FixedPoint(kH - 6, 1) +
       "\" text-anchor=\"middle\" class=\"label\">" + HtmlEscape(x_label) + "</text>\n";
  const double mid = (plot.top + plot.bottom) / 2;
  s += "<text x=\"14\" y=\"" + FixedPoint(mid, 1) + "\" text-anchor=\"middle\" class=\"label\" "
       "transform=\"rotate(-90 14 " + FixedPoint(mid, 1) + ")\">" + HtmlEscape(y_label) +
       "</text>\n</g>\n";
  return s;
}

std::string NoData(const Plot& plot, const std::string& why) {
  return "<text x=\"" + FixedPoint(plot.left + plot.width() / 2, 0) + "\" y=\"" +
         FixedPoint((plot.top + plot.bottom) / 2, 0) + "\" text-anchor=\"middle\" class=\"nodata\">" +
         HtmlEscape(why) + "</text>\n";
}

// The ticks of an axis from 0: `steps` are the allowed steps of one decade (or, for time,
// every allowed step), the first that needs at most max_intervals is taken.
AxisTicks TicksWithStep(double max, double step) {
  AxisTicks t;
  t.step = step;
  const double n = std::max(1.0, std::ceil(max / step - 1e-9));
  t.end = n * step;
  for (int i = 0; i <= static_cast<int>(n); ++i) t.values.push_back(i * step);
  return t;
}

}  // namespace

AxisTicks RoundTicks(double max, int max_intervals) {
  if (!(max > 0) || !std::isfinite(max)) max = 1;
  max_intervals = std::max(1, max_intervals);
  double decade = std::pow(10.0, std::floor(std::log10(max / max_intervals)));
  for (;; decade *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * decade;
      if (std::ceil(max / step - 1e-9) <= max_intervals) return TicksWithStep(max, step);
    }
  }
}

AxisTicks TimeTicks(double max_s, int max_intervals) {
  static constexpr double kSteps[] = {1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800,
                                      3600, 7200, 10800, 21600, 43200, 86400};
  if (!(max_s > 0) || !std::isfinite(max_s)) max_s = 1;
  max_intervals = std::max(1, max_intervals);
  for (double step : kSteps)
    if (std::ceil(max_s / step - 1e-9) <= max_intervals) return TicksWithStep(max_s, step);
  return TicksWithStep(max_s, 86400 * RoundTicks(max_s / 86400, max_intervals).step);  // days
}

std::string LineChart(const std::string& id, const std::string& title, const std::string& y_label,
                      const std::vector<ChartLine>& lines, double fixed_y_max) {
  // The legend (several lines only): rows of swatches between the title and the plot.
  Plot plot;
  std::string legend;
  if (lines.size() > 1) {
    double x = kLeft, row = 0;
    legend = "<g class=\"legend\">\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const double w = 14 + TextWidth(lines[i].name) + 16;
      if (x > kLeft && x + w > kW - kRight) {
        x = kLeft;
        ++row;
      }
      const double y = kTitleBaseline + kLegendRow * (row + 1);
      legend += "<rect x=\"" + FixedPoint(x, 1) + "\" y=\"" + FixedPoint(y - 9, 1) +
                "\" width=\"10\" height=\"10\" fill=\"" + kPalette[i % std::size(kPalette)] +
                "\"/><text x=\"" + FixedPoint(x + 14, 1) + "\" y=\"" + FixedPoint(y, 1) + "\">" +
                HtmlEscape(lines[i].name) + "</text>\n";
      x += w;
    }
    legend += "</g>\n";
    plot.top = kTitleBaseline + kLegendRow * (row + 1) + 12;
  }
  std::string s = SvgOpen(id, title, plot) + legend;
  double x_max = 0, y_max = fixed_y_max;
  bool any = false;
  for (const ChartLine& l : lines)
    for (const auto& run : l.runs)
      for (const auto& [x, y] : run) {
        any = true;
        x_max = std::max(x_max, x);
        if (fixed_y_max == 0) y_max = std::max(y_max, y);
      }
  const AxisTicks xt = TimeTicks(x_max, 8);
  const AxisTicks yt = RoundTicks(y_max, 5);
  s += SvgAxes(plot, xt, yt, "time since start", y_label, /*x_is_time=*/true);
  if (!any) {
    s += NoData(plot, "no samples (the run was shorter than a second)");
    return s + "</svg>\n";
  }
  const double pw = plot.width(), ph = plot.height();
  auto px = [&](double x) { return FixedPoint(plot.left + pw * x / xt.end, 1); };
  auto py = [&](double y) { return FixedPoint(plot.bottom - ph * std::min(y, yt.end) / yt.end, 1); };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const char* colour = kPalette[i % std::size(kPalette)];
    for (const auto& run : lines[i].runs) {
      if (run.empty()) continue;
      s += "<polyline class=\"series\" fill=\"none\" stroke=\"" + std::string(colour) +
           "\" stroke-width=\"1.5\" points=\"";
      for (const auto& [x, y] : run) s += px(x) + "," + py(y) + " ";
      s += "\"/>\n";
      if (run.size() == 1)  // a lone point shows as a dot
        s += "<circle cx=\"" + px(run[0].first) + "\" cy=\"" + py(run[0].second) +
             "\" r=\"2\" fill=\"" + colour + "\"/>\n";
    }
  }
  return s + "</svg>\n";
}

std::string LatencyChart(const LatencyHistogram& h) {
  const Plot plot;
  std::string s = SvgOpen("chart-latency", "Request latency (count of requests per latency bucket)", plot);
  std::size_t first = LatencyHistogram::kBuckets, last = 0;
  uint64_t top = 0;
  for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
    if (!h.count(i)) continue;
    first = std::min(first, i);
    last = i;
    top = std::max(top, h.count(i));
  }
  const double pw = plot.width(), ph = plot.height();
  const AxisTicks yt = RoundTicks(static_cast<double>(top), 5);
  // The x axis is per bucket (log scale): labelled below at a few bucket edges.
  s += SvgAxes(plot, AxisTicks{}, yt, "latency (log scale)", "requests", false);
  if (first > last) {
    s += NoData(plot, "no requests");
    return s + "</svg>\n";
  }
  const std::size_t n = last - first + 1;
  const double bw = pw / static_cast<double>(n);
  auto label = [](uint64_t us) {
    if (us >= 1000000) return FixedPoint(static_cast<double>(us) / 1e6, us >= 10000000 ? 0 : 1) + " s";
    if (us >= 1000) return FixedPoint(static_cast<double>(us) / 1e3, us >= 10000 ? 0 : 1) + " ms";
    return std::to_string(us) + " µs";
  };
  double labels_end = 0;  // right edge of the last label drawn
  for (std::size_t i = first; i <= last; ++i) {
    const double x = plot.left + bw * static_cast<double>(i - first);
    const double bh = ph * static_cast<double>(h.count(i)) / yt.end;
    const uint64_t lo = LatencyHistogram::LowerBoundUs(i);
    const uint64_t hi = i + 1 < LatencyHistogram::kBuckets ? LatencyHistogram::LowerBoundUs(i + 1) : lo * 2;
    s += "<rect class=\"bar\" x=\"" + FixedPoint(x + 0.5, 1) + "\" y=\"" + FixedPoint(plot.bottom - bh, 1) +
         "\" width=\"" + FixedPoint(std::max(1.0, bw - 1), 1) + "\" height=\"" + FixedPoint(bh, 1) +
         "\"><title>" + label(lo) + " to " + label(hi) + ": " + Count(h.count(i), "request", "requests") +
         "</title></rect>\n";
    // A label centred on the bucket's lower edge, when it fits: clear of the one before and
    // wholly inside the chart (never clipped at its right edge).
    const std::string text = label(lo);
    const double half = TextWidth(text) / 2;
    if (x - half < labels_end + 8 || x + half > kW - 2) continue;
    s += "<text x=\"" + FixedPoint(x, 1) + "\" y=\"" + FixedPoint(plot.bottom + 16, 1) +
         "\" text-anchor=\"middle\" class=\"tick xtick\">" + text + "</text>\n";
    labels_end = x + half;
  }
  return s + "</svg>\n";
}

}  // namespace okta_bulk
