#include "mapping/memory.hpp"

#include <algorithm>

namespace mosaic::mapping {

namespace {
long squared(long v) { return v * v; }
int larger(const PortVector& p, int a, int b) { return std::max(p[a], p[b]); }
}  // namespace

long nt_cells(const PortVector& ports, int neurons_per_tile) {
  long lines = 0;
  for (Side side : kAllSides) lines += ports[in_port(side)];
  return lines * neurons_per_tile;
}

long r0_cells(const PortVector& ports) { return squared(4L * *std::max_element(ports.begin(), ports.end())); }

long r1_cells(const PortVector& ports, int neurons_per_tile) {
  const int tile_facing_in = std::max(larger(ports, in_port(Side::North), in_port(Side::South)), neurons_per_tile);
  const long in_lines = 2L * tile_facing_in + 2L * larger(ports, in_port(Side::East), in_port(Side::West));
  const long out_lines = 2L * larger(ports, out_port(Side::North), out_port(Side::South)) +
                         2L * larger(ports, out_port(Side::East), out_port(Side::West));
  return squared(std::max(in_lines, out_lines));
}

namespace {

long cells_of(CellType type, const PortVector& canonical, int neurons_per_tile) {
  switch (type) {
    case CellType::NeuronTile: return nt_cells(canonical, neurons_per_tile);
    case CellType::R0: return r0_cells(canonical);
    case CellType::R1: return r1_cells(canonical, neurons_per_tile);
  }
  return 0;
}

TypeMemory& of_type(MemoryModel& model, CellType type) {
  return type == CellType::NeuronTile ? model.nt : type == CellType::R0 ? model.r0 : model.r1;
}

}  // namespace

RoutingMemory routing_memory(const PortCounts& counts) {
  const Arch& arch = counts.arch();
  const int k = arch.neurons_per_tile();
  RoutingMemory memory;
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      const CellType type = arch.cell_type({x, y});
      TypeMemory& instance_sum = of_type(memory.per_instance, type);
      instance_sum.instances += 1;
      instance_sum.cells += cells_of(type, canonical_ports(arch, {x, y}, counts.at({x, y})), k);
      of_type(memory.homogeneous, type).instances += 1;
    }
  }
  const NeededCapacities needed = needed_capacities(counts);
  for (auto [type, worst] : {std::pair{CellType::NeuronTile, needed.nt}, std::pair{CellType::R0, needed.r0},
                             std::pair{CellType::R1, needed.r1}}) {
    TypeMemory& built = of_type(memory.homogeneous, type);
    built.cells_per_instance = cells_of(type, worst, k);
    built.cells = built.cells_per_instance * built.instances;
  }
  return memory;
}

PortCounts memory_preserving_limits(const PortCounts& reference) {
  const Arch& arch = reference.arch();
  const NeededCapacities needed = needed_capacities(reference);
  PortCounts limits(arch);
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      const GridPos p{x, y};
      const PortVector ports = canonical_ports(arch, p, reference.at(p));
      PortVector canonical;
      canonical.fill(kUnlimitedPort);
      switch (arch.cell_type(p)) {
        case CellType::NeuronTile:
          for (Side side : kAllSides) canonical[in_port(side)] = needed.nt[in_port(side)];
          break;
        case CellType::R0:
          canonical.fill(*std::max_element(ports.begin(), ports.end()));
          break;
        case CellType::R1:
          // Tile-facing inputs (N, S) never exceed the K lines the formula already counts.
          for (auto [a, b] : {std::pair{in_port(Side::East), in_port(Side::West)},
                              std::pair{out_port(Side::North), out_port(Side::South)},
                              std::pair{out_port(Side::East), out_port(Side::West)}})
            canonical[a] = canonical[b] = larger(ports, a, b);
          break;
      }
      // Back to physical sides: undo the rotation of east/west R1s.
      PortVector& physical = limits.at(p);
      physical = canonical;
      if (arch.is_east_west_r1(p))
        for (Side side : kAllSides) {
          physical[in_port(side)] = canonical[in_port(canonical_r1_side(side))];
          physical[out_port(side)] = canonical[out_port(canonical_r1_side(side))];
        }
    }
  }
  return limits;
}

}  // namespace mosaic::mapping
