#include "mapping/routing.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>

#include "mapping/capacity.hpp"
#include "mapping/memory.hpp"

namespace mosaic::mapping {

std::string routing_name(RoutingAlgorithm algorithm) {
  return algorithm == RoutingAlgorithm::OneTurn ? "one-turn" : "tree";
}

RoutingAlgorithm parse_routing(const std::string& name) {
  if (name == "one-turn") return RoutingAlgorithm::OneTurn;
  if (name == "tree") return RoutingAlgorithm::Tree;
  throw std::invalid_argument("unknown routing '" + name + "' (one-turn or tree)");
}

std::vector<SpikeDemand> spike_demands(const Network& net) {
  const Arch& arch = net.arch;
  std::vector<std::vector<int>> dests(arch.num_neurons());
  for (const Synapse& s : net.recurrent) {
    const int dest = arch.tile_of_neuron(s.post);
    if (dest != arch.tile_of_neuron(s.pre)) dests[s.pre].push_back(dest);
  }
  std::vector<SpikeDemand> demands;
  for (int source = 0; source < arch.num_neurons(); ++source) {
    auto& tiles = dests[source];
    if (tiles.empty()) continue;
    std::sort(tiles.begin(), tiles.end());
    tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
    demands.push_back({source, std::move(tiles)});
  }
  return demands;
}

namespace {

// The side of `from` that faces the adjacent cell `to`.
Side direction(GridPos from, GridPos to) {
  if (to.x == from.x - 1) return Side::North;
  if (to.x == from.x + 1) return Side::South;
  return to.y == from.y + 1 ? Side::East : Side::West;
}

int sign(int v) { return (v > 0) - (v < 0); }

// Hops of a walk of adjacent cells starting at the source tile (or at a router the tree
// already reaches, whose input side is `first_driver`).
void append_walk(const std::vector<GridPos>& cells, Side first_driver, std::vector<Hop>& hops) {
  Side driver = first_driver;
  for (size_t i = 0; i + 1 < cells.size(); ++i) {
    const Side out = direction(cells[i], cells[i + 1]);
    hops.push_back({cells[i], out, driver});
    driver = opposite(out);
  }
}

// Unique hops of one source: a segment used by several paths keeps the driver of the first.
class HopSet {
 public:
  explicit HopSet(const Arch& arch) : arch_(arch), seen_(arch.num_cells() * kSides, false) {}
  void merge(const std::vector<Hop>& path, std::vector<Hop>& into) {
    for (const Hop& hop : path) {
      const size_t key = arch_.cell_index(hop.from) * kSides + static_cast<int>(hop.out);
      if (seen_[key]) continue;
      seen_[key] = true;
      touched_.push_back(key);
      into.push_back(hop);
    }
  }
  void clear() {
    for (size_t key : touched_) seen_[key] = false;
    touched_.clear();
  }

