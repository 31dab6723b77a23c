#include "sim/compiled_routes.hpp"

#include <algorithm>

#include "mapping/routing_tables.hpp"

namespace mosaic::sim {

namespace {

// Tables -> per-event lookup arrays. The tables are validated already (mapping::validate_tables
// for a file, mapping::build_tables by construction): nothing here checks them again.
struct Compiler {
  Compiler(const Network& network, const mapping::RoutingTables& routing_tables)
      : net(network), tables(routing_tables) {}

  const Network& net;
  const mapping::RoutingTables& tables;
  const Arch& arch = net.arch;
  CompiledRoutes out;

  void place_routers() {
    out.router_of_cell.assign(arch.num_cells(), -1);
    for (GridPos p : arch.routers()) {
      out.router_of_cell[arch.cell_index(p)] = static_cast<int>(out.routers.size());
      RouterConfig r;
      r.pos = p;
      r.type = arch.cell_type(p);
      out.routers.push_back(std::move(r));
    }
    out.tiles.resize(arch.num_tiles());
    for (int t = 0; t < arch.num_tiles(); ++t) out.tiles[t].tile = t;
  }

  void load_routers() {
    const int n = arch.num_neurons();
    for (const auto& table : tables.routers) {
      RouterConfig& router = out.routers[out.router_of_cell[arch.cell_index(table.pos)]];
      if (!router.has_lines())
        for (auto& per_side : router.out_sides) per_side.assign(n, 0);
      for (const auto& line : table.lines)
        for (Side o : line.out_sides) router.out_sides[static_cast<int>(line.in_side)][line.source] |= side_bit(o);
    }
  }

  void load_tiles() {
    const int n = arch.num_neurons();
    for (const auto& table : tables.tiles) {
      TileConfig& tile = out.tiles[table.tile];
      if (!tile.has_lines())
        for (auto& per_side : tile.line_targets) per_side.assign(n, -1);
      for (const auto& line : table.lines) {
        auto& count = tile.line_targets[static_cast<int>(line.in_side)][line.source];
        count = static_cast<std::int16_t>(std::max<int>(count, 0) + static_cast<int>(line.targets.size()));
      }
    }
  }

  // The sides of its tile whose router holds a line for the source: where its spikes leave.
  void find_emit_sides() {
    out.emit_sides.assign(arch.num_neurons(), 0);
    for (int source = 0; source < arch.num_neurons(); ++source) {
      const GridPos home = arch.tile_pos(arch.tile_of_neuron(source));
      for (Side s : kAllSides) {
        const RouterConfig& router = out.routers[out.router_of_cell[arch.cell_index(step(home, s))]];
        if (router.has_lines() && router.out_sides[static_cast<int>(opposite(s))][source] != 0)
          out.emit_sides[source] |= side_bit(s);
      }
    }
  }

  void count_hops() {
    const mapping::TableIndex index(arch, tables);
    out.hops.assign(arch.num_neurons(), std::vector<int>(arch.num_tiles(), -1));
    for (int source = 0; source < arch.num_neurons(); ++source) {
      out.hops[source][arch.tile_of_neuron(source)] = 0;
      for (const mapping::Delivery& d : index.trace(source).deliveries) {
        out.hops[source][d.tile] = d.routers;
        out.max_hops = std::max(out.max_hops, d.routers);
      }
    }
  }

  CompiledRoutes run() {
    place_routers();
    load_routers();
    load_tiles();
    find_emit_sides();
    count_hops();
    return std::move(out);
  }
};

}  // namespace

int CompiledRoutes::router_index(const Arch& arch, GridPos p) const {
  return arch.in_grid(p) ? router_of_cell[arch.cell_index(p)] : -1;
}

CompiledRoutes compile_routes(const Network& net, const mapping::RoutingTables& tables) {
  Compiler compiler(net, tables);
  return compiler.run();
}

}  // namespace mosaic::sim
