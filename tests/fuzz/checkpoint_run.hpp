#pragma once
// The small training run whose checkpoints the checkpoint fuzz target resumes, shared with
// fuzz_make_seeds (which writes the seed checkpoints with the project's writer).
#include <nlohmann/json.hpp>

#include "trainer/config.hpp"
#include "trainer/parameters.hpp"
#include "trainer/trainer.hpp"

namespace mosaic::fuzz {

inline train::TrainConfig checkpoint_config() {
  train::TrainConfig config;
  config.model.arch = Arch(2, 2, 8);
  config.model.num_classes = 4;
  config.model.shd_channels = 48;
  config.model.bins = 10;
  config.epochs = 3;
  config.deepr.c_min = 4;  // at most K
  config.seed = 7;
  return config;
}

// What mosaic-train compares a checkpoint's identity with: the configuration and the data files.
inline nlohmann::json checkpoint_identity(const train::TrainConfig& config) {
  nlohmann::json identity = config.to_json();
  identity["data"] = {{"train", "train.h5"}, {"test", ""}};
  return identity;
}

// The state at the start of the run, as Trainer builds it.
inline train::TrainingState initial_state(const train::TrainConfig& config) {
  train::TrainingState state;
  train::initialise(config, state.params, state.links);
  state.adam.first.input.assign(state.params.input.size(), 0.0f);
  state.adam.first.recurrent.assign(state.params.recurrent.size(), 0.0f);
  state.adam.second = state.adam.first;
  return state;
}

}  // namespace mosaic::fuzz
