#include "mapping/routing_tables.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "models/atomic_file.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"

namespace mosaic::mapping {

namespace {

constexpr const char* kRoutesFormat = "mosaic-routes";

bool line_order(Side a_side, int a_source, Side b_side, int b_source) {
  return a_side != b_side ? a_side < b_side : a_source < b_source;
}
template <typename Line>
void sort_lines(std::vector<Line>& lines) {
  std::sort(lines.begin(), lines.end(),
            [](const Line& a, const Line& b) { return line_order(a.in_side, a.source, b.in_side, b.source); });
}

// Targets of each source outside its own tile, sorted, so a tile's share is one range.
std::vector<std::vector<int>> remote_targets(const Network& net) {
  std::vector<std::vector<int>> targets(net.arch.num_neurons());
  for (const Synapse& s : net.recurrent)
    if (net.arch.tile_of_neuron(s.pre) != net.arch.tile_of_neuron(s.post)) targets[s.pre].push_back(s.post);
  for (auto& t : targets) std::sort(t.begin(), t.end());
  return targets;
}

std::string sides_text(const std::vector<Side>& sides) {
  std::string text;
  for (Side s : sides) text += side_letter(s);
  return text;
}

Side side_from_letter(char letter, const JsonFields& fields, const std::string& key) {
  for (Side s : kAllSides)
    if (side_letter(s) == letter) return s;
  fields.fail(key, std::string("unknown side '") + letter + "' (N, E, S or W)");
}

Side read_side(const JsonFields& fields, const std::string& key) {
  const std::string text = fields.string(key);
  if (text.size() != 1) fields.fail(key, "must be one side letter (N, E, S or W)");
  return side_from_letter(text[0], fields, key);
}

}  // namespace

RoutingTables build_tables(const Network& net, const Routes& routes) {
  return build_tables(net, routes, network_digest(net));
}

RoutingTables build_tables(const Network& net, const Routes& routes, const std::string& digest) {
  const Arch& arch = net.arch;
  const int k = arch.neurons_per_tile();
  RoutingTables tables;
  tables.arch = arch.name();
  tables.network_digest = digest;
  tables.routing = routing_name(routes.algorithm);
  std::vector<RouterTable> by_cell(arch.grid_rows() * arch.grid_cols());
  tables.tiles.resize(arch.num_tiles());
  for (int tile = 0; tile < arch.num_tiles(); ++tile) tables.tiles[tile].tile = tile;
  const auto targets = remote_targets(net);

  for (const SourceTree& tree : routes.trees) {
    for (const Hop& hop : tree.hops) {
      const GridPos to = hop.to();
      const Side in_side = opposite(hop.out);
      if (arch.cell_type(hop.from) != CellType::NeuronTile) {
        // The driving line of this source is among the last lines added to that router.
        auto& lines = by_cell[hop.from.x * arch.grid_cols() + hop.from.y].lines;
        auto driver = std::find_if(lines.rbegin(), lines.rend(), [&](const RouterLine& l) {
          return l.source == tree.source && l.in_side == hop.driver;
        });
        driver->out_sides.push_back(hop.out);
      }
      const int tile = arch.tile_at(to);
      if (tile < 0) {
        RouterTable& router = by_cell[to.x * arch.grid_cols() + to.y];
        router.pos = to;
        router.type = arch.cell_type(to);
        router.lines.push_back({tree.source, in_side, {}});
      } else {
        const auto& all = targets[tree.source];
        auto first = std::lower_bound(all.begin(), all.end(), arch.first_neuron(tile));
        auto last = std::lower_bound(first, all.end(), arch.first_neuron(tile) + k);
        tables.tiles[tile].lines.push_back({tree.source, in_side, std::vector<int>(first, last)});
      }
    }
  }
  for (RouterTable& router : by_cell) {
    if (router.lines.empty()) continue;
    sort_lines(router.lines);
    for (RouterLine& line : router.lines) std::sort(line.out_sides.begin(), line.out_sides.end());
    tables.routers.push_back(std::move(router));
  }
  for (TileTable& tile : tables.tiles) sort_lines(tile.lines);
  return tables;
}

nlohmann::json tables_to_json(const RoutingTables& tables) {
  nlohmann::json routers = nlohmann::json::array();
  for (const RouterTable& router : tables.routers) {
    nlohmann::json lines = nlohmann::json::array();
    for (const RouterLine& line : router.lines)
      lines.push_back({{"source", line.source}, {"in", std::string(1, side_letter(line.in_side))},
                       {"out", sides_text(line.out_sides)}});
    routers.push_back({{"x", router.pos.x}, {"y", router.pos.y}, {"type", cell_type_name(router.type)}, {"lines", lines}});
  }
  nlohmann::json tiles = nlohmann::json::array();
  for (const TileTable& tile : tables.tiles) {
    nlohmann::json lines = nlohmann::json::array();
    for (const TileLine& line : tile.lines)
      lines.push_back({{"source", line.source}, {"in", std::string(1, side_letter(line.in_side))}, {"targets", line.targets}});
    tiles.push_back({{"tile", tile.tile}, {"lines", lines}});
  }
  return {{"format", kRoutesFormat}, {"version", tables.version},          {"arch", tables.arch},
          {"network_digest", tables.network_digest}, {"routing", tables.routing}, {"routers", routers},
          {"tiles", tiles}};
}

RoutingTables tables_from_json(const nlohmann::json& j, const std::string& file, const Network& net) {
  const Arch& arch = net.arch;
  const JsonFields f(j, file, "");
  if (f.string("format") != kRoutesFormat) f.fail("format", std::string("must be \"") + kRoutesFormat + "\"");
  RoutingTables tables;
  tables.version = static_cast<int>(f.integer("version", 1, 1000));
  if (tables.version != kRoutesFormatVersion)
    f.fail("version", "version " + std::to_string(tables.version) + " is not supported (this tool reads version " +
                          std::to_string(kRoutesFormatVersion) + ")");
  tables.arch = f.string("arch");
  if (tables.arch != arch.name())
    f.fail("arch", "the tables are for a " + tables.arch + " chip, the network is " + arch.name());
  tables.network_digest = f.string("network_digest");
  if (tables.network_digest != network_digest(net))
    f.fail("network_digest", "stale tables: made for network " + tables.network_digest + ", this network is " +
                                 network_digest(net) + " (run mosaic-map on it again)");
  tables.routing = f.string("routing");
  if (tables.routing != "one-turn" && tables.routing != "tree") f.fail("routing", "must be \"one-turn\" or \"tree\"");

  const auto source_of = [&](const JsonFields& line) {
    return static_cast<int>(line.integer("source", 0, arch.num_neurons() - 1));
  };
  const auto& routers = f.array("routers");
  std::set<GridPos> seen_routers;
  for (size_t r = 0; r < routers.size(); ++r) {
    const JsonFields router(routers[r], file, f.path_of("routers") + "[" + std::to_string(r) + "]");
    RouterTable table;
    table.pos = {static_cast<int>(router.integer("x", 0, arch.grid_rows() - 1)),
                 static_cast<int>(router.integer("y", 0, arch.grid_cols() - 1))};
    table.type = arch.cell_type(table.pos);
    if (table.type == CellType::NeuronTile) router.fail("x", "(x, y) is a neuron tile, not a router");
    if (router.string("type") != cell_type_name(table.type))
      router.fail("type", "the router at (" + std::to_string(table.pos.x) + ", " + std::to_string(table.pos.y) +
                              ") is an " + cell_type_name(table.type));
    if (!seen_routers.insert(table.pos).second) router.fail("x", "a second table for the same router");
    const auto& lines = router.array("lines");
    for (size_t i = 0; i < lines.size(); ++i) {
      const JsonFields line(lines[i], file, router.path_of("lines") + "[" + std::to_string(i) + "]");
      RouterLine parsed{source_of(line), read_side(line, "in"), {}};
      if (!arch.in_grid(step(table.pos, parsed.in_side))) line.fail("in", "no cell on that side (grid border)");
      for (char letter : line.string("out")) {
        const Side out = side_from_letter(letter, line, "out");
        if (!arch.in_grid(step(table.pos, out))) line.fail("out", "routes off the grid (no cell on that side)");
        parsed.out_sides.push_back(out);
      }
      table.lines.push_back(std::move(parsed));
    }
    sort_lines(table.lines);
    tables.routers.push_back(std::move(table));
  }
  std::sort(tables.routers.begin(), tables.routers.end(),
            [](const RouterTable& a, const RouterTable& b) { return a.pos < b.pos; });

  const auto& tiles = f.array("tiles");
  if (static_cast<int>(tiles.size()) != arch.num_tiles())
    f.fail("tiles", "must list all " + std::to_string(arch.num_tiles()) + " tiles, by id");
  for (size_t t = 0; t < tiles.size(); ++t) {
    const JsonFields tile(tiles[t], file, f.path_of("tiles") + "[" + std::to_string(t) + "]");
    TileTable table;
    table.tile = static_cast<int>(tile.integer("tile", t, t));
    const auto& lines = tile.array("lines");
    for (size_t i = 0; i < lines.size(); ++i) {
      const JsonFields line(lines[i], file, tile.path_of("lines") + "[" + std::to_string(i) + "]");
      TileLine parsed{source_of(line), read_side(line, "in"), {}};
      const auto& targets = line.array("targets");
      for (const auto& target : targets) {
        const int first = arch.first_neuron(table.tile);
        if (!target.is_number_integer() || target.get<long>() < first || target.get<long>() >= first + arch.neurons_per_tile())
          line.fail("targets", "every target must be a neuron of tile " + std::to_string(table.tile));
        parsed.targets.push_back(target.get<int>());
      }
      table.lines.push_back(std::move(parsed));
    }
    sort_lines(table.lines);
    tables.tiles.push_back(std::move(table));
  }
  return tables;
}

void write_tables(const std::string& path, const RoutingTables& tables) {
  write_text_atomic(path, tables_to_json(tables).dump() + "\n");
}

RoutingTables read_tables(const std::string& path, const Network& net) {
  return tables_from_json(read_json_file(path), path, net);
}

TableIndex::TableIndex(const Arch& arch, const RoutingTables& tables)
    : arch_(arch), tables_(tables), router_at_(arch.grid_rows() * arch.grid_cols(), -1) {
  for (size_t i = 0; i < tables.routers.size(); ++i)
    router_at_[tables.routers[i].pos.x * arch.grid_cols() + tables.routers[i].pos.y] = static_cast<int>(i);
}

namespace {
template <typename Line>
const Line* find_line(const std::vector<Line>& lines, Side in_side, int source) {
  auto it = std::lower_bound(lines.begin(), lines.end(), std::pair{in_side, source}, [](const Line& l, const auto& key) {
    return line_order(l.in_side, l.source, key.first, key.second);
  });
  return it != lines.end() && it->in_side == in_side && it->source == source ? &*it : nullptr;
}
}  // namespace

const RouterLine* TableIndex::router_line(GridPos pos, Side in_side, int source) const {
  if (!arch_.in_grid(pos)) return nullptr;
  const int index = router_at_[pos.x * arch_.grid_cols() + pos.y];
  return index < 0 ? nullptr : find_line(tables_.routers[index].lines, in_side, source);
}

const TileLine* TableIndex::tile_line(int tile, Side in_side, int source) const {
  if (tile < 0 || tile >= static_cast<int>(tables_.tiles.size())) return nullptr;
  return find_line(tables_.tiles[tile].lines, in_side, source);
}

SpikeTrace TableIndex::trace(int source) const {
  struct Arrival {
    GridPos pos;
    Side in_side;
    int routers_before;
  };
  SpikeTrace trace;
  std::deque<Arrival> pending;
  std::set<std::pair<GridPos, Side>> visited;  // malformed tables may loop
  const GridPos source_pos = arch_.tile_pos(arch_.tile_of_neuron(source));
  for (Side side : kAllSides) pending.push_back({step(source_pos, side), opposite(side), 0});
  while (!pending.empty()) {
    const Arrival at = pending.front();
    pending.pop_front();
    const int tile = arch_.in_grid(at.pos) ? arch_.tile_at(at.pos) : -1;
    if (tile >= 0) {
      if (const TileLine* line = tile_line(tile, at.in_side, source))
        trace.deliveries.push_back({tile, at.in_side, at.routers_before, line});
      continue;
    }
    const RouterLine* line = router_line(at.pos, at.in_side, source);
    if (!line || !visited.insert({at.pos, at.in_side}).second) continue;
    ++trace.router_traversals;
    for (Side out : line->out_sides) pending.push_back({step(at.pos, out), opposite(out), at.routers_before + 1});
  }
  return trace;
}

std::vector<std::string> table_problems(const Network& net, const RoutingTables& tables) {
  const Arch& arch = net.arch;
  const auto targets = remote_targets(net);
  const TableIndex index(arch, tables);
  std::vector<std::string> problems;
  for (int source = 0; source < arch.num_neurons(); ++source) {
    const std::vector<int>& expected = targets[source];
    std::vector<int> expected_tiles, tiles, delivered;
    for (int post : expected) expected_tiles.push_back(arch.tile_of_neuron(post));
    expected_tiles.erase(std::unique(expected_tiles.begin(), expected_tiles.end()), expected_tiles.end());
    for (const Delivery& d : index.trace(source).deliveries) {
      tiles.push_back(d.tile);
      delivered.insert(delivered.end(), d.line->targets.begin(), d.line->targets.end());
    }
    std::sort(tiles.begin(), tiles.end());
    std::sort(delivered.begin(), delivered.end());
    if (tiles != expected_tiles)
      problems.push_back("source " + std::to_string(source) + " reaches " + std::to_string(tiles.size()) +
                         " tile lines, its synapses need " + std::to_string(expected_tiles.size()) + " tiles, once each");
    else if (delivered != expected)
      problems.push_back("source " + std::to_string(source) + " reaches other targets than its synapses");
  }
  return problems;
}

}  // namespace mosaic::mapping
