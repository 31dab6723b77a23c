#include "sim/router.hpp"

#include <limits>
#include <string>

namespace mosaic::sim {

namespace {
// Bits of a traced port: enough for the highest neuron id.
int id_bits(int neurons) {
  int bits = 1;
  while (bits < 31 && (1 << bits) < neurons) ++bits;
  return bits;
}
}  // namespace

Router::Router(sc_core::sc_module_name name, const RouterConfig& config, const ChipContext& context)
    : sc_core::sc_module(name),
      out("out", kSides),
      in("in", kSides),
      config_(config),
      context_(context),
      source_key_offset_(context.net.input.n_inp),
      idle_(sc_dt::SC_LOGIC_Z, id_bits(context.net.arch.num_neurons())) {
  for (Side s : kAllSides) {
    const int i = static_cast<int>(s);
    input_sides_[i].router = this;
    input_sides_[i].side = s;
    in[i].bind(input_sides_[i]);
  }
  popped_at_.fill(-1);
  stats_.pos = config.pos;
  stats_.type = config.type;
  traced_ports_.reserve(kPorts);
  for (int p = 0; p < kPorts; ++p) traced_ports_.push_back({idle_, -1, 0, -1});
  SC_METHOD(on_cycle);
  sensitive << wake_.event();
  dont_initialize();
  SC_METHOD(clear_traced_ports);
  sensitive << clear_ports_;
  dont_initialize();
}

bool Router::has_room(Side side, Cycle now) const {
  if (context_.config.mode == LinkMode::Crossbar) return true;
  const int i = static_cast<int>(side);
  // A slot freed in this cycle is only visible to the sender from the next cycle on, so the
  // outcome does not depend on which block SystemC runs first within a cycle.
  const int occupied = static_cast<int>(fifo_[i].size()) + (popped_at_[i] == now ? 1 : 0);
  return occupied < context_.config.fifo_depth;
}

void Router::accept(Side side, const SpikeEvent& event, Cycle now) {
  const int i = static_cast<int>(side);
  const std::uint8_t outs = config_.has_lines() ? config_.out_sides[i][event.key - source_key_offset_] : 0;
  ++stats_.port_events[in_port(side)];
  if (context_.tracing) note_event(in_port(side), event, now);
  if (outs == 0) return;  // no crossbar cell on this line: the event stops here
  fifo_[i].push_back({event, now + context_.config.router_cycles, outs});
  fifo_level_[i] = static_cast<int>(fifo_[i].size());
  // Slots in use in this cycle, counting one freed in it (as has_room does): independent of
  // whether the FIFO's reader ran before this sender in the cycle.
  const int in_use = fifo_level_[i] + (popped_at_[i] == now ? 1 : 0);
  stats_.max_fifo[i] = std::max(stats_.max_fifo[i], in_use);
  wake_.at(now + context_.config.router_cycles, now);
}

void Router::on_cycle() {
  wake_.fired();
  ++stats_.activations;
  const Cycle now = context_.now();
  read_inputs(now);
  evaluate(now);
  write_outputs(now);
  schedule_next(now);
}

// The events whose traversal ends by now, at the front of each FIFO: crossbar every one (each
// line is dedicated), aer only the head (one event per FIFO competes per cycle).
void Router::read_inputs(Cycle now) {
  const bool aer = context_.config.mode == LinkMode::Aer;
  for (int i = 0; i < kSides; ++i) {
    auto& fifo = fifo_[i];
    int ready = 0;
    for (std::size_t n = 0; n < fifo.size() && fifo.at(n).ready <= now && !(aer && ready == 1); ++n) ++ready;
    ready_[i] = ready;
  }
}

// crossbar: nothing to decide, every ready event takes every cell set on its line.
// aer: per output side, round-robin among the ready heads that want it, if the receiver has room.
void Router::evaluate(Cycle now) {
  winner_.fill(-1);
  if (context_.config.mode == LinkMode::Crossbar) return;
  for (int o = 0; o < kSides; ++o) {
    const std::uint8_t bit = side_bit(static_cast<Side>(o));
    int candidate = -1;
    for (int k = 0; k < kSides && candidate < 0; ++k) {
      const int i = (round_robin_[o] + k) % kSides;
      if (ready_[i] > 0 && (fifo_[i].front().pending & bit)) candidate = i;
    }
    if (candidate < 0) continue;
    if (!out[o]->has_room(now)) {
      ++stats_.stall_cycles;
      continue;
    }
    winner_[o] = candidate;
    round_robin_[o] = (candidate + 1) % kSides;
  }
}

// crossbar: every ready event leaves, one copy per set cell, arriving at the neighbour now.
// aer: one event per granted output side; a head with nothing left to send leaves its FIFO.
void Router::write_outputs(Cycle now) {
  const auto traversed = [&] {
    ++stats_.traversals;
    ++counted_.router_traversals;
  };
  if (context_.config.mode == LinkMode::Crossbar) {
    for (int i = 0; i < kSides; ++i) {
      for (int n = 0; n < ready_[i]; ++n) {
        const Queued q = fifo_[i].front();
        fifo_[i].pop_front();
        traversed();
        for (Side o : kAllSides)
          if (q.pending & side_bit(o)) {
            ++stats_.port_events[out_port(o)];
            if (context_.tracing) note_event(out_port(o), q.event, now);
            out[static_cast<int>(o)]->accept(q.event, now);
          }
      }
      fifo_level_[i] = static_cast<int>(fifo_[i].size());
    }
    return;
  }
  for (int o = 0; o < kSides; ++o) {
    if (winner_[o] < 0) continue;
    Queued& q = fifo_[winner_[o]].front();
    q.pending &= static_cast<std::uint8_t>(~side_bit(static_cast<Side>(o)));
    ++stats_.port_events[out_port(static_cast<Side>(o))];
    if (context_.tracing) note_event(out_port(static_cast<Side>(o)), q.event, now);
    out[o]->accept(q.event, now);
  }
  for (int i = 0; i < kSides; ++i)
    if (ready_[i] > 0 && fifo_[i].front().pending == 0) {
      fifo_[i].pop_front();
      popped_at_[i] = now;
      fifo_level_[i] = static_cast<int>(fifo_[i].size());
      traversed();
    }
}

void Router::schedule_next(Cycle now) {
  Cycle next = std::numeric_limits<Cycle>::max();
  for (const auto& fifo : fifo_)
    if (!fifo.empty()) next = std::min(next, std::max(fifo.front().ready, now + 1));
  if (next != std::numeric_limits<Cycle>::max()) wake_.at(next, now);
}

void Router::note_event(int port, const SpikeEvent& event, Cycle now) {
  TracedPort& traced = traced_ports_[port];
  const int source = event.key - source_key_offset_;
  const Cycle at = context_.origin + now;  // absolute: the clearing may run in the next sample
  if (traced.set_at != at) {
    traced.set_at = at;
    traced.count = 0;
    traced.lowest = source;
    traced.id = source;
  } else if (source < traced.lowest) {
    traced.lowest = source;
    traced.id = source;
  }
  ++traced.count;
  clear_ports_.notify(cycles(1));
}

// Runs in the cycle after events were shown: ports not set again in this cycle go idle. A port
// set in this cycle before this process ran keeps its value (set_at == now). reset() leaves the
// ports and this process alone: the values of a sample's last cycle are written to the VCD only
// when time advances past it (SystemC traces before each time step), so clearing them at the
// reset would overwrite them.
void Router::clear_traced_ports() {
  const Cycle now = current_cycle();
  for (TracedPort& traced : traced_ports_)
    if (traced.set_at >= 0 && traced.set_at < now) {
      traced.id = idle_;
      traced.lowest = -1;
      traced.count = 0;
      traced.set_at = -1;
    }
}

std::int64_t Router::reset() {
  std::int64_t left = 0;
  for (int i = 0; i < kSides; ++i) {
    left += static_cast<std::int64_t>(fifo_[i].size());
    fifo_[i].clear();
    fifo_level_[i] = 0;
  }
  popped_at_.fill(-1);
  round_robin_.fill(0);
  counted_ = SampleCounters{};
  wake_.cancel();
  return left;
}

void Router::trace(sc_core::sc_trace_file* file) const {
  const std::string prefix = std::string(name()) + ".";
  for (Side s : kAllSides) {
    const std::string letter(1, side_letter(s));
    for (const bool input : {true, false}) {
      const int port = input ? in_port(s) : out_port(s);
      const std::string port_name = prefix + (input ? "in_" : "out_") + letter;
      sc_core::sc_trace(file, traced_ports_[port].id, port_name);
      if (context_.config.mode == LinkMode::Crossbar) sc_core::sc_trace(file, traced_ports_[port].count, port_name + "_count");
    }
    if (context_.config.mode == LinkMode::Aer)
      sc_core::sc_trace(file, fifo_level_[static_cast<int>(s)], prefix + "fifo_" + letter);
  }
}

}  // namespace mosaic::sim
