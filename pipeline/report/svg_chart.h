// The report's inline SVG charts: line charts over time and the latency histogram, with
// their axes, ticks and legends. Pure: data in, an <svg> element out. Single-threaded.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "pipeline/engine/latency_histogram.h"

namespace okta_bulk {

// One named line of a chart.
struct ChartLine {
  std::string name;
  // Runs of points; a gap (unknown values) splits runs.
  std::vector<std::vector<std::pair<double, double>>> runs;
};

// The ticks of an axis from 0: 0, step, 2 step, ... up to `end`, the first multiple of the
// step at or above the data's maximum (the axis ends there, on a labelled tick).
struct AxisTicks {
  double step = 1;
  double end = 1;
  std::vector<double> values;  // empty: no ticks
};

// Round ticks covering [0, max]: the step is the smallest 1, 2 or 5 x 10^n that needs at most
// `max_intervals` intervals. max <= 0 (no data) is taken as 1.
AxisTicks RoundTicks(double max, int max_intervals);

// Ticks for a time axis in seconds covering [0, max_s], the same way but with steps a clock
// reads well: 1, 2, 5, 10, 20, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, then days.
AxisTicks TimeTicks(double max_s, int max_intervals);

// A line chart over time (x: seconds since the start) with one colour per line and a legend
// when there are several; y from 0 to the data's maximum, or to `fixed_y_max` when not 0.
std::string LineChart(const std::string& id, const std::string& title, const std::string& y_label,
                      const std::vector<ChartLine>& lines, double fixed_y_max = 0);

// The latency histogram (log-scale buckets), as chart "chart-latency".
std::string LatencyChart(const LatencyHistogram& h);

}  // namespace okta_bulk
