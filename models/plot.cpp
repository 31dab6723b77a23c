#include "models/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace mosaic::plot {

namespace {

// Layout in pixels: room for the title above, tick labels and the axis label left and below.
constexpr int kLeft = 84, kTop = 44, kRight = 24, kBottom = 64;
constexpr int kLegendGap = 16, kLegendRow = 18, kNoteRow = 16;
constexpr double kCharWidth = 6.6;  // of 11 px sans-serif text, to size the legend column

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

void check_finite(double v, const std::string& what) {
  if (!std::isfinite(v)) throw std::invalid_argument("plot: " + what + " is not a finite number");
}

// The data range of one axis, then the drawn range: padded a little and rounded to ticks.
struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) { lo = std::min(lo, v); hi = std::max(hi, v); }
  bool empty() const { return lo > hi; }
};

// 1, 2 or 5 times a power of ten, the nearest at or above `step`.
double nice_step(double step) {
  const double power = std::pow(10.0, std::floor(std::log10(step)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= step * (1 - 1e-9)) return m * power;
  return 10 * power;
}

// 1-2-5 values of a log axis at or below (down) / at or above (up) v > 0.
double log_bound(double v, bool up) {
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  const double steps[] = {1, 2, 5, 10};
  if (up) {
    for (double m : steps)
      if (m * power >= v * (1 - 1e-9)) return m * power;
    return 10 * power;
  }
  for (int i = 3; i >= 0; --i)
    if (steps[i] * power <= v * (1 + 1e-9)) return steps[i] * power;
  return power;
}

// Point labels are placed beside their point where they overlap no point marker and no label
// placed before them: right of the point and above it by default, else right and below, right
// and level, then the same on the left; else one to four rows further up or down on the right,
// with a thin leader line to the point (a label away from its point would otherwise be read as
// another point's). A label that finds no free place keeps the default.
class LabelPlacer {
 public:
  struct Place {
    double x, y;
    bool end_anchored;  // text-anchor="end": the label ends at x
    bool leader = false;  // away from its point: drawn with a line to it
  };
  void avoid_marker(double px, double py) { taken_.push_back({px - 4.5, py - 4.5, px + 4.5, py + 4.5}); }
  Place place(double px, double py, std::size_t characters) {
    const double width = characters * kCharWidth, height = 12;
    auto box = [&](const Place& p) {
      const double left = p.end_anchored ? p.x - width : p.x;
      return Box{left, p.y - height + 2, left + width, p.y + 2};
    };
    std::vector<Place> candidates = {{px + 6, py - 6, false}, {px + 6, py + 14, false}, {px + 8, py + 4, false},
                                     {px - 6, py - 6, true},  {px - 6, py + 14, true},  {px - 8, py + 4, true}};
    for (int row = 1; row <= 4; ++row)
      for (const double dy : {-row * height, row * height})
        candidates.push_back({px + 14, py + 4 + dy + (dy > 0 ? 6 : -6), false, true});
    for (const Place& c : candidates) {
      const Box b = box(c);
      if (std::none_of(taken_.begin(), taken_.end(), [&](const Box& o) { return b.overlaps(o); })) {
        taken_.push_back(b);
        return c;
      }
    }
    taken_.push_back(box(candidates[0]));
    return candidates[0];
  }

 private:
  struct Box {
    double left, top, right, bottom;
    bool overlaps(const Box& o) const { return left < o.right && o.left < right && top < o.bottom && o.top < bottom; }
  };
  std::vector<Box> taken_;
};

class Scaler {
 public:
  Scaler(const Axis& axis, Range data, const std::string& name) : axis_(axis) {
    log_ = axis.scale == Scale::Log;
    if (data.empty()) data = log_ ? Range{1, 10} : Range{0, 1};
    if (log_ && data.lo <= 0)
      throw std::invalid_argument("plot: the " + name + " axis is logarithmic but holds " + format_number(data.lo));
    if (!log_ && axis.include_zero) data.add(0);
    if (log_) {
      lo_ = axis.min.value_or(log_bound(data.lo, false));
      hi_ = axis.max.value_or(log_bound(data.hi, true));
      if (hi_ <= lo_) hi_ = log_bound(lo_ * 1.0001, true);
    } else {
      double span = data.hi - data.lo;
      if (span <= 0) span = data.lo != 0 ? std::fabs(data.lo) * 0.2 : 1.0;
      const double step = nice_step(span / 5);
      const double pad = span * 0.04;
      lo_ = axis.min.value_or(data.lo >= 0 && data.lo - pad < 0 ? 0.0 : std::floor((data.lo - pad) / step) * step);
      hi_ = axis.max.value_or(std::ceil((data.hi + pad) / step) * step);
      if (hi_ <= lo_) hi_ = lo_ + step;
    }
    if (log_ && (lo_ <= 0 || hi_ <= 0))
      throw std::invalid_argument("plot: the " + name + " axis is logarithmic but its range is not positive");
  }

  // Position in [0, 1] along the axis.
  double fraction(double v) const {
    if (log_) return (std::log10(v) - std::log10(lo_)) / (std::log10(hi_) - std::log10(lo_));
    return (v - lo_) / (hi_ - lo_);
  }

  std::vector<std::pair<double, std::string>> ticks() const {
    if (!axis_.ticks.empty()) return axis_.ticks;
    std::vector<std::pair<double, std::string>> out;
    if (log_) {
      const double decades = std::log10(hi_) - std::log10(lo_);
      for (double power = std::pow(10.0, std::floor(std::log10(lo_))); power <= hi_ * (1 + 1e-9); power *= 10)
        for (double m : {1.0, 2.0, 5.0}) {
          const double v = m * power;
          if ((m == 1.0 || decades <= 2.5) && v >= lo_ * (1 - 1e-9) && v <= hi_ * (1 + 1e-9))
            out.emplace_back(v, format_number(v));
        }
      return out;
    }
    const double step = nice_step((hi_ - lo_) / 6);
    for (double v = std::ceil(lo_ / step - 1e-9) * step; v <= hi_ + step * 1e-9; v += step)
      out.emplace_back(std::fabs(v) < step * 1e-9 ? 0.0 : v, format_number(std::fabs(v) < step * 1e-9 ? 0.0 : v));
    return out;
  }

 private:
  const Axis& axis_;
  bool log_ = false;
  double lo_ = 0, hi_ = 1;
};

std::string fixed(double v) { return fmt::format("{:.2f}", v); }

}  // namespace

