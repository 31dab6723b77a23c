#pragma once
// The trainable weights, their initialisation per mode, and their export as a mosaic-net file.
#include <cstdint>
#include <vector>

#include "models/network.hpp"
#include "trainer/config.hpp"
#include "trainer/deepr.hpp"

namespace mosaic::train {

// Independent random streams, each derived from (seed, stream, counter), so a resumed run
// draws exactly what an uninterrupted one draws without saving generator state.
enum class RngStream : uint64_t { Init = 1, Shuffle = 2, Rewire = 3, Noise = 4, Data = 5 };
Rng make_rng(uint64_t seed, RngStream stream, uint64_t counter = 0);

struct Parameters {
  std::vector<float> input;      // [n_inp][K]: channel j drives neuron (j / K) * K + k with input[j * K + k]
  std::vector<float> recurrent;  // [N][N], row = presynaptic neuron; link (n, t) = K floats at n * N + t * K
};

// The connectivity of a mode before training: routing-aware starts from the profile,
// baseline and dense start from every link.
LinkMap empty_link_map(const ModelSpec& model);

// Weights and links at the start of training (stream Init of the seed).
void initialise(const TrainConfig& config, Parameters& params, LinkMap& links);

// Recurrent synapses that count: allowed by the links and non-zero.
long live_synapses(const LinkMap& links, const Parameters& params);

// The network as a mosaic-net v1 file; provenance is left to the caller.
Network to_network(const ModelSpec& model, const Parameters& params, const LinkMap& links);

}  // namespace mosaic::train
