#pragma once
// A routing tile: a binary crossbar that copies an event arriving on an input line to every
// output side whose cell is set (multicast). R0 and R1 differ only in where they sit and what
// they connect, so both are this one class with a type.
//
// crossbar mode: every line is dedicated; an event arriving in cycle c leaves in c + router_cycles.
// aer mode: each input side has a FIFO of fifo_depth events; an event becomes eligible
// router_cycles after it arrived; each output side sends at most one event per cycle, chosen
// round-robin among the input sides whose head event wants it, and only when the receiver has
// room (back-pressure). A multicast head leaves its FIFO once every side it wants has sent it.
//
// Every active cycle runs three phases (as BookSim2's routers do): read_inputs (the events whose
// traversal is done), evaluate (which output sides each gets this cycle), write_outputs (send
// them; an event with no side left leaves its FIFO).
#include <array>
#include <vector>

#include <systemc>

#include "sim/compiled_routes.hpp"
#include "sim/context.hpp"
#include "sim/ring_queue.hpp"

namespace mosaic::sim {

class Router : public sc_core::sc_module {
 public:
  sc_core::sc_vector<OutPort> out;                            // by Side
  sc_core::sc_vector<sc_core::sc_export<LinkTarget>> in;      // by Side

  SC_HAS_PROCESS(Router);
  Router(sc_core::sc_module_name name, const RouterConfig& config, const ChipContext& context);

  // Empties the FIFOs between samples; returns the events that were still inside.
  std::int64_t reset();
  const RouterStats& stats() const { return stats_; }
  // This sample's counts towards the run (gathered by the Chip, cleared by reset()).
  const SampleCounters& sample_counters() const { return counted_; }
  void trace(sc_core::sc_trace_file* file) const;

 private:
  // One port in the VCD (sim/README.md, "Tracing"): the source neuron of the event crossing it
  // in this cycle, all 'z' in the cycles without one (GTKWave draws 'z' as an undriven line), so
  // each event is one pulse labelled with its source instead of a step of a running counter.
  // Several events can cross one port in one cycle in crossbar mode (dedicated lines): the id is
  // then the lowest of them and `count` says how many; in aer mode at most one crosses.
  struct TracedPort {
    sc_dt::sc_lv_base id;
    int lowest = -1;  // id as a number (the vector reads back signed)
    int count = 0;
    Cycle set_at = -1;  // the absolute cycle of the events shown; cleared in the next cycle
  };
  struct InputSide : LinkTarget {
    Router* router = nullptr;
    Side side = Side::North;
    bool has_room(Cycle now) const override { return router->has_room(side, now); }
    void accept(const SpikeEvent& event, Cycle now) override { router->accept(side, event, now); }
  };
  struct Queued {
    SpikeEvent event;
    Cycle ready = 0;            // crossbar: leaves then; aer: may compete from then on
    std::uint8_t pending = 0;   // output sides still to send it to
  };

  bool has_room(Side side, Cycle now) const;
  void accept(Side side, const SpikeEvent& event, Cycle now);
  void on_cycle();  // SC_METHOD, woken only for cycles with work
  void read_inputs(Cycle now);
  void evaluate(Cycle now);
  void write_outputs(Cycle now);
  void schedule_next(Cycle now);
  void note_event(int port, const SpikeEvent& event, Cycle now);  // tracing only
  void clear_traced_ports();  // SC_METHOD: the cycle after events were shown, back to 'z'

  const RouterConfig& config_;
  const ChipContext& context_;
  const int source_key_offset_;  // key - offset = source neuron
  std::array<InputSide, kSides> input_sides_;
  std::array<RingQueue<Queued>, kSides> fifo_;
  std::array<Cycle, kSides> popped_at_;     // aer: the cycle a FIFO last freed a slot
  std::array<int, kSides> round_robin_{};   // per output: the input side that goes first next
  std::array<int, kSides> fifo_level_{};    // traced occupancy
  std::vector<TracedPort> traced_ports_;  // by port (in_port / out_port), kPorts, never resized
  sc_dt::sc_lv_base idle_;                       // all 'z', the width of traced_ports_' ids
  sc_core::sc_event clear_ports_;
  // Between the phases of one cycle:
  std::array<int, kSides> ready_{};   // read_inputs: events at each FIFO's front that may leave now
  std::array<int, kSides> winner_{};  // evaluate, aer: per output side, the input side it serves (-1: none)
  Wakeup wake_;
  RouterStats stats_;
  SampleCounters counted_;
};

}  // namespace mosaic::sim
