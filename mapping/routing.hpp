#pragma once
// Step 2 of mosaic-map: one multicast tree per source neuron on the router grid.
// `one-turn` reproduces the reference 1-turn router of models/SPEC.md section 1.3 (one path per
// (source neuron, destination tile), merged per source); `tree` is a shortest-path Steiner
// heuristic (Boost.Graph Dijkstra) that shares segments between the destinations of a source
// and never needs more memory than one-turn (see route_tree()).
#include <string>
#include <vector>

#include "models/arch.hpp"
#include "models/network.hpp"

namespace mosaic::mapping {

enum class RoutingAlgorithm { OneTurn, Tree };
std::string routing_name(RoutingAlgorithm algorithm);  // "one-turn", "tree"
// Throws std::invalid_argument on an unknown name.
RoutingAlgorithm parse_routing(const std::string& name);

// The tiles a source neuron must reach: every tile other than its own that holds a target of
// one of its recurrent synapses. Input synapses are never routed (dedicated north-edge wires).
struct SpikeDemand {
  int source = 0;
  std::vector<int> dest_tiles;  // sorted, unique
};
// One demand per source neuron with at least one destination, by increasing source.
std::vector<SpikeDemand> spike_demands(const Network& net);

// One line segment of a tree: the source's line leaves the cell `from` on side `out` and
// enters step(from, out). `driver` is the side of `from` whose input line of the same source
// drives this segment through the crossbar (unused when `from` is the source's own tile).
struct Hop {
  GridPos from;
  Side out = Side::North;
  Side driver = Side::North;
  GridPos to() const { return step(from, out); }
};

// The multicast tree of one source neuron. Every hop is unique; a hop out of a router comes
// after a hop into that router on its driver side (parents before children).
struct SourceTree {
  int source = 0;
  std::vector<int> dest_tiles;
  std::vector<Hop> hops;
};

struct Routes {
  RoutingAlgorithm algorithm = RoutingAlgorithm::OneTurn;
  std::vector<SourceTree> trees;  // by increasing source
};

// Cells of the reference 1-turn path from tile `from` to tile `to` (!= from), both neuron
// tiles included; the routers crossed are the cells in between.
std::vector<GridPos> one_turn_path(const Arch& arch, int from, int to);

Routes route_one_turn(const Arch& arch, const std::vector<SpikeDemand>& demands);
// Steiner heuristic: from the tree so far (source tile and the routers it already reaches),
// a shortest path (Boost.Graph Dijkstra) to the nearest destination not yet reached,
// repeated; tried with the nearest and with each of the 3 farthest destinations first.
// Starting from the one-turn routing, each source in turn (two passes) takes its Steiner
// tree when that has fewer lines and keeps the whole routing within one-turn's memory in both models
// (edge costs steer the search away from cells that would go over): so tree never needs more
// memory nor more router lines than one-turn on the same placement.
Routes route_tree(const Arch& arch, const std::vector<SpikeDemand>& demands);
Routes route(const Arch& arch, const std::vector<SpikeDemand>& demands, RoutingAlgorithm algorithm);

// Routers on the tree path from the source tile to each destination tile, aligned with
// tree.dest_tiles (the hop count of each link of the source).
std::vector<int> routers_per_destination(const Arch& arch, const SourceTree& tree);

}  // namespace mosaic::mapping
