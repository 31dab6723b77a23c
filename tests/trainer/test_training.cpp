#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/network.hpp"
#include "tests/command.hpp"
#include "trainer/evaluate.hpp"
#include "trainer/synthetic.hpp"
#include "trainer/trainer.hpp"

using namespace mosaic;
using namespace mosaic::train;
namespace fs = std::filesystem;

namespace {

// A two-class spike-pattern task, written as real SHD files once per test process.
struct TaskFiles {
  fs::path dir, train, test;
  TaskFiles() {
    dir = fs::temp_directory_path() / ("mosaic_train_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    train = dir / "train.h5";
    test = dir / "test.h5";
    PatternTaskSpec spec;
    spec.recordings = 120;
    const ShdExtra extra{{"low", "high"}, {}, {}, {}};
    write_shd(train.string(), pattern_task(spec), extra);
    spec.recordings = 40;
    spec.seed = 2;
    write_shd(test.string(), pattern_task(spec), extra);
  }
  ~TaskFiles() { fs::remove_all(dir); }
};

const TaskFiles& task() {
  static TaskFiles files;
  return files;
}

// 3 x 3 tiles of 8: 24 reduced channels from 48 (2 subsets), 20 bins of 10 ms, 2 classes.
TrainConfig task_config(Mode mode) {
  TrainConfig config;
  config.model.arch = Arch(3, 3, 8);
  config.model.num_classes = 2;
  config.model.shd_channels = 48;
  config.model.bins = 20;
  config.model.t_max_s = 0.2;
  config.mode = mode;
  config.deepr.profile = HopProfile::parse("1:1.0,3:0.5");
  config.deepr.c_min = 5;
  config.optimizer.lr = 1e-2;
  config.epochs = 12;
  config.batch = 16;
  config.test_every = 100;
  config.train_eval_samples = 64;
  return config;
}

// mosaic-train with these arguments: its exit status, and its output into *output when given.
int run(const std::string& args, std::string* output = nullptr) {
  const auto result = test_support::run_command(test_support::tool_path("mosaic-train") + " " + args);
  if (output) *output = result.output;
  return result.exit_code;
}

using test_support::read_text;

std::string cli_task_args() {
  return "--data " + task().train.string() + " --test " + task().test.string() +
         " --arch 3x3x8 --classes 2 --shd-channels 48 --bins 20 --t-max 0.2 --profile 1:1.0,3:0.5 --c-min 5"
         " --lr 0.01 --batch 16 --test-every 2 --train-eval-samples 64 --no-progress";
}

}  // namespace

class LearnsInEveryMode : public ::testing::TestWithParam<Mode> {};

TEST_P(LearnsInEveryMode, TwoClassTaskNearPerfect) {
  const TrainConfig config = task_config(GetParam());
  const Dataset train = Dataset::load(task().train.string(), config.model.bin_spec(), 2);
  const Dataset test = Dataset::load(task().test.string(), config.model.bin_spec(), 2);
  Trainer trainer(config, train, &test);
  for (int e = 0; e < config.epochs; ++e) trainer.run_epoch();
  trainer.finish();
  const Evaluation eval = evaluate(trainer.network({}), test, 2);
  EXPECT_GE(eval.accuracy(), 0.95) << mode_name(config.mode) << ": " << trainer.state().log.back().dump();
}

INSTANTIATE_TEST_SUITE_P(Modes, LearnsInEveryMode, ::testing::Values(Mode::RoutingAware, Mode::Baseline, Mode::Dense),
                         [](const auto& info) { return std::string(info.param == Mode::RoutingAware ? "RoutingAware"
                                                                   : info.param == Mode::Baseline   ? "Baseline"
                                                                                                   : "Dense"); });

TEST(Training, RoutingAwareKeepsItsProfileThroughTraining) {
  const TrainConfig config = task_config(Mode::RoutingAware);
  const Dataset train = Dataset::load(task().train.string(), config.model.bin_spec(), 2);
  Trainer trainer(config, train, nullptr);
  const auto before = trainer.state().links.links_per_distance();
  long regrown = 0;
  for (int e = 0; e < 3; ++e) regrown += trainer.run_epoch()["regrown"].get<long>();
  EXPECT_EQ(trainer.state().links.links_per_distance(), before);
  const Network net = trainer.network({{"train", "x"}});
  EXPECT_EQ(net.provenance["mode"], "routing-aware");
  EXPECT_EQ(net.provenance["profile"], "1:1,3:0.5");
  EXPECT_TRUE(net.provenance.contains("links_per_distance"));
  EXPECT_TRUE(net.provenance.contains("sparsity"));
}

TEST(Training, BaselineTargetSynapsesLeavesExactlyThatMany) {
  TrainConfig config = task_config(Mode::Baseline);
  config.baseline.target_synapses = 300;
  config.baseline.weight_noise = 0.05;
  const Dataset train = Dataset::load(task().train.string(), config.model.bin_spec(), 2);
  Trainer trainer(config, train, nullptr);
  trainer.run_epoch();
  trainer.finish();
  EXPECT_EQ(live_synapses(trainer.state().links, trainer.state().params), 300);
  EXPECT_EQ(trainer.network({}).recurrent.size(), 300u);
}

TEST(Cli, SameSeedSameFileAndResumeEqualsUninterrupted) {
  const fs::path a = task().dir / "a.json", b = task().dir / "b.json", c = task().dir / "c.json";
  ASSERT_EQ(run(cli_task_args() + " --epochs 4 --seed 5 --out " + a.string()), 0);
  ASSERT_EQ(run(cli_task_args() + " --epochs 4 --seed 5 --threads 1 --out " + b.string()), 0);
  EXPECT_EQ(read_text(a), read_text(b)) << "same seed, different thread count";
  // Interrupted after 2 epochs, then resumed.
  ASSERT_EQ(run(cli_task_args() + " --epochs 4 --seed 5 --stop-after 2 --out " + c.string()), 0);
  EXPECT_FALSE(fs::exists(c));
  std::string output;
  ASSERT_EQ(run(cli_task_args() + " --epochs 4 --seed 5 --resume --out " + c.string(), &output), 0) << output;
  EXPECT_NE(output.find("resuming"), std::string::npos) << output;
  EXPECT_EQ(read_text(a), read_text(c)) << "resumed run differs from the uninterrupted one";
  // One JSON line per epoch.
  std::ifstream log(c.string() + ".log.jsonl");
  int lines = 0;
  for (std::string line; std::getline(log, line);) {
    const auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["epoch"], ++lines);
    EXPECT_TRUE(record.contains("train_accuracy"));
  }
  EXPECT_EQ(lines, 4);
  // A different seed gives a different network.
  ASSERT_EQ(run(cli_task_args() + " --epochs 1 --seed 6 --out " + b.string()), 0);
  EXPECT_NE(read_text(a), read_text(b));
}

