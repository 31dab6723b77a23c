#include "mapping/report.hpp"

#include <fmt/format.h>

namespace mosaic::mapping {

std::map<int, long> hop_histogram(const Arch& arch, const Routes& routes) {
  std::map<int, long> histogram;
  for (const SourceTree& tree : routes.trees)
    for (int routers : routers_per_destination(arch, tree)) ++histogram[routers];
  return histogram;
}

namespace {

nlohmann::json model_to_json(const MemoryModel& model) {
  nlohmann::json j;
  for (auto [name, type] : {std::pair{"nt", &model.nt}, std::pair{"r0", &model.r0}, std::pair{"r1", &model.r1}}) {
    j[name] = {{"instances", type->instances}, {"cells", type->cells}};
    if (type->cells_per_instance > 0) j[name]["cells_per_instance"] = type->cells_per_instance;
  }
  j["total"] = model.total();
  return j;
}

nlohmann::json port_usage_json(const Arch& arch, const PortCounts& ports) {
  nlohmann::json cells = nlohmann::json::array();
  for (int x = 0; x < arch.grid_rows(); ++x) {
    for (int y = 0; y < arch.grid_cols(); ++y) {
      nlohmann::json cell = {{"x", x}, {"y", y}, {"type", cell_type_name(arch.cell_type({x, y}))},
                             {"ports", ports.at({x, y})}};
      if (const auto capacity = arch.capacity_at({x, y})) cell["capacity"] = *capacity;
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

long link_count(const Routes& routes) {
  long links = 0;
  for (const SourceTree& tree : routes.trees) links += static_cast<long>(tree.dest_tiles.size());
  return links;
}

}  // namespace

nlohmann::json report_to_json(const Network& net, const Mapping& mapping, const nlohmann::json& placement,
                              const RoutingFigures* one_turn) {
  const Arch& arch = net.arch;
  nlohmann::json violations = nlohmann::json::array();
  for (const Violation& v : mapping.violations)
    violations.push_back({{"x", v.pos.x}, {"y", v.pos.y}, {"type", cell_type_name(v.type)}, {"port", port_name(v.port)},
                          {"count", v.count}, {"capacity", v.capacity}});
  nlohmann::json histogram = nlohmann::json::object();
  for (auto [routers, links] : hop_histogram(arch, mapping.routes)) histogram[std::to_string(routers)] = links;
  nlohmann::json chip = nlohmann::json::object();
  if (arch.capacity.nt) chip["nt"] = *arch.capacity.nt;
  if (arch.capacity.r0) chip["r0"] = *arch.capacity.r0;
  if (arch.capacity.r1) chip["r1"] = *arch.capacity.r1;
  nlohmann::json report = {{"format", "mosaic-map-report"},
          {"version", 1},
          {"arch", arch.name()},
          {"network_digest", mapping.network_digest},
          {"routing", routing_name(mapping.routes.algorithm)},
          {"placement", placement},
          {"mappable", mapping.violations.empty()},
          {"chip_capacity", chip},
          {"violations", violations},
          {"needed_capacity", {{"nt", mapping.needed.nt}, {"r0", mapping.needed.r0}, {"r1", mapping.needed.r1}}},
          {"memory_cells", {{"homogeneous", model_to_json(mapping.memory.homogeneous)},
                            {"per_instance", model_to_json(mapping.memory.per_instance)}}},
          {"sources", mapping.routes.trees.size()},
          {"links", link_count(mapping.routes)},
          {"router_lines", mapping.ports.router_lines()},
          {"hop_histogram", histogram},
          {"ports", port_usage_json(arch, mapping.ports)}};
  if (mapping.memory.input_wires > 0) report["input_wires"] = mapping.memory.input_wires;  // dedicated input lines
  if (one_turn)
    report["one_turn_reference"] = {{"router_lines", one_turn->router_lines},
                                    {"memory_cells", {{"homogeneous", model_to_json(one_turn->memory.homogeneous)},
                                                      {"per_instance", model_to_json(one_turn->memory.per_instance)}}}};
  return report;
}

std::string report_summary(const Network& net, const Mapping& mapping, const RoutingFigures* one_turn) {
  const auto vector_text = [](const PortVector& v) { return fmt::format("[{}]", fmt::join(v, ", ")); };
  const MemoryModel& homogeneous = mapping.memory.homogeneous;
  const MemoryModel& per_instance = mapping.memory.per_instance;
  std::string text = fmt::format("mosaic-map: {} network, {} routing: {} sources, {} links, {} router lines\n",
                                 net.arch.name(), routing_name(mapping.routes.algorithm), mapping.routes.trees.size(),
                                 link_count(mapping.routes), mapping.ports.router_lines());
  text += "  hop histogram (routers: links):";
  for (auto [routers, links] : hop_histogram(net.arch, mapping.routes)) text += fmt::format(" {}: {}", routers, links);
  text += "\n  needed capacity (in N E S W, out N E S W; R1 as north/south of a tile)\n";
  text += fmt::format("    NT {}\n    R0 {}\n    R1 {}\n", vector_text(mapping.needed.nt), vector_text(mapping.needed.r0),
                      vector_text(mapping.needed.r1));
  text += fmt::format("  memory, homogeneous model: {} cells (NT {} x {}, R0 {} x {}, R1 {} x {})\n", homogeneous.total(),
                      homogeneous.nt.instances, homogeneous.nt.cells_per_instance, homogeneous.r0.instances,
                      homogeneous.r0.cells_per_instance, homogeneous.r1.instances, homogeneous.r1.cells_per_instance);
  text += fmt::format("  memory, per-instance model: {} cells (NT {}, R0 {}, R1 {})\n", per_instance.total(),
                      per_instance.nt.cells, per_instance.r0.cells, per_instance.r1.cells);
  if (net.input.dedicated_lines())
    text += fmt::format("  dedicated input lines: {} (channel, tile) wires, counted in the NT input crossbars above\n",
                        mapping.memory.input_wires);
  if (one_turn)
    text += fmt::format("  versus one-turn on this placement: router lines {} -> {}, homogeneous {} -> {}, per instance {} -> {}\n",
                        one_turn->router_lines, mapping.ports.router_lines(), one_turn->memory.homogeneous.total(),
                        homogeneous.total(), one_turn->memory.per_instance.total(), per_instance.total());
  if (!net.arch.capacity.any()) {
    text += "  chip: sized for the network (no capacities given): mappable\n";
  } else if (mapping.violations.empty()) {
    text += "  chip capacities: mappable, no port over capacity\n";
  } else {
    text += fmt::format("  chip capacities: NOT mappable, {} ports over capacity, e.g.:\n", mapping.violations.size());
    for (size_t i = 0; i < std::min<size_t>(5, mapping.violations.size()); ++i) {
      const Violation& v = mapping.violations[i];
      text += fmt::format("    {} at ({}, {}) {}: {} lines > capacity {}\n", cell_type_name(v.type), v.pos.x, v.pos.y,
                          port_name(v.port), v.count, v.capacity);
    }
  }
  return text;
}

}  // namespace mosaic::mapping
