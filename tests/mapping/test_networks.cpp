#include "test_networks.hpp"

#include <algorithm>

#include "trainer/trainer.hpp"

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
  // The trainer's own initialiser, so the mapping is tested on what mosaic-train writes.
  train::TrainConfig config;
  config.model.arch = arch;
  config.model.num_classes = std::min(20, arch.neurons_per_tile());
  config.deepr.profile.fraction = profile;
  config.seed = seed;
  return train::initial_network(config);
}

}  // namespace mosaic::mapping::testing
