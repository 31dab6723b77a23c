#pragma once
// Routing tables: what mosaic-map writes and mosaic-sim loads (mapping/README.md documents
// the JSON). Circuit-switched: a line is named by the source neuron it carries, so an output
// line on one router's east side is the input line of the same source on its neighbour's west side.
#include <string>
#include <vector>

#include "models/arch.hpp"

namespace mosaic::mapping {

constexpr int kRoutesFormatVersion = 1;

// One input line of a router: spikes of `source` arriving on `in_side`, copied to every side
// in `out_sides` (the crossbar cells set on that line).
struct RouterLine {
  int source = 0;
  Side in_side = Side::North;
  std::vector<Side> out_sides;
};

struct RouterTable {
  GridPos pos;
  CellType type = CellType::R1;
  std::vector<RouterLine> lines;  // sorted by (in_side, source)
};

// One input line of a neuron tile: spikes of `source` arriving on `in_side` reach `targets`
// (neurons of this tile) through the tile's input crossbar.
struct TileLine {
  int source = 0;
  Side in_side = Side::North;
  std::vector<int> targets;
};

struct TileTable {
  int tile = 0;
  std::vector<TileLine> lines;  // sorted by (in_side, source)
};

struct RoutingTables {
  int version = kRoutesFormatVersion;
  std::string arch;            // Arch::name() of the network
  std::string network_digest;  // network_digest() of the network the tables were made for
  std::string routing;         // "one-turn" or "tree"
  std::vector<RouterTable> routers;  // row-major by position; routers with no line may be omitted
  std::vector<TileTable> tiles;      // by tile id
};

}  // namespace mosaic::mapping
