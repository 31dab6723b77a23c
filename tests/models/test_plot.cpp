// models/plot: the shared SVG chart writer. Its output is parsed as XML by xmllint (libxml2,
// installed by tools/setup) and queried with XPath: the document is well formed, and the drawn
// points, error bars and bars sit at the coordinates their values map to inside the plot area.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "models/plot.hpp"
#include "tests/command.hpp"
#include "tests/svg_xml.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::run_command;

namespace {

class PlotSvg : public ::testing::Test {
 protected:
  void SetUp() override { file_ = fs::temp_directory_path() / ("plot_test_" + std::to_string(::getpid()) + ".svg"); }
  void TearDown() override { fs::remove(file_); }

  void write(const mosaic::plot::Chart& chart) {
    std::ofstream(file_) << chart.svg();
    const auto parsed = run_command("xmllint --noout '" + file_.string() + "'");
    ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  }
  // The string value of an XPath expression over the written SVG (elements by local name).
  std::string xpath(const std::string& expression) {
    const auto r = run_command("xmllint --xpath \"string(" + expression + ")\" '" + file_.string() + "'");
    EXPECT_EQ(r.exit_code, 0) << expression << ": " << r.output;
    return r.output.empty() || r.output.back() != '\n' ? r.output : r.output.substr(0, r.output.size() - 1);
  }
  double number(const std::string& expression) {
    const std::string text = xpath(expression);
    EXPECT_FALSE(text.empty()) << expression;
    return text.empty() ? NAN : std::stod(text);
  }
  // The plot area as drawn: x, y, width, height.
  std::array<double, 4> area() {
    const std::string rect = "//*[local-name()='rect'][@class='plot-area']";
    return {number(rect + "/@x"), number(rect + "/@y"), number(rect + "/@width"), number(rect + "/@height")};
  }
  fs::path file_;
};

TEST_F(PlotSvg, PointsAndErrorBarsLandWhereTheirValuesMapOnLinearAxes) {
  mosaic::plot::Chart chart;
  chart.title = "accuracy <&> memory";  // escaped, or xmllint refuses the file
  chart.x = {"memory (cells)"};
  chart.x.min = 0;
  chart.x.max = 10;
  chart.y = {"accuracy (%)"};
  chart.y.min = 0;
  chart.y.max = 100;
  mosaic::plot::Series s;
  s.name = "routing-aware";
  s.points.push_back({2, 30, 20.0, 40.0, "1:0.5"});
  s.points.push_back({8, 75});
  chart.series.push_back(s);
  chart.notes.push_back("source: hand-made");
  write(chart);

  const auto [x0, y0, w, h] = area();
  ASSERT_GT(w, 100);
  ASSERT_GT(h, 100);
  const std::string first = "//*[local-name()='circle'][@class='point'][@data-x='2']";
  EXPECT_NEAR(number(first + "/@cx"), x0 + 0.2 * w, 0.01);
  EXPECT_NEAR(number(first + "/@cy"), y0 + h - 0.3 * h, 0.01);
  const std::string second = "//*[local-name()='circle'][@class='point'][@data-x='8']";
  EXPECT_NEAR(number(second + "/@cx"), x0 + 0.8 * w, 0.01);
  EXPECT_NEAR(number(second + "/@cy"), y0 + h - 0.75 * h, 0.01);
  // The error bar: a vertical stroke at x from y(20) to y(40).
  const std::string bar = xpath("//*[local-name()='path'][@class='error-bar']/@d");
  const std::string expected = fmt::format("M{:.2f},{:.2f} V{:.2f}", x0 + 0.2 * w, y0 + h - 0.2 * h, y0 + h - 0.4 * h);
  EXPECT_EQ(bar.substr(0, expected.size()), expected) << bar;
  EXPECT_EQ(number("count(//*[local-name()='path'][@class='error-bar'])"), 1);  // the second point has none
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='point-label']"), "1:0.5");
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='title']"), "accuracy <&> memory");
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='legend-entry']"), "routing-aware");
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='note']"), "source: hand-made");
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='x-label']"), "memory (cells)");
  // Readable ticks: 0, 2, 4, ... 10 on x; each at its place.
  EXPECT_EQ(number("count(//*[local-name()='text'][@class='x-tick'])"), 6);
  EXPECT_NEAR(number("//*[local-name()='text'][@class='x-tick'][.='4']/@x"), x0 + 0.4 * w, 0.01);
  EXPECT_NEAR(number("//*[local-name()='text'][@class='y-tick'][.='0']/@y") - 4, y0 + h, 0.01);
}