std::string format_number(double value) {
  if (value == 0) return "0";
  if (!std::isfinite(value)) return fmt::format("{}", value);
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) {
    int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    double mantissa = value / std::pow(10.0, exponent);
    if (std::fabs(std::stod(fmt::format("{:.3g}", mantissa))) >= 10) {
      ++exponent;
      mantissa /= 10;
    }
    return fmt::format("{:.3g}e{}", mantissa, exponent);
  }
  return fmt::format("{:.4g}", value);
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  return out;
}

std::string Chart::svg() const {
  // The data ranges (and the checks: finite values, positive on log axes).
  Range xs, ys;
  for (const Series& s : series)
    for (const Point& p : s.points) {
      check_finite(p.x, "x of a point of series '" + s.name + "'");
      check_finite(p.y, "y of a point of series '" + s.name + "'");
      xs.add(p.x);
      ys.add(p.y);
      for (const auto& bound : {p.low, p.high})
        if (bound) {
          check_finite(*bound, "error bar of series '" + s.name + "'");
          ys.add(*bound);
        }
    }
  for (const Histogram& h : histograms) {
    if (h.edges.size() != h.counts.size() + 1)
      throw std::invalid_argument("plot: histogram '" + h.name + "' needs one edge more than counts");
    for (double e : h.edges) {
      check_finite(e, "an edge of histogram '" + h.name + "'");
      xs.add(e);
    }
    for (double c : h.counts) {
      check_finite(c, "a count of histogram '" + h.name + "'");
      ys.add(c);
    }
    ys.add(0);
  }
  for (const auto& [v, label] : x.ticks) xs.add(v);
  const Scaler sx(x, xs, "x"), sy(y, ys, "y");

  // Legend entries: series and histograms with a name, in order.
  struct Entry {
    std::string name, colour;
    bool faint, line, marker, bar;
  };
  std::vector<Entry> legend;
  std::vector<std::string> series_colour, histogram_colour;
  std::size_t next = 0;
  auto colour_of = [&](const std::string& given) {
    return given.empty() ? std::string(kPalette[next++ % (sizeof(kPalette) / sizeof(*kPalette))]) : given;
  };
  for (const Histogram& h : histograms) {
    histogram_colour.push_back(colour_of(h.colour));
    if (!h.name.empty()) legend.push_back({h.name, histogram_colour.back(), h.faint, false, false, true});
  }
  for (const Series& s : series) {
    series_colour.push_back(colour_of(s.colour));
    if (!s.name.empty()) legend.push_back({s.name, series_colour.back(), s.faint, s.line, s.markers, false});
  }
  std::size_t longest = 0;
  for (const Entry& e : legend) longest = std::max(longest, e.name.size());
  const int legend_width = legend.empty() ? 0 : kLegendGap + 30 + static_cast<int>(longest * kCharWidth) + 8;
  const int total_width = width + legend_width;
  const int total_height = height + static_cast<int>(notes.size()) * kNoteRow + (notes.empty() ? 0 : 6);

  const double x0 = kLeft, y0 = kTop;
  const double pw = width - kLeft - kRight, ph = height - kTop - kBottom;
  auto px = [&](double v) { return x0 + sx.fraction(v) * pw; };
  auto py = [&](double v) { return y0 + ph - sy.fraction(v) * ph; };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      total_width, total_height);
  out += fmt::format("<text class=\"title\" x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" "
                     "font-weight=\"bold\">{}</text>\n",
                     fixed(x0 + pw / 2), xml_escape(title));

  // Grid, ticks and their labels.
  for (const auto& [v, label] : sx.ticks()) {
    const double p = px(v);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#e6e6e6\"/>\n"
        "<text class=\"x-tick\" data-value=\"{3}\" x=\"{0}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>\n",
        fixed(p), fixed(y0), fixed(y0 + ph), v, fixed(y0 + ph + 16), xml_escape(label));
  }
  for (const auto& [v, label] : sy.ticks()) {
    const double p = py(v);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e6e6e6\"/>\n"
        "<text class=\"y-tick\" data-value=\"{3}\" x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>\n",
        fixed(x0), fixed(p), fixed(x0 + pw), v, fixed(x0 - 6), fixed(p + 4), xml_escape(label));
  }
  out += fmt::format("<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
                     "stroke=\"#333\"/>\n",
                     fixed(x0), fixed(y0), fixed(pw), fixed(ph));
  out += fmt::format("<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>\n",
                     fixed(x0 + pw / 2), fixed(y0 + ph + 40), xml_escape(x.label));
  out += fmt::format("<text class=\"y-label\" transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\" "
                     "font-size=\"12\">{}</text>\n",
                     fixed(y0 + ph / 2), xml_escape(y.label));

  // Histograms, then series (lines, error bars, points, labels).
  for (std::size_t i = 0; i < histograms.size(); ++i) {
    const Histogram& h = histograms[i];
    out += fmt::format("<g class=\"histogram\" data-name=\"{}\" fill=\"{}\" fill-opacity=\"{}\">\n", xml_escape(h.name),
                       histogram_colour[i], h.faint ? "0.25" : "0.7");
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
      const double left = px(h.edges[b]), right = px(h.edges[b + 1]), top = py(h.counts[b]), base = py(0);
      out += fmt::format(
          "<rect class=\"bar\" data-low=\"{}\" data-high=\"{}\" data-count=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
          "height=\"{}\" stroke=\"white\" stroke-width=\"0.5\"/>\n",
          h.edges[b], h.edges[b + 1], h.counts[b], fixed(std::min(left, right)), fixed(std::min(top, base)),
          fixed(std::fabs(right - left)), fixed(std::fabs(base - top)));
    }
    out += "</g>\n";
  }
  LabelPlacer labels;
  for (const Series& s : series)
    if (s.markers)
      for (const Point& p : s.points) labels.avoid_marker(px(p.x), py(p.y));
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const std::string& colour = series_colour[i];
    const std::string opacity = s.faint ? "0.4" : "1";
    out += fmt::format("<g class=\"series\" data-name=\"{}\" opacity=\"{}\">\n", xml_escape(s.name), opacity);
    if (s.line && s.points.size() > 1) {
      std::string path;
      for (const Point& p : s.points) path += fmt::format("{}{},{}", path.empty() ? "" : " ", fixed(px(p.x)), fixed(py(p.y)));
      out += fmt::format("<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{}/>\n",
                         path, colour, s.faint ? " stroke-dasharray=\"5 3\"" : "");
    }
    for (const Point& p : s.points) {
      if (p.low && p.high) {
        const double cx = px(p.x), lo = py(*p.low), hi = py(*p.high);
        out += fmt::format(
            "<path class=\"error-bar\" data-low=\"{}\" data-high=\"{}\" d=\"M{},{} V{} M{},{} H{} M{},{} H{}\" "
            "stroke=\"{}\" fill=\"none\"/>\n",
            *p.low, *p.high, fixed(cx), fixed(lo), fixed(hi), fixed(cx - 4), fixed(lo), fixed(cx + 4), fixed(cx - 4),
            fixed(hi), fixed(cx + 4), colour);
      }
      if (s.markers)
        out += fmt::format("<circle class=\"point\" data-x=\"{}\" data-y=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\" "
                           "stroke=\"{}\"/>\n",
                           p.x, p.y, fixed(px(p.x)), fixed(py(p.y)), s.faint ? "white" : colour, colour);
      if (!p.label.empty()) {
        const LabelPlacer::Place at = labels.place(px(p.x), py(p.y), p.label.size());
        if (at.leader)
          out += fmt::format("<line class=\"label-leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\" "
                             "stroke-width=\"0.6\"/>\n",
                             fixed(px(p.x) + 3), fixed(py(p.y)), fixed(at.x - 1), fixed(at.y - 4));
        out += fmt::format("<text class=\"point-label\" x=\"{}\" y=\"{}\"{} fill=\"{}\">{}</text>\n", fixed(at.x),
                           fixed(at.y), at.end_anchored ? " text-anchor=\"end\"" : "", s.faint ? "#888" : "#222",
                           xml_escape(p.label));
      }
    }
    out += "</g>\n";
  }

  // Legend, right of the plot area.
  if (!legend.empty()) {
    const double lx = x0 + pw + kLegendGap;
    out += "<g class=\"legend\">\n";
    for (std::size_t i = 0; i < legend.size(); ++i) {
      const Entry& e = legend[i];
      const double ly = y0 + 8 + i * kLegendRow;
      const std::string opacity = e.faint ? "0.4" : "1";
      if (e.bar)
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"10\" fill=\"{}\" fill-opacity=\"{}\"/>\n",
                           fixed(lx), fixed(ly - 5), e.colour, e.faint ? "0.25" : "0.7");
      if (e.line)
        out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.6\" opacity=\"{}\"{}/>\n",
                           fixed(lx), fixed(ly), fixed(lx + 22), fixed(ly), e.colour, opacity,
                           e.faint ? " stroke-dasharray=\"5 3\"" : "");
      if (e.marker)
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\" stroke=\"{}\" opacity=\"{}\"/>\n",
                           fixed(lx + 11), fixed(ly), e.faint ? "white" : e.colour, e.colour, opacity);
      out += fmt::format("<text class=\"legend-entry\" x=\"{}\" y=\"{}\">{}</text>\n", fixed(lx + 30), fixed(ly + 4),
                         xml_escape(e.name));
    }
    out += "</g>\n";
  }
  for (std::size_t i = 0; i < notes.size(); ++i)
    out += fmt::format("<text class=\"note\" x=\"8\" y=\"{}\" fill=\"#444\">{}</text>\n",
                       height + 4 + static_cast<int>(i + 1) * kNoteRow - 4, xml_escape(notes[i]));
  out += "</svg>\n";
  return out;
}

}  // namespace mosaic::plot
