#include "sim/link.hpp"

#include <stdexcept>

#include "models/error.hpp"

namespace mosaic::sim {

namespace {
// One cycle is one nanosecond of SystemC time (the VCD time unit).
const sc_core::sc_time& cycle_time() {
  static const sc_core::sc_time one_cycle(1, sc_core::SC_NS);
  return one_cycle;
}
}  // namespace

Cycle current_cycle() { return static_cast<Cycle>(sc_core::sc_time_stamp().value() / cycle_time().value()); }
Cycle cycles_since(Cycle origin) { return current_cycle() - origin; }
sc_core::sc_time cycles(Cycle n) { return sc_core::sc_time::from_value(cycle_time().value() * static_cast<sc_dt::uint64>(n)); }

std::string link_mode_name(LinkMode mode) { return mode == LinkMode::Crossbar ? "crossbar" : "aer"; }

LinkMode parse_link_mode(const std::string& name) {
  if (name == "crossbar") return LinkMode::Crossbar;
  if (name == "aer") return LinkMode::Aer;
  throw std::invalid_argument("unknown link mode '" + name + "' (crossbar or aer)");
}

void SimConfig::validate(const std::string& source) const {
  // A zero latency would deliver an event in the cycle it was sent, before the tick boundary
  // could tell which step it belongs to.
  if (router_cycles < 1) throw InputError(source, "timing.router_cycles", "must be at least 1 cycle");
  if (tile_cycles < 1) throw InputError(source, "timing.tile_cycles", "must be at least 1 cycle");
  if (tick_cycles < 0) throw InputError(source, "timing.tick_cycles", "must be 0 (worst path latency) or positive");
  if (fifo_depth < 1) throw InputError(source, "fifo_depth", "must be at least 1");
}

}  // namespace mosaic::sim
