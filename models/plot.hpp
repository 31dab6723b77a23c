#pragma once
// One small SVG chart writer every tool shares (co-design figures, mosaic-sim's histograms and
// curves): x/y axes with readable ticks and labels, a title, lines, points, error bars, text
// next to points, a legend, faint series, histogram bars, linear or log x. Plain string output,
// no dependency; the file is readable as it is (numbers printed where the caller asks).
//
// Use:
//   mosaic::plot::Chart chart;
//   chart.title = "Test accuracy against routing memory";
//   chart.x = {"routing memory (memristor cells)", mosaic::plot::Scale::Log};
//   chart.y = {"test accuracy (%)"};
//   mosaic::plot::Series s;
//   s.name = "routing-aware";                       // legend entry ("" = none)
//   s.points.push_back({0.77e6, 66.1, 64.0, 68.2, "1:1,3:0.1"});  // x, y, error bar low/high, label
//   chart.series.push_back(s);
//   chart.notes.push_back("authors' points: paper_figures.tsv");  // lines under the chart
//   write_text_atomic("fig.svg", chart.svg());
//
// Every element carries a class (plot-area, x-tick, y-tick, series, point, error-bar, bar,
// point-label, legend) and every point its data values (data-x, data-y), so a test or a script
// can find what was drawn where. Non-finite values, empty log ranges and non-positive values on a
// log axis are std::invalid_argument (naming the series): a caller's bug, not bad user input.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mosaic::plot {

enum class Scale { Linear, Log };

struct Axis {
  Axis(std::string label_ = "", Scale scale_ = Scale::Linear) : label(std::move(label_)), scale(scale_) {}
  std::string label;  // with its unit, e.g. "routing memory (memristor cells)"
  Scale scale = Scale::Linear;
  // The range; by default the data's (with a little room, and from 0 for linear axes whose data
  // are all >= 0 when include_zero is set).
  std::optional<double> min, max;
  bool include_zero = false;
  // Fixed ticks (value, label) instead of computed ones, e.g. categories 0, 1, 2 named by profile.
  std::vector<std::pair<double, std::string>> ticks;
};

struct Point {
  Point(double x_ = 0, double y_ = 0, std::optional<double> low_ = {}, std::optional<double> high_ = {},
        std::string label_ = "")
      : x(x_), y(y_), low(low_), high(high_), label(std::move(label_)) {}
  double x = 0, y = 0;
  // Error bar (mean and spread): drawn from low to high when both are set.
  std::optional<double> low, high;
  std::string label;  // text next to the point ("" = none)
};

struct Series {
  std::string name;  // legend entry ("" = not in the legend)
  std::vector<Point> points;
  bool line = true;     // join the points in order
  bool markers = true;  // a dot at every point
  bool faint = false;   // pale and dashed: reference data beside ours
  std::string colour;   // "" = the next colour of the palette
};

// Histogram: counts[i] over [edges[i], edges[i+1]); edges.size() == counts.size() + 1.
struct Histogram {
  Histogram(std::string name_ = "", std::vector<double> edges_ = {}, std::vector<double> counts_ = {})
      : name(std::move(name_)), edges(std::move(edges_)), counts(std::move(counts_)) {}
  std::string name;  // legend entry
  std::vector<double> edges;
  std::vector<double> counts;
  bool faint = false;
  std::string colour;
};

struct Chart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<Histogram> histograms;  // drawn under the series
  std::vector<std::string> notes;     // lines of text under the chart (sources, how it was computed)
  int width = 760, height = 460;      // the plot area and its axes; the legend and notes add to it

  std::string svg() const;
};

// "1.5e6", "0.25", "12": short, exact enough for a tick or a label.
std::string format_number(double value);
// Text for an XML attribute or element.
std::string xml_escape(const std::string& text);

}  // namespace mosaic::plot
