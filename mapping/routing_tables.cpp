#include "mapping/routing_tables.hpp"

#include <algorithm>
#include <deque>
#include <limits>
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
  const Arch& arch = net.arch;
  const int k = arch.neurons_per_tile();
  RoutingTables tables;
  tables.arch = arch.name();
  tables.connectivity_digest = connectivity_digest(net);
  tables.routing = routing_name(routes.algorithm);
  std::vector<RouterTable> by_cell(arch.num_cells());
  tables.tiles.resize(arch.num_tiles());
  for (int tile = 0; tile < arch.num_tiles(); ++tile) tables.tiles[tile].tile = tile;
  const auto targets = remote_targets(net);

  for (const SourceTree& tree : routes.trees) {
    for (const Hop& hop : tree.hops) {
      const GridPos to = hop.to();
      const Side in_side = opposite(hop.out);
      if (arch.cell_type(hop.from) != CellType::NeuronTile) {
        // The driving line of this source is among the last lines added to that router.
        auto& lines = by_cell[arch.cell_index(hop.from)].lines;
        auto driver = std::find_if(lines.rbegin(), lines.rend(), [&](const RouterLine& l) {
          return l.source == tree.source && l.in_side == hop.driver;
        });
        driver->out_sides.push_back(hop.out);
      }
      const int tile = arch.tile_at(to);
      if (tile < 0) {
        RouterTable& router = by_cell[arch.cell_index(to)];
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
          {"connectivity_digest", tables.connectivity_digest}, {"routing", tables.routing}, {"routers", routers},
          {"tiles", tiles}};
}

namespace {

// JSON -> tables, types only: what the values mean is validate_tables' business.
RoutingTables parse_tables(const nlohmann::json& j, const std::string& file) {
  constexpr long kAny = std::numeric_limits<int>::max();
  const JsonFields f(j, file, "");
  if (f.string("format") != kRoutesFormat) f.fail("format", std::string("must be \"") + kRoutesFormat + "\"");
  RoutingTables tables;
  tables.version = static_cast<int>(f.integer("version", 1, 1000));
  tables.arch = f.string("arch");
  if (tables.version == 1)
    f.fail("version", "version 1 tables (keyed by the weight-dependent network digest) are no longer read: re-run "
                      "mosaic-map on the network to write version " + std::to_string(kRoutesFormatVersion));
  tables.connectivity_digest = f.string("connectivity_digest");
  tables.routing = f.string("routing");
  const auto& routers = f.array("routers");
  for (size_t r = 0; r < routers.size(); ++r) {
    const JsonFields router(routers[r], file, f.path_of("routers") + "[" + std::to_string(r) + "]");
    RouterTable table;
    table.pos = {static_cast<int>(router.integer("x", -kAny, kAny)), static_cast<int>(router.integer("y", -kAny, kAny))};
    const std::string type = router.string("type");
    if (type == "R0" || type == "R1")
      table.type = type == "R0" ? CellType::R0 : CellType::R1;
    else
      router.fail("type", "must be \"R0\" or \"R1\"");
    const auto& lines = router.array("lines");
    for (size_t i = 0; i < lines.size(); ++i) {
      const JsonFields line(lines[i], file, router.path_of("lines") + "[" + std::to_string(i) + "]");
      RouterLine parsed{static_cast<int>(line.integer("source", -kAny, kAny)), read_side(line, "in"), {}};
      for (char letter : line.string("out")) parsed.out_sides.push_back(side_from_letter(letter, line, "out"));
      table.lines.push_back(std::move(parsed));
    }
    tables.routers.push_back(std::move(table));
  }
  const auto& tiles = f.array("tiles");
  for (size_t t = 0; t < tiles.size(); ++t) {
    const JsonFields tile(tiles[t], file, f.path_of("tiles") + "[" + std::to_string(t) + "]");
    TileTable table;
    table.tile = static_cast<int>(tile.integer("tile", -kAny, kAny));
    const auto& lines = tile.array("lines");
    for (size_t i = 0; i < lines.size(); ++i) {
      const JsonFields line(lines[i], file, tile.path_of("lines") + "[" + std::to_string(i) + "]");
      TileLine parsed{static_cast<int>(line.integer("source", -kAny, kAny)), read_side(line, "in"), {}};
      for (const auto& target : line.array("targets")) {
        if (!target.is_number_integer() || target.get<long>() < -kAny || target.get<long>() > kAny)
          line.fail("targets", "every target must be a neuron id");
        parsed.targets.push_back(target.get<int>());
      }
      table.lines.push_back(std::move(parsed));
    }
    tables.tiles.push_back(std::move(table));
  }
  return tables;
}

std::string index_path(const std::string& array, size_t i) { return array + "[" + std::to_string(i) + "]"; }

// Every input line of the tables, for "does this output side lead to a line?".
class LineSet {
 public:
  LineSet(const Arch& arch, const RoutingTables& tables) : arch_(arch) {
    for (const RouterTable& router : tables.routers)
      for (const RouterLine& line : router.lines) keys_.push_back(key(router.pos, line.in_side, line.source));
    for (const TileTable& tile : tables.tiles)
      for (const TileLine& line : tile.lines) keys_.push_back(key(arch.tile_pos(tile.tile), line.in_side, line.source));
    std::sort(keys_.begin(), keys_.end());
  }
  bool has(GridPos pos, Side in_side, int source) const {
    return std::binary_search(keys_.begin(), keys_.end(), key(pos, in_side, source));
  }
  // True when two lines share a cell, an input side and a source.
  bool has_repeats() const { return std::adjacent_find(keys_.begin(), keys_.end()) != keys_.end(); }

 private:
  long key(GridPos pos, Side in_side, int source) const {
    return (static_cast<long>(arch_.cell_index(pos)) * kSides + static_cast<int>(in_side)) * arch_.num_neurons() + source;
  }
  const Arch& arch_;
  std::vector<long> keys_;
};

void validate_header(const Network& net, const RoutingTables& tables, const std::string& file) {
  const auto fail = [&](const std::string& field, const std::string& problem) { throw InputError(file, field, problem); };
  if (tables.version != kRoutesFormatVersion)
    fail("version", "version " + std::to_string(tables.version) + " is not supported (this tool reads version " +
                        std::to_string(kRoutesFormatVersion) + "): re-run mosaic-map");
  if (tables.arch != net.arch.name())
    fail("arch", "the tables are for a " + tables.arch + " chip, the network is " + net.arch.name());
  const std::string digest = connectivity_digest(net);
  if (tables.connectivity_digest != digest)
    fail("connectivity_digest", "tables of another connectivity: made for synapse pairs and placement " +
                                    tables.connectivity_digest + ", this network's are " + digest +
                                    " (re-run mosaic-map on it)");
  if (tables.routing != "one-turn" && tables.routing != "tree") fail("routing", "must be \"one-turn\" or \"tree\"");
}

// Positions, types, sources and sides of every router line; every output side must lead to
// an input line of the same source (a router line or a tile line) on the neighbour.
void validate_routers(const Arch& arch, const RoutingTables& tables, const LineSet& lines, const std::string& file) {
  std::set<GridPos> seen;
  for (size_t r = 0; r < tables.routers.size(); ++r) {
    const RouterTable& router = tables.routers[r];
    const std::string path = index_path("routers", r);
    const auto fail = [&](const std::string& field, const std::string& problem) {
      throw InputError(file, path + "." + field, problem);
    };
    const GridPos p = router.pos;
    const std::string where = "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")";
    if (!arch.in_grid(p)) fail("x", where + " is outside the " + arch.name() + " grid");
    if (arch.cell_type(p) == CellType::NeuronTile) fail("x", where + " is a neuron tile, not a router");
    if (router.type != arch.cell_type(p)) fail("type", "the router at " + where + " is an " + cell_type_name(arch.cell_type(p)));
    if (!seen.insert(p).second) fail("x", "a second table for the router at " + where);
    for (size_t i = 0; i < router.lines.size(); ++i) {
      const RouterLine& line = router.lines[i];
      const std::string line_path = index_path("lines", i) + ".";
      if (line.source < 0 || line.source >= arch.num_neurons())
        fail(line_path + "source", "neuron " + std::to_string(line.source) + " does not exist on " + arch.name());
      if (!arch.in_grid(step(p, line.in_side))) fail(line_path + "in", "no cell on that side (grid border)");
      for (size_t o = 0; o < line.out_sides.size(); ++o) {
        const Side out = line.out_sides[o];
        const std::string side = std::string(1, side_letter(out));
        if (std::find(line.out_sides.begin(), line.out_sides.begin() + o, out) != line.out_sides.begin() + o)
          fail(line_path + "out", "side " + side + " is given twice");
        if (!arch.in_grid(step(p, out))) fail(line_path + "out", "side " + side + " routes off the grid");
        if (!lines.has(step(p, out), opposite(out), line.source))
          fail(line_path + "out", "side " + side + " leads nowhere: the neighbour has no input line for source " +
                                      std::to_string(line.source));
      }
    }
  }
}

void validate_tiles(const Arch& arch, const RoutingTables& tables, const std::string& file) {
  if (static_cast<int>(tables.tiles.size()) != arch.num_tiles())
    throw InputError(file, "tiles", "must list all " + std::to_string(arch.num_tiles()) + " tiles, by id");
  for (size_t t = 0; t < tables.tiles.size(); ++t) {
    const TileTable& tile = tables.tiles[t];
    const std::string path = index_path("tiles", t);
    const auto fail = [&](const std::string& field, const std::string& problem) {
      throw InputError(file, path + "." + field, problem);
    };
    if (tile.tile != static_cast<int>(t)) fail("tile", "is " + std::to_string(tile.tile) + ", tiles are listed by id: must be " + std::to_string(t));
    for (size_t i = 0; i < tile.lines.size(); ++i) {
      const TileLine& line = tile.lines[i];
      const std::string line_path = index_path("lines", i) + ".";
      if (line.source < 0 || line.source >= arch.num_neurons())
        fail(line_path + "source", "neuron " + std::to_string(line.source) + " does not exist on " + arch.name());
      const int first = arch.first_neuron(tile.tile);
      for (int target : line.targets)
        if (target < first || target >= first + arch.neurons_per_tile())
          fail(line_path + "targets", "every target must be a neuron of tile " + std::to_string(tile.tile));
    }
  }
}

}  // namespace

