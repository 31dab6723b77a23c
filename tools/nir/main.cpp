// mosaic-nir: NIR graphs in and out of mosaic-net networks (tools/nir/README.md).
#include <iostream>

#include <fmt/format.h>

#include "mapping/placement.hpp"
#include "models/cli.hpp"
#include "models/error.hpp"
#include "tools/nir/convert.hpp"

namespace {

using namespace mosaic;

struct Options {
  std::string graph_path, net_path, out_path, arch, reset = "value", readout, placement = "fixed";
  double dt_ms = 0;
  int bins = 100;
  std::uint64_t seed = 1;
  bool ignore_metadata = false;
};

nir::ImportOptions import_options(const Options& o, bool restoring) {
  nir::ImportOptions options;
  options.reset = o.reset;
  options.bins = o.bins;
  options.restore = restoring;
  if (!o.readout.empty()) {
    const std::string prefix = "lif:";
    if (o.readout.rfind(prefix, 0) != 0) throw InputError(kCommandLine, "--readout", "must be lif:THRESHOLD");
    try {
      std::size_t used = 0;
      const float threshold = std::stof(o.readout.substr(prefix.size()), &used);
      if (used != o.readout.size() - prefix.size() || !(threshold > 0) || !std::isfinite(threshold)) throw std::invalid_argument("");
      options.readout_lif = threshold;
    } catch (const std::exception&) {
      throw InputError(kCommandLine, "--readout", "THRESHOLD in lif:THRESHOLD must be a positive number");
    }
  }
  if (restoring) return options;
  if (o.arch.empty()) throw InputError(kCommandLine, "--arch", "required: the chip (RxCxK) the graph goes on");
  if (!(o.dt_ms > 0)) throw InputError(kCommandLine, "--dt-ms", "required: the step dt in ms the graph is discretised at");
  try {
    options.arch = Arch::parse(o.arch);
  } catch (const std::invalid_argument& e) {
    throw InputError(kCommandLine, "--arch", e.what());
  }
  options.dt_ms = o.dt_ms;
  return options;
}

int run_import(const Options& o) {
  const nir::Graph graph = nir::read_graph(o.graph_path);
  const bool restoring = !o.ignore_metadata && graph.metadata.count("mosaic_network") > 0;
  nir::ImportResult result = nir::import_graph(graph, import_options(o, restoring), o.graph_path);
  Network net = std::move(result.net);
  if (o.placement == "optimize") {
    const mapping::PlacementOptions placement{mapping::PlacementMode::Optimize, o.seed};
    const mapping::PlacementResult placed = mapping::place_network(net, placement);
    net = placed.placed;
    net.provenance["placement"] = mapping::placement_to_json(placement, placed);
    std::cout << fmt::format("  placement: link hop sum {} -> {} (seed {})\n", placed.cost_before, placed.cost_after, o.seed);
  }
  write_network(o.out_path, net);
  std::cout << fmt::format("mosaic-nir: {} -> {}: {} neurons in {} layer(s) on {}, {} input channels, {} input and {} "
                           "neuron synapses, {} outputs (network version {})\n",
                           o.graph_path, o.out_path, result.layers.empty() ? 0 : result.layers.back().first_neuron + result.layers.back().neurons,
                           result.layers.size(), net.arch.name(), net.input.n_inp, net.input.weights.size(),
                           net.recurrent.size(), net.num_classes, net.format_version());
  for (const nir::Layer& l : result.layers)
    std::cout << fmt::format("  layer {} ({}): neurons {}..{}\n", l.node, l.type, l.first_neuron, l.first_neuron + l.neurons - 1);
  std::cout << fmt::format("  latency: {} spiking layer(s) deep: {} extra step(s) (every synapse between neurons delays one step)\n",
                           result.depth, result.extra_latency_steps);
  for (const std::string& note : result.notes) std::cout << "  note: " << note << "\n";
  return 0;
}

int run_export(const Options& o) {
  const Network net = read_network(o.net_path);
  nir::write_graph(o.out_path, nir::export_network(net, o.net_path));
  std::cout << fmt::format("mosaic-nir: {} -> {}: Input({}) -> Linear -> LIF({}) with recurrent Linear -> Output({}), "
                           "dt {} ms\n",
                           o.net_path, o.out_path, net.input.n_inp, net.arch.num_neurons(), net.num_classes, net.neuron.dt_ms);
  if (net.neuron.reset == "subtract")
    std::cout << "  note: reset by subtraction has no NIR field: v_reset = 0 is written and the graph's metadata "
                 "(mosaic_reset) says subtract; mosaic-nir import restores it\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "mosaic-nir: NIR graphs (Neuromorphic Intermediate Representation, HDF5) in and out of mosaic-net\n"
      "networks (tools/nir/README.md).\n"
      "Example: mosaic-nir import graph.nir --arch 5x5x32 --dt-ms 1 --out net.json\n"
      "         mosaic-nir export traces/default_net.json --out net.nir"};
  app.require_subcommand(1);
  CLI::App* import = app.add_subcommand("import", "NIR graph -> mosaic-net network");
  import->add_option("graph", o.graph_path, "NIR graph (HDF5)")->required();
  import->add_option("--out", o.out_path, "network to write (mosaic-net JSON)")->required();
  import->add_option("--arch", o.arch, "chip RxCxK, e.g. 5x5x32 (not needed for a mosaic-nir export)");
  import->add_option("--dt-ms", o.dt_ms, "step dt in ms: alpha = exp(-dt/tau) (not needed for a mosaic-nir export)");
  import->add_option("--reset", o.reset, "value (NIR's v_reset, default), zero, or subtract (as snnTorch's default)")
      ->check(CLI::IsMember({"value", "zero", "subtract"}));
  import->add_option("--readout", o.readout, "lif:THRESHOLD: replace LI/CubaLI read-outs by spiking neurons");
  import->add_option("--bins", o.bins, "steps per sample (default 100); input bins are dt wide")->check(CLI::Range(1, 1 << 20));
  import->add_option("--placement", o.placement, "fixed (layers compact in id order, default) or optimize (mosaic-map's placement)")
      ->check(CLI::IsMember({"fixed", "optimize"}));
  import->add_option("--seed", o.seed, "seed of --placement optimize (default 1)");
  import->add_flag("--ignore-metadata", o.ignore_metadata,
                   "read a mosaic-nir export as any NIR graph (its parameters, not its stored network)");
  CLI::App* exporter = app.add_subcommand("export", "mosaic-net network -> NIR graph");
  exporter->add_option("net", o.net_path, "network (mosaic-net JSON)")->required();
  exporter->add_option("--out", o.out_path, "NIR graph to write (HDF5)")->required();
  return run_tool("mosaic-nir", [&] {
    if (!parse_command_line(app, argc, argv)) return 0;  // --help
    return import->parsed() ? run_import(o) : run_export(o);
  });
}
