#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/error.hpp"
#include "trainer/deepr.hpp"
#include "trainer/parameters.hpp"

using namespace mosaic;
using namespace mosaic::train;

namespace {

TrainConfig routing_aware(const std::string& arch, const std::string& profile) {
  TrainConfig config;
  config.model.arch = Arch::parse(arch);
  config.deepr.profile = HopProfile::parse(profile);
  if (config.model.arch.neurons_per_tile() < config.model.num_classes) config.model.num_classes = 2;
  return config;
}

// Every DeepR invariant of models/SPEC.md section 3 on the current state.
void expect_invariants(const DeepR& deepr, const LinkMap& links, const std::vector<float>& recurrent) {
  const Arch& arch = links.arch();
  const int k = arch.neurons_per_tile();
  for (int s = 0; s < arch.num_tiles(); ++s) {
    for (int d = 1; d <= arch.max_hop_distance(); d += 2)
      EXPECT_EQ(links.live_links_from(s, d), deepr.target_links(s, d)) << "tile " << s << " d " << d;
    for (int n = s * k; n < (s + 1) * k; ++n) EXPECT_EQ(links.alive(n, s), !links.is_input_tile(s));
  }
  for (const auto& [d, count] : links.links_per_distance())
    if (d > 0) {
      EXPECT_GT(deepr.config().profile.at(d), 0.0) << "a link at distance " << d << " outside the profile";
    }
  // Absent synapses hold no weight.
  const int n_total = arch.num_neurons();
  for (int pre = 0; pre < n_total; ++pre)
    for (int post = 0; post < n_total; ++post)
      if (!links.synapse_allowed(pre, post)) {
        EXPECT_EQ(recurrent[static_cast<std::size_t>(pre) * n_total + post], 0.0f);
      }
}

}  // namespace

TEST(HopProfile, ParsesPairsAndRejectsNonsense) {
  const HopProfile p = HopProfile::parse("1:1.0,3:0.1");
  EXPECT_EQ(p.fraction.size(), 2u);
  EXPECT_DOUBLE_EQ(p.at(1), 1.0);
  EXPECT_DOUBLE_EQ(p.at(3), 0.1);
  EXPECT_DOUBLE_EQ(p.at(5), 0.0);
  EXPECT_EQ(p.to_string(), "1:1,3:0.1");
  EXPECT_EQ(HopProfile::parse("1:0.5,3:0").fraction.size(), 1u);
  for (const char* bad : {"", "1", "2:0.5", "0:1", "1:1.5", "1:-0.1", "1:x", "x:1", "1:1,1:0.5", "1:1;3:0.1"})
    EXPECT_THROW(HopProfile::parse(bad), std::invalid_argument) << bad;
}

TEST(LinkMap, AModelThatDoesNotFitIsBadInput) {
  ModelSpec model;  // 5x5x32
  EXPECT_NO_THROW(empty_link_map(model));
  model.num_classes = 33;  // more outputs than the last tile holds
  EXPECT_THROW(empty_link_map(model), InputError);
  model = ModelSpec{};
  model.n_inp = 25 * 32;  // every tile an input tile, none left for the outputs
  EXPECT_THROW(empty_link_map(model), InputError);
}

TEST(DeepR, TargetLinksAreRoundedProfileFractions) {
  const DeepR deepr(Arch(5, 5, 32), DeepRConfig{HopProfile::parse("1:1.0,3:0.1")});
  const int corner = 0, edge = 2, interior = 12;
  EXPECT_EQ(deepr.target_links(corner, 1), 64);     // 1.0 x 32 x 2
  EXPECT_EQ(deepr.target_links(interior, 1), 128);  // 1.0 x 32 x 4
  EXPECT_EQ(deepr.target_links(corner, 3), 3);      // round(0.1 x 32 x 1 = 3.2)
  EXPECT_EQ(deepr.target_links(edge, 3), 6);        // round(6.4)
  EXPECT_EQ(deepr.target_links(interior, 3), 13);   // round(12.8)
  EXPECT_EQ(deepr.target_links(interior, 5), 0);
}

