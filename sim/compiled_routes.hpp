#pragma once
// The routing tables turned into what the blocks look up per event. The tables must be valid
// (mapping::validate_tables, which mapping::read_tables runs, or mapping::build_tables).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mapping/routing_tables.hpp"
#include "models/network.hpp"
#include "sim/sim_config.hpp"

namespace mosaic::sim {

constexpr std::uint8_t side_bit(Side s) { return static_cast<std::uint8_t>(1u << static_cast<int>(s)); }

struct RouterConfig {
  GridPos pos;
  CellType type = CellType::R1;
  // out_sides[in_side][source neuron]: bit mask of the sides the line is copied to (0 = no line).
  // Empty when the router holds no line at all.
  std::array<std::vector<std::uint8_t>, kSides> out_sides;
  bool has_lines() const { return !out_sides[0].empty(); }
};

struct TileConfig {
  int tile = 0;
  // line_targets[in_side][source neuron]: synapses the line reaches in this tile, -1 = no line.
  std::array<std::vector<std::int16_t>, kSides> line_targets;
  bool has_lines() const { return !line_targets[0].empty(); }
};

struct CompiledRoutes {
  std::vector<RouterConfig> routers;  // one per router position, row-major (Arch::routers())
  std::vector<int> router_of_cell;    // full-grid cell (row-major) -> index in routers, -1 for tiles
  std::vector<TileConfig> tiles;      // by tile id
  std::vector<std::uint8_t> emit_sides;  // per neuron: sides whose router has a line for it
  // hops[source][tile]: routers from the source's tile to `tile` (0 = own tile, -1 = not reached).
  std::vector<std::vector<int>> hops;
  int max_hops = 0;

  int router_index(const Arch& arch, GridPos p) const;  // -1 when p is not a router
  // Cycles from emission to the synaptic event on the longest path.
  int worst_path_latency(int router_cycles, int tile_cycles) const { return max_hops * router_cycles + tile_cycles; }
};

// The tick length a run uses: the configured one, or the worst path latency when it is 0.
inline int effective_tick_cycles(const SimConfig& config, const CompiledRoutes& routes) {
  return config.tick_cycles > 0 ? config.tick_cycles : routes.worst_path_latency(config.router_cycles, config.tile_cycles);
}

// Translation only: validated tables of `net` -> lookup arrays.
CompiledRoutes compile_routes(const Network& net, const mapping::RoutingTables& tables);

}  // namespace mosaic::sim
