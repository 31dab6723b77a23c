#pragma once
// Memristor non-idealities applied to a network's weights, input and recurrent alike. The
// simulator and the reference pass run the same transformed network, so quantisation keeps
// them bit-identical; programming noise is the experiment (its cost is measured against the
// noiseless network). Synapses whose weight becomes 0 stay, so the routes do not change.
#include <cstdint>

#include "models/network.hpp"

namespace mosaic::sim {

// Each magnitude snaps to the nearest of `levels` evenly spaced conductances over [0, max|w|]
// (0 and max|w| included), keeping its sign: one device of `levels` states per polarity.
// Throws std::invalid_argument when levels < 2.
Network quantize_weights(const Network& net, int levels);

// w += N(0, (relative_sigma * max|w|)^2), one draw per synapse in file order, from `seed`.
Network add_programming_noise(const Network& net, double relative_sigma, std::uint64_t seed);

}  // namespace mosaic::sim
