#include <gtest/gtest.h>

#include "models/arch.hpp"
#include "models/error.hpp"

using namespace mosaic;

TEST(Arch, PaperGridHasDomainCounts) {
  const Arch arch = Arch::parse("5x5x32");
  EXPECT_EQ(arch.num_tiles(), 25);
  EXPECT_EQ(arch.num_neurons(), 800);
  int nt = 0, r1 = 0, r0 = 0;
  for (int x = 0; x < arch.grid_rows(); ++x)
    for (int y = 0; y < arch.grid_cols(); ++y) {
      switch (arch.cell_type({x, y})) {
        case CellType::NeuronTile: ++nt; break;
        case CellType::R1: ++r1; break;
        case CellType::R0: ++r0; break;
      }
    }
  EXPECT_EQ(nt, 25);
  EXPECT_EQ(r1, 60);
  EXPECT_EQ(r0, 36);
  EXPECT_EQ(arch.routers().size(), 96u);
}

TEST(Arch, OrderedPairsPerDistanceOn5x5) {
  const std::map<int, long> expected = {{0, 25}, {1, 80}, {3, 64}, {5, 156}, {7, 140},
                                        {9, 100}, {11, 40}, {13, 16}, {15, 4}};
  EXPECT_EQ(Arch(5, 5, 32).pair_count_per_distance(), expected);
  EXPECT_EQ(Arch(5, 5, 32).max_hop_distance(), 15);
}

TEST(Arch, NeighboursPerTileByPosition) {
  const Arch arch(5, 5, 32);
  const int corner = 0, edge = 2, interior = 12;
  EXPECT_EQ(arch.tiles_at_distance(corner, 1).size(), 2u);
  EXPECT_EQ(arch.tiles_at_distance(edge, 1).size(), 3u);
  EXPECT_EQ(arch.tiles_at_distance(interior, 1).size(), 4u);
  EXPECT_EQ(arch.tiles_at_distance(corner, 3).size(), 1u);
  EXPECT_EQ(arch.tiles_at_distance(edge, 3).size(), 2u);
  EXPECT_EQ(arch.tiles_at_distance(interior, 3).size(), 4u);
}

TEST(Arch, HopDistanceCases) {
  const Arch arch(5, 5, 32);
  EXPECT_EQ(arch.hop_distance(7, 7), 0);
  EXPECT_EQ(arch.hop_distance(0, 1), 1);   // adjacent, same row
  EXPECT_EQ(arch.hop_distance(0, 5), 1);   // adjacent, same column
  EXPECT_EQ(arch.hop_distance(0, 6), 3);   // diagonal: 2d - 1
  EXPECT_EQ(arch.hop_distance(0, 2), 5);   // same row, d = 2: 2d + 1
  EXPECT_EQ(arch.hop_distance(0, 24), 15); // opposite corners
  for (int a = 0; a < 25; ++a)
    for (int b = 0; b < 25; ++b) EXPECT_EQ(arch.hop_distance(a, b), arch.hop_distance(b, a));
}

TEST(Arch, TilePositionsAndNeuronIds) {
  const Arch arch(5, 5, 32);
  EXPECT_EQ(arch.tile_pos(0), (GridPos{1, 1}));
  EXPECT_EQ(arch.tile_pos(7), (GridPos{3, 5}));
  EXPECT_EQ(arch.tile_at({3, 5}), 7);
  EXPECT_EQ(arch.tile_at({2, 5}), -1);
  EXPECT_EQ(arch.tile_of_neuron(799), 24);
  EXPECT_EQ(arch.tile_of_neuron(32), 1);
  EXPECT_EQ(step({3, 5}, Side::North), (GridPos{2, 5}));
  EXPECT_EQ(step({3, 5}, Side::West), (GridPos{3, 4}));
  EXPECT_TRUE(arch.is_east_west_r1({3, 4}));
  EXPECT_FALSE(arch.is_east_west_r1({2, 5}));
}

TEST(Arch, ParseRejectsBadSpecs) {
  EXPECT_EQ(Arch::parse("8x8x32").num_neurons(), 2048);
  EXPECT_EQ(Arch::parse("3x4x16").name(), "3x4x16");
  EXPECT_THROW(Arch::parse("5x5"), std::invalid_argument);
  EXPECT_THROW(Arch::parse("0x5x32"), std::invalid_argument);
  EXPECT_THROW(Arch::parse("axbxc"), std::invalid_argument);
  EXPECT_THROW(Arch::parse("1024x1024x65536"), std::invalid_argument);  // 2^36 neurons overflow int
}

// Found by the arch fuzz target: 1024 x 1024 x 65536 passed every field's range and then
// overflowed int in num_neurons(). The largest chip a file may give is 2^24 neurons.
TEST(Arch, MoreNeuronsThanTheLimitIsBadInputNamingTheField) {
  EXPECT_EQ(arch_from_json(arch_to_json(Arch(1024, 16, 1024)), "chip.json").num_neurons(), 1 << 24);
  nlohmann::json j = arch_to_json(Arch(1024, 16, 1024));
  j["cols"] = 17;
  try {
    arch_from_json(j, "chip.json");
    FAIL() << "an Arch of more than 2^24 neurons accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "chip.json");
    EXPECT_EQ(e.field(), "arch.neurons_per_tile");
  }
}

TEST(Arch, R1CapacityRotatesForEastWestRouters) {
  Arch arch(2, 2, 4);
  arch.capacity.r1 = PortVector{1, 2, 3, 4, 5, 6, 7, 8};
  // North/south R1 (between tiles of one column): the vector as written.
  EXPECT_EQ(*arch.capacity_at({2, 1}), (PortVector{1, 2, 3, 4, 5, 6, 7, 8}));
  // East/west R1: physical E plays canonical N, S plays E, W plays S, N plays W.
  EXPECT_EQ(*arch.capacity_at({1, 2}), (PortVector{4, 1, 2, 3, 8, 5, 6, 7}));
  EXPECT_FALSE(arch.capacity_at({0, 0}).has_value());
}

TEST(Arch, JsonRoundTripKeepsEverything) {
  Arch arch(3, 4, 16);
  arch.capacity.r0 = PortVector{8, 8, 8, 8, 8, 8, 8, 8};
  arch.timing.router_cycles = 3;
  arch.timing.tick_cycles = 77;
  arch.energy.synaptic_event_pj = 2.5;
  const Arch back = arch_from_json(arch_to_json(arch), "mem");
  EXPECT_EQ(back.name(), "3x4x16");
  EXPECT_EQ(*back.capacity.r0, *arch.capacity.r0);
  EXPECT_FALSE(back.capacity.r1.has_value());
  EXPECT_EQ(back.timing.router_cycles, 3);
  EXPECT_EQ(back.timing.tick_cycles, 77);
  EXPECT_DOUBLE_EQ(back.energy.synaptic_event_pj, 2.5);
}

TEST(Arch, JsonErrorsNameTheField) {
  nlohmann::json j = arch_to_json(Arch(2, 2, 4));
  j["capacity"] = {{"r1", {1, 2, 3}}};
  try {
    arch_from_json(j, "chip.json");
    FAIL() << "short capacity vector accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "chip.json");
    EXPECT_EQ(e.field(), "arch.capacity.r1");
  }
  j = arch_to_json(Arch(2, 2, 4));
  j["rows"] = -1;
  EXPECT_THROW(arch_from_json(j, "chip.json"), InputError);
}
