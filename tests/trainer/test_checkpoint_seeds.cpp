// The seed checkpoints of the checkpoint fuzz target (tests/fuzz/corpus/checkpoint) must be
// checkpoints the reader of today accepts: seeds it refuses at the first line leave the fuzzer
// in front of the version check, far from the header and payload checks (they were version 1
// once, after the reader moved to version 2). They must also be what fuzz_make_seeds writes now.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/command.hpp"
#include "tests/fuzz/checkpoint_run.hpp"
#include "trainer/checkpoint.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

namespace {

const fs::path kSeeds = "tests/fuzz/corpus/checkpoint";

mosaic::train::TrainingState read_seed(const fs::path& path) {
  using namespace mosaic;
  const train::TrainConfig config = fuzz::checkpoint_config();
  const train::TrainingState fresh = fuzz::initial_state(config);
  return train::read_checkpoint(path.string(), fuzz::checkpoint_identity(config), {&fresh, config.epochs, 4});
}

}  // namespace

TEST(CheckpointSeeds, WholeFilesAndSealedBodiesAreAccepted) {
  for (const std::string name : {"start", "epoch1"}) {
    const mosaic::train::TrainingState whole = read_seed(kSeeds / (name + ".ckpt"));
    EXPECT_EQ(whole.epochs_done, name == "start" ? 0 : 1) << name;
    // A body, sealed with its first line as the fuzz target does, is the same checkpoint.
    const fs::path sealed = fs::temp_directory_path() / ("mosaic_seed_" + std::to_string(getpid()) + ".ckpt");
    {
      std::ofstream out(sealed, std::ios::binary);
      out << mosaic::train::seal_checkpoint(read_text(kSeeds / (name + ".body")));
    }
    EXPECT_EQ(read_text(sealed), read_text(kSeeds / (name + ".ckpt"))) << name;
    EXPECT_EQ(read_seed(sealed).adam.step, whole.adam.step) << name;
    fs::remove(sealed);
  }
}

TEST(CheckpointSeeds, AreWhatFuzzMakeSeedsWritesToday) {
  const fs::path dir = fs::temp_directory_path() / ("mosaic_seeds_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto result = run_command(tool_path("fuzz_make_seeds") + " " + dir.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const std::string name : {"start.ckpt", "start.body", "epoch1.ckpt", "epoch1.body"})
    EXPECT_EQ(read_text(dir / name), read_text(kSeeds / name)) << name << " is stale: run tests/fuzz/make-corpus";
  fs::remove_all(dir);
}
