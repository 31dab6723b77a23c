#include "sim/compiled_routes.hpp"

#include <deque>

#include <fmt/format.h>

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
  // tile_lines[tile][in_side][source]: the table's line, for the targets it reaches.
  std::vector<std::array<std::vector<const mapping::TileLine*>, kSides>> tile_lines;
  // delivered[pre * N + post]: the routes bring pre's spikes to a line that reaches post.
  std::vector<std::uint8_t> delivered;

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
    tile_lines.resize(arch.num_tiles());
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
      TileConfig& tile = out.tiles[table.tile];
      if (!tile.has_lines()) {
        for (auto& per_side : tile.line_targets) per_side.assign(n, -1);
        for (auto& per_side : tile_lines[table.tile]) per_side.assign(n, nullptr);
      }
      for (const auto& line : table.lines) {
        check_source(line.source, field);
        for (int target : line.targets)
          if (target < 0 || arch.tile_of_neuron(target) != table.tile)
            throw error(field, fmt::format("source {} targets neuron {}, which is not in tile {}", line.source,
                                           target, table.tile));
        tile_lines[table.tile][static_cast<int>(line.in_side)][line.source] = &line;
        auto& count = tile.line_targets[static_cast<int>(line.in_side)][line.source];
        count = static_cast<std::int16_t>(std::max<int>(count, 0) + static_cast<int>(line.targets.size()));
      }
    }
  }

  const mapping::TileLine* tile_line(int tile, Side in_side, int source) const {
    const auto& lines = tile_lines[tile][static_cast<int>(in_side)];
    return lines.empty() ? nullptr : lines[source];
  }

  bool router_has_line(int router, Side in_side, int source) const {
    const RouterConfig& r = out.routers[router];
    return r.has_lines() && r.out_sides[static_cast<int>(in_side)][source] != 0;
  }

  // Follows one source's lines from its tile through the routers; every line must end at a
  // router or tile that holds the matching input line.
  void walk(int source, std::vector<int>& visit_stamp) {
    const int n = arch.num_neurons();
    const int home = arch.tile_of_neuron(source);
    std::vector<int>& hops = out.hops[source];
    hops.assign(arch.num_tiles(), -1);
    hops[home] = 0;
    struct Visit { int router; Side in_side; int hops; };
    std::deque<Visit> frontier;
    for (Side s : kAllSides) {
      const int r = router_of_cell[cell(step(arch.tile_pos(home), s))];
      if (router_has_line(r, opposite(s), source)) {
        out.emit_sides[source] |= side_bit(s);
        frontier.push_back({r, opposite(s), 1});
      }
    }
    while (!frontier.empty()) {
      const Visit v = frontier.front();
      frontier.pop_front();
      const int stamp_index = v.router * kSides + static_cast<int>(v.in_side);
      if (visit_stamp[stamp_index] == source) continue;
      visit_stamp[stamp_index] = source;
      const RouterConfig& router = out.routers[v.router];
      const std::uint8_t mask = router.out_sides[static_cast<int>(v.in_side)][source];
      for (Side o : kAllSides) {
        if (!(mask & side_bit(o))) continue;
        const GridPos next = step(router.pos, o);
        const std::string field = fmt::format("routers {}", pos_name(router.pos));
        if (arch.cell_type(next) == CellType::NeuronTile) {
          const int tile = arch.tile_at(next);
          const mapping::TileLine* line = tile_line(tile, opposite(o), source);
          if (!line)
            throw error(field, fmt::format("source {} is routed into tile {} on side {}, which has no line for it",
                                           source, tile, side_letter(opposite(o))));
          if (hops[tile] < 0 || v.hops < hops[tile]) hops[tile] = v.hops;
          out.max_hops = std::max(out.max_hops, v.hops);
          for (int target : line->targets) delivered[static_cast<std::size_t>(source) * n + target] = 1;
        } else {
          const int next_router = router_of_cell[cell(next)];
          if (!router_has_line(next_router, opposite(o), source))
            throw error(field, fmt::format("source {} is routed to the router at {}, which has no line for it on side {}",
                                           source, pos_name(next), side_letter(opposite(o))));
          frontier.push_back({next_router, opposite(o), v.hops + 1});
        }
      }
    }
  }

  void check_every_synapse_delivered() const {
    const int n = arch.num_neurons();
    for (const Synapse& s : net.recurrent) {
      const int from = arch.tile_of_neuron(s.pre), to = arch.tile_of_neuron(s.post);
      if (from == to) continue;  // in-tile recurrence uses the tile's own crossbar
      if (!delivered[static_cast<std::size_t>(s.pre) * n + s.post])
        throw error("tiles", fmt::format("the routes never deliver neuron {} (tile {}) to neuron {} (tile {}), "
                                         "though the network has that synapse", s.pre, from, s.post, to));
    }
  }

  CompiledRoutes run() {
    check_header();
    place_routers();
    load_routers();
    load_tiles();
    const int n = arch.num_neurons();
    out.emit_sides.assign(n, 0);
    out.hops.resize(n);
    delivered.assign(static_cast<std::size_t>(n) * n, 0);
    std::vector<int> visit_stamp(out.routers.size() * kSides, -1);
    for (int source = 0; source < n; ++source) walk(source, visit_stamp);
    check_every_synapse_delivered();
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
