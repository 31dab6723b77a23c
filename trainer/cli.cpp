#include "trainer/cli.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"
#include "mapping/mapping.hpp"
#include "trainer/connectivity.hpp"
#include "trainer/evaluate.hpp"
#include "trainer/trainer.hpp"

namespace mosaic::train {

namespace {

// What the command line holds before it becomes a validated TrainConfig: the values that
// are parsed from text (arch, mode, profile) and the tool's own switches.
struct CommandLine {
  TrainConfig config;
  RunFiles files;
  std::string arch = config.model.arch.name();
  std::string mode = mode_name(config.mode);
  std::string profile = config.deepr.profile.to_string();
  std::string eval_path;
  float eval_threshold = 0;
  bool no_progress = false;
  bool no_rewire = false;
};

void add_run_options(CLI::App& app, CommandLine& c) {
  const char* group = "Run";
  TrainConfig& config = c.config;
  RunFiles& files = c.files;
  app.add_option("--data", files.train, "training SHD file (HDF5)")->group(group);
  app.add_option("--test", files.test, "test SHD file, scored every --test-every epochs and at the end")->group(group);
  app.add_option("--out", files.out, "trained network (mosaic-net JSON)")->default_val("net.json")->group(group);
  app.add_option("--log", files.log, "per-epoch JSON lines (default: <out>.log.jsonl)")->group(group);
  app.add_option("--checkpoint", files.checkpoint, "checkpoint written after every epoch (default: <out>.ckpt)")->group(group);
  app.add_flag("--resume", files.resume, "continue from the checkpoint if it exists (same options required)")->group(group);
  app.add_option("--eval", c.eval_path,
                 "score this network on --test (accuracy, majority vote, confusion matrix, synapses and "
                 "long-range sources per hop distance, routing memory)")->group(group);
  app.add_option("--threshold", c.eval_threshold,
                 "with --eval: drop recurrent |w| below this first (routing only |w| >= w_thr, as the authors' router)")
      ->group(group);
  app.add_option("--epochs", config.epochs, "epochs (one pass over every subset-sample of --data)")->group(group);
  app.add_option("--batch", config.batch, "mini-batch size")->group(group);
  app.add_option("--seed", config.seed, "seed of every random choice (recorded in the output)")->group(group);
  app.add_option("--threads", config.threads, "worker threads (results do not depend on it)")->group(group);
  app.add_option("--test-every", config.test_every, "score the test set every this many epochs")->group(group);
  app.add_option("--train-eval-samples", config.train_eval_samples,
                 "training subset-samples scored by the reference pass after each epoch")->group(group);
  app.add_flag("--no-progress", c.no_progress, "no progress bar")->group(group);
  app.add_option("--stop-after", files.stop_after,
                 "stop after this many epochs of this invocation, leaving the checkpoint for --resume")->group(group);
}

void add_model_options(CLI::App& app, CommandLine& c) {
  const char* group = "Model";
  ModelSpec& model = c.config.model;
  app.add_option("--arch", c.arch, "chip: rows x cols x neurons per tile")->group(group);
  app.add_option("--classes", model.num_classes, "output neurons (the last ones of the last tile)")->group(group);
  app.add_option("--n-inp", model.n_inp, "reduced input channels (0 = cols x K, the first row of tiles)")->group(group);
  app.add_option("--shd-channels", model.shd_channels, "channels of the SHD files")->group(group);
  app.add_option("--bins", model.bins, "time bins T (network steps per sample)")->group(group);
  app.add_option("--t-max", model.t_max_s, "seconds covered by the bins")->group(group);
  app.add_option("--tau", model.tau_ms, "membrane time constant, ms")->group(group);
  app.add_option("--dt", model.dt_ms, "dt of alpha = exp(-dt/tau), ms (the reference's 1 ms)")->group(group);
  app.add_option("--theta", model.theta, "firing threshold")->group(group);
}

void add_sparsity_options(CLI::App& app, CommandLine& c) {
  const char* group = "Sparsity";
  TrainConfig& config = c.config;
  app.add_option("--mode", c.mode, "routing-aware, baseline or dense")->group(group);
  app.add_option("--profile", c.profile, "routing-aware: hop profile d:p_d,... (fraction of links per hop distance)")->group(group);
  app.add_option("--w-thr", config.deepr.w_thr, "routing-aware: |w| >= w_thr counts a synapse as active")->group(group);
  app.add_option("--birth-scale", config.deepr.birth_scale, "routing-aware: a in w = w_thr (a z + sign z) at birth")->group(group);
  app.add_option("--c-min", config.deepr.c_min, "routing-aware: a link with fewer active synapses is pruned")->group(group);
  app.add_flag("--no-rewire", c.no_rewire,
               "routing-aware: keep the initial mask (same profile, no pruning or regrowth): the control for rewiring")
      ->group(group);
  app.add_option("--rewire-every", config.deepr.rewire_every,
                 "routing-aware: optimiser steps between rewirings (0 = once per epoch; the paper's epoch is 8 steps)")
      ->group(group);
  app.add_option("--init-gain", config.init_gain, "baseline, dense: std of the initial weights")->group(group);
  app.add_option("--beta", config.baseline.beta, "baseline: M = clip(exp(beta hops) - 1, 0, e^15)")->group(group);
  app.add_option("--lambda", config.baseline.lambda, "baseline: penalty lambda mean(M W^2)")->group(group);
  app.add_option("--prune-threshold", config.baseline.prune_threshold, "baseline: |w| below it is set to 0 every step")->group(group);
  app.add_option("--prune-start", config.baseline.prune_start, "baseline: step after which pruning and clipping start")->group(group);
  app.add_option("--clip-std", config.baseline.clip_std, "baseline: weights clipped to +-clip_std std(W) (paper: 2.5; 0 = off)")->group(group);
  app.add_option("--weight-noise", config.baseline.weight_noise,
                 "baseline: training noise, fraction of max|w| (paper: 0.05; 0 = off)")->group(group);
  app.add_option("--final-threshold", config.baseline.final_threshold,
                 "baseline: recurrent |w| below this is set to 0 when training ends, before scoring and writing")
      ->group(group);
  app.add_option("--target-synapses", config.baseline.target_synapses,
                 "baseline: keep exactly this many recurrent synapses (largest |w|) at the end; 0 = all")->group(group);
}

void add_optimiser_options(CLI::App& app, CommandLine& c) {
  const char* group = "Optimiser and loss";
  TrainConfig& config = c.config;
  app.add_option("--lr", config.optimizer.lr, "Adam learning rate; decays (power 0.5) to lr/10")->group(group);
  app.add_option("--lr-drop-step", config.optimizer.lr_drop_step,
                 "> 0: lr until this step, then lr/10 (the Mosaic script's schedule) instead of the decay")
      ->group(group);
  app.add_option("--lr-warm", config.optimizer.warm_fraction, "fraction of the steps at constant lr before the decay")->group(group);
  app.add_option("--grad-clip", config.optimizer.grad_clip, "elementwise gradient clipping")->group(group);
  app.add_option("--adam-eps", config.optimizer.eps, "Adam epsilon")->group(group);
  app.add_option("--lambda-fr", config.loss.lambda_fr, "firing-rate term lambda_fr (target_fr - 10 mean(z))^2")->group(group);
  app.add_option("--target-fr", config.loss.target_fr, "target of 10 mean(z), spikes per 10 steps")->group(group);
}

// The text-valued options into the config; each parser's complaint names its option.
void parse_text_options(CommandLine& c) {
  const auto parsed = [](const std::string& option, const auto& parse) {
    try {
      return parse();
    } catch (const std::exception& e) {
      throw InputError(kCommandLine, option, e.what());
    }
  };
  c.config.model.arch = parsed("--arch", [&] { return Arch::parse(c.arch); });
  c.config.mode = parsed("--mode", [&] { return parse_mode(c.mode); });
  c.config.deepr.profile = parsed("--profile", [&] { return HopProfile::parse(c.profile); });
}

// Scores a network (without its recurrent |w| < threshold when threshold > 0) and prints what its
// synapses cost the routers by hop distance: the measurement behind trainer/README.md's residue tables.
int evaluate_command(const std::string& network_path, const std::string& test_path, int threads, float threshold) {
  if (test_path.empty()) throw InputError(kCommandLine, "--test", "--eval needs --test TEST.h5");
  const Network read = read_network(network_path);
  const Network net = threshold > 0 ? without_weights_below(read, threshold) : read;
  const Dataset test = Dataset::load(test_path, bin_spec(net.input), net.num_classes);
  std::vector<std::string> names;
  {
    ShdReader reader(test_path, net.input.shd_channels, net.num_classes);
    names = reader.extra().keys;
  }
  const Evaluation eval = evaluate(net, test, threads);
  std::cout << fmt::format("{} on {} ({} recordings x {} subsets)\n", network_path, test_path, test.recordings(),
                           test.subsets())
            << format_evaluation(eval, names);
  const Connectivity c = connectivity(net);
  std::string per_distance;
  for (const auto& [d, count] : c.synapses)
    per_distance += fmt::format(" {}:{} (max |w| {:.2g})", d, count, c.max_abs.at(d));
  std::cout << fmt::format("recurrent synapses{} {}: {}\nper hop distance:{}\n", threshold > 0 ? " with |w| >=" : "",
                           threshold > 0 ? fmt::format("{:g}", threshold) : "", net.recurrent.size(), per_distance)
            << fmt::format("long-range (hop >= 3) sources per destination tile: max {}, [{}]\n",
                           c.max_long_range_sources(), fmt::join(c.long_range_sources, " "))
            << fmt::format("routing memory (homogeneous, one-turn): {} cells\n",
                           mapping::network_memory(net).homogeneous.total());
  return 0;
}

int write_initial_network(const TrainConfig& config, const RunFiles& files) {
  if (config.epochs != 0)
    throw InputError(kCommandLine, "--data", "training needs --data TRAIN.h5 (only --epochs 0 runs without data)");
  Network net = initial_network(config);
  write_network(files.out, net);
  std::cerr << fmt::format("mosaic-train: wrote the initial {} network {} ({} recurrent synapses)\n",
                           mode_name(config.mode), files.out, net.recurrent.size());
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CommandLine c;
  CLI::App app{
      "mosaic-train: trains the tiled recurrent LIF network of a Mosaic chip on SHD-format data by\n"
      "surrogate-gradient BPTT. Modes: routing-aware (DeepR at link level with a hop profile),\n"
      "baseline (the Mosaic paper: hop-distance penalty, magnitude pruning, clipping, noise), dense.\n"
      "Writes a mosaic-net v1 file. --epochs 0 writes the initialised network (no data needed).\n"
      "--eval NET --test TEST.h5 scores a network with the reference forward pass.",
      "mosaic-train"};
  app.option_defaults()->always_capture_default();
  add_run_options(app, c);
  add_model_options(app, c);
  add_sparsity_options(app, c);
  add_optimiser_options(app, c);
  if (!parse_command_line(app, argc, argv)) return 0;  // --help

  if (c.eval_threshold < 0) throw InputError(kCommandLine, "--threshold", "must be >= 0");
  if (c.eval_threshold > 0 && c.eval_path.empty()) throw InputError(kCommandLine, "--threshold", "only with --eval NET");
  if (!c.eval_path.empty()) return evaluate_command(c.eval_path, c.files.test, c.config.threads, c.eval_threshold);
  parse_text_options(c);
  c.config.deepr.rewire = !c.no_rewire;
  c.config.validate();
  RunFiles& files = c.files;
  if (files.log.empty()) files.log = files.out + ".log.jsonl";
  if (files.checkpoint.empty()) files.checkpoint = files.out + ".ckpt";
  files.progress = !c.no_progress;
  if (files.train.empty()) return write_initial_network(c.config, files);
  return train_run(c.config, files);
}

}  // namespace mosaic::train