TEST(Cli, EvalPrintsAccuracyVoteAndConfusion) {
  const fs::path net = task().dir / "eval.json";
  ASSERT_EQ(run(cli_task_args() + " --epochs 3 --out " + net.string()), 0);
  std::string output;
  ASSERT_EQ(run("--eval " + net.string() + " --test " + task().test.string(), &output), 0) << output;
  EXPECT_NE(output.find("accuracy"), std::string::npos) << output;
  EXPECT_NE(output.find("majority vote"), std::string::npos) << output;
  EXPECT_NE(output.find("confusion matrix"), std::string::npos) << output;
  EXPECT_NE(output.find("80 subset-samples"), std::string::npos) << output;  // 40 recordings x 2 subsets
}

TEST(Cli, InitialNetworkWithoutData) {
  const fs::path net = task().dir / "init.json";
  ASSERT_EQ(run("--epochs 0 --arch 5x5x32 --profile 1:1.0,3:0.1 --seed 3 --out " + net.string()), 0);
  const Network n = read_network(net.string());
  EXPECT_EQ(n.arch.num_neurons(), 800);
  EXPECT_EQ(n.provenance["epochs"], 0);
  EXPECT_EQ(n.provenance["links_per_distance"]["1"], 2560);
  EXPECT_EQ(n.input.n_inp, 160);
}

