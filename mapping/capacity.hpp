#pragma once
// Step 4 of mosaic-map: port counts per cell, the capacities a network needs, and the
// violations on a given chip. A port's count is the number of distinct source neurons whose
// tree uses it (models/SPEC.md section 1.3).
#include <string>
#include <vector>

#include "mapping/routing.hpp"
#include "models/arch.hpp"

namespace mosaic::mapping {

std::string port_name(int port);  // "in_N" ... "out_W"

// Port vectors of every cell of the full grid (neuron tiles and routers), physical sides.
class PortCounts {
 public:
  explicit PortCounts(const Arch& arch);
  const Arch& arch() const { return arch_; }
  const PortVector& at(GridPos p) const { return counts_[index(p)]; }
  PortVector& at(GridPos p) { return counts_[index(p)]; }
  // Adds (delta = 1) or removes (delta = -1) the ports one tree uses.
  void add_tree(const SourceTree& tree, int delta = 1);
  // Lines entering routers, summed over all routers: the "router lines" of a routing.
  long router_lines() const;

 private:
  int index(GridPos p) const { return arch_.cell_index(p); }
  Arch arch_;
  std::vector<PortVector> counts_;
};

PortCounts count_ports(const Arch& arch, const Routes& routes);

// The port vector in the orientation the chip's capacity vectors use: an east/west R1 is
// turned so that its tile-facing sides are N/S (Arch::capacity_at, canonical_r1_side);
// neuron tiles and R0s are unchanged.
PortVector canonical_ports(const Arch& arch, GridPos p, const PortVector& physical);

// The capacity vector per type the network needs: the elementwise maximum of the canonical
// port vectors over every instance of the type.
struct NeededCapacities {
  PortVector nt{}, r0{}, r1{};
  PortVector& of(CellType type) { return type == CellType::NeuronTile ? nt : type == CellType::R0 ? r0 : r1; }
  const PortVector& of(CellType type) const { return type == CellType::NeuronTile ? nt : type == CellType::R0 ? r0 : r1; }
};
NeededCapacities needed_capacities(const PortCounts& counts);

struct Violation {
  GridPos pos;
  CellType type = CellType::R1;
  int port = 0;  // physical port index (in_port / out_port)
  int count = 0;
  int capacity = 0;
};
// Every port whose count exceeds the chip's capacity there (Arch::capacity_at of `chip`);
// types without a capacity vector are sized for the network and never violated.
std::vector<Violation> find_violations(const PortCounts& counts, const Arch& chip);

}  // namespace mosaic::mapping
