#include "sim/svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mapping/svg.hpp"

namespace mosaic::sim {

namespace {

using mapping::heat_colour;
using mapping::svg_escape;
using mapping::svg_number;

constexpr int kCell = 60;    // pixels per grid cell
constexpr int kMargin = 20;
constexpr int kHeader = 36;  // title line above the grid
constexpr int kLine = 16;    // caption line height

// Light blue (no spikes) to dark blue (the most spiking tile).
std::string tile_colour(double fraction) {
  const double f = std::clamp(fraction, 0.0, 1.0);
  const auto mix = [&](int from, int to) { return static_cast<int>(std::lround(from + (to - from) * f)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(0xe3, 0x0d), mix(0xf2, 0x47), mix(0xfd, 0xa1));
}

std::string block_name(const RouterStats& r) { return fmt::format("{}_{}_{}", cell_type_name(r.type), r.pos.x, r.pos.y); }

// A caption wide enough for its longest line (about 6.2 px per character at font size 11).
int caption_width(const std::vector<std::string>& lines) {
  std::size_t longest = 0;
  for (const std::string& line : lines) longest = std::max(longest, line.size());
  return static_cast<int>(longest * 6.2) + 2 * kMargin;
}

std::string caption(const std::vector<std::string>& lines, int top) {
  std::string svg;
  for (std::size_t i = 0; i < lines.size(); ++i)
    svg += fmt::format("<text class=\"caption\" x=\"{}\" y=\"{}\">{}</text>\n", kMargin, top + static_cast<int>(i) * kLine,
                       svg_escape(lines[i]));
  return svg;
}

// A colour scale with its end values printed: `colour(f)` for f in 0..1.
template <typename Colour>
std::string scale(int left, int top, const std::string& title, double max, const Colour& colour) {
  std::string svg = fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", left, top - 4, svg_escape(title));
  for (int i = 0; i <= 10; ++i)
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n", left + i * 14, top,
                       colour(i / 10.0));
  svg += fmt::format("<text x=\"{}\" y=\"{}\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left,
                     top + 22, left + 11 * 14, top + 22, svg_number(max));
  return svg;
}

}  // namespace

std::string chip_svg(const LoadedRun& run, const RunStats& stats, const RunSummary& summary) {
  const Arch& arch = run.trained.arch;
  const double samples = std::max(summary.samples, 1);
  const bool aer = run.config.mode == LinkMode::Aer;

  // Per-sample figures and their maxima (the colour scales).
  double max_router = 0, max_tile = 0, max_link = 0;
  const RouterStats* busiest_router = nullptr;
  const TileStats* busiest_tile = nullptr;
  for (const RouterStats& r : stats.routers) {
    if (!busiest_router || r.traversals > busiest_router->traversals) busiest_router = &r;
    for (std::int64_t events : r.port_events) max_link = std::max(max_link, events / samples);
  }
  for (const TileStats& t : stats.tiles)
    if (!busiest_tile || t.spikes > busiest_tile->spikes) busiest_tile = &t;
  if (busiest_router) max_router = busiest_router->traversals / samples;
  if (busiest_tile) max_tile = busiest_tile->spikes / samples;
  const auto fraction = [](double value, double max) { return max > 0 ? value / max : 0.0; };

  // The busiest link direction: a router's output side, or a tile's output into a router.
  std::string busiest_link = "none";
  double busiest_link_load = -1;
  for (const RouterStats& r : stats.routers)
    for (Side s : kAllSides) {
      const GridPos n = step(r.pos, s);
      if (!arch.in_grid(n)) continue;
      const double out = r.port_events[kSides + static_cast<int>(s)] / samples;
      if (out > busiest_link_load) {
        busiest_link_load = out;
        busiest_link = fmt::format("{} -> {}", block_name(r), side_letter(s));
      }
      if (arch.cell_type(n) == CellType::NeuronTile) {
        const double in = r.port_events[static_cast<int>(s)] / samples;
        if (in > busiest_link_load) {
          busiest_link_load = in;
          busiest_link = fmt::format("tile_{} -> {}", arch.tile_at(n), block_name(r));
        }
      }
    }

  std::vector<std::string> lines = {
      fmt::format("mosaic-sim: {} on {}", run.net_path, run.input_path),
      fmt::format("chip {} ({} tiles, {} routers), {} links, routes: {}", arch.name(), arch.num_tiles(),
                  stats.routers.size(), link_mode_name(run.config.mode), run.routes_source),
      fmt::format("{} samples ({} recordings x {} subsets), {} steps of {:g} ms; every number is per sample", summary.samples,
                  summary.recordings, run.spec.interleave_k, summary.steps, summary.step_ms),
      busiest_router ? fmt::format("busiest router {}: {} traversals per sample ({:.1f} % of all)", block_name(*busiest_router),
                                   svg_number(max_router),
                                   100 * fraction(busiest_router->traversals, stats.router_traversals))
                     : "no router",
      busiest_tile ? fmt::format("busiest tile {}: {} spikes per sample ({:.1f} % of all)", busiest_tile->tile,
                                 svg_number(max_tile), 100 * fraction(busiest_tile->spikes, stats.spikes))
                   : "no tile",
      fmt::format("busiest link {}: {} events per sample; links: line from a block's side across to its neighbour, "
                  "colour and width by events per sample",
                  busiest_link, svg_number(std::max(busiest_link_load, 0.0))),
  };
  if (aer) {
    const AerCongestion a = aer_congestion(stats);
    const int fullest = a.fullest_fifo;
    const double router_stalls = a.router_stalls, tile_stalls = a.tile_stalls;
    lines.push_back(fmt::format("aer: under each router F = its fullest input FIFO (of {}), S = its stalled output cycles "
                                "per sample; fullest FIFO {}/{}, stalled cycles per sample {} in routers, {} in tiles",
                                run.config.fifo_depth, fullest, run.config.fifo_depth, svg_number(router_stalls / samples),
                                svg_number(tile_stalls / samples)));
  }
  lines.push_back(fmt::format("energy per subset-sample {} nJ (routing {}, synaptic {}, neuron {}){}",
                              svg_number(summary.total_pj() / samples * 1e-3), svg_number(summary.router_pj / samples * 1e-3),
                              svg_number(summary.synaptic_pj / samples * 1e-3), svg_number(summary.neuron_pj / samples * 1e-3),
                              run.energy.placeholder ? " -- PLACEHOLDER per-event costs" : ""));

  const int grid_width = arch.grid_cols() * kCell, grid_height = arch.grid_rows() * kCell;
  const int legend_top = kHeader + grid_height + 24;
  const int caption_top = legend_top + 48;
  const int width = std::max({grid_width + 2 * kMargin, caption_width(lines), 3 * 190 + 2 * kMargin});
  const int height = caption_top + static_cast<int>(lines.size()) * kLine + kMargin;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"10\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\">Traffic per sample on the {} chip: router traversals, "
      "link events, tile spikes</text>\n",
      width, height, kMargin, kMargin + 6, arch.name());
  const auto cell_left = [&](GridPos p) { return kMargin + p.y * kCell; };
  const auto cell_top = [&](GridPos p) { return kHeader + p.x * kCell; };

