#pragma once
// What the blocks of one chip read in common: configuration and the clock of the sample in
// progress. Owned by the Chip; blocks hold a const reference (no globals) and count only into
// their own statistics, which the Chip gathers (sim/stats.hpp).
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

  Cycle now() const { return cycles_since(origin); }
};

// A block's wake-up event. It remembers the earliest cycle it is notified for, so that the
// many events arriving for one cycle notify the kernel once (sc_event keeps the earliest
// pending notification anyway; this only saves the calls).
class Wakeup {
 public:
  sc_core::sc_event& event() { return event_; }
  // Wake the block in cycle `at` (>= now; == now means in the next delta cycle).
  void at(Cycle at, Cycle now) {
    if (pending_ >= now && pending_ <= at) return;
    pending_ = at;
    if (at <= now) event_.notify(sc_core::SC_ZERO_TIME);
    else event_.notify(cycles(at - now));
  }
  void fired() { pending_ = kNone; }  // first thing in the block's process
  void cancel() {
    event_.cancel();
    pending_ = kNone;
  }

 private:
  static constexpr Cycle kNone = -1;
  sc_core::sc_event event_;
  Cycle pending_ = kNone;
};

}  // namespace mosaic::sim
