#include "mapping/svg.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mosaic::mapping {

namespace {

constexpr int kCell = 28;     // pixels per grid cell
constexpr int kMargin = 20;
constexpr int kLegend = 60;

// White (idle) through yellow to red (full); violet beyond capacity.
std::string heat_colour(double usage) {
  if (usage > 1.0) return "#8e24aa";
  const double u = std::clamp(usage, 0.0, 1.0);
  const int green = static_cast<int>(255 - 200 * u);
  const int blue = static_cast<int>(255 * std::max(0.0, 1 - 2 * u));
  return fmt::format("#ff{:02x}{:02x}", green, blue);
}

// Worst port usage of a router: count / capacity over its ports. A chip's capacity_at is
// physical; the needed capacity is canonical, so the counts are turned to match it.
double worst_usage(const Arch& arch, const Mapping& mapping, GridPos p) {
  const auto capacity = arch.capacity_at(p);
  const PortVector used = capacity ? mapping.ports.at(p) : canonical_ports(arch, p, mapping.ports.at(p));
  const PortVector limit = capacity ? *capacity : mapping.needed.of(arch.cell_type(p));
  double worst = 0;
  for (std::size_t port = 0; port < used.size(); ++port)
    if (used[port] > 0) worst = std::max(worst, limit[port] > 0 ? double(used[port]) / limit[port] : 2.0);
  return worst;
}

}  // namespace

std::string usage_svg(const Arch& arch, const Mapping& mapping) {
  const int width = 2 * kMargin + arch.grid_cols() * kCell;
  const int height = 2 * kMargin + arch.grid_rows() * kCell + kLegend;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"9\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      const GridPos p{x, y};
      const int left = kMargin + y * kCell, top = kMargin + x * kCell;
      const int tile = arch.tile_at(p);
      if (tile >= 0) {
        svg += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#90caf9\" stroke=\"#1565c0\"/>"
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            left, top, kCell, kCell, left + kCell / 2, top + kCell / 2 + 3, tile);
        continue;
      }
      const double usage = worst_usage(arch, mapping, p);
      const int inset = arch.cell_type(p) == CellType::R0 ? 6 : 3;
      const PortVector& ports = mapping.ports.at(p);
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#999\">"
          "<title>{} ({}, {}): worst port {:.0f}% of capacity; ports in N E S W, out N E S W: {}</title></rect>\n",
          left + inset, top + inset, kCell - 2 * inset, kCell - 2 * inset, heat_colour(usage),
          cell_type_name(arch.cell_type(p)), x, y, 100 * usage, fmt::join(ports, " "));
    }
  }
  const int legend_top = kMargin + arch.grid_rows() * kCell + 12;
  for (int i = 0; i <= 10; ++i)
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{}\"/>\n", kMargin + i * 14, legend_top,
                       heat_colour(i / 10.0));
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{}\"/>\n", kMargin + 11 * 14 + 6,
                     legend_top, heat_colour(1.5));
  svg += fmt::format(
      "<text x=\"{}\" y=\"{}\">worst port usage: 0% .. 100% of {}; violet = over capacity</text>\n"
      "<text x=\"{}\" y=\"{}\">{} routing, {} router lines, mappable: {}</text>\n</svg>\n",
      kMargin, legend_top + 26, arch.capacity.any() ? "the chip's capacity" : "the needed capacity (chip sized for the network)",
      kMargin, legend_top + 40, routing_name(mapping.routes.algorithm), mapping.ports.router_lines(),
      mapping.violations.empty() ? "yes" : "no");
  return svg;
}

}  // namespace mosaic::mapping
