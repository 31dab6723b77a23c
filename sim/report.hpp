#pragma once
// What a run prints and writes: the stdout summary and the --report JSON (sim/README.md
// documents every field).
#include <ostream>
#include <vector>

#include "models/score.hpp"
#include "sim/run.hpp"

namespace mosaic::sim {

struct RunSummary {
  int samples = 0;
  int recordings = 0;
  int steps = 0;
  int tick_cycles = 0;
  Score score;  // the simulator's predictions, scored by models/score.hpp (accuracy, vote, confusion)
  // Samples in which no output neuron spiked: their prediction is class 0 by the tie rule of
  // models/SPEC.md section 2.3, not a decision of the network, so the summary says how many.
  int samples_without_output_spike = 0;
  int compared = 0;                   // samples the reference pass also ran
  int reference_agrees = 0;           // ... with the same prediction
  int identical_spike_trains = -1;    // ... with identical spike trains (-1: not compared)
  double reference_accuracy = -1;     // accuracy of the reference pass (-1: not run)
  double wall_seconds = 0;
  double events_per_second = 0;       // events / wall time
  std::vector<std::int64_t> decision_steps;  // histogram: [step] -> samples
  double decision_mean_steps = 0;
  int decision_median_steps = 0;
  int decision_p90_steps = 0;
  double router_pj = 0, synaptic_pj = 0, neuron_pj = 0;
  double total_pj() const { return router_pj + synaptic_pj + neuron_pj; }
  // Time: a cycle lasts 1 / clock_mhz microseconds; a network step covers step_ms of audio
  // (t_max / bins, models/SPEC.md section 4.2), so a decision at step t has heard t step_ms.
  double clock_mhz = 100;
  double step_ms = 0;
  double cycles_to_us(double cycles) const { return cycles / clock_mhz; }
};

// aer congestion over the whole chip: the fullest input FIFO, stalled output cycles.
struct AerCongestion {
  int fullest_fifo = 0;
  std::int64_t router_stalls = 0, tile_stalls = 0;
};
AerCongestion aer_congestion(const RunStats& stats);

// Reads the samples once (in position order) for the score, votes and decision latencies.
RunSummary summarize(const LoadedRun& run, const RunResult& result);
void print_summary(std::ostream& out, const RunOptions& options, const LoadedRun& run, const RunStats& stats,
                   const RunSummary& summary);
// --predict: one line per recording, the majority vote over its subsets (ties to the lowest
// class, as the scorer's), named by the input's extra/keys when it has them.
void print_predictions(std::ostream& out, const LoadedRun& run, const SampleLog& samples);
// Writes the report JSON to options.report_path (atomically), the samples streamed from the log.
void write_report(const RunOptions& options, const LoadedRun& run, const RunResult& result, const RunSummary& summary);

}  // namespace mosaic::sim
