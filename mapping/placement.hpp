#pragma once
// Step 1 of mosaic-map: which neuron sits in which tile. Neuron ids are tile-major, so a
// network already says where each neuron sits (`fixed`). `optimize` reassigns the neurons
// that may move so that routing needs few lines, and renumbers the network tile-major.
//
// Cost (minimised): the sum, over every link (source neuron, destination tile other than its
// own), of the hop distance between the two tiles: the router lines one-turn routing needs
// when nothing is shared. Links, not synapses, are what routers pay for.
// Fixed: input tiles keep all their neurons (their crossbars hold the input weights of their
// channels) and the output neurons keep their places in the last tile; every other neuron
// may move to any slot not taken by a fixed neuron.
// Search, seeded: (1) a greedy graph partition: tiles are grown one by one from their fixed
// neurons or a seed, adding the unplaced neuron whose synaptic partners are most like those of
// the tile's members (cosine similarity); (2) the groups are arranged on the grid by simulated
// annealing over exchanges of whole tiles' contents (a small quadratic assignment problem,
// best of a few restarts); (3) kept if better than the input placement, then refined by
// annealing over exchanges of single neurons between tiles, never ending worse than it began.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/network.hpp"

namespace mosaic::mapping {

enum class PlacementMode { Fixed, Optimize };
std::string placement_name(PlacementMode mode);  // "fixed", "optimize"
// Throws std::invalid_argument on an unknown name.
PlacementMode parse_placement(const std::string& name);

struct PlacementOptions {
  PlacementMode mode = PlacementMode::Fixed;
  std::uint64_t seed = 1;
  double moves_per_neuron = 200;  // refinement length: exchanges tried per movable neuron
};

struct PlacementResult {
  Network placed;            // renumbered tile-major
  std::vector<int> new_id;   // old neuron id -> new neuron id
  long cost_before = 0;      // placement_cost of the input network
  long cost_after = 0;
  long moves_accepted = 0;
};

long placement_cost(const Network& net);
// Neurons that optimize may move: not in an input tile, not an output neuron.
std::vector<bool> movable_neurons(const Network& net);
// The same network with neuron n renamed new_id[n] (a permutation): synapses, input weights,
// outputs and per-neuron parameters follow their neuron; synapses are sorted by (pre, post).
Network renumber_neurons(const Network& net, const std::vector<int>& new_id);

PlacementResult place_network(const Network& net, const PlacementOptions& options);
nlohmann::json placement_to_json(const PlacementOptions& options, const PlacementResult& result);

}  // namespace mosaic::mapping
