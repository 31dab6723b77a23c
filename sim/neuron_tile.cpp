#include "sim/neuron_tile.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <string>

namespace mosaic::sim {

namespace {
std::vector<int> neurons_of_tile(const Arch& arch, int tile) {
  std::vector<int> ids(arch.neurons_per_tile());
  std::iota(ids.begin(), ids.end(), arch.first_neuron(tile));
  return ids;
}
}  // namespace

NeuronTile::NeuronTile(sc_core::sc_module_name name, int tile, const CompiledRoutes& routes, const ChipContext& context)
    : sc_core::sc_module(name),
      out("out", kSides),
      in("in", kSides),
      tile_(tile),
      lines_(routes.tiles[tile]),
      emit_sides_(routes.emit_sides),
      context_(context),
      first_neuron_(context.net.arch.first_neuron(tile)),
      population_(context.net, neurons_of_tile(context.net.arch, tile)) {
  const Network& net = context.net;
  const int k = net.arch.neurons_per_tile();
  own_targets_.assign(k, 0);
  for (const Synapse& s : net.recurrent)
    if (net.arch.tile_of_neuron(s.pre) == tile && net.arch.tile_of_neuron(s.post) == tile)
      ++own_targets_[s.pre - first_neuron_];
  input_targets_.assign(net.input.n_inp, 0);
  for (const InputSynapse& s : net.input.weights)
    if (net.arch.tile_of_neuron(s.neuron) == tile) ++input_targets_[s.channel];
  input_line_of_channel_.assign(net.input.n_inp, -1);
  for (int c = 0; c < net.input.n_inp; ++c)
    if (input_targets_[c] > 0) {
      input_line_of_channel_[c] = static_cast<int>(input_channels_.size());
      input_channels_.push_back(c);
    }
  input_lines_ = std::make_unique<bool[]>(input_channels_.size());
  for (int n : context.config.trace.potentials)
    if (net.arch.tile_of_neuron(n) == tile) traced_neurons_.push_back(n - first_neuron_);
  traced_potentials_ = std::make_unique<float[]>(traced_neurons_.size());
  for (Side s : kAllSides) {
    const int i = static_cast<int>(s);
    input_sides_[i].tile = this;
    input_sides_[i].side = s;
    in[i].bind(input_sides_[i]);
  }
  active_.assign(num_keys(net), 0);
  spike_lines_ = std::make_unique<bool[]>(k);
  clear_traced_values();
  stats_.tile = tile;
  SC_METHOD(on_cycle);
  sensitive << wake_.event();
  dont_initialize();
}

void NeuronTile::begin_tick(int step, const std::vector<int>& bin_channels) {
  step_ = step;
  const Cycle now = context_.now();
  const Cycle ready = now + context_.config.tile_cycles;
  if (context_.tracing) {
    // The previous sample's traced values stay until this sample's first step (not cleared by
    // reset()): SystemC writes a time's values when time advances past it, after the reset.
    if (step == 1) clear_traced_values();
    std::fill(input_lines_.get(), input_lines_.get() + input_channels_.size(), false);
    for (int channel : bin_channels)
      if (input_line_of_channel_[channel] >= 0) input_lines_[input_line_of_channel_[channel]] = true;
  }
  // North-edge input lines: dedicated wires into the tile's crossbar, never routed (with
  // dedicated input lines, into any tile; models/SPEC.md section 9.3).
  for (int channel : bin_channels)
    if (input_targets_[channel] > 0) enqueue({{input_key(channel), step, now}, ready, -1, input_targets_[channel]}, now);
  const bool aer = context_.config.mode == LinkMode::Aer;
  for (int neuron : last_spikes_) {
    const SpikeEvent event{neuron_key(context_.net, neuron), step, now};
    const int own = own_targets_[neuron - first_neuron_];
    if (own > 0) enqueue({event, ready, -1, own}, now);
    const std::uint8_t sides = emit_sides_[neuron];
    for (Side s : kAllSides) {
      if (!(sides & side_bit(s))) continue;
      if (aer) outbox_[static_cast<int>(s)].push_back(event);
      else out[static_cast<int>(s)]->accept(event, now);
    }
  }
  if (aer) wake_.at(now, now);
}

void NeuronTile::accept(Side side, const SpikeEvent& event, Cycle now) {
  const int source = event.key - context_.net.input.n_inp;
  const int targets = lines_.has_lines() ? lines_.line_targets[static_cast<int>(side)][source] : -1;
  if (targets < 0) return;  // mapping::validate_tables refuses tables that route here without a line
  enqueue({event, now + context_.config.tile_cycles, static_cast<int>(side), targets}, now);
}

void NeuronTile::enqueue(const Delivery& delivery, Cycle now) {
  // Every delivery is due tile_cycles after it was enqueued, so the inbox stays in time order.
  assert(inbox_.empty() || inbox_.back().ready <= delivery.ready);
  inbox_.push_back(delivery);
  wake_.at(delivery.ready, now);
}

void NeuronTile::on_cycle() {
  wake_.fired();
  ++stats_.activations;
  const Cycle now = context_.now();
  read_inputs(now);
  if (context_.config.mode == LinkMode::Aer) write_outputs(now);
  schedule_next(now);
}

// The synaptic events due by now: each marks its presynaptic key active for the step in
// progress (late when it was due in an earlier step).
void NeuronTile::read_inputs(Cycle now) {
  while (!inbox_.empty() && inbox_.front().ready <= now) {
    const Delivery d = inbox_.front();
    inbox_.pop_front();
    if (!active_[d.event.key]) {
      active_[d.event.key] = 1;
      active_keys_.push_back(d.event.key);
    }
    const bool late = d.event.step < step_;
    ++stats_.deliveries;
    stats_.synaptic_events += d.targets;
    ++counted_.deliveries;
    counted_.synaptic_events += d.targets;
    add_latency(counted_.latency_histogram, d.ready - d.event.emitted);
    if (late) {
      ++stats_.late_events;
      ++counted_.late_events;
    }
    if (context_.config.record_deliveries)
      counted_.deliveries_made.push_back({d.event.key, tile_, d.in_side < 0 ? Side::North : static_cast<Side>(d.in_side),
                                          d.in_side >= 0, d.event.step, step_, d.event.emitted, d.ready});
  }
}

// aer: one event per output side whose router has room; the others wait (stall).
void NeuronTile::write_outputs(Cycle now) {
  for (int s = 0; s < kSides; ++s) {
    auto& queue = outbox_[s];
    if (queue.empty()) continue;
    if (!out[s]->has_room(now)) {
      ++stats_.stall_cycles;
      continue;
    }
    out[s]->accept(queue.front(), now);
    queue.pop_front();
  }
}

void NeuronTile::schedule_next(Cycle now) {
  Cycle next = inbox_.empty() ? std::numeric_limits<Cycle>::max() : inbox_.front().ready;
  for (const auto& queue : outbox_)
    if (!queue.empty()) next = std::min(next, now + 1);
  if (next != std::numeric_limits<Cycle>::max()) wake_.at(next, now);
}

void NeuronTile::end_tick(std::vector<int>& spiked) {
  read_inputs(context_.now());  // lines due in the last cycle of the tick still count
  evaluate(spiked);
  if (context_.tracing) {
    const int k = context_.net.arch.neurons_per_tile();
    std::fill(spike_lines_.get(), spike_lines_.get() + k, false);
    for (int n : last_spikes_) spike_lines_[n - first_neuron_] = true;
    for (std::size_t i = 0; i < traced_neurons_.size(); ++i)
      traced_potentials_[i] = population_.potentials()[traced_neurons_[i]];
  }
}

// The LIF step of the tick over the keys that arrived: z[t], kept for the next begin_tick.
void NeuronTile::evaluate(std::vector<int>& spiked) {
  const std::size_t first = spiked.size();
  population_.step(active_, spiked);
  for (int key : active_keys_) active_[key] = 0;
  active_keys_.clear();
  last_spikes_.assign(spiked.begin() + static_cast<std::ptrdiff_t>(first), spiked.end());
  stats_.spikes += static_cast<std::int64_t>(last_spikes_.size());
}

std::int64_t NeuronTile::reset() {
  std::int64_t left = static_cast<std::int64_t>(inbox_.size());
  for (auto& queue : outbox_) {
    left += static_cast<std::int64_t>(queue.size());
    queue.clear();
  }
  inbox_.clear();
  for (int key : active_keys_) active_[key] = 0;
  active_keys_.clear();
  last_spikes_.clear();
  population_.reset();
  step_ = 0;
  counted_ = SampleCounters{};
  wake_.cancel();
  return left;
}

void NeuronTile::clear_traced_values() {
  std::fill(spike_lines_.get(), spike_lines_.get() + context_.net.arch.neurons_per_tile(), false);
  std::fill(input_lines_.get(), input_lines_.get() + input_channels_.size(), false);
  std::fill(traced_potentials_.get(), traced_potentials_.get() + traced_neurons_.size(), 0.0f);
}

void NeuronTile::trace(sc_core::sc_trace_file* file) const {
  const std::string prefix = std::string(name()) + ".";
  for (int i = 0; i < context_.net.arch.neurons_per_tile(); ++i)
    sc_core::sc_trace(file, spike_lines_[i], prefix + "z_" + std::to_string(first_neuron_ + i));
  for (std::size_t i = 0; i < input_channels_.size(); ++i)
    sc_core::sc_trace(file, input_lines_[i], prefix + "input_" + std::to_string(input_channels_[i]));
}

void NeuronTile::trace_potentials(sc_core::sc_trace_file* file) const {
  for (std::size_t i = 0; i < traced_neurons_.size(); ++i)
    sc_core::sc_trace(file, traced_potentials_[i], std::string(name()) + ".v_" + std::to_string(first_neuron_ + traced_neurons_[i]));
}

}  // namespace mosaic::sim
