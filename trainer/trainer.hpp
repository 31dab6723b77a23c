#pragma once
// The training loop: epochs of shuffled mini-batches through the BPTT kernel and Adam, the
// mode's sparsity rule (DeepR rewiring once per epoch, or the baseline's penalty, pruning,
// clipping and noise), per-epoch evaluation by the reference pass, checkpoints and the log.
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/network.hpp"
#include "trainer/config.hpp"
#include "trainer/dataset.hpp"
#include "trainer/deepr.hpp"
#include "trainer/kernel.hpp"
#include "trainer/optimizer.hpp"
#include "trainer/parameters.hpp"

namespace mosaic::train {

// Everything a checkpoint holds: with it, a resumed run continues bit for bit.
struct TrainingState {
  int epochs_done = 0;
  Parameters params;
  LinkMap links;
  AdamState adam;
  std::vector<nlohmann::json> log;  // one record per finished epoch
};

class Trainer {
 public:
  // `test` may be null. `progress` (may be null) receives the progress bar.
  Trainer(TrainConfig config, const Dataset& train, const Dataset* test, std::ostream* progress = nullptr);
  ~Trainer();

  const TrainConfig& config() const { return config_; }
  TrainingState& state() { return state_; }
  const TrainingState& state() const { return state_; }
  // Restart from a checkpointed state (links, weights, moments, epoch count).
  void restore(TrainingState state);

  // One epoch; returns (and appends to the state's log) its record.
  nlohmann::json run_epoch();
  // After the last epoch, baseline only: --final-threshold, then --target-synapses.
  void finish();

  // The current network as a mosaic-net file with provenance (mode, seed, the given data files,
  // config, synapse counts, memory); the caller adds the accuracies to its provenance.
  Network network(const nlohmann::json& data_files) const;

  // Adam updates per epoch: one per mini-batch.
  long steps_per_epoch() const;

  // Subset-samples of the training set scored per epoch (a fixed draw of stream Data).
  const std::vector<std::size_t>& train_eval_indices() const { return train_eval_indices_; }

 private:
  long total_steps() const;
  void refresh_links();
  void baseline_penalty(Parameters& gradient, double& penalty) const;
  void baseline_prune_and_clip();
  Parameters noisy_weights(long step) const;
  // DeepR prune and regrow (stream Rewire, `counter`), added to `total`.
  void rewire(long counter, RewireStats& total);

  TrainConfig config_;
  const Dataset& train_;
  const Dataset* test_;
  std::ostream* progress_;
  TrainingState state_;
  BpttKernel kernel_;
  Adam adam_;
  std::vector<float> mask_;          // trainable recurrent synapses
  std::vector<float> tile_penalty_;  // baseline: M per (source tile, destination tile)
  std::vector<std::size_t> train_eval_indices_;
};

// Provenance of a network: mode, profile (and whether DeepR rewired) or beta, seed, data files,
// epochs, S(theta), its connectivity by hop distance (trainer/connectivity.hpp) and the whole
// configuration (no timings: same seed, same file).
nlohmann::json provenance(const TrainConfig& config, const Network& net, const nlohmann::json& data_files,
                          int epochs_done);

// The network at the start of training, without data (mosaic-train --epochs 0): routing
// memory at init, benchmarks of the mapping.
Network initial_network(const TrainConfig& config);

// Files of a run of mosaic-train.
struct RunFiles {
  std::string train, test;  // SHD files (test optional)
  std::string out;          // the trained network
  std::string log;          // JSON lines, one per epoch
  std::string checkpoint;   // written after every epoch
  bool resume = false;
  bool progress = true;
  int stop_after = 0;       // > 0: stop after this many epochs of this invocation, as an interruption would
};

// Trains (or resumes) and writes the network; returns the process exit code.
int train_run(const TrainConfig& config, const RunFiles& files);

}  // namespace mosaic::train
