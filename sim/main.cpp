// mosaic-sim: runs a trained network event by event on a cycle-level SystemC model of Mosaic.
#include <cstdlib>
#include <iostream>
#include <regex>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <systemc>  // declares sc_main extern "C"

#include "models/atomic_file.hpp"
#include "models/cli.hpp"
#include "models/error.hpp"
#include "sim/report.hpp"
#include "sim/run.hpp"
#include "sim/svg.hpp"

namespace {

using mosaic::InputError;

// "0,3-5" -> {0, 3, 4, 5}; `option` names the list in errors (load_run checks the ids' range).
std::vector<int> parse_id_list(const std::string& text, const std::string& option) {
  std::vector<int> out;
  std::smatch m;
  const std::regex item(R"((\d{1,8})(?:-(\d{1,8}))?)");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!std::regex_match(part, m, item)) throw InputError("command line", option, "expects a list like 0,3-5");
    const int first = std::stoi(m[1]), last = m[2].matched ? std::stoi(m[2]) : first;
    if (last < first) throw InputError("command line", option, "'" + part + "': a range runs upwards");
    for (int s = first; s <= last; ++s) out.push_back(s);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int run(int argc, char** argv) {
  mosaic::sim::RunOptions o;
  CLI::App app("mosaic-sim: cycle-level SystemC model of the Mosaic array; runs a trained network on SHD input "
               "event by event. With no arguments: the bundled default_net.json on shd_sample.h5 (" +
               mosaic::sim::bundled_folder() + ").");
  app.option_defaults()->always_capture_default();
  app.add_option("--net", o.net_path, "trained network (mosaic-net JSON; default: the bundled default_net.json)");
  app.add_option("--input", o.input_path, "SHD-format HDF5 input (default: the bundled shd_sample.h5)");
  app.add_option("--routes", o.routes_path, "routing tables from mosaic-map (default: map with one-turn routing)");
  app.add_option("--arch", o.arch_path, "Arch JSON with timing/energy for this network's geometry");
  std::string mode = "crossbar";
  app.add_option("--mode", mode, "link mode: crossbar (dedicated lines) or aer (shared links, FIFOs)")
      ->check(CLI::IsMember({"crossbar", "aer"}));
  app.add_option("--tick", o.tick_cycles, "cycles per network step (0 = worst path latency; default from the Arch)");
  app.add_option("--router-cycles", o.router_cycles, "cycles per router traversal (default from the Arch: 1)");
  app.add_option("--tile-cycles", o.tile_cycles, "cycles from a line reaching a tile to its synaptic event (default 1)");
  app.add_option("--fifo-depth", o.sim.fifo_depth, "aer: events per router input FIFO");
  app.add_option("--jobs,-j", o.jobs, "worker processes");
  app.add_option("--recordings", o.max_recordings, "simulate only the first N recordings (0 = all)");
  app.add_option("--quantize-levels", o.quantize_levels, "conductance levels per weight polarity (0 = off)");
  app.add_option("--noise", o.noise_sigma, "programming noise, standard deviation relative to max|w| (0 = off)");
  app.add_option("--noise-seed", o.noise_seed, "seed of the programming noise");
  app.add_flag("--reference", o.compare_reference, "also run the reference pass: compare spike trains, time it");
  app.add_option("--report", o.report_path, "write the full report as JSON");
  app.add_option("--svg", o.svg_path,
                 "write a figure of the traffic per sample (SVG): routers, links, tiles; FIFOs and stalls in aer mode");
  app.add_option("--svg-latency", o.svg_latency_path,
                 "write a figure of the decision latency histogram and the accuracy over time (SVG), in steps and ms of audio");
  app.add_option("--vcd", o.sim.trace.vcd_path,
                 "write a VCD trace (opt-in) and its GTKWave save file beside it (the extension replaced by .gtkw)");
  std::string trace_samples = "0";
  app.add_option("--trace-samples", trace_samples, "samples to trace, by position: 0,3-5");
  app.add_option("--trace-filter", o.trace_filter, "what to trace: tiles, routers, tile_N, R1_X_Y, R0_X_Y")->delimiter(',');
  std::string trace_potential;
  app.add_option("--trace-potential", trace_potential,
                 "neurons whose membrane potential goes into the VCD as real values, by id: 0,40-43");
  app.add_option("--clock-mhz", o.clock_mhz,
                 "clock that turns cycles into microseconds (an assumption, not a Mosaic figure)");
  app.add_option("--energy-router-pj", o.router_traversal_pj, "energy per router traversal (pJ)");
  app.add_option("--energy-synapse-pj", o.synaptic_event_pj, "energy per synaptic event (pJ)");
  app.add_option("--energy-neuron-pj", o.neuron_update_pj, "energy per neuron update (pJ)");
  app.add_flag("--predict", o.predict,
               "print the predicted class of every recording (majority vote over its subsets), named by the "
               "input's extra/keys");
  app.add_flag("--progress", o.progress, "print progress to stderr every 2 s (always on a terminal)");
  if (!mosaic::parse_command_line(app, argc, argv)) return 0;  // --help
  o.progress = o.progress || isatty(STDERR_FILENO);  // long runs on a terminal show progress
  o.sim.mode = mosaic::sim::parse_link_mode(mode);
  o.sim.trace.samples = parse_id_list(trace_samples, "--trace-samples");
  if (!trace_potential.empty()) o.sim.trace.potentials = parse_id_list(trace_potential, "--trace-potential");
  mosaic::sim::resolve_bundled_files(o);

  const mosaic::sim::LoadedRun loaded = mosaic::sim::load_run(o);
  const mosaic::sim::RunResult result = mosaic::sim::execute(loaded, o);
  const mosaic::sim::RunStats& stats = result.stats;
  const mosaic::sim::RunSummary summary = mosaic::sim::summarize(loaded, result);
  mosaic::sim::print_summary(std::cout, o, loaded, stats, summary);
  if (o.predict) mosaic::sim::print_predictions(std::cout, loaded, result.samples);
  if (!o.report_path.empty()) {
    mosaic::sim::write_report(o, loaded, result, summary);
    std::cout << "  report           " << o.report_path << "\n";
  }
  if (!o.svg_path.empty()) {
    mosaic::write_text_atomic(o.svg_path, mosaic::sim::chip_svg(loaded, stats, summary));
    std::cout << "  figure           " << o.svg_path << "\n";
  }
  if (!o.svg_latency_path.empty()) {
    mosaic::write_text_atomic(o.svg_latency_path, mosaic::sim::latency_svg(loaded, stats, summary));
    std::cout << "  figure           " << o.svg_latency_path << "\n";
  }
  if (!o.sim.trace.vcd_path.empty()) std::cout << "  trace            " << o.sim.trace.vcd_path << "\n";
  return 0;
}

}  // namespace

// libsystemc refers to sc_main, but mosaic-sim has its own main so that the copyright banner is
// off before SystemC starts; this one is never called.
int sc_main(int, char*[]) { return 1; }

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return mosaic::run_tool("mosaic-sim", [&] { return run(argc, argv); });
}
