#pragma once
// A neuron tile: K LIF neurons, the tile's own K x K crossbar (in-tile recurrence, or the input
// weights on an input tile) and its input crossbar for lines from the routers.
//
// Per network step t (driven by the Chip at tick boundaries):
//  begin_tick(t): z[t-1] leaves the tile to the adjacent routers that hold a line for the
//    neuron, and into the own crossbar; an input tile also receives the input spikes of bin t
//    on its dedicated north-edge lines. Own crossbar and input lines take tile_cycles.
//  during the tick: a line arriving from a router becomes a synaptic event tile_cycles later;
//    its presynaptic key is marked active for the step in progress (late events count as late).
//  end_tick(t): the shared LifPopulation step over the active keys gives z[t].
// In aer mode each output side sends one event per cycle, waiting while the router has no room.
//
// The phases by name: read_inputs (the synaptic events due by now mark their keys active for
// the step), evaluate (the LIF step at the tick's end), write_outputs (aer: one event per output
// side that has room; in crossbar mode begin_tick drives the dedicated lines directly).
#include <array>
#include <memory>
#include <vector>

#include <systemc>

#include "models/lif.hpp"
#include "sim/compiled_routes.hpp"
#include "sim/context.hpp"
#include "sim/ring_queue.hpp"

namespace mosaic::sim {

class NeuronTile : public sc_core::sc_module {
 public:
  sc_core::sc_vector<OutPort> out;                        // by Side
  sc_core::sc_vector<sc_core::sc_export<LinkTarget>> in;  // by Side

  SC_HAS_PROCESS(NeuronTile);
  NeuronTile(sc_core::sc_module_name name, int tile, const CompiledRoutes& routes, const ChipContext& context);

  // Clears state and queues between samples; returns the events that were still travelling.
  std::int64_t reset();
  // `bin_channels`: the reduced input channels active in bin `step` (all tiles; this tile
  // takes its own).
  void begin_tick(int step, const std::vector<int>& bin_channels);
  // Applies the LIF step of the tick in progress; appends the neurons spiking now (increasing ids).
  void end_tick(std::vector<int>& spiked);
  const TileStats& stats() const { return stats_; }
  // This sample's counts towards the run (gathered by the Chip, cleared by reset()).
  const SampleCounters& sample_counters() const { return counted_; }
  // Spike lines z_<neuron> and input lines input_<channel> (sim/README.md, "Tracing").
  void trace(sc_core::sc_trace_file* file) const;
  // v_<neuron>: the membrane potentials asked for with --trace-potential (real-valued).
  void trace_potentials(sc_core::sc_trace_file* file) const;

 private:
  struct InputSide : LinkTarget {
    NeuronTile* tile = nullptr;
    Side side = Side::North;
    bool has_room(Cycle) const override { return true; }  // the input crossbar takes every line at once
    void accept(const SpikeEvent& event, Cycle now) override { tile->accept(side, event, now); }
  };
  struct Delivery {
    SpikeEvent event;
    Cycle ready = 0;  // the cycle of the synaptic event
    int in_side = -1;  // -1: own crossbar or north-edge input line
    int targets = 0;
  };

  void accept(Side side, const SpikeEvent& event, Cycle now);
  void enqueue(const Delivery& delivery, Cycle now);
  void on_cycle();  // SC_METHOD, woken only for cycles with work
  void read_inputs(Cycle now);
  void evaluate(std::vector<int>& spiked);
  void write_outputs(Cycle now);
  void schedule_next(Cycle now);
  void clear_traced_values();

  const int tile_;
  const TileConfig& lines_;
  const std::vector<std::uint8_t>& emit_sides_;
  const ChipContext& context_;
  const int first_neuron_;
  LifPopulation population_;
  std::vector<int> own_targets_;    // per neuron of the tile: synapses in the tile it drives
  std::vector<int> input_targets_;  // per reduced channel: synapses it drives (input tiles)
  std::array<InputSide, kSides> input_sides_;

  int step_ = 0;                  // the step whose tick is in progress
  std::vector<std::uint8_t> active_;  // by presynaptic key, for the step in progress
  std::vector<int> active_keys_;      // the keys set in active_, to clear them cheaply
  std::vector<int> last_spikes_;      // z[t-1]
  RingQueue<Delivery> inbox_;
  std::array<RingQueue<SpikeEvent>, kSides> outbox_;  // aer: events waiting for their link
  std::unique_ptr<bool[]> spike_lines_;  // traced: z of each neuron during the tick
  // Traced input lines: the reduced channels with synapses in this tile (input tiles only) and,
  // during step t's tick, whether bin t's input event reached the tile on that line.
  std::vector<int> input_channels_;
  std::vector<int> input_line_of_channel_;  // by reduced channel: index in input_channels_, -1 none
  std::unique_ptr<bool[]> input_lines_;
  // Traced membrane potentials (--trace-potential): the population's local indices and the
  // value v[t] of each after step t, copied from the one LifPopulation (models/lif.hpp).
  std::vector<int> traced_neurons_;
  std::unique_ptr<float[]> traced_potentials_;
  Wakeup wake_;
  TileStats stats_;
  SampleCounters counted_;
};

}  // namespace mosaic::sim
