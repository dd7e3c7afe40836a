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

// A line chart over time (x: seconds since the start) with one colour per line and a legend
// when there are several; y from 0 to the data's maximum, or to `fixed_y_max` when not 0.
std::string LineChart(const std::string& id, const std::string& title, const std::string& y_label,
                      const std::vector<ChartLine>& lines, double fixed_y_max = 0);

// The latency histogram (log-scale buckets), as chart "chart-latency".
std::string LatencyChart(const LatencyHistogram& h);

}  // namespace okta_bulk
