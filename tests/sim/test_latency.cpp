// Known-answer timing: every delivery in crossbar mode takes hops x router_cycles + tile_cycles,
// with the hop counts taken from how the fixture built its paths (not from the simulator).
#include <gtest/gtest.h>

#include "sim/simulator.hpp"
#include "sim_fixtures.hpp"

namespace mosaic::sim {
namespace {

TEST(SimLatency, CrossbarDeliveryLatencyIsHopsTimesRouterCyclesPlusTileCycles) {
  const Network net = testing::random_network(Arch(3, 4, 8), 3);
  const testing::ScratchDir dir("latency");
  const auto samples = testing::write_and_bin_samples(net, dir.path() + "/input.h5", 3, 5);
  std::vector<std::vector<int>> hops;
  const auto tables = testing::south_first_tables(net, &hops);
  SimConfig config;
  config.router_cycles = 3;
  config.tile_cycles = 2;
  config.record_deliveries = true;
  const CompiledRoutes routes = compile_routes(net, tables, "tables");
  EXPECT_EQ(routes.hops, [&] {  // the simulator's walk of the tables agrees with the paths built
    auto expected = hops;
    for (int n = 0; n < net.arch.num_neurons(); ++n) expected[n][net.arch.tile_of_neuron(n)] = 0;
    return expected;
  }());
  Simulator sim(net, routes, config);
  int max_hops = 0;
  for (const auto& per_tile : hops)
    for (int h : per_tile) max_hops = std::max(max_hops, h);
  EXPECT_EQ(sim.tick_cycles(), max_hops * 3 + 2);

  std::int64_t routed = 0;
  for (std::size_t i = 0; i < samples.size(); ++i)
    for (const DeliveryRecord& d : sim.run(samples[i], static_cast<int>(i)).deliveries) {
      const Cycle latency = d.delivered - d.emitted;
      if (d.routed) {
        const int source = d.key - net.input.n_inp;
        ASSERT_EQ(latency, hops[source][d.tile] * 3 + 2) << "source " << source << " -> tile " << d.tile;
        EXPECT_EQ(d.in_side, Side::West);  // south-first paths enter from the West
        ++routed;
      } else {
        ASSERT_EQ(latency, 2);  // own crossbar and north-edge input lines
      }
      EXPECT_EQ(d.emitted % sim.tick_cycles(), 0);  // spikes leave at tick starts
    }
  EXPECT_GT(routed, 1000);
}

}  // namespace
}  // namespace mosaic::sim