TEST(DeepR, InitialisationFollowsTheProfile) {
  const TrainConfig config = routing_aware("5x5x32", "1:1.0,3:0.1");
  Parameters params;
  LinkMap links;
  initialise(config, params, links);
  const DeepR deepr(config.model.arch, config.deepr);
  expect_invariants(deepr, links, params.recurrent);
  // p1 = 1: every (neuron, neighbour tile) pair; in-tile blocks of the 20 non-input tiles.
  EXPECT_EQ(links.links_per_distance().at(1), 80 * 32);
  EXPECT_EQ(links.links_per_distance().at(0), 20 * 32);
  // Birth weights: |w| >= w_thr for every allowed synapse, none among output neurons.
  const int n = 800;
  for (int pre = 0; pre < n; ++pre)
    for (int post = 0; post < n; ++post)
      if (links.synapse_allowed(pre, post)) {
        EXPECT_GE(std::fabs(params.recurrent[static_cast<std::size_t>(pre) * n + post]), config.deepr.w_thr);
      }
  EXPECT_FALSE(links.synapse_allowed(799, 790));
  EXPECT_TRUE(links.synapse_allowed(779, 790));  // a non-output neuron of the output tile drives outputs
  for (float w : params.input) EXPECT_GE(std::fabs(w), config.deepr.w_thr);
}

TEST(DeepR, RewiringKeepsLinksPerDistanceAndProtectedLinks) {
  const TrainConfig config = routing_aware("4x4x8", "1:0.5,3:0.3,5:0.2");
  Parameters params;
  LinkMap links;
  initialise(config, params, links);
  const DeepR deepr(config.model.arch, config.deepr);
  const int n = links.num_neurons(), k = 8;
  std::vector<float> first(params.recurrent.size(), 1.0f), second(params.recurrent.size(), 1.0f);
  std::set<std::pair<int, int>> protected_links;
  for (int pre = 0; pre < n; ++pre)
    for (int t = 0; t < links.num_tiles(); ++t)
      if (links.alive(pre, t) && links.is_protected(pre, t)) protected_links.insert({pre, t});
  ASSERT_FALSE(protected_links.empty());

  Rng rng(7);
  long pruned_total = 0;
  for (int round = 0; round < 6; ++round) {
    // Training stand-in: shrink a random half of all weights below w_thr, so some links die.
    std::bernoulli_distribution shrink(0.5);
    for (float& w : params.recurrent)
      if (shrink(rng)) w *= 0.1f;
    const auto before = links.raw();
    const RewireStats stats = deepr.rewire(links, params.recurrent, {&first, &second}, rng);
    pruned_total += stats.pruned;
    EXPECT_EQ(stats.pruned, stats.regrown);
    expect_invariants(deepr, links, params.recurrent);
    for (const auto& [pre, t] : protected_links) EXPECT_TRUE(links.alive(pre, t));
    for (int pre = 0; pre < n; ++pre)
      for (int t = 0; t < links.num_tiles(); ++t) {
        const std::size_t first_weight = static_cast<std::size_t>(pre) * n + t * k;
        if (links.alive(pre, t) && !before[pre * links.num_tiles() + t]) {  // born this round
          for (int i = 0; i < k; ++i)
            if (links.synapse_allowed(pre, t * k + i)) {
              EXPECT_GE(std::fabs(params.recurrent[first_weight + i]), config.deepr.w_thr);
            }
        }
        if (!links.alive(pre, t) && before[pre * links.num_tiles() + t]) {  // pruned this round
          for (int i = 0; i < k; ++i) EXPECT_EQ(first[first_weight + i], 0.0f);
        }
      }
  }
  EXPECT_GT(pruned_total, 0);
}
