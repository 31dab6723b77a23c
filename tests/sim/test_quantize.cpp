// Weight quantisation and programming noise (no SystemC here).
#include <gtest/gtest.h>

#include "sim/quantize.hpp"
#include "sim_fixtures.hpp"

namespace mosaic::sim {
namespace {

Network four_weights() {
  Network net;
  net.arch = Arch(1, 2, 2);
  net.input.n_inp = 2;
  net.input.weights = {{0, 0, 0.9f}, {1, 1, -0.3f}};
  net.recurrent = {{0, 2, 0.5f}, {1, 3, 0.05f}};
  net.num_classes = 1;
  net.output_neurons = {3};
  return net;
}

TEST(SimQuantize, SnapsMagnitudesToEvenlySpacedLevelsKeepingTheSign) {
  const Network q = quantize_weights(four_weights(), 3);  // levels 0, 0.45, 0.9
  EXPECT_FLOAT_EQ(q.input.weights[0].weight, 0.9f);
  EXPECT_FLOAT_EQ(q.input.weights[1].weight, -0.45f);
  EXPECT_FLOAT_EQ(q.recurrent[0].weight, 0.45f);
  EXPECT_FLOAT_EQ(q.recurrent[1].weight, 0.0f);
  EXPECT_EQ(q.recurrent.size(), 2u);  // a synapse at 0 keeps its route
  EXPECT_THROW(quantize_weights(four_weights(), 1), std::invalid_argument);
}

TEST(SimQuantize, ManyLevelsChangeLittleAndTwoLevelsAreBinary) {
  const Network net = testing::random_network(Arch(2, 2, 8), 1);
  const Network fine = quantize_weights(net, 1025);
  float top = 0;
  for (const auto& s : net.recurrent) top = std::max(top, std::fabs(s.weight));
  for (const auto& s : net.input.weights) top = std::max(top, std::fabs(s.weight));
  for (std::size_t i = 0; i < net.recurrent.size(); ++i)
    EXPECT_NEAR(fine.recurrent[i].weight, net.recurrent[i].weight, top / 1024 / 2 + 1e-6);
  for (const auto& s : quantize_weights(net, 2).recurrent)
    EXPECT_TRUE(s.weight == 0.0f || std::fabs(s.weight) == top);
}

TEST(SimQuantize, ProgrammingNoiseIsSeeded) {
  const Network net = testing::random_network(Arch(2, 2, 8), 1);
  const Network a = add_programming_noise(net, 0.05, 7), b = add_programming_noise(net, 0.05, 7),
                c = add_programming_noise(net, 0.05, 8);
  EXPECT_EQ(network_digest(a), network_digest(b));
  EXPECT_NE(network_digest(a), network_digest(c));
  EXPECT_NE(network_digest(a), network_digest(net));
  EXPECT_EQ(network_digest(add_programming_noise(net, 0.0, 7)), network_digest(net));
}

}  // namespace
}  // namespace mosaic::sim
