#include "test_networks.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace mosaic::mapping::testing {

Network empty_network(const Arch& arch, int num_classes) {
  Network net;
  net.arch = arch;
  net.input.n_inp = arch.cols() * arch.neurons_per_tile();
  net.num_classes = num_classes;
  for (int c = 0; c < num_classes; ++c) net.output_neurons.push_back(arch.num_neurons() - num_classes + c);
  return net;
}

void add_link(Network& net, int source, int tile, int count) {
  for (int i = 0; i < count; ++i) net.recurrent.push_back({source, net.arch.first_neuron(tile) + i, 0.5f});
}

Network deepr_like_network(const Arch& arch, const std::map<int, double>& profile, std::uint64_t seed) {
  const int k = arch.neurons_per_tile();
  Network net = empty_network(arch, std::min(20, k));
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> weight(0.0f, 0.3f);
  const auto is_output = [&](int n) { return n >= arch.num_neurons() - net.num_classes; };
  const auto add_block = [&](int source, int tile) {
    for (int post = arch.first_neuron(tile); post < arch.first_neuron(tile) + k; ++post)
      if (!(is_output(source) && is_output(post))) net.recurrent.push_back({source, post, weight(rng)});
  };
  for (int tile = 0; tile < arch.num_tiles(); ++tile) {
    if (!net.is_input_tile(tile))
      for (int n = arch.first_neuron(tile); n < arch.first_neuron(tile) + k; ++n) add_block(n, tile);
    for (auto [distance, fraction] : profile) {
      std::vector<std::pair<int, int>> free_pairs;
      for (int dest : arch.tiles_at_distance(tile, distance))
        for (int n = arch.first_neuron(tile); n < arch.first_neuron(tile) + k; ++n) free_pairs.push_back({n, dest});
      std::shuffle(free_pairs.begin(), free_pairs.end(), rng);
      const auto wanted = static_cast<size_t>(std::lround(fraction * free_pairs.size()));
      for (size_t i = 0; i < wanted; ++i) add_block(free_pairs[i].first, free_pairs[i].second);
    }
  }
  std::sort(net.recurrent.begin(), net.recurrent.end(),
            [](const Synapse& a, const Synapse& b) { return a.pre != b.pre ? a.pre < b.pre : a.post < b.post; });
  return net;
}

}  // namespace mosaic::mapping::testing
