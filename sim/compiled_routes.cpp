#include "sim/compiled_routes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mapping/routing_tables.hpp"
#include "models/error.hpp"

namespace mosaic::sim {

namespace {

std::string pos_name(GridPos p) { return fmt::format("({},{})", p.x, p.y); }

struct Compiler {
  Compiler(const Network& network, const mapping::RoutingTables& routing_tables, const std::string& file_name)
      : net(network), tables(routing_tables), file(file_name) {}

  const Network& net;
  const mapping::RoutingTables& tables;
  const std::string& file;
  const Arch& arch = net.arch;
  CompiledRoutes out;
  std::vector<int> router_of_cell;  // grid cell -> router index, -1 for tiles

  InputError error(const std::string& field, const std::string& problem) const {
    return InputError(file, field, problem);
  }
  int cell(GridPos p) const { return p.x * arch.grid_cols() + p.y; }

  void check_header() {
    if (tables.arch != arch.name())
      throw error("arch", fmt::format("the tables are for arch {} but the network is for {}", tables.arch, arch.name()));
    const std::string digest = network_digest(net);
    if (tables.network_digest != digest)
      throw error("network_digest", fmt::format("the tables were made for network {} but this network is {}",
                                                tables.network_digest, digest));
  }

  void place_routers() {
    router_of_cell.assign(arch.grid_rows() * arch.grid_cols(), -1);
    for (GridPos p : arch.routers()) {
      router_of_cell[cell(p)] = static_cast<int>(out.routers.size());
      RouterConfig r;
      r.pos = p;
      r.type = arch.cell_type(p);
      out.routers.push_back(std::move(r));
    }
    out.router_of_cell = router_of_cell;
    out.tiles.resize(arch.num_tiles());
    for (int t = 0; t < arch.num_tiles(); ++t) out.tiles[t].tile = t;
  }

  void check_source(int source, const std::string& field) const {
    if (source < 0 || source >= arch.num_neurons())
      throw error(field, fmt::format("source neuron {} does not exist on {}", source, arch.name()));
  }

  void load_routers() {
    const int n = arch.num_neurons();
    for (std::size_t i = 0; i < tables.routers.size(); ++i) {
      const auto& table = tables.routers[i];
      const std::string field = fmt::format("routers[{}] {}", i, pos_name(table.pos));
      if (!arch.in_grid(table.pos) || arch.cell_type(table.pos) == CellType::NeuronTile)
        throw error(field, fmt::format("there is no router at {} on {}", pos_name(table.pos), arch.name()));
      if (arch.cell_type(table.pos) != table.type)
        throw error(field, fmt::format("the router at {} is an {}, not an {}", pos_name(table.pos),
                                       cell_type_name(arch.cell_type(table.pos)), cell_type_name(table.type)));
      RouterConfig& router = out.routers[router_of_cell[cell(table.pos)]];
      if (!router.has_lines())
        for (auto& per_side : router.out_sides) per_side.assign(n, 0);
      for (const auto& line : table.lines) {
        check_source(line.source, field);
        for (Side o : line.out_sides) {
          if (!arch.in_grid(step(table.pos, o)))
            throw error(field, fmt::format("source {} leaves side {} out of the grid", line.source, side_letter(o)));
          router.out_sides[static_cast<int>(line.in_side)][line.source] |= side_bit(o);
        }
      }
    }
  }

  void load_tiles() {
    const int n = arch.num_neurons();
    for (std::size_t i = 0; i < tables.tiles.size(); ++i) {
      const auto& table = tables.tiles[i];
      const std::string field = fmt::format("tiles[{}]", i);
      if (table.tile < 0 || table.tile >= arch.num_tiles())
        throw error(field, fmt::format("tile {} does not exist on {}", table.tile, arch.name()));
      if (table.tile != static_cast<int>(i)) throw error(field, "tiles must be listed by id");
      TileConfig& tile = out.tiles[table.tile];
      if (!tile.has_lines())
        for (auto& per_side : tile.line_targets) per_side.assign(n, -1);
      for (const auto& line : table.lines) {
        check_source(line.source, field);
        for (int target : line.targets)
          if (target < 0 || arch.tile_of_neuron(target) != table.tile)
            throw error(field, fmt::format("source {} targets neuron {}, which is not in tile {}", line.source,
                                           target, table.tile));
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
        const RouterConfig& router = out.routers[router_of_cell[cell(step(home, s))]];
        if (router.has_lines() && router.out_sides[static_cast<int>(opposite(s))][source] != 0)
          out.emit_sides[source] |= side_bit(s);
      }
    }
  }

  // Every source must reach exactly the tiles of its synapses' targets, once each, with lines
  // naming those targets (mosaic-map's check); a line routed into a tile or router that has no
  // matching input line (a missing tile) fails it too.
  void check_consistency() const {
    const std::vector<std::string> problems = mapping::table_problems(net, tables);
    if (!problems.empty())
      throw error("tables", problems.front() +
                                (problems.size() > 1 ? fmt::format(" (and {} more problems)", problems.size() - 1) : ""));
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
    check_header();
    place_routers();
    load_routers();
    load_tiles();
    check_consistency();
    find_emit_sides();
    count_hops();
    return std::move(out);
  }
};

}  // namespace

int CompiledRoutes::router_index(const Arch& arch, GridPos p) const {
  return arch.in_grid(p) ? router_of_cell[p.x * arch.grid_cols() + p.y] : -1;
}

CompiledRoutes compile_routes(const Network& net, const mapping::RoutingTables& tables, const std::string& file) {
  Compiler compiler(net, tables, file);
  return compiler.run();
}

}  // namespace mosaic::sim