TEST(Cli, BadInputExitsWithStatus2) {
  std::string output;
  EXPECT_EQ(run("--data /nonexistent.h5 --epochs 1 --out /tmp/x.json", &output), 2) << output;
  EXPECT_EQ(run("--epochs 0 --profile 2:0.5", &output), 2) << output;
  EXPECT_NE(output.find("--profile"), std::string::npos) << output;
  EXPECT_EQ(run("--epochs 0 --arch 5x5", &output), 2) << output;
  EXPECT_EQ(run("--epochs 0 --mode sparse", &output), 2) << output;
  EXPECT_EQ(run("--epochs 1", &output), 2) << output;  // training without --data
  EXPECT_EQ(run("--eval /nonexistent.json", &output), 2) << output;
  EXPECT_EQ(run("--no-such-option", &output), 2) << output;
  EXPECT_EQ(run("--help", &output), 0);
  EXPECT_NE(output.find("--target-synapses"), std::string::npos);
}

// --no-rewire: the initial mask is kept exactly (same links, same profile) through real
// training, while the same run with rewiring moves links (so the comparison can fail).
TEST(Training, NoRewireKeepsTheInitialMaskExactly) {
  TrainConfig config = task_config(Mode::RoutingAware);
  config.deepr.c_min = 8;  // all K = 8 synapses must stay active: rewiring is certain to move links
  config.epochs = 3;
  const Dataset train = Dataset::load(task().train.string(), config.model.bin_spec(), 2);
  long moved = 0;
  {
    Trainer rewiring(config, train, nullptr);
    const auto initial = rewiring.state().links.raw();
    for (int e = 0; e < config.epochs; ++e) moved += rewiring.run_epoch()["regrown"].get<long>();
    EXPECT_GT(moved, 0);
    EXPECT_NE(rewiring.state().links.raw(), initial);
  }
  config.deepr.rewire = false;
  Trainer fixed(config, train, nullptr);
  const auto initial = fixed.state().links.raw();
  const auto before = fixed.state().links.links_per_distance();
  for (int e = 0; e < config.epochs; ++e) {
    const auto record = fixed.run_epoch();
    EXPECT_EQ(record["pruned"], 0);
    EXPECT_EQ(record["regrown"], 0);
  }
  EXPECT_EQ(fixed.state().links.raw(), initial);
  EXPECT_EQ(fixed.state().links.links_per_distance(), before);
  const Network net = fixed.network({});
  EXPECT_EQ(net.provenance["rewire"], false);
  EXPECT_EQ(net.provenance["config"]["rewire"], false);
  // Every synapse of the written network lies in the initial mask.
  for (const Synapse& s : net.recurrent)
    EXPECT_TRUE(initial[s.pre * net.arch.num_tiles() + net.arch.tile_of_neuron(s.post)]) << s.pre << "->" << s.post;
}

// The baseline's routing memory follows its penalty: a stronger lambda leaves fewer long-range
// synapses and a smaller network to route, and --final-threshold removes only small weights.
TEST(Training, BaselineMemoryFallsAsLambdaGrows) {
  const fs::path weak = task().dir / "weak.json", strong = task().dir / "strong.json";
  const std::string args = cli_task_args() + " --mode baseline --epochs 6 --seed 3 --final-threshold 0.01";
  ASSERT_EQ(run(args + " --lambda 1e-5 --out " + weak.string()), 0);
  ASSERT_EQ(run(args + " --lambda 0.1 --out " + strong.string()), 0);
  const Network w = read_network(weak.string()), s = read_network(strong.string());
  const auto far = [](const Network& net) {
    long count = 0;
    for (const auto& [d, synapses] : net.provenance["synapses_per_distance"].items())
      if (std::stoi(d) >= 3) count += synapses.get<long>();
    return count;
  };
  EXPECT_LT(far(s), far(w));
  EXPECT_LT(s.provenance["routing_memory"]["cells"].get<long>(), w.provenance["routing_memory"]["cells"].get<long>());
  EXPECT_LE(s.provenance["max_long_range_sources"].get<int>(), w.provenance["max_long_range_sources"].get<int>());
  for (const Network* net : {&w, &s})
    for (const Synapse& syn : net->recurrent) ASSERT_GE(std::fabs(syn.weight), 0.01f);
  EXPECT_FLOAT_EQ(s.provenance["config"]["final_threshold"].get<float>(), 0.01f);
}