 private:
  const Arch& arch_;
  std::vector<bool> seen_;
  std::vector<size_t> touched_;
};

SourceTree one_turn_tree(const Arch& arch, const SpikeDemand& demand, HopSet& seen) {
  SourceTree tree{demand.source, demand.dest_tiles, {}};
  const int source_tile = arch.tile_of_neuron(demand.source);
  std::vector<Hop> path;
  for (int dest : demand.dest_tiles) {
    path.clear();
    append_walk(one_turn_path(arch, source_tile, dest), Side::North, path);
    seen.merge(path, tree.hops);
  }
  seen.clear();
  return tree;
}

}  // namespace

std::vector<GridPos> one_turn_path(const Arch& arch, int from, int to) {
  const GridPos src = arch.tile_pos(from);
  const GridPos dst = arch.tile_pos(to);
  std::vector<GridPos> cells{src};
  const int tile_distance = (std::abs(dst.x - src.x) + std::abs(dst.y - src.y)) / 2;
  if (tile_distance == 1) {
    cells.push_back({(src.x + dst.x) / 2, (src.y + dst.y) / 2});
  } else if (src.y == dst.y) {
    // Same column: leave West, run along the router column to the destination's row.
    const int column = src.y - 1;
    for (int x = src.x; x != dst.x; x += sign(dst.x - src.x)) cells.push_back({x, column});
    cells.push_back({dst.x, column});
  } else {
    // Leave South when the destination is below, else North; run along that router row to
    // the column next to the destination, then vertically to its row.
    const int row = dst.x > src.x ? src.x + 1 : src.x - 1;
    const int column = dst.y > src.y ? dst.y - 1 : dst.y + 1;
    for (int y = src.y; y != column; y += sign(column - src.y)) cells.push_back({row, y});
    for (int x = row; x != dst.x; x += sign(dst.x - row)) cells.push_back({x, column});
    cells.push_back({dst.x, column});
  }
  cells.push_back(dst);
  return cells;
}

Routes route_one_turn(const Arch& arch, const std::vector<SpikeDemand>& demands) {
  Routes routes{RoutingAlgorithm::OneTurn, {}};
  routes.trees.reserve(demands.size());
  HopSet seen(arch);
  for (const SpikeDemand& demand : demands) routes.trees.push_back(one_turn_tree(arch, demand, seen));
  return routes;
}

namespace {

// The full grid as a directed Boost graph: one vertex per cell (Arch::cell_index), one
// edge per (cell, side) with a neighbour. Edge costs are kept per source and per load.
class SteinerRouter {
 public:
  SteinerRouter(const Arch& arch, MemoryBudget budget)
      : arch_(arch), budget_(std::move(budget)), loads_(arch), graph_(arch.num_cells()),
        cost_(arch.num_cells() * kSides, kBlocked), distance_(num_vertices(graph_)),
        predecessor_(num_vertices(graph_)), driver_(num_vertices(graph_), -1),
        is_dest_(num_vertices(graph_), false) {
    for (int x = 0; x < arch.grid_rows(); ++x) {
      for (int y = 0; y < arch.grid_cols(); ++y) {
        for (Side side : kAllSides) {
          const GridPos to = step({x, y}, side);
          if (arch.in_grid(to)) add_edge(vertex({x, y}), vertex(to), EdgeId{edge_id({x, y}, side)}, graph_);
        }
      }
    }
    for (int x = 0; x < arch.grid_rows(); ++x)
      for (int y = 0; y < arch.grid_cols(); ++y)
        if (arch.cell_type({x, y}) != CellType::NeuronTile)
          for (Side side : kAllSides) update_cost({x, y}, side);
  }

  void commit(const SourceTree& tree) {
    loads_.add_tree(tree);
    for (GridPos p : touched_cells(tree)) budget_.note(p, loads_.at(p));
    refresh_costs(tree);
  }
  void uncommit(const SourceTree& tree) {
    loads_.add_tree(tree, -1);
    refresh_costs(tree);
  }
  // True when adding the tree keeps the routing within the memory budget.
  bool fits(const SourceTree& tree) const {
    std::vector<GridPos> cells = touched_cells(tree);
    std::vector<PortVector> ports;
    for (GridPos p : cells) ports.push_back(loads_.at(p));
    for (const Hop& hop : tree.hops) {
      ++ports[std::find(cells.begin(), cells.end(), hop.from) - cells.begin()][out_port(hop.out)];
      ++ports[std::find(cells.begin(), cells.end(), hop.to()) - cells.begin()][in_port(opposite(hop.out))];
    }
    return budget_.allows(cells, ports);
  }

