// Placement: fixed keeps the network, optimize brings a scrambled routing-aware network back.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "mapping/mapping.hpp"
#include "mapping/placement.hpp"
#include "test_networks.hpp"

namespace mosaic::mapping {
namespace {

// The network with its movable neurons (not input tiles, not outputs) randomly permuted.
Network shuffled(const Network& net, std::uint64_t seed) {
  const std::vector<bool> movable = movable_neurons(net);
  std::vector<int> ids;
  for (int n = 0; n < net.arch.num_neurons(); ++n)
    if (movable[n]) ids.push_back(n);
  std::vector<int> targets = ids;
  std::mt19937_64 rng(seed);
  std::shuffle(targets.begin(), targets.end(), rng);
  std::vector<int> new_id(net.arch.num_neurons());
  for (int n = 0; n < net.arch.num_neurons(); ++n) new_id[n] = n;
  for (size_t i = 0; i < ids.size(); ++i) new_id[ids[i]] = targets[i];
  return renumber_neurons(net, new_id);
}

TEST(Placement, FixedKeepsEveryNeuronWhereItIs) {
  const Network net = testing::deepr_like_network(Arch(4, 4, 8), {{1, 0.5}}, 1);
  const PlacementResult result = place_network(net, {});
  EXPECT_EQ(network_digest(result.placed), network_digest(net));
  EXPECT_EQ(result.cost_after, result.cost_before);
}

TEST(Placement, OptimizeKeepsInputTilesAndOutputNeuronsAndTheSynapses) {
  const Network net = shuffled(testing::deepr_like_network(Arch(4, 4, 8), {{1, 0.5}, {3, 0.2}}, 2), 9);
  const PlacementResult result = place_network(net, {PlacementMode::Optimize, 5});
  validate_network(result.placed, "placed");
  EXPECT_EQ(result.placed.output_neurons, net.output_neurons);
  EXPECT_EQ(result.placed.recurrent.size(), net.recurrent.size());
  for (int n = 0; n < net.arch.num_neurons(); ++n)
    if (!movable_neurons(net)[n]) {
      EXPECT_EQ(result.new_id[n], n);
    }
  EXPECT_EQ(placement_cost(result.placed), result.cost_after);
  EXPECT_LT(result.cost_after, result.cost_before);
  // Seeded: the same seed gives the same placement.
  EXPECT_EQ(place_network(net, {PlacementMode::Optimize, 5}).new_id, result.new_id);
}

TEST(Placement, ScrambledRoutingAwareNetworkComesBackWithinOneAndAHalfTimesItsMemory) {
  const Network trained = testing::deepr_like_network(Arch(5, 5, 32), {{1, 1.0}, {3, 0.1}}, 11);
  const long original = network_memory(trained).homogeneous.total();
  const Network scrambled = shuffled(trained, 12);
  const long scrambled_memory = network_memory(scrambled).homogeneous.total();
  const PlacementResult result = place_network(scrambled, {PlacementMode::Optimize, 13});
  const long placed = network_memory(result.placed).homogeneous.total();
  std::cout << "homogeneous memory: original " << original << ", scrambled " << scrambled_memory << ", placed "
            << placed << " (link hop sum " << result.cost_before << " -> " << result.cost_after << ")\n";
  EXPECT_LE(placed, original * 3 / 2);
  EXPECT_LE(network_memory(result.placed).per_instance.total(), network_memory(trained).per_instance.total() * 3 / 2);
}

}  // namespace
}  // namespace mosaic::mapping
