// mosaic-map: place, route and size a network on the Mosaic grid (mapping/README.md).
#include <chrono>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "mapping/mapping.hpp"
#include "mapping/placement.hpp"
#include "mapping/report.hpp"
#include "mapping/svg.hpp"
#include "models/atomic_file.hpp"
#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"

namespace {

using namespace mosaic;
using namespace mosaic::mapping;

struct Options {
  std::string net_path, out_path, report_path, out_net_path, chip_path, svg_path, check_path;
  std::string routing = "one-turn";
  std::string placement = "fixed";
  std::uint64_t seed = 1;
  double moves_per_neuron = PlacementOptions{}.moves_per_neuron;

  // The rules between options (CLI11 checks each option's own values): InputError, exit 2.
  void validate() const {
    if (placement == "optimize" && !out_path.empty() && out_net_path.empty())
      throw InputError(kCommandLine, "--out-net",
                       "--placement optimize renumbers the network: give --out-net so the tables come with their network");
  }
};

// A chip file is an Arch JSON object (or any object holding one under "arch", such as a
// network file); its geometry must be the network's, its capacities replace the network's.
RouterCapacities read_chip_capacities(const std::string& path, const Arch& network_arch) {
  const nlohmann::json j = read_json_file(path);
  const bool nested = j.is_object() && j.contains("arch");
  const Arch chip = arch_from_json(nested ? j.at("arch") : j, path, nested ? "arch" : "");
  if (chip.name() != network_arch.name())
    throw InputError(path, nested ? "arch" : "rows", "the chip is " + chip.name() + ", the network needs " + network_arch.name());
  if (!chip.capacity.any()) throw InputError(path, "capacity", "the chip file gives no capacity vector");
  return chip.capacity;
}

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// --check: are these tables the network's, and do they deliver every spike where it belongs?
int check_tables(const Network& net, const std::string& path) {
  const RoutingTables tables = read_tables(path, net);  // validates, consistency included
  std::cout << fmt::format("mosaic-map: {}: {} routing tables of this network, every source reaches exactly its targets\n",
                           path, tables.routing);
  return 0;
}

int run(const Options& options) {
  Stopwatch clock;
  Network net = read_network(options.net_path);
  if (!options.check_path.empty()) return check_tables(net, options.check_path);
  if (!options.chip_path.empty()) net.arch.capacity = read_chip_capacities(options.chip_path, net.arch);
  const PlacementOptions placement{parse_placement(options.placement), options.seed, options.moves_per_neuron};
  const double read_seconds = clock.lap();

  const PlacementResult placed = place_network(net, placement);
  const double place_seconds = clock.lap();
  const RoutingAlgorithm algorithm = parse_routing(options.routing);
  const Mapping mapping = map_network(placed.placed, algorithm);
  std::optional<RoutingFigures> one_turn;
  if (algorithm == RoutingAlgorithm::Tree) one_turn = routing_figures(placed.placed, RoutingAlgorithm::OneTurn);
  const RoutingFigures* reference = one_turn ? &*one_turn : nullptr;
  const double route_seconds = clock.lap();

  std::cout << report_summary(placed.placed, mapping, reference);
  if (placement.mode == PlacementMode::Optimize)
    std::cout << fmt::format("  placement: link hop sum {} -> {}\n", placed.cost_before, placed.cost_after);
  if (!options.out_net_path.empty()) write_network(options.out_net_path, placed.placed);
  if (!options.out_path.empty()) write_tables(options.out_path, build_tables(placed.placed, mapping.routes));
  if (!options.report_path.empty())
    write_text_atomic(options.report_path,
                      report_to_json(placed.placed, mapping, placement_to_json(placement, placed), reference).dump(1) + "\n");
  if (!options.svg_path.empty()) write_text_atomic(options.svg_path, usage_svg(placed.placed.arch, mapping));
  std::cout << fmt::format("  time: read {:.2f} s, place {:.2f} s, route {:.2f} s, tables and writing {:.2f} s\n",
                           read_seconds, place_seconds, route_seconds, clock.lap());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "mosaic-map: place a network on the Mosaic grid, route its spikes (one multicast tree per source\n"
      "neuron), write the routing tables mosaic-sim loads, and report the capacities and the routing memory\n"
      "it needs (mapping/README.md).\n"
      "Example: mosaic-map --net net.json --out routes.json --report map.json --routing tree"};
  app.add_option("--net", options.net_path, "network file (mosaic-net JSON)")->required();
  app.add_option("--out", options.out_path, "routing tables to write (mosaic-routes JSON)");
  app.add_option("--report", options.report_path, "report to write (JSON)");
  app.add_option("--routing", options.routing, "one-turn (the reference 1-turn router) or tree (shared multicast trees)")
      ->check(CLI::IsMember({"one-turn", "tree"}));
  app.add_option("--placement", options.placement, "fixed (keep neuron ids) or optimize (renumber for few lines)")
      ->check(CLI::IsMember({"fixed", "optimize"}));
  app.add_option("--seed", options.seed, "seed of the placement search (default 1)");
  app.add_option("--placement-moves", options.moves_per_neuron, "annealing swaps per movable neuron (default 200)")
      ->check(CLI::PositiveNumber);
  app.add_option("--out-net", options.out_net_path, "write the placed network (renumbered tile-major)");
  app.add_option("--chip", options.chip_path, "chip capacities: an Arch JSON with a capacity object");
  app.add_option("--svg", options.svg_path, "write a heat map of router port usage (SVG)");
  app.add_option("--check", options.check_path,
                 "instead of mapping: check that these routing tables belong to the network and deliver every spike");
  return run_tool("mosaic-map", [&] {
    if (!parse_command_line(app, argc, argv)) return 0;  // --help
    options.validate();
    return run(options);
  });
}
