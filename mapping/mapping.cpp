#include "mapping/mapping.hpp"

namespace mosaic::mapping {

Mapping map_network(const Network& net, RoutingAlgorithm algorithm) {
  Routes routes = route(net.arch, spike_demands(net), algorithm);
  PortCounts ports = count_ports(net.arch, routes);
  NeededCapacities needed = needed_capacities(ports);
  std::vector<Violation> violations = find_violations(ports, net.arch);
  RoutingMemory memory = routing_memory(ports);
  add_dedicated_input_lines(memory, net);
  return {network_digest(net), std::move(routes), std::move(ports), needed, std::move(violations), memory};
}

RoutingTables route_network(const Network& net, RoutingAlgorithm algorithm) {
  return build_tables(net, route(net.arch, spike_demands(net), algorithm));
}

RoutingMemory network_memory(const Network& net, RoutingAlgorithm algorithm) {
  return routing_figures(net, algorithm).memory;
}

RoutingFigures routing_figures(const Network& net, RoutingAlgorithm algorithm) {
  const PortCounts ports = count_ports(net.arch, route(net.arch, spike_demands(net), algorithm));
  RoutingMemory memory = routing_memory(ports);
  add_dedicated_input_lines(memory, net);
  return {ports.router_lines(), memory};
}

}  // namespace mosaic::mapping