  // The Steiner tree of one source; `first_dest` (a tile, or -1 for the nearest) is
  // connected first, then always the nearest destination not yet reached.
  SourceTree steiner_tree(const SpikeDemand& demand, int first_dest) {
    SourceTree tree{demand.source, demand.dest_tiles, {}};
    const GridPos source_pos = arch_.tile_pos(arch_.tile_of_neuron(demand.source));
    // Only the source's own tile may send into the routers.
    for (Side side : kAllSides)
      if (arch_.in_grid(step(source_pos, side))) cost_[edge_id(source_pos, side)] = 1.0;
    std::vector<Vertex> tree_vertices{vertex(source_pos)};
    for (size_t reached = 0; reached < demand.dest_tiles.size(); ++reached) {
      // Targets of the search: the chosen first destination alone, then all others.
      const bool first_round = reached == 0 && first_dest >= 0;
      if (reached == 0 || (reached == 1 && first_dest >= 0))
        for (int dest : demand.dest_tiles)
          if (first_round ? dest == first_dest : dest != first_dest) is_dest_[vertex(arch_.tile_pos(dest))] = true;
      const Vertex dest = nearest_destination(tree_vertices);
      is_dest_[dest] = false;
      std::vector<GridPos> walk;
      for (Vertex v = dest;; v = predecessor_[v]) {
        walk.push_back(position(v));
        if (predecessor_[v] == v) break;
      }
      std::reverse(walk.begin(), walk.end());
      const int start = vertex(walk.front());
      append_walk(walk, driver_[start] < 0 ? Side::North : static_cast<Side>(driver_[start]), tree.hops);
      for (size_t i = 1; i + 1 < walk.size(); ++i) {
        driver_[vertex(walk[i])] = static_cast<int>(direction(walk[i], walk[i - 1]));
        tree_vertices.push_back(vertex(walk[i]));
      }
    }
    for (Vertex v : tree_vertices) driver_[v] = -1;
    for (Side side : kAllSides)
      if (arch_.in_grid(step(source_pos, side))) cost_[edge_id(source_pos, side)] = kBlocked;
    return tree;
  }

 private:
  struct EdgeId {
    int id;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeId>;
  using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
  struct Found {
    Vertex vertex;
  };
  // Stops Dijkstra at the first destination it settles: the nearest one.
  struct StopAtDestination : boost::default_dijkstra_visitor {
    const std::vector<bool>* is_dest;
    void examine_vertex(Vertex v, const Graph&) const {
      if ((*is_dest)[v]) throw Found{v};
    }
  };

  static constexpr double kBlocked = 1e9;         // a neuron tile never forwards other tiles' lines
  static constexpr double kOverBudget = 1000.0;   // a detour is better than more memory
  static constexpr double kLoadTieBreak = 1e-4;   // among equal paths, prefer emptier ports

  Vertex vertex(GridPos p) const { return arch_.cell_index(p); }
  GridPos position(Vertex v) const { return {static_cast<int>(v) / arch_.grid_cols(), static_cast<int>(v) % arch_.grid_cols()}; }
  int edge_id(GridPos from, Side side) const { return static_cast<int>(vertex(from)) * kSides + static_cast<int>(side); }

  static std::vector<GridPos> touched_cells(const SourceTree& tree) {
    std::vector<GridPos> cells;
    for (const Hop& hop : tree.hops)
      for (GridPos p : {hop.from, hop.to()})
        if (std::find(cells.begin(), cells.end(), p) == cells.end()) cells.push_back(p);
    return cells;
  }

  // Cost of one more line from `from` on `side`: 1, plus a penalty when either end would
  // go over the memory budget.
  void update_cost(GridPos from, Side side) {
    const GridPos to = step(from, side);
    if (!arch_.in_grid(to) || arch_.cell_type(from) == CellType::NeuronTile) return;
    PortVector from_ports = loads_.at(from), to_ports = loads_.at(to);
    const int out = out_port(side), in = in_port(opposite(side));
    double cost = 1.0 + kLoadTieBreak * (from_ports[out] + to_ports[in]);
    ++from_ports[out];
    ++to_ports[in];
    if (!budget_.allows({from}, {from_ports}) || !budget_.allows({to}, {to_ports})) cost += kOverBudget;
    cost_[edge_id(from, side)] = cost;
  }
  // Every line into or out of a cell whose counts changed.
  void refresh_costs(const SourceTree& tree) {
    for (GridPos p : touched_cells(tree))
      for (Side side : kAllSides) {
        update_cost(p, side);
        if (arch_.in_grid(step(p, side))) update_cost(step(p, side), opposite(side));
      }
  }

  Vertex nearest_destination(const std::vector<Vertex>& sources) {
    auto weight = boost::make_iterator_property_map(cost_.begin(), boost::get(&EdgeId::id, graph_));
    StopAtDestination visitor;
    visitor.is_dest = &is_dest_;
    try {
      boost::dijkstra_shortest_paths(graph_, sources.begin(), sources.end(), predecessor_.data(), distance_.data(),
                                     weight, boost::get(boost::vertex_index, graph_), std::less<double>(),
                                     boost::closed_plus<double>(), std::numeric_limits<double>::max(), 0.0, visitor);
    } catch (const Found& found) {
      return found.vertex;
    }
    throw std::logic_error("tree routing: a destination tile is unreachable");
  }

