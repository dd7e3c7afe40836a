// The report's charts (report/svg_chart): round axis ticks, and labels laid out so that
// nothing is clipped. Pure: no browser (run_report_test.cc renders them in one).
#include "pipeline/report/svg_chart.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <regex>

namespace okta_bulk {
namespace {

std::vector<double> Values(const AxisTicks& t) { return t.values; }

// 1, 2 or 5 times a power of ten.
bool IsRound(double step) {
  const double p = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  const double m = step / p;
  return std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9;
}

TEST(AxisTicksTest, StepsAreOneTwoOrFiveTimesAPowerOfTenAndTheAxisEndsOnATick) {
  EXPECT_EQ(Values(RoundTicks(12.3, 6)), (std::vector<double>{0, 5, 10, 15}));
  EXPECT_EQ(Values(RoundTicks(12.3, 8)), (std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14}));
  EXPECT_EQ(Values(RoundTicks(600, 5)), (std::vector<double>{0, 200, 400, 600}));
  EXPECT_EQ(Values(RoundTicks(100, 5)), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  const AxisTicks small = RoundTicks(0.37, 5);
  EXPECT_NEAR(small.step, 0.1, 1e-12);
  EXPECT_NEAR(small.end, 0.4, 1e-12);
  // Whatever the maximum: a round step, at most the intervals asked for, the data covered,
  // and no needless empty interval at the top.
  for (double max = 0.013; max < 2e7; max *= 1.37) {
    for (int n : {4, 5, 8}) {
      const AxisTicks t = RoundTicks(max, n);
      EXPECT_TRUE(IsRound(t.step)) << max << " " << t.step;
      EXPECT_LE(t.values.size(), static_cast<std::size_t>(n) + 1) << max;
      EXPECT_GE(t.end, max - 1e-9) << max;
      EXPECT_LT(t.end - t.step, max) << max;
      EXPECT_DOUBLE_EQ(t.values.back(), t.end);
      for (std::size_t i = 0; i < t.values.size(); ++i)
        EXPECT_NEAR(t.values[i], static_cast<double>(i) * t.step, 1e-9 * t.end);
    }
  }
}

TEST(AxisTicksTest, NoDataStillGivesAnAxis) {
  EXPECT_EQ(RoundTicks(0, 5).values.size(), 6u);
  EXPECT_EQ(RoundTicks(0, 5).end, 1);
  EXPECT_EQ(RoundTicks(-3, 5).end, 1);
  EXPECT_EQ(RoundTicks(std::nan(""), 5).end, 1);
}

TEST(AxisTicksTest, TimeTicksUseStepsAClockReadsWell) {
  // The report of issue 19: a 12 s run had ticks 0, 2, 5, 7, 9, 12 s.
  EXPECT_EQ(Values(TimeTicks(12.3, 8)), (std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14}));
  EXPECT_EQ(Values(TimeTicks(44, 8)), (std::vector<double>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(TimeTicks(170, 8).step, 30);
  EXPECT_EQ(TimeTicks(1000, 8).step, 300);
  EXPECT_EQ(TimeTicks(10 * 3600, 8).step, 7200);
  EXPECT_EQ(TimeTicks(20 * 86400, 8).step, 5 * 86400);
  for (double max = 0.5; max < 1e6; max *= 1.5) {
    const AxisTicks t = TimeTicks(max, 8);
    EXPECT_LE(t.values.size(), 9u) << max;
    EXPECT_GE(t.end, max - 1e-9) << max;
  }
}

TEST(SvgChartTest, LatencyLabelsStayInsideTheChartAndApartFromEachOther) {
  // Latencies up to about 53 ms: the last label used to be cut at the right edge ("53 r").
  LatencyHistogram h;
  for (int i = 0; i < 3000; ++i) h.Record(std::chrono::microseconds(2000 + (i % 60) * 850));
  const std::string svg = LatencyChart(h);
  const std::regex label("<text x=\"([0-9.]+)\" y=\"[0-9.]+\" text-anchor=\"middle\" class=\"tick xtick\">([^<]*)</text>");
  double last_right = -1;
  int labels = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[1]);
    const std::string text = (*it)[2];
    const double half = 3.5 * static_cast<double>(text.size());  // 7 px a glyph, generously
    EXPECT_LE(x + half, 880) << text << " is clipped";
    EXPECT_GT(x - half, last_right) << text << " overlaps the label before";
    last_right = x + half;
    ++labels;
  }
  EXPECT_GE(labels, 4);
}

TEST(SvgChartTest, TheLegendSitsBetweenTheTitleAndThePlotNeverOnThem) {
  std::vector<ChartLine> lines;
  for (const char* name : {"create", "get", "update", "groups", "group", "other"})
    lines.push_back({name, {{{0, 10}, {12.3, 500}}}});
  const std::string svg = LineChart("c", "A title long enough to reach far to the right of the chart", "y", lines);
  const std::smatch m = [&] {
    std::smatch r;
    std::regex_search(svg, r, std::regex("<rect class=\"plot\" x=\"[0-9.]+\" y=\"([0-9.]+)\""));
    return r;
  }();
  ASSERT_FALSE(m.empty()) << svg;
  const double plot_top = std::stod(m[1]);
  const std::size_t legend = svg.find("<g class=\"legend\">");
  ASSERT_NE(legend, std::string::npos);
  const std::string g = svg.substr(legend, svg.find("</g>", legend) - legend);
  const std::regex swatch("<rect x=\"[0-9.]+\" y=\"([0-9.]+)\" width=\"10\" height=\"10\"");
  int n = 0;
  for (auto it = std::sregex_iterator(g.begin(), g.end(), swatch); it != std::sregex_iterator(); ++it, ++n) {
    const double y = std::stod((*it)[1]);
    EXPECT_GT(y, 20 + 4) << "below the title's baseline and its descenders";
    EXPECT_LT(y + 10, plot_top) << "above the plot";
  }
  EXPECT_EQ(n, 6);
}

}  // namespace
}  // namespace okta_bulk
