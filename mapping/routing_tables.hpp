#pragma once
// Routing tables: what mosaic-map writes and mosaic-sim loads (mapping/README.md documents
// the JSON). Circuit-switched: a line is named by the source neuron it carries, so an output
// line on one router's east side is the input line of the same source on its neighbour's west side.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mapping/routing.hpp"
#include "models/arch.hpp"
#include "models/network.hpp"

namespace mosaic::mapping {

// Version 2: tables carry connectivity_digest (version 1 carried the weight-dependent
// network_digest; such tables are refused with "re-run mosaic-map").
constexpr int kRoutesFormatVersion = 2;

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
  // connectivity_digest() of the network the tables were made for: routes depend on the synapse
  // pairs and the placement, not on the weights, so a fine-tuned network keeps its tables.
  std::string connectivity_digest;
  std::string routing;         // "one-turn" or "tree"
  std::vector<RouterTable> routers;  // row-major by position; routers with no line may be omitted
  std::vector<TileTable> tiles;      // by tile id
};

// Step 3 of mosaic-map: the tables of a routing. Router lines come from the hops entering
// each router (out_sides = the hops that line drives); tile lines from the hops entering a
// destination tile, with the neurons of that tile the source has synapses onto.
RoutingTables build_tables(const Network& net, const Routes& routes);

nlohmann::json tables_to_json(const RoutingTables& tables);
// The one check of routing tables from a file (mosaic-map --check, mosaic-sim --routes): the
// tables must belong to `net` (version, arch, connectivity digest: tables of another connectivity are refused), name
// routers where the chip has them with their types, sources and targets that exist, sides with
// a neighbour, each output side once and leading to an input line of the same source, one line
// per (cell, input side, source), and deliver every spike exactly where its synapses need it
// (table_problems). Every problem is an InputError naming `file` and the field. Returns the
// tables with their lines sorted, as TableIndex needs them.
RoutingTables validate_tables(const Network& net, RoutingTables tables, const std::string& file);
// Parses (JSON types only) and validates: `file` names the tables in error messages.
RoutingTables tables_from_json(const nlohmann::json& j, const std::string& file, const Network& net);
void write_tables(const std::string& path, const RoutingTables& tables);  // atomic
RoutingTables read_tables(const std::string& path, const Network& net);

// Where one spike of `source` goes when it follows the crossbar cells of the tables from
// its tile's four adjacent routers: every tile line it reaches, and the routers crossed.
struct Delivery {
  int tile = 0;
  Side in_side = Side::North;
  int routers = 0;  // routers crossed on the way
  const TileLine* line = nullptr;
};
struct SpikeTrace {
  std::vector<Delivery> deliveries;  // in the order reached (breadth first)
  long router_traversals = 0;        // router input lines the spike travels on
};
// Precomputed lookups for following the tables: built once, queried per source.
class TableIndex {
 public:
  TableIndex(const Arch& arch, const RoutingTables& tables);
  SpikeTrace trace(int source) const;
  // The router line of `source` arriving on `in_side` at `pos`, or nullptr.
  const RouterLine* router_line(GridPos pos, Side in_side, int source) const;
  const TileLine* tile_line(int tile, Side in_side, int source) const;

 private:
  const Arch& arch_;
  const RoutingTables& tables_;
  std::vector<int> router_at_;  // table index per grid cell, -1 where none
};

// What is wrong with tables whose lines are sorted (as built or validated), when every source's spikes are
// followed through them: a source must reach exactly the tiles holding targets of its
// synapses, each once, with exactly those targets. Empty when the tables are consistent.
std::vector<std::string> table_problems(const Network& net, const RoutingTables& tables);

}  // namespace mosaic::mapping
