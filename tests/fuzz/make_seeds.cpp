// Writes the seed checkpoints of the checkpoint fuzz target with the project's own writer
// (tests/fuzz/make-corpus runs it): the run's start, and the state after one epoch's log.
#include <cstdio>
#include <string>

#include "tests/fuzz/checkpoint_run.hpp"
#include "trainer/checkpoint.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER  (writes FOLDER/start.ckpt and FOLDER/epoch1.ckpt)\n", argv[0]);
    return 2;
  }
  using namespace mosaic;
  const std::string dir = argv[1];
  const train::TrainConfig config = fuzz::checkpoint_config();
  train::TrainingState state = fuzz::initial_state(config);
  train::write_checkpoint(dir + "/start.ckpt", fuzz::checkpoint_identity(config), state);
  state.epochs_done = 1;
  state.adam.step = 4;
  for (float& m : state.adam.first.recurrent) m = 1e-3f;
  for (float& v : state.adam.second.recurrent) v = 1e-6f;
  state.log.push_back({{"epoch", 1}, {"loss", 2.5}, {"firing_rate", 0.1}});
  train::write_checkpoint(dir + "/epoch1.ckpt", fuzz::checkpoint_identity(config), state);
  return 0;
}
