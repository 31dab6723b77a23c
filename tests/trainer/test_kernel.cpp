#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/reference.hpp"
#include "trainer/kernel.hpp"
#include "trainer/parameters.hpp"
#include "trainer/synthetic.hpp"

using namespace mosaic;
using namespace mosaic::train;

namespace {

// Random binned input: each reduced channel active in a bin with probability p.
BinnedSample random_sample(const ModelSpec& model, double p, int label, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution active(p);
  BinnedSample sample;
  sample.label = label;
  sample.active.resize(model.bins);
  for (auto& bin : sample.active)
    for (int j = 0; j < model.input_channels(); ++j)
      if (active(rng)) bin.push_back(j);
  return sample;
}

TrainConfig small_config(const std::string& arch, const std::string& profile, int bins) {
  TrainConfig config;
  config.model.arch = Arch::parse(arch);
  config.model.num_classes = 2;
  config.model.shd_channels = 64;
  config.model.bins = bins;
  config.deepr.profile = HopProfile::parse(profile);
  return config;
}

}  // namespace

TEST(Kernel, ForwardSpikesEqualTheReferencePass) {
  for (const std::string arch : {"3x3x8", "5x5x32"}) {
    TrainConfig config = small_config(arch, "1:1.0,3:0.3", 60);
    config.deepr.w_thr = 0.1f;  // the paper's larger birth weights: an active network to compare
    if (arch == "5x5x32") {
      config.model.num_classes = 20;
      config.model.shd_channels = 700;
    }
    Parameters params;
    LinkMap links;
    initialise(config, params, links);
    BpttKernel kernel(config.model, config.loss, 1);
    kernel.set_links(links);
    // Through the file format as well: the network written is the network trained.
    const Network net = network_from_json(network_to_json(to_network(config.model, params, links)), "memory");
    ReferenceModel reference(net);
    long spikes = 0;
    for (int s = 0; s < 4; ++s) {
      const BinnedSample sample = random_sample(config.model, 0.05 + 0.05 * s, 0, 100 + s);
      const auto kernel_spikes = kernel.forward_spikes(params, sample);
      const ForwardResult result = reference.run(sample);
      ASSERT_EQ(kernel_spikes.size(), result.spikes.size());
      for (std::size_t t = 0; t < result.spikes.size(); ++t) {
        ASSERT_EQ(kernel_spikes[t], result.spikes[t]) << arch << " sample " << s << " step " << t + 1;
        spikes += static_cast<long>(result.spikes[t].size());
      }
    }
    EXPECT_GT(spikes, 100) << "the comparison needs activity";
  }
}

// BPTT against central finite differences of the loss, with a sigmoid in place of the step
// so the loss is differentiable: recurrent (in-tile, inter-tile, into outputs) and input weights.
class GradientCheck : public ::testing::TestWithParam<std::string> {};

// K = 4 takes the kernel's generic loops, K = 32 its fixed-length vector loops.
INSTANTIATE_TEST_SUITE_P(Kernel, GradientCheck, ::testing::Values("2x2x4", "2x2x32"));

