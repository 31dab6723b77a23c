#pragma once
// What travels between blocks, and the interface a block offers on each of its input sides.
// Links carry no wire delay: a block calls accept() on its neighbour in the cycle the event
// leaves it, and the neighbour adds its own latency (router traversal, tile) from there.
#include <systemc>

#include "sim/sim_config.hpp"

namespace mosaic::sim {

// One spike on one line. `key` is the presynaptic key of models/lif.hpp (input channel j, or
// n_inp + neuron), `step` the network step it is due in, `emitted` the cycle it left its tile
// (relative to the start of the sample).
struct SpikeEvent {
  int key = 0;
  int step = 0;
  Cycle emitted = 0;
};

class LinkTarget : public virtual sc_core::sc_interface {
 public:
  // aer back-pressure: may the sender put one event on this link in cycle `now`?
  virtual bool has_room(Cycle now) const = 0;
  // The event arrives on this input in cycle `now`.
  virtual void accept(const SpikeEvent& event, Cycle now) = 0;
};

// The cycle of the current SystemC time relative to `origin`.
Cycle cycles_since(Cycle origin);
Cycle current_cycle();
sc_core::sc_time cycles(Cycle n);

// An output port per side; a side facing the edge of the grid stays unbound.
using OutPort = sc_core::sc_port<LinkTarget, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;

}  // namespace mosaic::sim
