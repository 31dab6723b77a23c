#pragma once
// The run driver of mosaic-sim: loads and checks every input before any simulation starts,
// runs the samples in one process or in `jobs` forked worker processes (one SystemC
// elaboration each), and merges their statistics. Recordings are read from the SHD file as
// the run reaches them, and the results of samples go to files as they finish
// (sim/sample_log.hpp): memory does not grow with the input's length.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mapping/routing_tables.hpp"
#include "models/atomic_file.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"
#include "sim/compiled_routes.hpp"
#include "sim/sample_log.hpp"
#include "sim/sim_config.hpp"
#include "sim/stats.hpp"

namespace mosaic::sim {

struct RunOptions {
  // Empty: the bundled file (bundled_file()); resolve_bundled_files() fills them in.
  std::string net_path;
  std::string input_path;
  std::string routes_path;  // empty: map the network with mosaic-map's one-turn router
  std::string arch_path;    // optional Arch JSON whose timing and energy replace the network's
  std::string report_path;
  std::string svg_path;          // --svg: traffic on the chip (sim/svg.hpp)
  std::string svg_latency_path;  // --svg-latency: decision latency and accuracy over time
  // Command-line overrides of the Arch's timing; unset = the Arch's value.
  std::optional<int> router_cycles, tile_cycles, tick_cycles;
  std::optional<double> router_traversal_pj, synaptic_event_pj, neuron_update_pj;
  // The clock that turns cycles into time: the model counts cycles only (sim/README.md, "Time").
  double clock_mhz = 100.0;
  SimConfig sim;             // mode, FIFO depth, tracing; timing filled from the Arch + overrides
  // --trace-filter items: tiles, routers, tile_N, R1_X_Y, R0_X_Y; checked against the chip by
  // load_run (an item naming no block is bad input), which sets sim.trace's filter.
  std::vector<std::string> trace_filter;
  bool predict = false;      // print the predicted class (and its name) of every recording
  int jobs = 1;
  int max_recordings = 0;    // 0: every recording of the input
  int quantize_levels = 0;   // 0: weights as trained
  double noise_sigma = 0;    // programming noise relative to max|w|; 0: none
  std::uint64_t noise_seed = 1;
  bool compare_reference = false;  // also run the reference pass, compare spike trains, time it
  bool progress = false;

  // The rules of the options themselves (files and timing are checked as they load):
  // InputError("command line", "--option", ...), exit 2.
  void validate() const;
};

// Everything a run needs, loaded and checked (InputError on bad input).
struct LoadedRun {
  std::string net_path, input_path;  // as given (the bundled files resolved)
  Network trained;        // as read
  Network simulated;      // after quantisation and noise
  Network reference;      // the reference pass's network: quantised, without noise
  std::string routes_source;
  CompiledRoutes routes;
  SimConfig config;
  EventEnergy energy;
  std::string energy_source;  // where the per-event energies come from (printed with them)
  double clock_mhz = 100.0;   // RunOptions::clock_mhz, checked
  BinSpec spec;            // how recordings become samples
  std::vector<std::string> class_names;  // the input file's extra/keys when it names every class, else empty
  int recordings = 0;      // the first `recordings` recordings of the input are run
  int file_recordings = 0; // recordings in the input file
  int samples = 0;         // recordings x interleave_k; sample p is subset p % k of recording p / k
  // The VCD output, created (so checked writable) at load; committed when the run succeeded.
  std::shared_ptr<AtomicOutput> vcd_output;
};

LoadedRun load_run(const RunOptions& options);

// The folder of the bundled files (default network, sample input): found relative to the
// running executable (/proc/self/exe), not the working directory, in the build tree
// (build/bin -> build/share/mosaic-sim/traces) and in an installation (PREFIX/bin ->
// PREFIX/share/mosaic-sim/traces) alike; CMake puts them there.
std::string bundled_folder();
// Empty --net / --input become the bundled files; InputError naming them when they are missing.
void resolve_bundled_files(RunOptions& options);

// Positions in `samples` that worker `worker` of `workers` runs, in order; traced samples come
// first, in worker 0.
std::vector<int> worker_share(int samples, int workers, int worker, const std::vector<int>& traced);

// What a run measured: the statistics merged over all workers, every sample's result (on
// disk, read back in position order) and the wall time.
struct RunResult {
  RunStats stats;
  SampleLog samples;
  double wall_seconds = 0;
};

// Runs every sample.
RunResult execute(const LoadedRun& run, const RunOptions& options);

}  // namespace mosaic::sim