  // Tiles.
  for (const TileStats& t : stats.tiles) {
    const GridPos p = arch.tile_pos(t.tile);
    const double per_sample = t.spikes / samples;
    const double f = fraction(per_sample, max_tile);
    const bool busiest = &t == busiest_tile;
    svg += fmt::format(
        "<g id=\"tile_{}\" class=\"tile\" data-spikes-per-sample=\"{}\">"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">tile {}</text>"
        "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{}\">{}</text>{}</g>\n",
        t.tile, per_sample, cell_left(p) + 2, cell_top(p) + 2, kCell - 4, kCell - 4, tile_colour(f),
        busiest ? "black" : "#1565c0", busiest ? 3 : 1, cell_left(p) + kCell / 2, cell_top(p) + 14,
        f > 0.5 ? "white" : "black", t.tile, cell_left(p) + kCell / 2, cell_top(p) + 32, f > 0.5 ? "white" : "black",
        svg_number(per_sample),
        busiest ? fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"{}\">busiest</text>",
                              cell_left(p) + kCell / 2, cell_top(p) + 48, f > 0.5 ? "white" : "black")
                : "");
  }
  // Routers, and the links leaving them (and entering them from tiles).
  std::string links;
  for (const RouterStats& r : stats.routers) {
    const GridPos p = r.pos;
    const double per_sample = r.traversals / samples;
    const bool busiest = &r == busiest_router;
    const int inset = r.type == CellType::R0 ? 14 : 9;
    std::string extra;
    if (aer)
      extra = fmt::format("<text class=\"aer\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"8\">F{} S{}</text>",
                          cell_left(p) + kCell / 2, cell_top(p) + kCell - inset - 3,
                          *std::max_element(r.max_fifo.begin(), r.max_fifo.end()), svg_number(r.stall_cycles / samples));
    if (busiest)
      extra += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" font-size=\"8\">busiest</text>",
                           cell_left(p) + kCell / 2, cell_top(p) + inset + 9);
    svg += fmt::format(
        "<g id=\"{}\" class=\"router\" data-traversals-per-sample=\"{}\">"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>"
        "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>{}</g>\n",
        block_name(r), per_sample, cell_left(p) + inset, cell_top(p) + inset, kCell - 2 * inset, kCell - 2 * inset,
        heat_colour(fraction(per_sample, max_router)), busiest ? "black" : "#999", busiest ? 3 : 1,
        cell_left(p) + kCell / 2, cell_top(p) + kCell / 2 + 4, svg_number(per_sample), extra);
    for (Side s : kAllSides) {
      const GridPos n = step(p, s);
      if (!arch.in_grid(n)) continue;
      const auto link = [&](GridPos from, Side towards, double load, const std::string& name) {
        if (load <= 0) return;
        // A short line across the shared edge, offset to one side per direction so that both
        // directions between two blocks show.
        const int cx = cell_left(from) + kCell / 2, cy = cell_top(from) + kCell / 2;
        const int half = kCell / 2, reach = 9, offset = 5;
        int x1 = cx, y1 = cy, x2 = cx, y2 = cy;
        switch (towards) {
          case Side::East: x1 = cx + half - reach; x2 = cx + half + reach; y1 = y2 = cy - offset; break;
          case Side::West: x1 = cx - half + reach; x2 = cx - half - reach; y1 = y2 = cy + offset; break;
          case Side::South: y1 = cy + half - reach; y2 = cy + half + reach; x1 = x2 = cx + offset; break;
          case Side::North: y1 = cy - half + reach; y2 = cy - half - reach; x1 = x2 = cx - offset; break;
        }
        const double f = fraction(load, max_link);
        links += fmt::format(
            "<line class=\"link\" id=\"{}\" data-events-per-sample=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
            "stroke=\"{}\" stroke-width=\"{:.1f}\"/>\n",
            name, load, x1, y1, x2, y2, heat_colour(std::max(f, 0.15)), 1.5 + 3.5 * f);
      };
      link(p, s, r.port_events[kSides + static_cast<int>(s)] / samples, fmt::format("{}.out_{}", block_name(r), side_letter(s)));
      if (arch.cell_type(n) == CellType::NeuronTile)
        link(n, opposite(s), r.port_events[static_cast<int>(s)] / samples,
             fmt::format("tile_{}.out_{}", arch.tile_at(n), side_letter(opposite(s))));
    }
  }
  svg += links;
  svg += scale(kMargin, legend_top, "router traversals per sample", max_router, [](double f) { return heat_colour(f); });
  svg += scale(kMargin + 190, legend_top, "link events per sample", max_link,
               [](double f) { return heat_colour(std::max(f, 0.15)); });
  svg += scale(kMargin + 380, legend_top, "tile spikes per sample", max_tile, tile_colour);
  svg += caption(lines, caption_top);
  svg += "</svg>\n";
  return svg;
}

