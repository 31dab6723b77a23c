#include "sim/stats.hpp"

#include <algorithm>
#include <ctime>

namespace mosaic::sim {

void add_latency(std::vector<std::int64_t>& histogram, Cycle latency) {
  if (latency < 0) latency = 0;
  if (static_cast<std::size_t>(latency) >= histogram.size()) histogram.resize(latency + 1, 0);
  ++histogram[latency];
}

void RunStats::merge(const RunStats& other) {
  if (routers.empty()) routers = other.routers;
  else
    for (std::size_t i = 0; i < routers.size() && i < other.routers.size(); ++i) {
      RouterStats& r = routers[i];
      const RouterStats& o = other.routers[i];
      r.traversals += o.traversals;
      r.stall_cycles += o.stall_cycles;
      r.activations += o.activations;
      for (int p = 0; p < kPorts; ++p) r.port_events[p] += o.port_events[p];
      for (int p = 0; p < kSides; ++p) r.max_fifo[p] = std::max(r.max_fifo[p], o.max_fifo[p]);
    }
  if (tiles.empty()) tiles = other.tiles;
  else
    for (std::size_t i = 0; i < tiles.size() && i < other.tiles.size(); ++i) {
      tiles[i].spikes += other.tiles[i].spikes;
      tiles[i].deliveries += other.tiles[i].deliveries;
      tiles[i].synaptic_events += other.tiles[i].synaptic_events;
      tiles[i].late_events += other.tiles[i].late_events;
      tiles[i].activations += other.tiles[i].activations;
      tiles[i].stall_cycles += other.tiles[i].stall_cycles;
    }
  if (latency_histogram.size() < other.latency_histogram.size())
    latency_histogram.resize(other.latency_histogram.size(), 0);
  for (std::size_t i = 0; i < other.latency_histogram.size(); ++i) latency_histogram[i] += other.latency_histogram[i];
  if (correct_by_step.size() < other.correct_by_step.size()) correct_by_step.resize(other.correct_by_step.size(), 0);
  for (std::size_t i = 0; i < other.correct_by_step.size(); ++i) correct_by_step[i] += other.correct_by_step[i];
  spikes += other.spikes;
  router_traversals += other.router_traversals;
  deliveries += other.deliveries;
  synaptic_events += other.synaptic_events;
  neuron_updates += other.neuron_updates;
  late_events += other.late_events;
  undelivered += other.undelivered;
  simulated_cycles += other.simulated_cycles;
  simulation_cpu_seconds += other.simulation_cpu_seconds;
  reference_cpu_seconds += other.reference_cpu_seconds;
}

double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

nlohmann::json sample_to_json(const SampleResult& r) {
  return {{"index", r.index}, {"recording", r.recording}, {"subset", r.subset}, {"label", r.label},
          {"prediction", r.prediction}, {"decision_step", r.decision_step}, {"spikes", r.spikes},
          {"events", r.events}, {"late_events", r.late_events}, {"undelivered", r.undelivered},
          {"reference_prediction", r.reference_prediction}, {"spike_mismatch_steps", r.spike_mismatch_steps},
          {"class_counts", r.class_counts}};
}

SampleResult sample_from_json(const nlohmann::json& r) {
  SampleResult x;
  x.index = r.at("index");
  x.recording = r.at("recording");
  x.subset = r.at("subset");
  x.label = r.at("label");
  x.prediction = r.at("prediction");
  x.decision_step = r.at("decision_step");
  x.spikes = r.at("spikes");
  x.events = r.at("events");
  x.late_events = r.at("late_events");
  x.undelivered = r.at("undelivered");
  x.reference_prediction = r.at("reference_prediction");
  x.spike_mismatch_steps = r.at("spike_mismatch_steps");
  x.class_counts = r.at("class_counts").get<std::vector<int>>();
  return x;
}

nlohmann::json to_json(const RunStats& s) {
  using nlohmann::json;
  json routers = json::array();
  for (const RouterStats& r : s.routers)
    routers.push_back({{"pos", {r.pos.x, r.pos.y}}, {"type", cell_type_name(r.type)}, {"traversals", r.traversals},
                       {"port_events", r.port_events}, {"max_fifo", r.max_fifo}, {"stall_cycles", r.stall_cycles},
                       {"activations", r.activations}});
  json tiles = json::array();
  for (const TileStats& t : s.tiles)
    tiles.push_back({{"tile", t.tile}, {"spikes", t.spikes}, {"deliveries", t.deliveries},
                     {"synaptic_events", t.synaptic_events}, {"late_events", t.late_events},
                     {"activations", t.activations}, {"stall_cycles", t.stall_cycles}});
  return {{"routers", routers}, {"tiles", tiles},
          {"latency_histogram", s.latency_histogram}, {"correct_by_step", s.correct_by_step}, {"spikes", s.spikes},
          {"router_traversals", s.router_traversals}, {"deliveries", s.deliveries},
          {"synaptic_events", s.synaptic_events}, {"neuron_updates", s.neuron_updates},
          {"late_events", s.late_events}, {"undelivered", s.undelivered},
          {"simulated_cycles", s.simulated_cycles}, {"simulation_cpu_seconds", s.simulation_cpu_seconds},
          {"reference_cpu_seconds", s.reference_cpu_seconds}};
}

RunStats run_stats_from_json(const nlohmann::json& j) {
  RunStats s;
  for (const auto& r : j.at("routers")) {
    RouterStats x;
    x.pos = {r.at("pos")[0], r.at("pos")[1]};
    const std::string type = r.at("type");
    x.type = type == "R0" ? CellType::R0 : CellType::R1;
    x.traversals = r.at("traversals");
    x.port_events = r.at("port_events").get<std::array<std::int64_t, kPorts>>();
    x.max_fifo = r.at("max_fifo").get<std::array<int, kSides>>();
    x.stall_cycles = r.at("stall_cycles");
    x.activations = r.at("activations");
    s.routers.push_back(x);
  }
  for (const auto& t : j.at("tiles"))
    s.tiles.push_back({t.at("tile"), t.at("spikes"), t.at("deliveries"), t.at("synaptic_events"), t.at("late_events"),
                       t.at("activations"), t.at("stall_cycles")});
  s.latency_histogram = j.at("latency_histogram").get<std::vector<std::int64_t>>();
  s.correct_by_step = j.at("correct_by_step").get<std::vector<std::int64_t>>();
  s.spikes = j.at("spikes");
  s.router_traversals = j.at("router_traversals");
  s.deliveries = j.at("deliveries");
  s.synaptic_events = j.at("synaptic_events");
  s.neuron_updates = j.at("neuron_updates");
  s.late_events = j.at("late_events");
  s.undelivered = j.at("undelivered");
  s.simulated_cycles = j.at("simulated_cycles");
  s.simulation_cpu_seconds = j.at("simulation_cpu_seconds");
  s.reference_cpu_seconds = j.at("reference_cpu_seconds");
  return s;
}

}  // namespace mosaic::sim