RoutingTables validate_tables(const Network& net, RoutingTables tables, const std::string& file) {
  validate_header(net, tables, file);
  validate_tiles(net.arch, tables, file);  // first: LineSet places tile lines by tile id
  const LineSet lines(net.arch, tables);
  validate_routers(net.arch, tables, lines, file);
  if (lines.has_repeats()) throw InputError(file, "lines", "two lines with the same cell, input side and source");
  for (RouterTable& router : tables.routers) sort_lines(router.lines);
  std::sort(tables.routers.begin(), tables.routers.end(),
            [](const RouterTable& a, const RouterTable& b) { return a.pos < b.pos; });
  for (TileTable& tile : tables.tiles) sort_lines(tile.lines);
  const std::vector<std::string> problems = table_problems(net, tables);
  if (!problems.empty())
    throw InputError(file, "routers", problems.front() + " (" + std::to_string(problems.size()) + " sources wrong)");
  return tables;
}

RoutingTables tables_from_json(const nlohmann::json& j, const std::string& file, const Network& net) {
  return validate_tables(net, parse_tables(j, file), file);
}

void write_tables(const std::string& path, const RoutingTables& tables) {
  write_text_atomic(path, tables_to_json(tables).dump() + "\n");
}

RoutingTables read_tables(const std::string& path, const Network& net) {
  return tables_from_json(read_json_file(path), path, net);
}

TableIndex::TableIndex(const Arch& arch, const RoutingTables& tables)
    : arch_(arch), tables_(tables), router_at_(arch.num_cells(), -1) {
  for (size_t i = 0; i < tables.routers.size(); ++i)
    router_at_[arch.cell_index(tables.routers[i].pos)] = static_cast<int>(i);
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
  const int index = router_at_[arch_.cell_index(pos)];
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
