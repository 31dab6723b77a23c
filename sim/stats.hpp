#pragma once
// What a run measures. Each block counts only into its own structures (RouterStats or
// TileStats, and its SampleCounters); the Chip gathers them when a sample ends, as a global
// statistics collector would. Worker processes serialise RunStats to JSON and the parent
// merges them (merge() adds counts, keeps maxima). The per-sample results are not kept here:
// they go to a file as samples finish (sim/sample_log.hpp), so memory does not grow with the
// number of samples a run has.
#include <array>
#include <cstdint>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/arch.hpp"
#include "sim/sim_config.hpp"

namespace mosaic::sim {

// Ports of a router or tile: an input and an output per side, in arch.hpp's port vector order.
constexpr int kPorts = static_cast<int>(std::tuple_size_v<PortVector>);

struct RouterStats {
  GridPos pos;
  CellType type = CellType::R1;
  std::int64_t traversals = 0;              // events that crossed this router
  std::array<std::int64_t, kPorts> port_events{};  // port vector order: in_N..in_W, out_N..out_W
  std::array<int, kSides> max_fifo{};              // aer: largest occupancy of each input FIFO
  std::int64_t stall_cycles = 0;             // aer: cycles an output waited for room downstream
  std::int64_t activations = 0;              // times the block's process ran (event-driven: only with work)
};

struct TileStats {
  int tile = 0;
  std::int64_t spikes = 0;
  std::int64_t deliveries = 0;        // lines that reached the tile (routed, own crossbar, input)
  std::int64_t synaptic_events = 0;   // synapses those lines drove
  std::int64_t late_events = 0;
  std::int64_t activations = 0;       // times the block's process ran, tick boundaries not counted
  std::int64_t stall_cycles = 0;      // aer: cycles an output side waited for room in its router
};

// One delivery, kept only when SimConfig::record_deliveries is set.
struct DeliveryRecord {
  int key = 0;
  int tile = 0;
  Side in_side = Side::North;
  bool routed = false;   // false: own crossbar or north-edge input line
  int step = 0;          // the step the event was due in
  int applied_step = 0;  // the step it was applied in (later than `step` when late)
  Cycle emitted = 0;
  Cycle delivered = 0;
};

// Adds one delivery of `latency` cycles to a histogram indexed by cycles.
void add_latency(std::vector<std::int64_t>& histogram, Cycle latency);

// What one block counts during the sample in progress towards the sample's and the run's
// totals; the Chip adds every block's counters up when the sample ends and clears them.
struct SampleCounters {
  std::int64_t router_traversals = 0;
  std::int64_t deliveries = 0;
  std::int64_t synaptic_events = 0;
  std::int64_t late_events = 0;
  std::vector<std::int64_t> latency_histogram;  // [cycles from emission to delivery] -> deliveries
  std::vector<DeliveryRecord> deliveries_made;  // record_deliveries only
};

struct SampleResult {
  int index = 0;       // position in the run's sample list
  int recording = 0;
  int subset = 0;
  int label = 0;
  int prediction = 0;
  int decision_step = 0;   // first step from which the prediction no longer changes
  std::int64_t spikes = 0;
  std::int64_t events = 0;       // router traversals + deliveries
  std::int64_t late_events = 0;
  std::int64_t undelivered = 0;  // events still travelling when the sample ended
  int reference_prediction = -1;  // when the reference pass ran too
  int spike_mismatch_steps = -1;  // steps whose spikes differ from the reference (-1: not compared)
  std::vector<int> class_counts;
  std::vector<std::vector<int>> spike_trains;  // record_spikes only, not serialised
  std::vector<DeliveryRecord> deliveries;      // record_deliveries only, not serialised
};

// A sample's result as the report writes it (spike trains and deliveries left out).
nlohmann::json sample_to_json(const SampleResult& r);
SampleResult sample_from_json(const nlohmann::json& j);

struct RunStats {
  std::vector<RouterStats> routers;
  std::vector<TileStats> tiles;
  std::vector<std::int64_t> latency_histogram;  // [cycles from emission to delivery] -> deliveries
  // [t - 1] -> samples whose running prediction after step t (argmax of the output spike
  // counts so far, models/score.hpp) equals their label: accuracy over time.
  std::vector<std::int64_t> correct_by_step;
  std::int64_t spikes = 0;
  std::int64_t router_traversals = 0;
  std::int64_t deliveries = 0;
  std::int64_t synaptic_events = 0;
  std::int64_t neuron_updates = 0;
  std::int64_t late_events = 0;
  std::int64_t undelivered = 0;
  Cycle simulated_cycles = 0;
  // CPU time (not wall time: the machine may be shared) inside the simulator and the
  // reference pass, summed over workers.
  double simulation_cpu_seconds = 0;
  double reference_cpu_seconds = 0;

  std::int64_t events() const { return router_traversals + deliveries; }
  void merge(const RunStats& other);
};

nlohmann::json to_json(const RunStats& stats);
// CPU seconds this process has used so far (the workers are single-threaded).
double process_cpu_seconds();
RunStats run_stats_from_json(const nlohmann::json& j);

}  // namespace mosaic::sim
