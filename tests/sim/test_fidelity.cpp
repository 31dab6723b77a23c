// The simulator against the reference forward pass: with a tick at least as long as the worst
// path, every spike train is identical; with a shorter tick, late events appear exactly where
// a path is longer than the tick. Each TEST runs in its own process (one SystemC elaboration).
#include <gtest/gtest.h>

#include "mapping/mapping.hpp"
#include "models/reference.hpp"
#include "models/shd.hpp"
#include "sim/quantize.hpp"
#include "sim/simulator.hpp"
#include "sim_fixtures.hpp"

namespace mosaic::sim {
namespace {

struct Fixture {
  Network net;
  std::vector<BinnedSample> samples;
  std::vector<std::vector<int>> hops;
  mapping::RoutingTables tables;
};

Fixture make_fixture(const std::string& name, int recordings) {
  Fixture f;
  f.net = testing::random_network(Arch(3, 3, 16), 7);
  const testing::ScratchDir dir(name);
  f.samples = testing::write_and_bin_samples(f.net, dir.path() + "/input.h5", recordings, 11);
  f.tables = testing::south_first_tables(f.net, &f.hops);
  return f;
}

// The blocks count only into their own statistics and the Chip gathers them at each sample's
// end: the run's totals must be exactly the sums over the blocks and over the samples.
void expect_run_totals_are_the_blocks_sums(const RunStats& stats, const std::vector<SampleResult>& samples,
                                           const Network& net) {
  std::int64_t traversals = 0, deliveries = 0, synaptic = 0, late = 0, spikes = 0, events = 0, sample_late = 0;
  for (const RouterStats& r : stats.routers) traversals += r.traversals;
  for (const TileStats& t : stats.tiles) {
    deliveries += t.deliveries;
    synaptic += t.synaptic_events;
    late += t.late_events;
    spikes += t.spikes;
  }
  for (const SampleResult& s : samples) {
    events += s.events;
    sample_late += s.late_events;
  }
  EXPECT_EQ(stats.router_traversals, traversals);
  EXPECT_EQ(stats.deliveries, deliveries);
  EXPECT_EQ(stats.synaptic_events, synaptic);
  EXPECT_EQ(stats.late_events, late);
  EXPECT_EQ(stats.late_events, sample_late);
  EXPECT_EQ(stats.spikes, spikes);
  EXPECT_EQ(stats.events(), events);
  std::int64_t histogram = 0;
  for (std::int64_t n : stats.latency_histogram) histogram += n;
  EXPECT_EQ(histogram, deliveries);
  EXPECT_EQ(stats.neuron_updates,
            static_cast<std::int64_t>(samples.size()) * net.input.bins * net.arch.num_neurons());
}

// Runs every sample through simulator and reference; returns the simulator's statistics.
RunStats expect_identical_spike_trains(const Fixture& f, SimConfig config) {
  config.record_spikes = true;
  Simulator sim(f.net, compile_routes(f.net, f.tables), config);
  ReferenceModel reference(f.net);
  std::int64_t spikes = 0;
  std::vector<SampleResult> results;
  for (std::size_t i = 0; i < f.samples.size(); ++i) {
    const SampleResult& got = results.emplace_back(sim.run(f.samples[i], static_cast<int>(i)));
    const ForwardResult want = reference.run(f.samples[i]);
    EXPECT_EQ(got.spike_trains, want.spikes) << "sample " << i;
    EXPECT_EQ(got.class_counts, want.class_counts);
    EXPECT_EQ(got.prediction, want.prediction);
    EXPECT_EQ(got.late_events, 0);
    EXPECT_EQ(got.undelivered, 0);
    spikes += got.spikes;
  }
  // The fixture must exercise the routes: neither silent nor saturated.
  const double rate = static_cast<double>(spikes) /
                      (static_cast<double>(f.samples.size()) * f.net.input.bins * f.net.arch.num_neurons());
  ::testing::Test::RecordProperty("spike_rate", std::to_string(rate));
  EXPECT_GT(rate, 0.02);
  EXPECT_LT(rate, 0.3);
  RunStats stats = sim.stats();
  EXPECT_GT(stats.router_traversals, 10000);
  expect_run_totals_are_the_blocks_sums(stats, results, f.net);
  return stats;
}

TEST(SimFidelity, CrossbarAtWorstPathTickMatchesReference) {
  const Fixture f = make_fixture("crossbar", 30);
  ASSERT_EQ(f.samples.size(), 60u);  // two interleaved subsets per recording
  SimConfig config;  // tick 0: the worst path latency
  const RunStats stats = expect_identical_spike_trains(f, config);
  EXPECT_EQ(stats.late_events, 0);
}

// The trained network that ships in traces/ on the bundled SHD-format input, routed by
// mosaic-map's one-turn router: 20 recordings x 5 interleaved subsets.
TEST(SimFidelity, BundledTrainedNetworkMatchesReferenceOnBundledInput) {
  Fixture f;
  f.net = read_network("traces/default_net.json");
  ShdReader reader("traces/shd_sample.h5");
  const BinSpec spec = bin_spec(f.net.input);
  for (std::size_t r = 0; r < 20 && r < reader.size(); ++r)
    for (BinnedSample s : bin_all_subsets(reader.read(r), spec)) {
      s.recording = static_cast<int>(r);
      f.samples.push_back(std::move(s));
    }
  ASSERT_EQ(f.samples.size(), 100u);
  f.tables = mapping::route_network(f.net);
  const RunStats stats = expect_identical_spike_trains(f, SimConfig{});
  EXPECT_EQ(stats.late_events, 0);
}

TEST(SimFidelity, CrossbarWithSlowRoutersAndLongTickMatchesReference) {
  const Fixture f = make_fixture("slow", 10);
  SimConfig config;
  config.router_cycles = 3;
  config.tile_cycles = 2;
  config.tick_cycles = 200;
  expect_identical_spike_trains(f, config);
}

TEST(SimFidelity, AerWithRoomyTickMatchesReference) {
  const Fixture f = make_fixture("aer", 10);
  SimConfig config;
  config.mode = LinkMode::Aer;
  config.fifo_depth = 2;
  config.tick_cycles = 400;  // congestion delays events, but never beyond the tick
  const RunStats stats = expect_identical_spike_trains(f, config);
  std::int64_t stalls = 0;
  for (const RouterStats& r : stats.routers) stalls += r.stall_cycles;
  EXPECT_GT(stalls, 0);  // shallow FIFOs do back-pressure on this traffic
}

TEST(SimFidelity, QuantisedWeightsKeepTheSimulatorIdenticalToTheReference) {
  Fixture f = make_fixture("quantised", 10);
  f.net = quantize_weights(f.net, 8);  // what mosaic-sim --quantize-levels 8 runs on both sides
  f.tables = testing::south_first_tables(f.net);
  expect_identical_spike_trains(f, SimConfig{});
}

TEST(SimFidelity, TickShorterThanLongestPathMakesLateEvents) {
  const Fixture f = make_fixture("late", 5);
  SimConfig config;
  config.record_deliveries = true;
  const CompiledRoutes routes = compile_routes(f.net, f.tables);
  const int worst = routes.worst_path_latency(config.router_cycles, config.tile_cycles);
  config.tick_cycles = worst - 2;
  Simulator sim(f.net, routes, config);
  std::int64_t late = 0;
  for (std::size_t i = 0; i < f.samples.size(); ++i) {
    const SampleResult r = sim.run(f.samples[i], static_cast<int>(i));
    late += r.late_events;
    for (const DeliveryRecord& d : r.deliveries) {
      // Emission is at the start of a tick: an event is late exactly when its path is longer.
      const bool longer_than_tick = d.delivered - d.emitted > config.tick_cycles;
      EXPECT_EQ(d.applied_step > d.step, longer_than_tick);
      if (longer_than_tick) {
        EXPECT_EQ(d.applied_step, d.step + 1);
      }
    }
  }
  EXPECT_GT(late, 0);
  EXPECT_EQ(sim.stats().late_events, late);
}

}  // namespace
}  // namespace mosaic::sim