std::string latency_svg(const LoadedRun& run, const RunStats& stats, const RunSummary& summary) {
  const int steps = summary.steps;
  const double samples = std::max(summary.samples, 1);
  constexpr int kPlotWidth = 600, kPlotHeight = 200, kLeft = 70, kGap = 90;
  const int top1 = kHeader + 20, top2 = top1 + kPlotHeight + kGap;
  const auto x_of = [&](double step) { return kLeft + kPlotWidth * step / std::max(steps, 1); };

  std::vector<std::string> lines = {
      fmt::format("mosaic-sim: {} on {}", run.net_path, run.input_path),
      fmt::format("{} samples ({} recordings x {} subsets), {} steps; a step is t_max / bins = {:g} ms of audio", summary.samples,
                  summary.recordings, run.spec.interleave_k, steps, summary.step_ms),
      fmt::format("decision step: the first step from which the running prediction (argmax of the output spike counts so "
                  "far) equals the final one; median {} steps ({:g} ms), mean {:.1f} ({:.4g} ms), 90 % by step {} ({:g} ms)",
                  summary.decision_median_steps, summary.decision_median_steps * summary.step_ms,
                  summary.decision_mean_steps, summary.decision_mean_steps * summary.step_ms, summary.decision_p90_steps,
                  summary.decision_p90_steps * summary.step_ms),
      fmt::format("accuracy over time: share of samples whose running prediction after step t is their label; final "
                  "{:.2f} %", 100 * summary.score.accuracy()),
  };
  const int caption_top = top2 + kPlotHeight + 60;
  const int width = std::max(kLeft + kPlotWidth + 2 * kMargin, caption_width(lines));
  const int height = caption_top + static_cast<int>(lines.size()) * kLine + kMargin;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"10\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\">When the network decides: decision latency and "
      "accuracy over time</text>\n",
      width, height, kMargin, kMargin + 6);

  // The step axis of a panel, in steps and in ms of audio.
  const auto axis = [&](int top, const std::string& title) {
    std::string a = fmt::format(
        "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>\n"
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n"
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n",
        kLeft, top - 8, svg_escape(title), kLeft, top + kPlotHeight, kLeft + kPlotWidth, top + kPlotHeight, kLeft, top,
        kLeft, top + kPlotHeight);
    const int every = steps <= 20 ? 2 : steps <= 50 ? 5 : steps <= 200 ? 10 : 50;
    for (int t = 0; t <= steps; t += every)
      a += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"black\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>"
          "<text x=\"{0:.1f}\" y=\"{5}\" text-anchor=\"middle\" fill=\"#555\">{6:g}</text>\n",
          x_of(t), top + kPlotHeight, top + kPlotHeight + 4, top + kPlotHeight + 15, t, top + kPlotHeight + 27,
          t * summary.step_ms);
    a += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">step</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" "
        "fill=\"#555\">ms of audio</text>\n",
        kLeft - 6, top + kPlotHeight + 15, kLeft - 6, top + kPlotHeight + 27);
    return a;
  };
  const auto marker = [&](int top, double step, const std::string& label, int row) {
    return fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>"
        "<text x=\"{3:.1f}\" y=\"{4}\" fill=\"#c62828\">{5}</text>\n",
        x_of(step), top, top + kPlotHeight, x_of(step) + 3, top + 12 + 12 * row, svg_escape(label));
  };

  // Panel 1: samples per decision step.
  std::int64_t most = 1;
  for (std::int64_t n : summary.decision_steps) most = std::max(most, n);
  svg += axis(top1, "Decision latency: samples per decision step");
  const double bar = static_cast<double>(kPlotWidth) / std::max(steps, 1);
  for (int t = 0; t < static_cast<int>(summary.decision_steps.size()); ++t) {
    const std::int64_t n = summary.decision_steps[t];
    if (n == 0) continue;
    const double h = static_cast<double>(kPlotHeight) * n / most;
    svg += fmt::format(
        "<rect class=\"bar\" data-step=\"{}\" data-samples=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
        "height=\"{:.1f}\" fill=\"#1e88e5\"/>\n",
        t, n, x_of(t) - bar / 2, top1 + kPlotHeight - h, std::max(bar - 1, 1.0), h);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>"
                     "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 {} {})\">samples</text>\n",
                     kLeft - 4, top1 + 8, most, kLeft - 4, top1 + kPlotHeight, kLeft - 40, top1 + kPlotHeight / 2,
                     kLeft - 40, top1 + kPlotHeight / 2);
  svg += marker(top1, summary.decision_median_steps,
                fmt::format("median {} steps = {:g} ms", summary.decision_median_steps,
                            summary.decision_median_steps * summary.step_ms), 0);
  svg += marker(top1, summary.decision_p90_steps,
                fmt::format("90 % by step {} = {:g} ms", summary.decision_p90_steps,
                            summary.decision_p90_steps * summary.step_ms), 1);

  // Panel 2: running accuracy per step.
  svg += axis(top2, "Accuracy over time: running prediction correct after each step");
  const auto y_of = [&](double accuracy) { return top2 + kPlotHeight * (1 - accuracy); };
  for (int percent : {0, 25, 50, 75, 100})
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/><text x=\"{3}\" y=\"{4:.1f}\" "
        "text-anchor=\"end\">{5} %</text>\n",
        kLeft, y_of(percent / 100.0), kLeft + kPlotWidth, kLeft - 4, y_of(percent / 100.0) + 3, percent);
  std::string points;
  for (std::size_t t = 0; t < stats.correct_by_step.size(); ++t)
    points += fmt::format("{:.1f},{:.1f} ", x_of(static_cast<double>(t + 1)), y_of(stats.correct_by_step[t] / samples));
  svg += fmt::format("<polyline class=\"accuracy\" fill=\"none\" stroke=\"#2e7d32\" stroke-width=\"2\" points=\"{}\"/>\n",
                     points);
  const double final_accuracy = summary.score.accuracy();
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#2e7d32\">final {:.2f} %</text>\n",
                     x_of(steps), y_of(final_accuracy) - 6, 100 * final_accuracy);
  if (summary.decision_median_steps >= 1 &&
      summary.decision_median_steps <= static_cast<int>(stats.correct_by_step.size())) {
    const double at_median = stats.correct_by_step[summary.decision_median_steps - 1] / samples;
    svg += marker(top2, summary.decision_median_steps,
                  fmt::format("{:.2f} % at the median decision step {} ({:g} ms)", 100 * at_median,
                              summary.decision_median_steps, summary.decision_median_steps * summary.step_ms), 0);
  }
  svg += caption(lines, caption_top);
  svg += "</svg>\n";
  return svg;
}

}  // namespace mosaic::sim
