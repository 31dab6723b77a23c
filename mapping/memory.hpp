#pragma once
// Step 5 of mosaic-map: routing memory in memristor cells (models/SPEC.md section 1.5).
// Homogeneous model of [P] (models/SPEC.md section 1.5): every instance of a type is built for
// the worst instance, so its size is the per-instance formula applied to the type's needed capacity vector.
// Per-instance model: the same formulas on each instance's own port counts, summed.
#include "mapping/capacity.hpp"
#include "models/network.hpp"

namespace mosaic::mapping {

// Per-instance formulas on a canonical port vector (see canonical_ports).
long nt_cells(const PortVector& ports, int neurons_per_tile);  // (sum of input sides) x K
long r0_cells(const PortVector& ports);                        // (4 m)^2, m = largest port
// (max(2 max(in_N, in_S) + 2 max(in_E, in_W), 2 max(out_N, out_S) + 2 max(out_E, out_W)))^2,
// where the tile-facing inputs (N, S) always carry the K lines of the tile's own neurons.
long r1_cells(const PortVector& ports, int neurons_per_tile);

struct TypeMemory {
  int instances = 0;
  long cells_per_instance = 0;  // homogeneous model only (0 in the per-instance model)
  long cells = 0;               // all instances of the type
};

struct MemoryModel {
  TypeMemory nt, r0, r1;
  long total() const { return nt.cells + r0.cells + r1.cells; }
};

struct RoutingMemory {
  MemoryModel homogeneous;
  MemoryModel per_instance;
  long input_wires = 0;  // dedicated input lines: (channel, tile) wires, 0 with the tile rule
};

RoutingMemory routing_memory(const PortCounts& counts);

// Dedicated input lines (models/SPEC.md section 9.3): every input channel reaches each tile
// it drives on its own wire, one more row of K cells in that tile's input crossbar. Adds those
// rows to the NT memory of both models (homogeneous: every NT sized for the most wires).
void add_dedicated_input_lines(RoutingMemory& memory, const Network& net);

// The per-instance formula of a cell of the given type (canonical ports).
long cells_of(CellType type, const PortVector& canonical, int neurons_per_tile);

// Keeps a routing within the memory of a reference routing in both models: every instance
// within its own per-instance cells, every type's homogeneous instance size within the
// reference's. note() records the worst ports per type so far (the homogeneous model's input).
class MemoryBudget {
 public:
  explicit MemoryBudget(const PortCounts& reference);
  // Would the cells at `positions`, with these (physical) port counts, stay within budget?
  bool allows(const std::vector<GridPos>& positions, const std::vector<PortVector>& ports) const;
  void note(GridPos p, const PortVector& ports);

 private:
  long cells_at(const PortCounts& counts, GridPos p) const;
  bool type_within(CellType type, const PortVector& worst) const;
  Arch arch_;
  NeededCapacities reference_needed_;
  NeededCapacities worst_;  // elementwise maximum of the canonical ports noted so far
  std::vector<long> instance_cells_;
};

}  // namespace mosaic::mapping