TEST_P(GradientCheck, MatchesFiniteDifferences) {
  TrainConfig config = small_config(GetParam(), "1:1.0,3:1.0", 12);
  config.model.n_inp = 4;
  config.loss.lambda_fr = 0.5;
  config.loss.target_fr = 2.0;
  Parameters params;
  LinkMap links;
  initialise(config, params, links);
  std::mt19937_64 rng(3);
  // Fan-in grows with K: scale the weights so the smooth network stays in a moderate regime.
  std::normal_distribution<float> normal(0.0f, 0.6f * std::sqrt(4.0f / config.model.arch.neurons_per_tile()));
  const int n = links.num_neurons();
  for (int pre = 0; pre < n; ++pre)
    for (int post = 0; post < n; ++post)
      if (links.synapse_allowed(pre, post)) params.recurrent[pre * n + post] = normal(rng);
  for (float& w : params.input) w = normal(rng) + 0.8f;

  KernelOptions options;
  options.smooth_spikes = true;
  BpttKernel kernel(config.model, config.loss, 2, options);
  kernel.set_links(links);
  std::vector<BinnedSample> samples;
  for (int b = 0; b < 3; ++b) samples.push_back(random_sample(config.model, 0.4, b % 2, 50 + b));
  std::vector<const BinnedSample*> batch;
  for (const auto& s : samples) batch.push_back(&s);

  Parameters gradient, scratch;
  kernel.compute(params, batch, gradient);
  auto loss_at = [&](std::vector<float>& block, std::size_t i, float value) {
    const float saved = block[i];
    block[i] = value;
    const double loss = kernel.compute(params, batch, scratch).total;
    block[i] = saved;
    return loss;
  };
  auto check = [&](std::vector<float>& block, const std::vector<float>& analytic, std::size_t i, const char* what) {
    const float eps = 1e-2f;
    const double numeric = (loss_at(block, i, block[i] + eps) - loss_at(block, i, block[i] - eps)) / (2.0 * eps);
    EXPECT_NEAR(analytic[i], numeric, 2e-3 + 2e-2 * std::fabs(numeric)) << what << " weight " << i;
    return std::fabs(numeric);
  };
  double magnitude = 0;
  // In-tile (tile 1 -> tile 1), inter-tile at distance 1 and 3, into an output neuron (the last two).
  const int k = config.model.arch.neurons_per_tile();
  for (auto [pre, post] : std::vector<std::pair<int, int>>{
           {k, k + 1}, {k + 2, k}, {k + 1, 2 * k + 1}, {k + 3, 3 * k}, {2 * k + 1, n - 2}, {n - 3, n - 1}, {2, n - 1}, {0, k + 2}})
    if (links.synapse_allowed(pre, post)) magnitude += check(params.recurrent, gradient.recurrent, pre * n + post, "recurrent");
  for (std::size_t i : {0u, 3u, 6u, 13u}) magnitude += check(params.input, gradient.input, i, "input");
  EXPECT_GT(magnitude, 1e-3) << "gradients should not all vanish";
}

// The surrogate gradient of the real (Heaviside) spike, pinned at known potentials
// (models/SPEC.md section 2.4): dz/dv = 1 / (10 |v - theta| + 1)^2, so 0.25 at v = theta +- 0.1.
// Two steps on a 1x2x4 chip (tile 0 takes the input, tile 1 holds the outputs 6 = class 0 and
// 7 = class 1): input channel 0 makes neuron 0 spike at step 1; its link into tile 1 brings
// neuron 6 to theta + 0.1 at step 2, which spikes, and neuron 7 to theta - 0.1, which does not.
// With the rate term off, dL/dz of an output neuron is softmax(counts)_c - [c == label], and
// the gradient of the synapse 0 -> c is that times dz/dv at step 2 (neuron 0 spiked once).
TEST(Kernel, SurrogateGradientAtKnownPotentials) {
  TrainConfig config = small_config("1x2x4", "1:1.0", 2);
  config.model.n_inp = 4;
  config.loss.lambda_fr = 0.0;
  ASSERT_EQ(config.model.theta, 1.0f);
  const int n = 8;
  LinkMap links = empty_link_map(config.model);
  links.set_alive(0, 1, true);
  Parameters params;
  params.input.assign(4 * 4, 0.0f);
  params.recurrent.assign(n * n, 0.0f);
  params.input[0] = 1.5f;               // channel 0 -> neuron 0
  params.recurrent[0 * n + 6] = 1.1f;   // v = theta + 0.1
  params.recurrent[0 * n + 7] = 0.9f;   // v = theta - 0.1
  BinnedSample sample;
  sample.label = 0;
  sample.active = {{0}, {}};

  BpttKernel kernel(config.model, config.loss, 1);
  kernel.set_links(links);
  ASSERT_EQ(kernel.forward_spikes(params, sample), (std::vector<std::vector<int>>{{0}, {6}}));
  Parameters gradient;
  kernel.compute(params, {&sample}, gradient);

  const double p_class0 = std::exp(1.0) / (std::exp(1.0) + 1.0);  // counts (1, 0)
  const double surrogate = 0.25;                                   // 1 / (10 x 0.1 + 1)^2
  EXPECT_NEAR(gradient.recurrent[0 * n + 6], (p_class0 - 1.0) * surrogate, 1e-6);
  EXPECT_NEAR(gradient.recurrent[0 * n + 7], (1.0 - p_class0) * surrogate, 1e-6);
}
