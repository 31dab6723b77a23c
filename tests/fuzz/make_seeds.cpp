// Writes the seed checkpoints of the checkpoint fuzz target with the project's own writer
// (tests/fuzz/make-corpus runs it): the run's start, and the state after one epoch's log, each
// as a whole file (*.ckpt) and as its body without the checksum line (*.body), which the
// target seals itself so that mutations reach the checks behind the checksum.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuzz/checkpoint_run.hpp"
#include "trainer/checkpoint.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER  (writes FOLDER/{start,epoch1}.{ckpt,body})\n", argv[0]);
    return 2;
  }
  using namespace mosaic;
  const std::string dir = argv[1];
  // The body: everything after the first line of a written checkpoint.
  const auto write_body = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name + ".ckpt", std::ios::binary);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir + "/" + name + ".body", std::ios::binary) << file.substr(file.find('\n') + 1);
  };
  const train::TrainConfig config = fuzz::checkpoint_config();
  train::TrainingState state = fuzz::initial_state(config);
  train::write_checkpoint(dir + "/start.ckpt", fuzz::checkpoint_identity(config), state);
  write_body("start");
  state.epochs_done = 1;
  state.adam.step = 4;
  for (float& m : state.adam.first.recurrent) m = 1e-3f;
  for (float& v : state.adam.second.recurrent) v = 1e-6f;
  state.log.push_back({{"epoch", 1}, {"loss", 2.5}, {"firing_rate", 0.1}});
  train::write_checkpoint(dir + "/epoch1.ckpt", fuzz::checkpoint_identity(config), state);
  write_body("epoch1");
  return 0;
}