TEST(Cli, EvalThresholdReportsTheResidue) {
  const fs::path net = task().dir / "residue.json";
  ASSERT_EQ(run(cli_task_args() + " --mode baseline --lambda 1e-4 --epochs 2 --out " + net.string()), 0);
  std::string all, thresholded;
  ASSERT_EQ(run("--eval " + net.string() + " --test " + task().test.string(), &all), 0) << all;
  ASSERT_EQ(run("--eval " + net.string() + " --test " + task().test.string() + " --threshold 0.05", &thresholded), 0)
      << thresholded;
  EXPECT_NE(all.find("per hop distance:"), std::string::npos) << all;
  EXPECT_NE(all.find("long-range (hop >= 3) sources per destination tile: max"), std::string::npos) << all;
  EXPECT_NE(thresholded.find("with |w| >= 0.05"), std::string::npos) << thresholded;
  const auto cells = [](const std::string& text) {
    const auto at = text.find("routing memory (homogeneous, one-turn): ");
    return at == std::string::npos ? -1L : std::stol(text.substr(at + 41));
  };
  EXPECT_GT(cells(all), 0) << all;
  EXPECT_LE(cells(thresholded), cells(all)) << thresholded;
}

TEST(Cli, NewOptionsRejectBadValues) {
  std::string output;
  const std::pair<const char*, const char*> bad[] = {
      {"--epochs 0 --mode baseline --no-rewire", "--no-rewire"},
      {"--epochs 0 --mode dense --no-rewire", "--no-rewire"},
      {"--epochs 0 --mode baseline --final-threshold -0.1", "--final-threshold"},
      {"--epochs 0 --mode baseline --final-threshold nan", "--final-threshold"},
      {"--epochs 0 --final-threshold 0.01", "--final-threshold"},  // routing-aware
      {"--epochs 0 --lr-drop-step -5", "--lr-drop-step"},
      {"--epochs 0 --rewire-every -1", "--rewire-every"},
      {"--epochs 0 --lr-drop-step x", "--lr-drop-step"},
      {"--epochs 0 --threshold 0.1", "--threshold"},  // without --eval
      {"--eval traces/default_net.json --test traces/shd_sample.h5 --threshold -1", "--threshold"},
  };
  for (const auto& [args, option] : bad) {
    EXPECT_EQ(run(args, &output), 2) << args << ": " << output;
    EXPECT_NE(output.find(option), std::string::npos) << args << ": " << output;
  }
  const fs::path net = task().dir / "norewire.json";
  ASSERT_EQ(run("--epochs 0 --arch 3x3x8 --classes 2 --shd-channels 48 --c-min 5 --no-rewire --out " + net.string(), &output), 0)
      << output;
  EXPECT_EQ(read_network(net.string()).provenance["rewire"], false);
}

// On real SHD-format data (the bundled sample, 5x5x32, the default profile and birth weights),
// a stricter c_min makes DeepR move links within one epoch while the profile holds; at the
// default c_min 20 the same epoch moves none (trainer/README.md, "DeepR that rewires").
TEST(Training, RewiringMovesLinksOnRealDataAtAStricterCMin) {
  TrainConfig config;
  config.batch = 16;
  config.epochs = 1;
  config.train_eval_samples = 0;
  const Dataset sample = Dataset::load("traces/shd_sample.h5", config.model.bin_spec(), config.model.num_classes);
  long moved_at_default = 0;
  {
    Trainer trainer(config, sample, nullptr);
    moved_at_default = trainer.run_epoch()["regrown"].get<long>();
  }
  config.deepr.c_min = 28;
  Trainer trainer(config, sample, nullptr);
  const auto initial = trainer.state().links.raw();
  const auto profile = trainer.state().links.links_per_distance();
  const auto record = trainer.run_epoch();
  EXPECT_GT(record["pruned"].get<long>(), moved_at_default);
  EXPECT_EQ(record["pruned"], record["regrown"]);
  EXPECT_EQ(trainer.state().links.links_per_distance(), profile);
  EXPECT_NE(trainer.state().links.raw(), initial);
}
