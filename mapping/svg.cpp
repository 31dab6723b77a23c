#include "mapping/svg.hpp"

#include <algorithm>
#include <map>
#include <vector>
#include <cmath>

#include <fmt/format.h>

namespace mosaic::mapping {

namespace {

constexpr int kCell = 44;     // pixels per grid cell
constexpr int kMargin = 20;
constexpr int kHeader = 36;
constexpr int kLine = 16;

// The ports whose counts vary with the network: an R1's inputs from its tiles carry every
// routed neuron of the tile and sit at the same count almost everywhere (K when every neuron
// of the tile has a remote synapse), which painted every R1 solid red. They are left out of
// the colour; a violation on them still marks the router.
bool varies(const Arch& arch, GridPos p, int port) {
  if (arch.cell_type(p) != CellType::R1 || port >= kSides) return true;
  const GridPos from = step(p, kAllSides[port]);
  return !(arch.in_grid(from) && arch.cell_type(from) == CellType::NeuronTile);
}

struct CellUse {
  double worst = 0;     // worst count / limit over the ports that vary
  int worst_port = -1;  // physical port index of it
};

// Use of a cell against the chip's capacity (physical, Arch::capacity_at) or, without one,
// against the network's maximum over the cells of its type (needed capacity, canonical ports
// turned back to the cell's physical sides as capacity_at turns the chip's).
CellUse cell_use(const Arch& arch, const Mapping& mapping, GridPos p) {
  const PortVector& used = mapping.ports.at(p);
  PortVector limit{};
  if (const auto capacity = arch.capacity_at(p)) {
    limit = *capacity;
  } else {
    const PortVector& canonical = mapping.needed.of(arch.cell_type(p));
    limit = canonical;
    if (arch.is_east_west_r1(p))
      for (Side s : kAllSides) {
        limit[in_port(s)] = canonical[in_port(canonical_r1_side(s))];
        limit[out_port(s)] = canonical[out_port(canonical_r1_side(s))];
      }
  }
  CellUse use;
  for (int port = 0; port < static_cast<int>(used.size()); ++port) {
    if (used[port] == 0 || !varies(arch, p, port)) continue;
    const double u = limit[port] > 0 ? double(used[port]) / limit[port] : 2.0;
    if (u > use.worst) {
      use.worst = u;
      use.worst_port = port;
    }
  }
  return use;
}

}  // namespace

std::string heat_colour(double usage) {
  if (usage > 1.0) return "#8e24aa";
  const double u = std::clamp(usage, 0.0, 1.0);
  const int green = static_cast<int>(255 - 200 * u);
  const int blue = static_cast<int>(255 * std::max(0.0, 1 - 2 * u));
  return fmt::format("#ff{:02x}{:02x}", green, blue);
}

std::string svg_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_number(double value) {
  const double a = std::fabs(value);
  if (a >= 1e6) return fmt::format("{:.1f}M", value / 1e6);
  if (a >= 1e4) return fmt::format("{:.0f}k", value / 1e3);
  if (a >= 1e3) return fmt::format("{:.1f}k", value / 1e3);
  if (a >= 100 || a == 0) return fmt::format("{:.0f}", value);
  if (a >= 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.2g}", value);
}

std::string usage_svg(const Arch& arch, const Mapping& mapping) {
  const bool chip = arch.capacity.any();
  std::map<GridPos, std::vector<const Violation*>> violations;
  for (const Violation& v : mapping.violations) violations[v.pos].push_back(&v);
  const auto vector_text = [](const PortVector& v) { return fmt::format("{}", fmt::join(v, " ")); };
  const auto violation_text = [](const Violation& v) {
    return fmt::format("{}_{}_{} {} {}/{}", cell_type_name(v.type), v.pos.x, v.pos.y, port_name(v.port), v.count, v.capacity);
  };

  // Caption: every key number, on as many lines as it takes.
  GridPos worst_pos{-1, -1};
  CellUse worst_use;
  for (GridPos p : arch.routers()) {
    const CellUse use = cell_use(arch, mapping, p);
    if (use.worst > worst_use.worst) worst_use = use, worst_pos = p;
  }
  std::vector<std::string> lines = {
      fmt::format("{} chip, {} routing: {} router lines, routing memory {} cells (homogeneous model), {} (per instance)",
                  arch.name(), routing_name(mapping.routes.algorithm), mapping.ports.router_lines(),
                  mapping.memory.homogeneous.total(), mapping.memory.per_instance.total()),
      chip ? fmt::format("colour: worst port use against the chip's capacity (--chip); numbers: that use in %")
           : fmt::format("colour: worst port use against the network's maximum for the cell type (no --chip: the chip is "
                         "sized for this network, so the busiest router of each type is at 100 %); numbers: that use in %"),
      "R1 inputs from a tile carry every routed neuron of the tile (the same count almost everywhere): left out of the "
      "colour, still checked for violations",
      fmt::format("needed capacity (canonical in N E S W, out N E S W): NT {}, R1 {}, R0 {}", vector_text(mapping.needed.nt),
                  vector_text(mapping.needed.r1), vector_text(mapping.needed.r0)),
  };
  if (chip)
    lines.push_back(fmt::format("chip capacity: NT {}, R1 {}, R0 {}",
                                arch.capacity.nt ? vector_text(*arch.capacity.nt) : "sized for the network",
                                arch.capacity.r1 ? vector_text(*arch.capacity.r1) : "sized for the network",
                                arch.capacity.r0 ? vector_text(*arch.capacity.r0) : "sized for the network"));
  if (worst_pos.x >= 0)
    lines.push_back(fmt::format("fullest router {}_{}_{}: {} at {:.0f} %", cell_type_name(arch.cell_type(worst_pos)),
                                worst_pos.x, worst_pos.y, port_name(worst_use.worst_port), 100 * worst_use.worst));
  if (mapping.violations.empty()) {
    lines.push_back("mappable: yes, no port over capacity");
  } else {
    std::string first;
    for (std::size_t i = 0; i < mapping.violations.size() && i < 4; ++i)
      first += (i ? ", " : "") + violation_text(mapping.violations[i]);
    lines.push_back(fmt::format("mappable: NO, {} ports over capacity on {} cells (violet, marked !): {}{}",
                                mapping.violations.size(), violations.size(), first,
                                mapping.violations.size() > 4 ? ", ..." : ""));
  }

  std::size_t longest = 0;
  for (const std::string& line : lines) longest = std::max(longest, line.size());
  const int grid_width = arch.grid_cols() * kCell, grid_height = arch.grid_rows() * kCell;
  const int legend_top = kHeader + grid_height + 20;
  const int caption_top = legend_top + 40;
  const int width = std::max(grid_width + 2 * kMargin, static_cast<int>(longest * 6.2) + 2 * kMargin);
  const int height = caption_top + static_cast<int>(lines.size()) * kLine + kMargin;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"10\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\">Port use of every router and tile: {} on {}</text>\n",
      width, height, kMargin, kMargin + 6, routing_name(mapping.routes.algorithm), arch.name());
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      const GridPos p{x, y};
      const int left = kMargin + y * kCell, top = kHeader + x * kCell;
      const auto found = violations.find(p);
      const bool over = found != violations.end();
      std::string marks;
      if (over) {
        std::string list;
        for (const Violation* v : found->second) list += (list.empty() ? "" : ", ") + violation_text(*v);
        marks = fmt::format("<text class=\"violation\" x=\"{}\" y=\"{}\" font-weight=\"bold\" font-size=\"12\" "
                            "fill=\"#8e24aa\">!</text><title>{}</title>",
                            left + kCell - 10, top + 12, svg_escape(list));
      }
      const PortVector& ports = mapping.ports.at(p);
      const int tile = arch.tile_at(p);
      if (tile >= 0) {
        int lines_in = 0;
        for (int s = 0; s < kSides; ++s) lines_in += ports[s];
        svg += fmt::format(
            "<g id=\"tile_{}\" class=\"tile{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
            "stroke=\"{}\" stroke-width=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">tile {}</text>"
            "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} in</text>{}</g>\n",
            tile, over ? " violation" : "", left + 1, top + 1, kCell - 2, kCell - 2, over ? "#e1bee7" : "#90caf9",
            over ? "#8e24aa" : "#1565c0", over ? 3 : 1, left + kCell / 2, top + 17, tile, left + kCell / 2, top + 31,
            lines_in, marks);
        continue;
      }
      const CellUse use = cell_use(arch, mapping, p);
      const int inset = arch.cell_type(p) == CellType::R0 ? 8 : 4;
      svg += fmt::format(
          "<g id=\"{}_{}_{}\" class=\"router{}\" data-use=\"{:.4f}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/><text class=\"value\" x=\"{}\" y=\"{}\" "
          "text-anchor=\"middle\">{:.0f}%</text>{}</g>\n",
          cell_type_name(arch.cell_type(p)), x, y, over ? " violation" : "", use.worst, left + inset, top + inset,
          kCell - 2 * inset, kCell - 2 * inset, over ? heat_colour(2.0) : heat_colour(use.worst), over ? "#4a148c" : "#999",
          over ? 3 : 1, left + kCell / 2, top + kCell / 2 + 4, 100 * use.worst, marks);
    }
  }
  for (int i = 0; i <= 10; ++i)
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>\n", kMargin + i * 14, legend_top,
                       heat_colour(i / 10.0));
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\">0 %</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">100 %</text>"
      "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">over capacity (!)</text>\n",
      kMargin, legend_top + 22, kMargin + 11 * 14, legend_top + 22, kMargin + 11 * 14 + 10, legend_top,
      heat_colour(2.0), kMargin + 11 * 14 + 28, legend_top + 9);
  for (std::size_t i = 0; i < lines.size(); ++i)
    svg += fmt::format("<text class=\"caption\" x=\"{}\" y=\"{}\">{}</text>\n", kMargin,
                       caption_top + static_cast<int>(i) * kLine, svg_escape(lines[i]));
  svg += "</svg>\n";
  return svg;
}

}  // namespace mosaic::mapping