// Crowded labelled points: no two labels overlap, none covers a point, and a label moved away
// from its point has a leader line that starts at that point.
TEST_F(PlotSvg, CrowdedLabelsDoNotOverlapAndMovedOnesPointBack) {
  mosaic::plot::Chart chart;
  chart.x = {"memory"};
  chart.x.min = 0;
  chart.x.max = 10;
  chart.y = {"accuracy"};
  chart.y.min = 0;
  chart.y.max = 100;
  mosaic::plot::Series s;
  s.name = "profiles";
  for (int i = 0; i < 8; ++i) s.points.push_back({4 + 0.15 * i, 50.0 + (i % 3), std::nullopt, std::nullopt, fmt::format("profile {}: 5{}%", i, i)});
  chart.series.push_back(s);
  const auto doc = mosaic::test_support::parse_svg(chart.svg());

  struct Box {
    double left, top, right, bottom;
  };
  // Generous to the drawing: 6 px per character of 11 px sans-serif text, 10 px high.
  std::vector<Box> labels;
  for (const auto* t : doc.all("text", "class", "point-label")) {
    const double x = std::stod(t->attr("x")), y = std::stod(t->attr("y")), width = 6.0 * t->text.size();
    const double left = t->attr("text-anchor") == "end" ? x - width : x;
    labels.push_back({left, y - 10, left + width, y});
  }
  ASSERT_EQ(labels.size(), 8u);
  auto overlap = [](const Box& a, const Box& b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  };
  for (std::size_t i = 0; i < labels.size(); ++i)
    for (std::size_t j = i + 1; j < labels.size(); ++j) EXPECT_FALSE(overlap(labels[i], labels[j])) << i << " " << j;
  const auto points = doc.all("circle", "class", "point");
  ASSERT_EQ(points.size(), 8u);
  for (const auto* p : points) {
    const double cx = std::stod(p->attr("cx")), cy = std::stod(p->attr("cy"));
    for (const Box& b : labels) EXPECT_FALSE(overlap(b, {cx - 3.5, cy - 3.5, cx + 3.5, cy + 3.5})) << cx << "," << cy;
  }
  const auto leaders = doc.all("line", "class", "label-leader");
  EXPECT_GE(leaders.size(), 1u);  // eight labels cannot all sit beside points this close
  for (const auto* l : leaders) {
    const double x1 = std::stod(l->attr("x1")), y1 = std::stod(l->attr("y1"));
    const bool from_a_point = std::any_of(points.begin(), points.end(), [&](const auto* p) {
      return std::fabs(std::stod(p->attr("cx")) + 3 - x1) < 0.01 && std::fabs(std::stod(p->attr("cy")) - y1) < 0.01;
    });
    EXPECT_TRUE(from_a_point) << x1 << "," << y1;
  }
}

TEST_F(PlotSvg, LogAxisPlacesDecadesEvenlyAndComputedRangesHoldTheData) {
  mosaic::plot::Chart chart;
  chart.x = {"routing memory (cells)", mosaic::plot::Scale::Log};
  chart.y = {"accuracy (%)"};
  mosaic::plot::Series ours;
  ours.points = {{3.1e5, 37.0}, {7.7e5, 66.1}, {1.05e8, 54.4}};
  mosaic::plot::Series reference;
  reference.name = "authors";
  reference.faint = true;
  reference.points = {{0.45e6, 68.79}, {1.85e6, 76.53}};
  chart.series = {ours, reference};
  write(chart);

  const auto [x0, y0, w, h] = area();
  // The range is rounded out to 1-2-5 values: 2e5 .. 2e8; every point lies inside the plot area.
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='x-tick'][1]"), "1e6");
  const double lo = std::log10(2e5), hi = std::log10(2e8);
  const std::string p = "//*[local-name()='circle'][@data-x='310000']";
  EXPECT_NEAR(number(p + "/@cx"), x0 + (std::log10(3.1e5) - lo) / (hi - lo) * w, 0.01);
  for (int i = 1; i <= 5; ++i) {
    const std::string c = "(//*[local-name()='circle'][@class='point'])[" + std::to_string(i) + "]";
    EXPECT_GE(number(c + "/@cx"), x0);
    EXPECT_LE(number(c + "/@cx"), x0 + w);
    EXPECT_GE(number(c + "/@cy"), y0);
    EXPECT_LE(number(c + "/@cy"), y0 + h);
  }
  // Decade ticks 1e6, 1e7, 1e8 are equally spaced.
  const double t6 = number("//*[local-name()='text'][@class='x-tick'][.='1e6']/@x");
  const double t7 = number("//*[local-name()='text'][@class='x-tick'][.='1e7']/@x");
  const double t8 = number("//*[local-name()='text'][@class='x-tick'][.='1e8']/@x");
  EXPECT_NEAR(t7 - t6, t8 - t7, 0.02);
  // Only the named, faint series is in the legend, drawn pale and dashed.
  EXPECT_EQ(number("count(//*[local-name()='text'][@class='legend-entry'])"), 1);
  EXPECT_EQ(xpath("//*[local-name()='g'][@class='series'][@data-name='authors']/@opacity"), "0.4");
  EXPECT_FALSE(xpath("//*[local-name()='g'][@data-name='authors']/*[local-name()='polyline']/@stroke-dasharray").empty());
}

