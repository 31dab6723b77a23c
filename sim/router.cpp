#include "sim/router.hpp"

#include <limits>
#include <string>

namespace mosaic::sim {

Router::Router(sc_core::sc_module_name name, const RouterConfig& config, ChipContext& context)
    : sc_core::sc_module(name),
      out("out", kSides),
      in("in", kSides),
      config_(config),
      context_(context),
      source_key_offset_(context.net.input.n_inp) {
  for (Side s : kAllSides) {
    const int i = static_cast<int>(s);
    input_sides_[i].router = this;
    input_sides_[i].side = s;
    in[i].bind(input_sides_[i]);
  }
  popped_at_.fill(-1);
  stats_.pos = config.pos;
  stats_.type = config.type;
  SC_METHOD(on_cycle);
  sensitive << wake_.event();
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
  if (context_.config.mode == LinkMode::Crossbar) forward_crossbar(now);
  else arbitrate_aer(now);
  schedule_next(now);
}

void Router::forward_crossbar(Cycle now) {
  for (int i = 0; i < kSides; ++i) {
    auto& fifo = fifo_[i];
    // Read inputs: every event whose traversal ends now. Evaluate: its crossbar cells.
    // Write outputs: one copy per set cell, arriving at the neighbour in this cycle.
    while (!fifo.empty() && fifo.front().ready <= now) {
      const Queued q = fifo.front();
      fifo.pop_front();
      ++stats_.traversals;
      context_.count_router_traversal();
      for (Side o : kAllSides)
        if (q.pending & side_bit(o)) {
          ++stats_.port_events[out_port(o)];
          out[static_cast<int>(o)]->accept(q.event, now);
        }
    }
    fifo_level_[i] = static_cast<int>(fifo.size());
  }
}

void Router::arbitrate_aer(Cycle now) {
  // Read inputs: the head of each FIFO, if its traversal is done.
  std::array<Queued*, kSides> head{};
  for (int i = 0; i < kSides; ++i)
    if (!fifo_[i].empty() && fifo_[i].front().ready <= now) head[i] = &fifo_[i].front();

  // Evaluate: per output side, round-robin among the heads that want it.
  std::array<int, kSides> winner;
  winner.fill(-1);
  for (int o = 0; o < kSides; ++o) {
    const std::uint8_t bit = side_bit(static_cast<Side>(o));
    int candidate = -1;
    for (int k = 0; k < kSides && candidate < 0; ++k) {
      const int i = (round_robin_[o] + k) % kSides;
      if (head[i] && (head[i]->pending & bit)) candidate = i;
    }
    if (candidate < 0) continue;
    if (!out[o]->has_room(now)) {
      ++stats_.stall_cycles;
      continue;
    }
    winner[o] = candidate;
    round_robin_[o] = (candidate + 1) % kSides;
  }

  // Write outputs: one event per output side; a head with nothing left to send leaves its FIFO.
  for (int o = 0; o < kSides; ++o) {
    if (winner[o] < 0) continue;
    Queued& q = *head[winner[o]];
    q.pending &= static_cast<std::uint8_t>(~side_bit(static_cast<Side>(o)));
    ++stats_.port_events[out_port(static_cast<Side>(o))];
    out[o]->accept(q.event, now);
  }
  for (int i = 0; i < kSides; ++i)
    if (head[i] && head[i]->pending == 0) {
      fifo_[i].pop_front();
      popped_at_[i] = now;
      fifo_level_[i] = static_cast<int>(fifo_[i].size());
      ++stats_.traversals;
      context_.count_router_traversal();
    }
}

void Router::schedule_next(Cycle now) {
  Cycle next = std::numeric_limits<Cycle>::max();
  for (const auto& fifo : fifo_)
    if (!fifo.empty()) next = std::min(next, std::max(fifo.front().ready, now + 1));
  if (next != std::numeric_limits<Cycle>::max()) wake_.at(next, now);
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
  wake_.cancel();
  return left;
}

void Router::trace(sc_core::sc_trace_file* file) const {
  const std::string prefix = std::string(name()) + ".";
  for (Side s : kAllSides) {
    const std::string letter(1, side_letter(s));
    sc_core::sc_trace(file, stats_.port_events[in_port(s)], prefix + "in_" + letter + "_events");
    sc_core::sc_trace(file, stats_.port_events[out_port(s)], prefix + "out_" + letter + "_events");
    if (context_.config.mode == LinkMode::Aer)
      sc_core::sc_trace(file, fifo_level_[static_cast<int>(s)], prefix + "fifo_" + letter);
  }
}

}  // namespace mosaic::sim
