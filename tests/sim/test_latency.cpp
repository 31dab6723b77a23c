// Known-answer timing: every delivery in crossbar mode takes hops x router_cycles + tile_cycles,
// with the hop counts taken from how the fixture built its paths (not from the simulator).
#include <gtest/gtest.h>

#include <set>

#include "mapping/mapping.hpp"
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
  const CompiledRoutes routes = compile_routes(net, tables);
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

// On mosaic-map's one-turn tables, a spike from tile a reaches tile b after the hop distance of
// models/SPEC.md section 1.2 (Arch::hop_distance): d = 1 -> 1, same row or column -> 2d + 1, else 2d - 1.
TEST(SimLatency, OneTurnRoutesDeliverAfterTheHopDistanceOfTheArch) {
  const Network net = testing::random_network(Arch(4, 4, 8), 9, 0.5);
  const testing::ScratchDir dir("one-turn");
  const auto samples = testing::write_and_bin_samples(net, dir.path() + "/input.h5", 2, 5);
  SimConfig config;
  config.router_cycles = 2;
  config.record_deliveries = true;
  Simulator sim(net, compile_routes(net, mapping::route_network(net)), config);
  EXPECT_EQ(sim.tick_cycles(), net.arch.max_hop_distance() * 2 + 1);
  std::set<int> distances;
  for (std::size_t i = 0; i < samples.size(); ++i)
    for (const DeliveryRecord& d : sim.run(samples[i], static_cast<int>(i)).deliveries) {
      if (!d.routed) continue;
      const int hops = net.arch.hop_distance(net.arch.tile_of_neuron(d.key - net.input.n_inp), d.tile);
      ASSERT_EQ(d.delivered - d.emitted, hops * 2 + 1);
      distances.insert(hops);
    }
  EXPECT_EQ(distances, (std::set<int>{1, 3, 5, 7, 9, 11}));  // every distance of a 4 x 4 grid occurs
}

}  // namespace
}  // namespace mosaic::sim
