#pragma once
// Run-time configuration of one simulation: every parameter is a value read at elaboration,
// never a compile-time constant or a global, so one binary serves every experiment.
#include <cstdint>
#include <string>
#include <vector>

#include "models/arch.hpp"

namespace mosaic::sim {

// Simulated time is counted in clock cycles; one cycle is one nanosecond of SystemC time.
using Cycle = std::int64_t;

// crossbar: Mosaic's dedicated lines, every event travels without contention.
// aer: events share each link, one per cycle per port, with input FIFOs and back-pressure.
enum class LinkMode { Crossbar, Aer };
std::string link_mode_name(LinkMode mode);
LinkMode parse_link_mode(const std::string& name);  // throws std::invalid_argument

// What goes into the VCD file (sim/README.md, "Tracing").
struct TraceConfig {
  std::string vcd_path;           // empty: no tracing
  // Where the bytes go: an existing temporary file whose owner renames it onto vcd_path after
  // the run (mosaic-sim, so that worker processes can write it). Empty: the Simulator writes
  // vcd_path atomically itself.
  std::string vcd_data_path;
  std::vector<int> samples{0};    // run order positions of the traced samples
  bool tiles = true;              // tile spike lines
  bool routers = true;            // router port activity and FIFO occupancy
  std::vector<int> only_tiles;        // when not empty, trace only these tiles
  std::vector<GridPos> only_routers;  // when not empty, trace only the routers at these positions
  std::vector<int> potentials;        // neurons whose membrane potential is traced (any filter)
};

struct SimConfig {
  LinkMode mode = LinkMode::Crossbar;
  int router_cycles = 1;  // cycles per router traversal (>= 1)
  int tile_cycles = 1;    // cycles from a line reaching a tile to its synaptic event (>= 1)
  int tick_cycles = 0;    // cycles per network step; 0 = the worst path latency of the routes
  int fifo_depth = 4;     // aer: events each router input FIFO holds
  bool record_spikes = false;      // keep every sample's spike trains (fidelity tests)
  bool record_deliveries = false;  // keep every delivery (known-answer latency tests)
  TraceConfig trace;

  // Throws InputError(source, field, ...) on values the model cannot run.
  void validate(const std::string& source) const;
};

}  // namespace mosaic::sim
