#pragma once
// Checkpoints: one file, written atomically after every epoch. A first line with the format
// version and the FNV-1a checksum of the rest, a JSON header line (the run's identity, epoch,
// Adam step, the log so far, array sizes, payload size), then the payload: the raw float32
// arrays and the link map, so weights and moments come back bit for bit.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "trainer/trainer.hpp"

namespace mosaic::train {

void write_checkpoint(const std::string& path, const nlohmann::json& identity, const TrainingState& state);

// A whole checkpoint file from its body (the JSON header line and the payload): the first line
// "mosaic-train-checkpoint 2 fnv1a64 <checksum of the body>", then the body.
std::string seal_checkpoint(std::string_view body);

// What the run expects of its checkpoint: nothing in the file is trusted beyond it.
struct CheckpointShape {
  const TrainingState* fresh = nullptr;  // a state of this run: array and link-map sizes, arch
  int epochs = 0;                        // the run's --epochs: epochs_done is in 0..epochs
  long steps_per_epoch = 0;              // Adam updates per epoch: adam_step = epochs_done x this
};

// Refuses (InputError naming the file and the field) a file that is not a checkpoint, was
// written for another run (`identity` differs: configuration, data files), is damaged (the
// checksum, the sizes, trailing bytes) or holds values outside their range (epochs, Adam step,
// link flags other than 0/1, weights or moments that are not finite).
TrainingState read_checkpoint(const std::string& path, const nlohmann::json& identity, const CheckpointShape& shape);

}  // namespace mosaic::train
