// The reference 1-turn router of models/SPEC.md section 1.3.
#include <gtest/gtest.h>

#include "mapping/routing.hpp"

namespace mosaic::mapping {
namespace {

class OneTurnGeometry : public ::testing::TestWithParam<int> {};

TEST_P(OneTurnGeometry, HopDistanceEqualsRoutersOnThePathForEveryTilePair) {
  const Arch arch(GetParam(), GetParam(), 32);
  for (int a = 0; a < arch.num_tiles(); ++a) {
    for (int b = 0; b < arch.num_tiles(); ++b) {
      if (a == b) continue;
      const std::vector<GridPos> path = one_turn_path(arch, a, b);
      ASSERT_EQ(path.front(), arch.tile_pos(a));
      ASSERT_EQ(path.back(), arch.tile_pos(b));
      for (size_t i = 1; i + 1 < path.size(); ++i) {
        ASSERT_NE(arch.cell_type(path[i]), CellType::NeuronTile) << "tiles " << a << " -> " << b;
        ASSERT_EQ(std::abs(path[i].x - path[i - 1].x) + std::abs(path[i].y - path[i - 1].y), 1);
      }
      EXPECT_EQ(static_cast<int>(path.size()) - 2, arch.hop_distance(a, b)) << "tiles " << a << " -> " << b;
    }
  }
}

TEST_P(OneTurnGeometry, MergedTreesReachEveryTileAfterItsHopDistance) {
  // One source in the middle of the grid linked to every other tile: the merged tree's path
  // to each tile crosses exactly hop_distance routers, shared prefixes included.
  const Arch arch(GetParam(), GetParam(), 32);
  SpikeDemand demand{arch.first_neuron(arch.num_tiles() / 2), {}};
  for (int tile = 0; tile < arch.num_tiles(); ++tile)
    if (tile != arch.num_tiles() / 2) demand.dest_tiles.push_back(tile);
  const Routes routes = route_one_turn(arch, {demand});
  const std::vector<int> routers = routers_per_destination(arch, routes.trees.front());
  for (size_t i = 0; i < demand.dest_tiles.size(); ++i)
    EXPECT_EQ(routers[i], arch.hop_distance(arch.num_tiles() / 2, demand.dest_tiles[i])) << "tile " << demand.dest_tiles[i];
}

INSTANTIATE_TEST_SUITE_P(Grids, OneTurnGeometry, ::testing::Values(4, 5, 8));

// The three path shapes, cell by cell (full-grid coordinates), on 5 x 5.
TEST(OneTurnPath, FollowsTheReferenceShapes) {
  const Arch arch(5, 5, 32);
  // Adjacent: through the single R1 between them.
  EXPECT_EQ(one_turn_path(arch, 0, 1), (std::vector<GridPos>{{1, 1}, {1, 2}, {1, 3}}));
  // Same column, two tiles down: leave West, run down column 0, enter from the West.
  EXPECT_EQ(one_turn_path(arch, 0, 10),
            (std::vector<GridPos>{{1, 1}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {5, 1}}));
  // Same row, two tiles east: leave North, east along row 0 to column 4, down, enter from the West.
  EXPECT_EQ(one_turn_path(arch, 6, 8), (std::vector<GridPos>{{3, 3}, {2, 3}, {2, 4}, {2, 5}, {2, 6}, {3, 6}, {3, 7}}));
  // Diagonal south-west: leave South, west to column y' + 1, down to the row, enter from the East.
  EXPECT_EQ(one_turn_path(arch, 1, 5), (std::vector<GridPos>{{1, 3}, {2, 3}, {2, 2}, {3, 2}, {3, 1}}));
}

}  // namespace
}  // namespace mosaic::mapping
