// aer link mode on hand-made tables of a 1 x 2 x 8 chip, against timings computed by hand.
//
// Grid (full-grid row, column):   (0,1) R1   (0,2) R0   (0,3) R1
//                                 (1,1) NT0  (1,2) R1   (1,3) NT1
// Every spike of step 1 leaves its tile at the start of tick 2 (cycle kTick of the sample);
// router_cycles = tile_cycles = 1, so an uncontended path of h routers takes h + 1 cycles.
#include <gtest/gtest.h>

#include <map>

#include "sim/simulator.hpp"
#include "sim_fixtures.hpp"

namespace mosaic::sim {
namespace {

constexpr int kTick = 20;

// Both tiles are input tiles; input channel j drives neuron j hard enough to spike at step 1.
Network two_tile_network(const std::vector<Synapse>& recurrent) {
  Network net;
  net.arch = Arch(1, 2, 8);
  net.input.shd_channels = 16;
  net.input.n_inp = 16;
  net.input.interleave_k = 1;
  net.input.bins = 3;
  for (int j = 0; j < 16; ++j) net.input.weights.push_back({j, j, 2.0f});
  net.recurrent = recurrent;
  net.num_classes = 2;
  net.output_neurons = {14, 15};
  return net;
}

BinnedSample spikes_at_step_one(const std::vector<int>& channels) {
  BinnedSample s;
  s.active = {channels, {}, {}};
  return s;
}

SimConfig aer_config(int fifo_depth) {
  SimConfig config;
  config.mode = LinkMode::Aer;
  config.fifo_depth = fifo_depth;
  config.tick_cycles = kTick;
  config.record_deliveries = true;
  return config;
}

// Routed deliveries of step 2: source neuron -> cycles after emission.
std::map<int, Cycle> routed_latencies(const Network& net, const SampleResult& r) {
  std::map<int, Cycle> out;
  for (const DeliveryRecord& d : r.deliveries)
    if (d.routed) {
      EXPECT_EQ(d.emitted, kTick);
      out[d.key - net.input.n_inp] = d.delivered - d.emitted;
    }
  return out;
}

const RouterStats& router_at(const RunStats& stats, GridPos p) {
  for (const RouterStats& r : stats.routers)
    if (r.pos == p) return r;
  throw std::logic_error("no router there");
}

// Neuron 0 (tile 0) and neuron 8 (tile 1) both go north and meet at the R0 (0,2), both wanting
// its South output in cycle 2 (after 2 routers); the R1 (1,2) then turns them into the tiles.
// Round-robin starts at in_N: in_E (neuron 8) goes first, in_W (neuron 0) one cycle later.
struct CrossingPaths {
  Network net = two_tile_network({{0, 9, 0.1f}, {8, 1, 0.1f}});
  mapping::RoutingTables tables = [this] {
    testing::PathTables paths(net);
    paths.add_path(0, {{0, 1}, {0, 2}, {1, 2}}, 1, {9});
    paths.add_path(8, {{0, 3}, {0, 2}, {1, 2}}, 0, {1});
    return paths.tables("hand");
  }();
};

TEST(SimAer, TwoEventsWantingOneOutputInOneCycleLeaveOneCycleApart) {
  CrossingPaths f;
  Simulator sim(f.net, compile_routes(f.net, f.tables), aer_config(4));
  const auto latencies = routed_latencies(f.net, sim.run(spikes_at_step_one({0, 8}), 0));
  EXPECT_EQ(latencies, (std::map<int, Cycle>{{8, 4}, {0, 5}}));
}

TEST(SimAer, CrossbarDeliversTheSameCrossingWithoutContention) {
  CrossingPaths f;
  SimConfig config = aer_config(4);
  config.mode = LinkMode::Crossbar;
  Simulator sim(f.net, compile_routes(f.net, f.tables), config);
  const auto latencies = routed_latencies(f.net, sim.run(spikes_at_step_one({0, 8}), 0));
  EXPECT_EQ(latencies, (std::map<int, Cycle>{{8, 4}, {0, 4}}));
  // Event-driven: each router on the paths runs once per cycle it has events in, the others never.
  const RunStats stats = sim.stats();
  for (const RouterStats& r : stats.routers) {
    const bool on_paths = r.pos == GridPos{0, 1} || r.pos == GridPos{0, 3} || r.pos == GridPos{0, 2} || r.pos == GridPos{1, 2};
    EXPECT_EQ(r.activations, on_paths ? 1 : 0) << r.pos.x << "," << r.pos.y;
  }
}

// All 8 neurons of tile 0 spike. Neurons 0-3 take the direct path through (1,2) (entering its
// in_W), neurons 4-7 the northern loop (0,1) -> (0,2) -> (1,2) (entering its in_N); both
// streams share (1,2)'s East output, one event per cycle, alternating once both are waiting.
// Cycle by cycle (c = cycles after emission; an event may leave a router 1 cycle after arriving):
//   c0: tile sends n0 -> (1,2).W, n4 -> (0,1).S
//   c1: (1,2) sends n0 east; (0,1) n4 -> (0,2); tile n1, n5
//   c2: (1,2) n1; (0,2) n4 -> (1,2).N; (0,1) n5; tile n2, n6
//   c3: (1,2) round-robin: in_N first -> n4; (0,2) n5 -> (1,2).N; (0,1) n6; tile n3, n7
//   c4: (1,2) in_W: n2; (0,2) n6 -> (1,2).N, which now holds n5, n6; (0,1) n7
//   c5: (1,2) in_N: n5. With depth 2, (1,2).N is full in this cycle (n5 leaves, its slot frees
//       only for the next cycle): (0,2) must hold n7 back, one stall. With depth 3 it may send.
//   c6: (1,2) in_W: n3; c7: in_N: n6; c8: n7. Each reaches tile 1 one cycle later.
struct MergingStreams {
  Network net = two_tile_network({{0, 8, 0.01f}, {1, 8, 0.01f}, {2, 8, 0.01f}, {3, 8, 0.01f},
                                   {4, 8, 0.01f}, {5, 8, 0.01f}, {6, 8, 0.01f}, {7, 8, 0.01f}});
  mapping::RoutingTables tables = [this] {
    testing::PathTables paths(net);
    for (int n = 0; n < 4; ++n) paths.add_path(n, {{1, 2}}, 1, {8});
    for (int n = 4; n < 8; ++n) paths.add_path(n, {{0, 1}, {0, 2}, {1, 2}}, 1, {8});
    return paths.tables("hand");
  }();
  const std::map<int, Cycle> expected{{0, 2}, {1, 3}, {4, 4}, {2, 5}, {5, 6}, {3, 7}, {6, 8}, {7, 9}};
};

TEST(SimAer, FifoOfDepthTwoFillsAndBackPressuresAsComputedByHand) {
  MergingStreams f;
  Simulator sim(f.net, compile_routes(f.net, f.tables), aer_config(2));
  EXPECT_EQ(routed_latencies(f.net, sim.run(spikes_at_step_one({0, 1, 2, 3, 4, 5, 6, 7}), 0)), f.expected);
  const RunStats stats = sim.stats();
  EXPECT_EQ(router_at(stats, {0, 2}).stall_cycles, 1);
  EXPECT_EQ(router_at(stats, {1, 2}).max_fifo[static_cast<int>(Side::North)], 2);
  EXPECT_EQ(router_at(stats, {1, 2}).max_fifo[static_cast<int>(Side::West)], 2);
  EXPECT_EQ(router_at(stats, {1, 2}).port_events[out_port(Side::East)], 8);
  EXPECT_EQ(stats.tiles[0].stall_cycles, 0);  // the tile's own links never had to wait
}

// Depth 1: a slot freed in cycle c is usable from c + 1, so each link carries at most one
// event every other cycle and the back-pressure reaches the tile. By hand:
//   tile E side (into (1,2).W): n0 c0, waits c1, n1 c2, waits c3 c4, n2 c5, waits c6, n3 c7: 4 stalls
//   tile N side (into (0,1).S): n4 c0, waits c1, n5 c2, waits c3, n6 c4, waits c5, n7 c6:   3 stalls
//   (1,2) sends east: n0 c1, n4 c3, n1 c4, n5 c5, n2 c6, n6 c7, n3 c8, n7 c9; no router ever waits.
TEST(SimAer, FifoOfDepthOneBackPressuresIntoTheTile) {
  MergingStreams f;
  Simulator sim(f.net, compile_routes(f.net, f.tables), aer_config(1));
  EXPECT_EQ(routed_latencies(f.net, sim.run(spikes_at_step_one({0, 1, 2, 3, 4, 5, 6, 7}), 0)),
            (std::map<int, Cycle>{{0, 2}, {4, 4}, {1, 5}, {5, 6}, {2, 7}, {6, 8}, {3, 9}, {7, 10}}));
  const RunStats stats = sim.stats();
  EXPECT_EQ(stats.tiles[0].stall_cycles, 7);
  for (const RouterStats& r : stats.routers) EXPECT_EQ(r.stall_cycles, 0);
  EXPECT_EQ(router_at(stats, {1, 2}).max_fifo[static_cast<int>(Side::West)], 1);
}

TEST(SimAer, FifoOfDepthThreeAbsorbsTheBurstWithoutStalling) {
  MergingStreams f;
  Simulator sim(f.net, compile_routes(f.net, f.tables), aer_config(3));
  EXPECT_EQ(routed_latencies(f.net, sim.run(spikes_at_step_one({0, 1, 2, 3, 4, 5, 6, 7}), 0)), f.expected);
  const RunStats stats = sim.stats();
  for (const RouterStats& r : stats.routers) EXPECT_EQ(r.stall_cycles, 0);
  EXPECT_EQ(router_at(stats, {1, 2}).max_fifo[static_cast<int>(Side::North)], 3);
}

}  // namespace
}  // namespace mosaic::sim
