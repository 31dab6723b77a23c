// Training throughput (forward, backward and Adam update of one mini-batch) on SHD-sized
// generated input: 20 classes, 700 channels, about 7,000 spikes per recording, T = 100.
// Counters: samples/s, live recurrent synapses, firing rate (spikes per neuron and step).
#include <benchmark/benchmark.h>

#include <ctime>

#include "models/shd_layout.hpp"
#include "trainer/dataset.hpp"
#include "trainer/kernel.hpp"
#include "trainer/optimizer.hpp"
#include "trainer/parameters.hpp"
#include "trainer/synthetic.hpp"

namespace {

using namespace mosaic;
using namespace mosaic::train;

const std::vector<BinnedSample>& shd_sized_batch(const ModelSpec& model, int batch) {
  static std::vector<BinnedSample> samples;
  if (static_cast<int>(samples.size()) < batch) {
    PatternTaskSpec spec;
    spec.classes = kShdClasses;
    spec.channels = kShdChannels;
    spec.duration_s = 1.0;
    spec.band_rate_hz = 40;
    spec.other_rate_hz = 8;
    spec.recordings = batch;
    samples.clear();
    for (const ShdSample& s : pattern_task(spec)) samples.push_back(bin_sample(s, model.bin_spec(), 0));
  }
  return samples;
}

void train_step(benchmark::State& state, const std::string& arch, Mode mode, const std::string& profile) {
  TrainConfig config;
  config.model.arch = Arch::parse(arch);
  config.mode = mode;
  config.deepr.profile = HopProfile::parse(profile);
  config.threads = 2;
  const int batch = 64;
  Parameters params, gradient;
  LinkMap links;
  initialise(config, params, links);
  BpttKernel kernel(config.model, config.loss, config.threads);
  kernel.set_links(links);
  const std::vector<float> mask = links.synapse_mask();
  Adam adam(config.optimizer);
  AdamState adam_state;
  adam.reset(adam_state, params);
  const auto& samples = shd_sized_batch(config.model, batch);
  std::vector<const BinnedSample*> pointers;
  for (int b = 0; b < batch; ++b) pointers.push_back(&samples[b]);
  double rate = 0;
  // Process CPU time of all threads: on a shared machine, 2 x samples per CPU-second is what
  // the 2 cores would give undisturbed.
  const std::clock_t cpu_start = std::clock();
  for (auto _ : state) {
    const BatchLoss loss = kernel.compute(params, pointers, gradient);
    adam.update(params, gradient, mask, adam_state, config.optimizer.lr);
    rate = loss.rate / config.loss.rate_scale;
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  state.counters["samples_per_cpu_s"] = static_cast<double>(batch) * state.iterations() / cpu_seconds;
  state.counters["live_synapses"] = static_cast<double>(live_synapses(links, params));
  state.counters["firing_rate"] = rate;
}

void BM_RoutingAware_5x5x32_p1_1_p3_01(benchmark::State& s) { train_step(s, "5x5x32", Mode::RoutingAware, "1:1.0,3:0.1"); }
void BM_RoutingAware_5x5x32_p1_05(benchmark::State& s) { train_step(s, "5x5x32", Mode::RoutingAware, "1:0.5"); }
void BM_RoutingAware_5x5x32_p1_1_p3_03(benchmark::State& s) { train_step(s, "5x5x32", Mode::RoutingAware, "1:1.0,3:0.3"); }
void BM_RoutingAware_5x5x32_p1_1_p3_1_p5_1(benchmark::State& s) { train_step(s, "5x5x32", Mode::RoutingAware, "1:1,3:1,5:1"); }
void BM_Dense_5x5x32(benchmark::State& s) { train_step(s, "5x5x32", Mode::Dense, "1:1"); }
void BM_RoutingAware_8x8x32_p1_1_p3_01(benchmark::State& s) { train_step(s, "8x8x32", Mode::RoutingAware, "1:1.0,3:0.1"); }

BENCHMARK(BM_RoutingAware_5x5x32_p1_1_p3_01)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoutingAware_5x5x32_p1_05)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoutingAware_5x5x32_p1_1_p3_03)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoutingAware_5x5x32_p1_1_p3_1_p5_1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Dense_5x5x32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoutingAware_8x8x32_p1_1_p3_01)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
