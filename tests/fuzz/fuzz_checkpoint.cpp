// Fuzz target: a mosaic-train checkpoint (trainer/checkpoint.cpp, read_checkpoint) as
// `mosaic-train --resume` reads it, for the small run of checkpoint_run.hpp. A resumed state
// must fit the run: the trainer indexes its arrays by the architecture, without checks.
//
// A version-2 checkpoint starts with a line holding the checksum of everything after it, so
// almost every mutation of a whole file stops at the checksum. Two kinds of input therefore:
// one that starts with that first line ("mosaic-train-checkpoint 2 ...") is a whole file and
// is read as it is (the first line and the checksum check); any other input is a body (JSON
// header line and payload), which the target seals with its correct first line, so that the
// header and payload checks behind the checksum are fuzzed too. The seeds hold both kinds.
#include <cmath>
#include <string_view>

#include "tests/fuzz/checkpoint_run.hpp"
#include "tests/fuzz/fuzz_target.hpp"
#include "trainer/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  static const train::TrainConfig config = fuzz::checkpoint_config();
  static const nlohmann::json identity = fuzz::checkpoint_identity(config);
  static const train::TrainingState fresh = fuzz::initial_state(config);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool whole_file = input.substr(0, 26) == "mosaic-train-checkpoint 2 ";
  const std::string file = whole_file ? std::string(input) : train::seal_checkpoint(input);
  const std::string& path =
      fuzz::write_scratch(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "-train.ckpt");
  return fuzz::expect_input_errors([&] {
    // 4 Adam steps per epoch, as make_seeds.cpp writes the epoch-1 seed.
    const train::TrainingState s = train::read_checkpoint(path, identity, {&fresh, config.epochs, 4});
    const auto same_shape = [](const train::Parameters& a, const train::Parameters& b) {
      return a.input.size() == b.input.size() && a.recurrent.size() == b.recurrent.size();
    };
    fuzz::require(same_shape(s.params, fresh.params), "weights shaped for another run");
    fuzz::require(same_shape(s.adam.first, fresh.params) && same_shape(s.adam.second, fresh.params),
                  "Adam moments shaped for another run");
    fuzz::require(s.links.raw().size() == fresh.links.raw().size(), "link map for another run");
    fuzz::require(s.epochs_done >= 0 && s.epochs_done <= config.epochs, "epochs_done outside 0..epochs");
    fuzz::require(s.adam.step >= 0, "negative Adam step");
    for (const auto* a : {&s.params.input, &s.params.recurrent, &s.adam.first.input, &s.adam.first.recurrent,
                          &s.adam.second.input, &s.adam.second.recurrent})
      for (float v : *a) fuzz::require(std::isfinite(v), "non-finite weight or moment");
    for (uint8_t flag : s.links.raw()) fuzz::require(flag <= 1, "link flag other than 0 or 1");
    // What the trainer does with a resumed state before the next epoch, and at the end.
    (void)s.links.synapse_mask();
    (void)train::live_synapses(s.links, s.params);
    (void)train::to_network(config.model, s.params, s.links);
  });
}
