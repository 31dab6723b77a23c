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

long cells_of(CellType type, const PortVector& canonical, int neurons_per_tile) {
  switch (type) {
    case CellType::NeuronTile: return nt_cells(canonical, neurons_per_tile);
    case CellType::R0: return r0_cells(canonical);
    case CellType::R1: return r1_cells(canonical, neurons_per_tile);
  }
  return 0;
}

namespace {

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
  for (CellType type : {CellType::NeuronTile, CellType::R0, CellType::R1}) {
    TypeMemory& built = of_type(memory.homogeneous, type);
    built.cells_per_instance = cells_of(type, needed.of(type), k);
    built.cells = built.cells_per_instance * built.instances;
  }
  return memory;
}

void add_dedicated_input_lines(RoutingMemory& memory, const Network& net) {
  if (!net.input.dedicated_lines()) return;
  const int k = net.arch.neurons_per_tile();
  std::vector<std::pair<int, int>> wires;  // (tile, channel)
  for (const InputSynapse& s : net.input.weights) wires.emplace_back(net.arch.tile_of_neuron(s.neuron), s.channel);
  std::sort(wires.begin(), wires.end());
  wires.erase(std::unique(wires.begin(), wires.end()), wires.end());
  std::vector<long> rows(net.arch.num_tiles(), 0);
  for (const auto& wire : wires) ++rows[wire.first];
  const long most = rows.empty() ? 0 : *std::max_element(rows.begin(), rows.end());
  memory.input_wires = static_cast<long>(wires.size());
  memory.per_instance.nt.cells += static_cast<long>(wires.size()) * k;
  memory.homogeneous.nt.cells_per_instance += most * k;
  memory.homogeneous.nt.cells = memory.homogeneous.nt.cells_per_instance * memory.homogeneous.nt.instances;
}

namespace {

PortVector elementwise_max(PortVector a, const PortVector& b) {
  for (std::size_t port = 0; port < a.size(); ++port) a[port] = std::max(a[port], b[port]);
  return a;
}

}  // namespace

MemoryBudget::MemoryBudget(const PortCounts& reference)
    : arch_(reference.arch()), reference_needed_(needed_capacities(reference)), worst_(),
      instance_cells_(arch_.num_cells()) {
  for (int x = 0; x < arch_.grid_rows(); ++x)
    for (int y = 0; y < arch_.grid_cols(); ++y) instance_cells_[arch_.cell_index({x, y})] = cells_at(reference, {x, y});
}

long MemoryBudget::cells_at(const PortCounts& counts, GridPos p) const {
  return cells_of(arch_.cell_type(p), canonical_ports(arch_, p, counts.at(p)), arch_.neurons_per_tile());
}

bool MemoryBudget::type_within(CellType type, const PortVector& worst) const {
  const int k = arch_.neurons_per_tile();
  return cells_of(type, worst, k) <= cells_of(type, reference_needed_.of(type), k);
}

bool MemoryBudget::allows(const std::vector<GridPos>& positions, const std::vector<PortVector>& ports) const {
  NeededCapacities worst = worst_;
  for (size_t i = 0; i < positions.size(); ++i) {
    const GridPos p = positions[i];
    const CellType type = arch_.cell_type(p);
    const PortVector canonical = canonical_ports(arch_, p, ports[i]);
    if (cells_of(type, canonical, arch_.neurons_per_tile()) > instance_cells_[arch_.cell_index(p)]) return false;
    PortVector& type_worst = worst.of(type);
    type_worst = elementwise_max(type_worst, canonical);
    if (!type_within(type, type_worst)) return false;
  }
  return true;
}

void MemoryBudget::note(GridPos p, const PortVector& ports) {
  PortVector& type_worst = worst_.of(arch_.cell_type(p));
  type_worst = elementwise_max(type_worst, canonical_ports(arch_, p, ports));
}

}  // namespace mosaic::mapping
