#pragma once
// The chip top: elaborates the (2R+1) x (2C+1) grid of the Arch (a NeuronTile at every
// (odd, odd) cell, a Router everywhere else), binds every block's N/E/S/W output to the
// facing input of its neighbour, and sequences the network steps: at each tick boundary every
// tile ends the step in progress (LIF update) and begins the next one (emits its spikes).
// The blocks count only into their own statistics; the Chip gathers them when a sample ends.
#include <memory>
#include <vector>

#include <systemc>

#include "models/shd.hpp"
#include "sim/compiled_routes.hpp"
#include "sim/context.hpp"
#include "sim/neuron_tile.hpp"
#include "sim/router.hpp"

namespace mosaic::sim {

class Chip : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Chip);
  Chip(sc_core::sc_module_name name, const Network& net, const CompiledRoutes& routes, const SimConfig& config);

  int tick_cycles() const { return context_.tick_cycles; }
  // Resets every block and schedules the first tick of `sample` one cycle from now; the
  // simulation pauses (sc_pause) after the last step. Run sc_start() in between.
  void start_sample(const BinnedSample& sample, int index);
  // Collects the finished sample's result and counts what was still travelling.
  SampleResult finish_sample();
  void set_tracing(bool on) { context_.tracing = on; }
  void trace(sc_core::sc_trace_file* file, const TraceConfig& what) const;
  // Counters accumulated over every sample so far, with per-router and per-tile figures.
  RunStats stats() const;

 private:
  void on_tick();  // SC_METHOD at every tick boundary of the sample in progress
  void wire();
  void gather_counters(SampleResult& result);  // every block's counts of the sample, into it and the run
  std::int64_t reset_blocks();

  const CompiledRoutes& routes_;
  ChipContext context_;
  RunStats run_;          // accumulated over the samples of this process
  SampleResult result_;   // the sample in progress
  std::vector<std::unique_ptr<NeuronTile>> tiles_;  // by tile id
  std::vector<std::unique_ptr<Router>> routers_;    // as routes_.routers
  std::vector<int> class_of_neuron_;                // -1 for neurons that are no output
  const BinnedSample* sample_ = nullptr;
  int next_step_ = 0;
  // Traced as chip.sample and chip.step (GTKWave markers): the sample in progress (its position
  // in the run, -1 before the first) and its step (0 before the first tick; both held after a
  // sample's last step until the next one begins).
  int traced_sample_ = -1;
  int traced_step_ = 0;
  std::vector<int> step_spikes_;
  std::vector<int> prediction_per_step_;
  sc_core::sc_event tick_;
  static const std::vector<int> kNoInput;
};

}  // namespace mosaic::sim