  const Arch& arch_;
  MemoryBudget budget_;
  PortCounts loads_;
  Graph graph_;
  std::vector<double> cost_;
  std::vector<double> distance_;
  std::vector<Vertex> predecessor_;
  std::vector<int> driver_;  // input side of each router the current tree reaches, -1 elsewhere
  std::vector<bool> is_dest_;
};

// -1 (nearest first), then up to kFarthestStarts destinations, farthest from the source first.
std::vector<int> first_destinations(const Arch& arch, const SpikeDemand& demand) {
  constexpr size_t kFarthestStarts = 3;
  const int source_tile = arch.tile_of_neuron(demand.source);
  std::vector<int> by_distance = demand.dest_tiles;
  std::stable_sort(by_distance.begin(), by_distance.end(), [&](int a, int b) {
    return arch.hop_distance(source_tile, a) > arch.hop_distance(source_tile, b);
  });
  std::vector<int> firsts{-1};
  if (by_distance.size() > 1)
    firsts.insert(firsts.end(), by_distance.begin(), by_distance.begin() + std::min(kFarthestStarts, by_distance.size()));
  return firsts;
}

}  // namespace

Routes route_tree(const Arch& arch, const std::vector<SpikeDemand>& demands) {
  // Rip up and reroute, starting from the one-turn routing: every source in turn gives up
  // its tree and gets the Steiner tree with the fewest lines that keeps the whole routing
  // (all other sources in place) within one-turn's memory, or its old tree back. The
  // routing is complete and within budget after every step.
  Routes routes = route_one_turn(arch, demands);
  routes.algorithm = RoutingAlgorithm::Tree;
  SteinerRouter router(arch, MemoryBudget(count_ports(arch, routes)));
  for (const SourceTree& tree : routes.trees) router.commit(tree);
  // A second pass finds room that sources rerouted later in the first pass freed.
  constexpr int kReroutePasses = 2;
  for (int pass = 0; pass < kReroutePasses; ++pass) {
    for (size_t i = 0; i < demands.size(); ++i) {
      SourceTree& tree = routes.trees[i];
      router.uncommit(tree);
      for (int first : first_destinations(arch, demands[i])) {
        SourceTree candidate = router.steiner_tree(demands[i], first);
        if (candidate.hops.size() < tree.hops.size() && router.fits(candidate)) tree = std::move(candidate);
      }
      router.commit(tree);
    }
  }
  return routes;
}

Routes route(const Arch& arch, const std::vector<SpikeDemand>& demands, RoutingAlgorithm algorithm) {
  return algorithm == RoutingAlgorithm::OneTurn ? route_one_turn(arch, demands) : route_tree(arch, demands);
}

std::vector<int> routers_per_destination(const Arch& arch, const SourceTree& tree) {
  // Hops come parents first: the routers before a line = those before its driver line,
  // plus one when the line leaves a router. Lines are keyed by (cell, input side).
  const auto key = [&](GridPos p, Side in_side) { return arch.cell_index(p) * kSides + static_cast<int>(in_side); };
  std::unordered_map<int, int> routers_before;
  std::vector<int> per_tile(arch.num_tiles(), -1);
  for (const Hop& hop : tree.hops) {
    const bool from_router = arch.cell_type(hop.from) != CellType::NeuronTile;
    const int before = from_router ? routers_before.at(key(hop.from, hop.driver)) + 1 : 0;
    routers_before[key(hop.to(), opposite(hop.out))] = before;
    const int tile = arch.tile_at(hop.to());
    if (tile >= 0) per_tile[tile] = before;
  }
  std::vector<int> routers;
  for (int dest : tree.dest_tiles) {
    if (per_tile[dest] < 0) throw std::logic_error("routes: a destination tile is not reached by its tree");
    routers.push_back(per_tile[dest]);
  }
  return routers;
}

}  // namespace mosaic::mapping
