#include "mapping/capacity.hpp"

#include <algorithm>

namespace mosaic::mapping {

std::string port_name(int port) {
  return std::string(port < kSides ? "in_" : "out_") + side_letter(static_cast<Side>(port % kSides));
}

PortCounts::PortCounts(const Arch& arch) : arch_(arch), counts_(arch.num_cells(), PortVector{}) {}

void PortCounts::add_tree(const SourceTree& tree, int delta) {
  for (const Hop& hop : tree.hops) {
    at(hop.from)[out_port(hop.out)] += delta;
    at(hop.to())[in_port(opposite(hop.out))] += delta;
  }
}

long PortCounts::router_lines() const {
  long lines = 0;
  for (const GridPos& p : arch_.routers())
    for (Side side : kAllSides) lines += at(p)[in_port(side)];
  return lines;
}

PortCounts count_ports(const Arch& arch, const Routes& routes) {
  PortCounts counts(arch);
  for (const SourceTree& tree : routes.trees) counts.add_tree(tree);
  return counts;
}

PortVector canonical_ports(const Arch& arch, GridPos p, const PortVector& physical) {
  if (!arch.is_east_west_r1(p)) return physical;
  PortVector canonical{};
  for (Side side : kAllSides) {
    const Side turned = canonical_r1_side(side);
    canonical[in_port(turned)] = physical[in_port(side)];
    canonical[out_port(turned)] = physical[out_port(side)];
  }
  return canonical;
}

NeededCapacities needed_capacities(const PortCounts& counts) {
  const Arch& arch = counts.arch();
  NeededCapacities needed;
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      PortVector& worst = needed.of(arch.cell_type({x, y}));
      const PortVector ports = canonical_ports(arch, {x, y}, counts.at({x, y}));
      for (std::size_t port = 0; port < worst.size(); ++port) worst[port] = std::max(worst[port], ports[port]);
    }
  }
  return needed;
}

std::vector<Violation> find_violations(const PortCounts& counts, const Arch& chip) {
  std::vector<Violation> violations;
  for (int x = 0; x < chip.grid_rows(); ++x) {
    for (int y = 0; y < chip.grid_cols(); ++y) {
      const auto capacity = chip.capacity_at({x, y});
      if (!capacity) continue;
      const PortVector& ports = counts.at({x, y});
      for (std::size_t port = 0; port < ports.size(); ++port)
        if (ports[port] > (*capacity)[port])
          violations.push_back({{x, y}, chip.cell_type({x, y}), static_cast<int>(port), ports[port], (*capacity)[port]});
    }
  }
  return violations;
}

}  // namespace mosaic::mapping
