#pragma once
// mosaic-map as a library: the entry points the simulator and the trainer call.
// Steps (PACMAN-style, each its own component): placement (placement.hpp) -> routing
// (routing.hpp) -> tables (routing_tables.hpp) -> capacities (capacity.hpp) -> memory (memory.hpp).
#include <string>
#include <vector>

#include "mapping/capacity.hpp"
#include "mapping/memory.hpp"
#include "mapping/routing.hpp"
#include "mapping/routing_tables.hpp"
#include "models/network.hpp"

namespace mosaic::mapping {

// Everything known about a network routed on its own placement.
struct Mapping {
  std::string network_digest;
  Routes routes;
  PortCounts ports;
  NeededCapacities needed;
  std::vector<Violation> violations;  // against the capacities of net.arch (none when absent)
  RoutingMemory memory;
};

Mapping map_network(const Network& net, RoutingAlgorithm algorithm = RoutingAlgorithm::OneTurn);
// The tables mosaic-sim loads when it is given no routes file.
RoutingTables route_network(const Network& net, RoutingAlgorithm algorithm = RoutingAlgorithm::OneTurn);
// The routing memory of a network as placed (the trainer reports what it trained).
RoutingMemory network_memory(const Network& net, RoutingAlgorithm algorithm = RoutingAlgorithm::OneTurn);
// Router lines and memory of a routing: what a tree routing is compared against.
struct RoutingFigures {
  long router_lines = 0;
  RoutingMemory memory;
};
RoutingFigures routing_figures(const Network& net, RoutingAlgorithm algorithm);

}  // namespace mosaic::mapping
