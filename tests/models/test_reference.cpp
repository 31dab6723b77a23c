#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "models/lif.hpp"
#include "models/reference.hpp"
#include "models/score.hpp"

using namespace mosaic;

namespace {

// Hand-computed example: one tile of 3 neurons, alpha 0.5, theta 1 (all values exact in float32).
//   input channel 0 -> neuron 0 (1.5); recurrent 0 -> 1 (1.0), 0 -> 2 (1.25).
//   Input active at steps 1 and 3 of 4.
//   neuron 0: v = 1.5 (spike), 0.75 - 1 = -0.25, -0.125 + 1.5 = 1.375 (spike), 0.6875 - 1 = -0.3125
//   neuron 1: 0, 1.0 (exactly at threshold: no spike), 0.5, 0.25 + 1 = 1.25 (spike)
//   neuron 2: 0, 1.25 (spike), 0.625 - 1 = -0.375, -0.1875 + 1.25 = 1.0625 (spike)
Network three_neurons() {
  Network net;
  net.arch = Arch(1, 1, 3);
  net.neuron.alpha = {0.5f};
  net.neuron.threshold = 1.0f;
  net.input.n_inp = 1;
  net.input.bins = 4;
  net.input.weights = {{0, 0, 1.5f}};
  net.recurrent = {{0, 1, 1.0f}, {0, 2, 1.25f}};
  net.num_classes = 2;
  net.output_neurons = {2, 0};  // both spike twice: the tie goes to class 0
  return net;
}

BinnedSample input_at_steps_1_and_3() {
  BinnedSample s;
  s.active = {{0}, {}, {0}, {}};
  return s;
}

}  // namespace

TEST(ReferenceForward, HandComputedThreeNeurons) {
  const Network net = three_neurons();
  ReferenceModel model(net);
  const ForwardResult r = model.run(input_at_steps_1_and_3());
  const std::vector<std::vector<int>> expected = {{0}, {2}, {0}, {1, 2}};
  EXPECT_EQ(r.spikes, expected);
  EXPECT_EQ(r.class_counts, (std::vector<int>{2, 2}));
  EXPECT_EQ(r.prediction, 0);
}

TEST(ReferenceForward, PotentialsFollowLeakAndSubtractiveReset) {
  const Network net = three_neurons();
  LifPopulation population(net, {0, 1, 2});
  std::vector<uint8_t> active(num_keys(net), 0);
  std::vector<int> spiked;
  const std::vector<std::vector<int>> previous_spikes = {{}, {0}, {2}, {0}};
  const std::vector<std::vector<float>> expected_v = {
      {1.5f, 0.0f, 0.0f}, {-0.25f, 1.0f, 1.25f}, {1.375f, 0.5f, -0.375f}, {-0.3125f, 1.25f, 1.0625f}};
  for (int t = 0; t < 4; ++t) {
    std::fill(active.begin(), active.end(), 0);
    if (t % 2 == 0) active[input_key(0)] = 1;
    for (int n : previous_spikes[t]) active[neuron_key(net, n)] = 1;
    spiked.clear();
    population.step(active, spiked);
    EXPECT_EQ(population.potentials(), expected_v[t]) << "step " << t + 1;
  }
}

TEST(ReferenceForward, RunsAreIndependentAfterReset) {
  const Network net = three_neurons();
  ReferenceModel model(net);
  const ForwardResult first = model.run(input_at_steps_1_and_3());
  const ForwardResult second = model.run(input_at_steps_1_and_3());
  EXPECT_EQ(first.spikes, second.spikes);
}

TEST(Readout, TiesGoToTheLowestClass) {
  EXPECT_EQ(predict_class({0, 0, 0}), 0);
  EXPECT_EQ(predict_class({0, 3, 3}), 1);
  EXPECT_EQ(predict_class({1, 0, 4, 2}), 2);
  const auto log_p = log_softmax({0, 1});
  EXPECT_NEAR(std::exp(log_p[0]) + std::exp(log_p[1]), 1.0, 1e-12);
  EXPECT_GT(log_p[1], log_p[0]);
}

TEST(Score, AccuracyVoteAndConfusionOfKnownPredictions) {
  // Recording 7 (label 2): subsets predict 2, 1, 1 -> vote 1, wrong. Recording 3 (label 0):
  // 0, 1 -> a tie between classes 0 and 1, to the lowest: 0, right. Recording 5 (label 1): 1.
  const Score s = score_predictions({{7, 2, 2}, {7, 2, 1}, {3, 0, 0}, {7, 2, 1}, {3, 0, 1}, {5, 1, 1}}, 3);
  EXPECT_EQ(s.samples, 6);
  EXPECT_EQ(s.correct, 3);
  EXPECT_DOUBLE_EQ(s.accuracy(), 0.5);
  EXPECT_EQ(s.recordings, 3);
  EXPECT_EQ(s.vote_correct, 2);
  EXPECT_DOUBLE_EQ(s.vote_accuracy(), 2.0 / 3.0);
  const std::vector<std::vector<long>> confusion = {{1, 1, 0}, {0, 1, 0}, {0, 2, 1}};
  EXPECT_EQ(s.confusion, confusion);
  EXPECT_THROW(score_predictions({{0, 3, 0}}, 3), std::out_of_range);
  EXPECT_DOUBLE_EQ(score_predictions({}, 3).accuracy(), 0.0);
  EXPECT_DOUBLE_EQ(log_sum_exp({1000.0, 1000.0}), 1000.0 + std::log(2.0));  // stable at large counts
}

TEST(Lif, StrictThresholdAndOperationOrder) {
  EXPECT_FALSE(lif_spikes(1.0f, 1.0f));
  EXPECT_TRUE(lif_spikes(std::nextafter(1.0f, 2.0f), 1.0f));
  EXPECT_EQ(lif_potential(2.0f, 0.5f, 0.25f, true, 1.0f), 0.25f);
  EXPECT_EQ(lif_potential(2.0f, 0.5f, 0.25f, false, 1.0f), 1.25f);
}
