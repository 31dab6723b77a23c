#pragma once
// State the blocks of one chip share: configuration, the sample in progress and the counters.
// Owned by the Chip; blocks hold a reference (no globals).
#include "models/network.hpp"
#include "sim/link.hpp"
#include "sim/stats.hpp"

namespace mosaic::sim {

struct ChipContext {
  ChipContext(const Network& network, const SimConfig& sim_config) : net(network), config(sim_config) {}

  const Network& net;
  const SimConfig& config;
  int tick_cycles = 1;
  Cycle origin = 0;      // absolute cycle at which the current sample started
  bool tracing = false;  // the current sample is being traced
  RunStats stats;        // accumulated over the samples of this process
  SampleResult sample;   // the sample in progress

  Cycle now() const { return cycles_since(origin); }
  void count_router_traversal() {
    ++stats.router_traversals;
    ++sample.events;
  }
};

// Notifies `wake` for cycle `at` (>= now). sc_event keeps the earliest pending notification,
// so a block asks for every cycle it has work in and runs once at the earliest of them.
inline void wake_at(sc_core::sc_event& wake, Cycle at, Cycle now) {
  if (at <= now) wake.notify(sc_core::SC_ZERO_TIME);
  else wake.notify(cycles(at - now));
}

}  // namespace mosaic::sim