TEST_F(PlotSvg, HistogramBarsStandOnZeroWithTheirHeights) {
  mosaic::plot::Chart chart;
  chart.x = {"decision latency (cycles)"};
  chart.x.min = 0;
  chart.x.max = 400;
  chart.y = {"test samples"};
  chart.y.max = 50;
  chart.histograms.push_back({"latency", {0, 100, 200, 300}, {10, 40, 25}});
  write(chart);
  const auto [x0, y0, w, h] = area();
  EXPECT_EQ(number("count(//*[local-name()='rect'][@class='bar'])"), 3);
  const std::string bar = "//*[local-name()='rect'][@class='bar'][@data-count='40']";
  EXPECT_NEAR(number(bar + "/@x"), x0 + 0.25 * w, 0.01);
  EXPECT_NEAR(number(bar + "/@width"), 0.25 * w, 0.02);
  EXPECT_NEAR(number(bar + "/@y"), y0 + h - 0.8 * h, 0.01);
  EXPECT_NEAR(number(bar + "/@y") + number(bar + "/@height"), y0 + h, 0.02);  // y starts at 0: bars stand on the axis
  EXPECT_EQ(xpath("//*[local-name()='text'][@class='legend-entry']"), "latency");
}

TEST_F(PlotSvg, CategoryTicksNameTheirPositions) {
  mosaic::plot::Chart chart;
  chart.x = {"hop profile"};
  chart.x.ticks = {{0, "1:0.5"}, {1, "1:1,3:0.1"}, {2, "1:1,3:0.3"}};
  chart.x.min = -0.5;
  chart.x.max = 2.5;
  chart.y = {"R1 input lines"};
  mosaic::plot::Series s;
  s.line = false;
  s.points = {{1, 43}};
  chart.series.push_back(s);
  write(chart);
  EXPECT_EQ(number("count(//*[local-name()='text'][@class='x-tick'])"), 3);
  EXPECT_NEAR(number("//*[local-name()='text'][@class='x-tick'][.='1:1,3:0.1']/@x"),
              number("//*[local-name()='circle'][@class='point']/@cx"), 0.01);
  EXPECT_EQ(number("count(//*[local-name()='polyline'])"), 0);
}

TEST(PlotNumbers, ShortReadableNumbers) {
  using mosaic::plot::format_number;
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(12), "12");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(66.13), "66.13");
  EXPECT_EQ(format_number(1.5e6), "1.5e6");
  EXPECT_EQ(format_number(2e5), "2e5");
  EXPECT_EQ(format_number(9.9996e5), "1e6");
  EXPECT_EQ(format_number(-3e-4), "-3e-4");
}

TEST(PlotErrors, NonFiniteValuesAndNonPositiveLogValuesAreRefusedNamingTheSeries) {
  mosaic::plot::Chart chart;
  mosaic::plot::Series s;
  s.name = "runs";
  s.points = {{1, NAN}};
  chart.series.push_back(s);
  try {
    (void)chart.svg();
    FAIL() << "NaN accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("runs"), std::string::npos) << e.what();
  }
  chart.series[0].points = {{0, 1}};
  chart.x.scale = mosaic::plot::Scale::Log;
  EXPECT_THROW((void)chart.svg(), std::invalid_argument);
  chart.histograms.push_back({"h", {0, 1}, {1, 2}});
  chart.x.scale = mosaic::plot::Scale::Linear;
  EXPECT_THROW((void)chart.svg(), std::invalid_argument);
}

}  // namespace
