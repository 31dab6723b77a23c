#include "sim/chip.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/score.hpp"

namespace mosaic::sim {

const std::vector<int> Chip::kNoInput;

Chip::Chip(sc_core::sc_module_name name, const Network& net, const CompiledRoutes& routes, const SimConfig& config)
    : sc_core::sc_module(name), routes_(routes), context_(net, config) {
  context_.tick_cycles = effective_tick_cycles(config, routes);
  const Arch& arch = net.arch;
  for (int t = 0; t < arch.num_tiles(); ++t)
    tiles_.push_back(std::make_unique<NeuronTile>(fmt::format("tile_{}", t).c_str(), t, routes, context_));
  for (const RouterConfig& r : routes.routers)
    routers_.push_back(std::make_unique<Router>(
        fmt::format("{}_{}_{}", cell_type_name(r.type), r.pos.x, r.pos.y).c_str(), r, context_));
  wire();
  class_of_neuron_.assign(arch.num_neurons(), -1);
  for (int c = 0; c < net.num_classes; ++c) class_of_neuron_[net.output_neurons[c]] = c;
  SC_METHOD(on_tick);
  sensitive << tick_;
  dont_initialize();
}

void Chip::wire() {
  const Arch& arch = context_.net.arch;
  auto input_of = [&](GridPos p, Side side) -> sc_core::sc_export<LinkTarget>& {
    const int s = static_cast<int>(side);
    if (arch.cell_type(p) == CellType::NeuronTile) return tiles_[arch.tile_at(p)]->in[s];
    return routers_[routes_.router_index(arch, p)]->in[s];
  };
  auto bind_outputs = [&](GridPos p, sc_core::sc_vector<OutPort>& outputs) {
    for (Side s : kAllSides)
      if (arch.in_grid(step(p, s))) outputs[static_cast<int>(s)].bind(input_of(step(p, s), opposite(s)));
  };
  for (int t = 0; t < arch.num_tiles(); ++t) bind_outputs(arch.tile_pos(t), tiles_[t]->out);
  for (std::size_t r = 0; r < routers_.size(); ++r) bind_outputs(routes_.routers[r].pos, routers_[r]->out);
}

void Chip::start_sample(const BinnedSample& sample, int index) {
  sample_ = &sample;
  SampleResult& result = result_;
  result = SampleResult{};
  result.index = index;
  result.recording = sample.recording;
  result.subset = sample.subset;
  result.label = sample.label;
  result.class_counts.assign(context_.net.num_classes, 0);
  prediction_per_step_.clear();
  next_step_ = 1;
  context_.origin = current_cycle() + 1;
  tick_.notify(cycles(1));
}

void Chip::on_tick() {
  const int step = next_step_++;
  const int steps = static_cast<int>(sample_->active.size());
  SampleResult& result = result_;
  if (step > 1) {
    step_spikes_.clear();
    for (auto& tile : tiles_) tile->end_tick(step_spikes_);  // tile order = increasing neuron ids
    run_.neuron_updates += static_cast<std::int64_t>(tiles_.size()) * context_.net.arch.neurons_per_tile();
    result.spikes += static_cast<std::int64_t>(step_spikes_.size());
    for (int n : step_spikes_)
      if (class_of_neuron_[n] >= 0) ++result.class_counts[class_of_neuron_[n]];
    prediction_per_step_.push_back(predict_class(result.class_counts));
    if (context_.config.record_spikes) result.spike_trains.push_back(step_spikes_);
  }
  // Set from the first tick on, not at start_sample: the previous sample's last values are
  // written to the VCD only when time advances past its last cycle.
  if (step == 1) traced_sample_ = result.index;
  traced_step_ = std::min(step, steps);
  if (step > steps) {
    sc_core::sc_pause();
    return;
  }
  // Input lines reach the input tiles, or with dedicated lines every tile (models/SPEC.md section 9.3).
  const int input_tiles = context_.net.input.dedicated_lines() ? static_cast<int>(tiles_.size()) : context_.net.num_input_tiles();
  for (int t = 0; t < static_cast<int>(tiles_.size()); ++t)
    tiles_[t]->begin_tick(step, t < input_tiles ? sample_->active[step - 1] : kNoInput);
  tick_.notify(cycles(context_.tick_cycles));
}

std::int64_t Chip::reset_blocks() {
  std::int64_t left = 0;
  for (auto& tile : tiles_) left += tile->reset();
  for (auto& router : routers_) left += router->reset();
  tick_.cancel();
  return left;
}

void Chip::gather_counters(SampleResult& result) {
  const auto gather = [&](const SampleCounters& c) {
    result.events += c.router_traversals + c.deliveries;
    result.late_events += c.late_events;
    run_.router_traversals += c.router_traversals;
    run_.deliveries += c.deliveries;
    run_.synaptic_events += c.synaptic_events;
    run_.late_events += c.late_events;
    if (run_.latency_histogram.size() < c.latency_histogram.size())
      run_.latency_histogram.resize(c.latency_histogram.size(), 0);
    for (std::size_t i = 0; i < c.latency_histogram.size(); ++i) run_.latency_histogram[i] += c.latency_histogram[i];
    result.deliveries.insert(result.deliveries.end(), c.deliveries_made.begin(), c.deliveries_made.end());
  };
  for (const auto& router : routers_) gather(router->sample_counters());
  for (const auto& tile : tiles_) gather(tile->sample_counters());
  // In the order they happened (by tile within a cycle).
  std::stable_sort(result.deliveries.begin(), result.deliveries.end(),
                   [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.delivered < b.delivered; });
}

SampleResult Chip::finish_sample() {
  SampleResult result = std::move(result_);
  result_ = SampleResult{};
  gather_counters(result);
  result.undelivered = reset_blocks();
  result.prediction = predict_class(result.class_counts);
  // Decision latency: the first step from which the running prediction equals the final one.
  int decision = static_cast<int>(prediction_per_step_.size());
  while (decision > 1 && prediction_per_step_[decision - 2] == result.prediction) --decision;
  result.decision_step = decision;
  if (run_.correct_by_step.size() < prediction_per_step_.size()) run_.correct_by_step.resize(prediction_per_step_.size(), 0);
  for (std::size_t t = 0; t < prediction_per_step_.size(); ++t) run_.correct_by_step[t] += prediction_per_step_[t] == result.label;
  run_.undelivered += result.undelivered;
  run_.spikes += result.spikes;
  run_.simulated_cycles += static_cast<Cycle>(sample_->active.size()) * context_.tick_cycles;
  sample_ = nullptr;
  return result;
}

RunStats Chip::stats() const {
  RunStats run = run_;
  run.routers.clear();
  for (const auto& r : routers_) run.routers.push_back(r->stats());
  run.tiles.clear();
  for (const auto& t : tiles_) run.tiles.push_back(t->stats());
  return run;
}

void Chip::trace(sc_core::sc_trace_file* file, const TraceConfig& what) const {
  sc_core::sc_trace(file, traced_sample_, std::string(name()) + ".sample");
  sc_core::sc_trace(file, traced_step_, std::string(name()) + ".step");
  auto listed = [](const auto& list, const auto& item) {
    return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
  };
  if (what.tiles)
    for (int t = 0; t < static_cast<int>(tiles_.size()); ++t)
      if (listed(what.only_tiles, t)) tiles_[t]->trace(file);
  for (const auto& tile : tiles_) tile->trace_potentials(file);  // empty unless --trace-potential
  if (what.routers)
    for (std::size_t r = 0; r < routers_.size(); ++r)
      if (listed(what.only_routers, routes_.routers[r].pos)) routers_[r]->trace(file);
}

}  // namespace mosaic::sim
