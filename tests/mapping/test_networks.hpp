#pragma once
// Networks built in code for the mapping tests: hand-made links with known answers, and
// initial routing-aware networks from the trainer (models/SPEC.md section 3) for the comparisons.
#include <cstdint>
#include <map>

#include "models/network.hpp"

namespace mosaic::mapping::testing {

// A valid network without synapses: the first row holds the input tiles, the last
// `num_classes` neurons are the outputs.
Network empty_network(const Arch& arch, int num_classes = 2);
// A link: synapses from `source` onto the first `count` neurons of `tile`.
void add_link(Network& net, int source, int tile, int count = 1);
// The initial routing-aware network mosaic-train writes (trainer::initial_network): full in-tile blocks,
// and for every tile s and hop distance d, round(p_d K #tiles at d) links drawn at random
// from the free (neuron of s, tile at d) pairs, each link carrying all K synapses.
Network deepr_like_network(const Arch& arch, const std::map<int, double>& profile, std::uint64_t seed);

}  // namespace mosaic::mapping::testing
