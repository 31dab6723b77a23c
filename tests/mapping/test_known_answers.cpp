// Hand-built networks on a 3 x 3 x 4 chip (grid 7 x 7: 9 NT, 24 R1, 16 R0) with port
// counts and memory worked out by hand from models/SPEC.md section 1.
#include <gtest/gtest.h>

#include "mapping/mapping.hpp"
#include "test_networks.hpp"

namespace mosaic::mapping {
namespace {

using testing::add_link;
using testing::empty_network;

const Arch kChip(3, 3, 4);
// The centre tile 4 sits at (3, 3) and holds neurons 16..19.

PortVector ports(std::initializer_list<std::pair<int, int>> set) {
  PortVector v{};
  for (auto [port, count] : set) v[port] = count;
  return v;
}

TEST(KnownAnswers, OneLinkToANeighbourCrossesOneEastWestR1) {
  Network net = empty_network(kChip);
  add_link(net, 16, 5, 2);  // tile 4 -> tile 5 (east), two synapses: one line
  const Mapping m = map_network(net);
  EXPECT_EQ(m.ports.at({3, 3}), ports({{out_port(Side::East), 1}}));
  EXPECT_EQ(m.ports.at({3, 4}), ports({{in_port(Side::West), 1}, {out_port(Side::East), 1}}));
  EXPECT_EQ(m.ports.at({3, 5}), ports({{in_port(Side::West), 1}}));
  EXPECT_EQ(m.ports.router_lines(), 1);
  // The R1 between tiles 4 and 5 faces them east and west: canonically its tile-facing sides
  // are N/S, so physical in_W is canonical in_S and physical out_E is canonical out_N.
  EXPECT_EQ(m.needed.r1, ports({{in_port(Side::South), 1}, {out_port(Side::North), 1}}));
  EXPECT_EQ(m.needed.nt, ports({{in_port(Side::West), 1}, {out_port(Side::East), 1}}));
  EXPECT_EQ(m.needed.r0, PortVector{});
  // Homogeneous: NT 1 x 4 = 4 each; R0 0; R1 max(2 max(1, K) + 0, 2 x 1)^2 = 64 each.
  EXPECT_EQ(m.memory.homogeneous.nt.cells, 9 * 4);
  EXPECT_EQ(m.memory.homogeneous.r0.cells, 0);
  EXPECT_EQ(m.memory.homogeneous.r1.cells_per_instance, 64);
  EXPECT_EQ(m.memory.homogeneous.total(), 36 + 24 * 64);
  // Per instance: only tile 5 has an input line; every R1 carries its tiles' K lines.
  EXPECT_EQ(m.memory.per_instance.nt.cells, 4);
  EXPECT_EQ(m.memory.per_instance.total(), 4 + 24 * 64);
}

TEST(KnownAnswers, OneLinkToADiagonalTileTurnsOnce) {
  Network net = empty_network(kChip);
  add_link(net, 16, 8);  // tile 4 -> tile 8 (south-east): S to (4,3), R0 (4,4), R1 (5,4), in from W
  const Mapping m = map_network(net);
  EXPECT_EQ(m.ports.at({3, 3}), ports({{out_port(Side::South), 1}}));
  EXPECT_EQ(m.ports.at({4, 3}), ports({{in_port(Side::North), 1}, {out_port(Side::East), 1}}));
  EXPECT_EQ(m.ports.at({4, 4}), ports({{in_port(Side::West), 1}, {out_port(Side::South), 1}}));
  EXPECT_EQ(m.ports.at({5, 4}), ports({{in_port(Side::North), 1}, {out_port(Side::East), 1}}));
  EXPECT_EQ(m.ports.at({5, 5}), ports({{in_port(Side::West), 1}}));
  EXPECT_EQ(m.ports.router_lines(), 3);
  EXPECT_EQ(m.needed.r1, ports({{in_port(Side::North), 1}, {in_port(Side::West), 1}, {out_port(Side::North), 1},
                                {out_port(Side::East), 1}}));
  // R1: in 2 max(1, 4) + 2 x 1 = 10, out 2 x 1 + 2 x 1 = 4: 100 cells. R0: (4 x 1)^2 = 16.
  EXPECT_EQ(m.memory.homogeneous.r1.cells_per_instance, 100);
  EXPECT_EQ(m.memory.homogeneous.r0.cells_per_instance, 16);
  EXPECT_EQ(m.memory.homogeneous.total(), 9 * 4 + 16 * 16 + 24 * 100);
  // Per instance: R1 (4,3) 64, R1 (5,4) 100, the 22 others 64; R0 (4,4) 16; NT 4.
  EXPECT_EQ(m.memory.per_instance.r1.cells, 22 * 64 + 64 + 100);
  EXPECT_EQ(m.memory.per_instance.total(), 4 + 16 + 22 * 64 + 64 + 100);
}

TEST(KnownAnswers, TwoSourcesSharingAPortCountTwice) {
  Network net = empty_network(kChip);
  add_link(net, 12, 8);  // tile 3 -> tile 8: S to (4,1), east along row 4 to (4,4), (5,4), in from W
  add_link(net, 16, 8);  // tile 4 -> tile 8: joins at (4,3)
  const Mapping m = map_network(net);
  EXPECT_EQ(m.ports.at({4, 3}), ports({{in_port(Side::North), 1}, {in_port(Side::West), 1}, {out_port(Side::East), 2}}));
  EXPECT_EQ(m.ports.at({4, 4}), ports({{in_port(Side::West), 2}, {out_port(Side::South), 2}}));
  EXPECT_EQ(m.ports.at({5, 4}), ports({{in_port(Side::North), 2}, {out_port(Side::East), 2}}));
  EXPECT_EQ(m.ports.at({5, 5}), ports({{in_port(Side::West), 2}}));
  EXPECT_EQ(m.ports.router_lines(), 5 + 3);
  // R1 canonical worst: in_N 1, in_W 2, out_N 2, out_E 2: in 8 + 4 = 12, out 4 + 4 = 8: 144.
  EXPECT_EQ(m.memory.homogeneous.r1.cells_per_instance, 144);
  EXPECT_EQ(m.memory.homogeneous.r0.cells_per_instance, 64);
  EXPECT_EQ(m.memory.homogeneous.nt.cells_per_instance, 8);
  EXPECT_EQ(m.memory.homogeneous.total(), 9 * 8 + 16 * 64 + 24 * 144);
  // Per instance: R1 (4,1) 64, (4,3) 100, (5,4) 144, 21 others 64; R0 (4,2) 16, (4,4) 64; NT 8.
  EXPECT_EQ(m.memory.per_instance.total(), 8 + 16 + 64 + 21 * 64 + 64 + 100 + 144);
}

TEST(KnownAnswers, TreeSharesAFanOutThatOneTurnSplits) {
  Network net = empty_network(kChip);
  add_link(net, 12, 5);  // tile 3 -> tile 5, same row: N, row 2 east, (3,4), in from W: 5 routers
  add_link(net, 12, 8);  // tile 3 -> tile 8: S, row 4 east, (5,4), in from W: 5 routers
  const Mapping one_turn = map_network(net, RoutingAlgorithm::OneTurn);
  const Mapping tree = map_network(net, RoutingAlgorithm::Tree);
  EXPECT_EQ(one_turn.ports.router_lines(), 10);
  EXPECT_EQ(one_turn.ports.at({3, 1}), ports({{out_port(Side::North), 1}, {out_port(Side::South), 1}}));
  // One trunk along row 4 to (4,4), then up to (3,4) for tile 5 and down to (5,4) for tile 8;
  // both tiles are still entered from the West, so no tile needs another input side.
  EXPECT_EQ(tree.ports.router_lines(), 6);
  EXPECT_EQ(tree.ports.at({4, 4}), ports({{in_port(Side::West), 1}, {out_port(Side::North), 1}, {out_port(Side::South), 1}}));
  EXPECT_EQ(tree.ports.at({3, 5}), ports({{in_port(Side::West), 1}}));
  EXPECT_EQ(tree.ports.at({5, 5}), ports({{in_port(Side::West), 1}}));
  EXPECT_LE(tree.memory.homogeneous.total(), one_turn.memory.homogeneous.total());
  EXPECT_LE(tree.memory.per_instance.total(), one_turn.memory.per_instance.total());
}

TEST(KnownAnswers, InTileSynapsesAndInputSynapsesAreNotRouted) {
  Network net = empty_network(kChip);
  net.recurrent.push_back({16, 17, 1.0f});
  net.input.weights.push_back({0, 0, 1.0f});
  const Mapping m = map_network(net);
  EXPECT_TRUE(m.routes.trees.empty());
  EXPECT_EQ(m.ports.router_lines(), 0);
  EXPECT_EQ(m.memory.homogeneous.total(), 24 * 64);  // R1s always hold their tiles' K lines
}

TEST(Capacity, ViolationsAppearWhenCapacitiesAreLowered) {
  Network net = empty_network(kChip);
  add_link(net, 12, 8);
  add_link(net, 16, 8);
  EXPECT_TRUE(map_network(net).violations.empty());  // no capacities: sized for the network
  net.arch.capacity.r1 = PortVector{4, 4, 4, 4, 2, 2, 2, 2};
  EXPECT_TRUE(map_network(net).violations.empty());
  // Canonical out_N of 1: the east/west R1 (5,4) turns it onto its physical East side.
  net.arch.capacity.r1 = PortVector{4, 4, 4, 4, 1, 2, 2, 2};
  std::vector<Violation> v = map_network(net).violations;
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pos, (GridPos{5, 4}));
  EXPECT_EQ(v[0].port, out_port(Side::East));
  EXPECT_EQ(v[0].count, 2);
  EXPECT_EQ(v[0].capacity, 1);
  // Canonical out_E of 1 hits the north/south R1 (4,3) on its physical East side.
  net.arch.capacity.r1 = PortVector{4, 4, 4, 4, 2, 1, 2, 2};
  v = map_network(net).violations;
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pos, (GridPos{4, 3}));
  EXPECT_EQ(v[0].port, out_port(Side::East));
  net.arch.capacity.r1.reset();
  net.arch.capacity.r0 = PortVector{1, 1, 1, 1, 1, 1, 1, 1};
  v = map_network(net).violations;
  ASSERT_EQ(v.size(), 2u);  // R0 (4,4): in_W 2 and out_S 2
  EXPECT_EQ(v[0].pos, (GridPos{4, 4}));
  EXPECT_EQ(v[0].type, CellType::R0);
  net.arch.capacity.nt = PortVector{0, 0, 0, 1, 1, 1, 1, 1};
  EXPECT_EQ(map_network(net).violations.size(), 3u);  // and tile 8 has 2 lines on its West side
}

}  // namespace
}  // namespace mosaic::mapping
