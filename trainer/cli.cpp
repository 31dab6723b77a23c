#include "trainer/cli.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/error.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"
#include "mapping/mapping.hpp"
#include "trainer/connectivity.hpp"
#include "trainer/evaluate.hpp"
#include "trainer/trainer.hpp"

namespace mosaic::train {

namespace {

constexpr const char* kCommandLine = "command line";

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

void check(bool ok, const std::string& option, const std::string& problem) {
  if (!ok) throw InputError(kCommandLine, option, problem);
}

}  // namespace

int run_cli(int argc, char** argv) {
  TrainConfig config;
  RunFiles files;
  std::string arch_spec = config.model.arch.name(), mode = mode_name(config.mode);
  std::string profile = config.deepr.profile.to_string(), eval_path;
  bool no_progress = false, no_rewire = false;
  float eval_threshold = 0;

  CLI::App app{
      "mosaic-train: trains the tiled recurrent LIF network of a Mosaic chip on SHD-format data by\n"
      "surrogate-gradient BPTT. Modes: routing-aware (DeepR at link level with a hop profile),\n"
      "baseline (the Mosaic paper: hop-distance penalty, magnitude pruning, clipping, noise), dense.\n"
      "Writes a mosaic-net v1 file. --epochs 0 writes the initialised network (no data needed).\n"
      "--eval NET --test TEST.h5 scores a network with the reference forward pass.",
      "mosaic-train"};
  app.option_defaults()->always_capture_default();

  auto* run = "Run";
  app.add_option("--data", files.train, "training SHD file (HDF5)")->group(run);
  app.add_option("--test", files.test, "test SHD file, scored every --test-every epochs and at the end")->group(run);
  app.add_option("--out", files.out, "trained network (mosaic-net JSON)")->default_val("net.json")->group(run);
  app.add_option("--log", files.log, "per-epoch JSON lines (default: <out>.log.jsonl)")->group(run);
  app.add_option("--checkpoint", files.checkpoint, "checkpoint written after every epoch (default: <out>.ckpt)")->group(run);
  app.add_flag("--resume", files.resume, "continue from the checkpoint if it exists (same options required)")->group(run);
  app.add_option("--eval", eval_path,
                 "score this network on --test (accuracy, majority vote, confusion matrix, synapses and "
                 "long-range sources per hop distance, routing memory)")->group(run);
  app.add_option("--threshold", eval_threshold,
                 "with --eval: drop recurrent |w| below this first (routing only |w| >= w_thr, as the authors' router)")
      ->group(run);
  app.add_option("--epochs", config.epochs, "epochs (one pass over every subset-sample of --data)")->group(run);
  app.add_option("--batch", config.batch, "mini-batch size")->group(run);
  app.add_option("--seed", config.seed, "seed of every random choice (recorded in the output)")->group(run);
  app.add_option("--threads", config.threads, "worker threads (results do not depend on it)")->group(run);
  app.add_option("--test-every", config.test_every, "score the test set every this many epochs")->group(run);
  app.add_option("--train-eval-samples", config.train_eval_samples,
                 "training subset-samples scored by the reference pass after each epoch")->group(run);
  app.add_flag("--no-progress", no_progress, "no progress bar")->group(run);
  app.add_option("--stop-after", files.stop_after,
                 "stop after this many epochs of this invocation, leaving the checkpoint for --resume")->group(run);

  auto* model = "Model";
  app.add_option("--arch", arch_spec, "chip: rows x cols x neurons per tile")->group(model);
  app.add_option("--classes", config.model.num_classes, "output neurons (the last ones of the last tile)")->group(model);
  app.add_option("--n-inp", config.model.n_inp, "reduced input channels (0 = cols x K, the first row of tiles)")->group(model);
  app.add_option("--shd-channels", config.model.shd_channels, "channels of the SHD files")->group(model);
  app.add_option("--bins", config.model.bins, "time bins T (network steps per sample)")->group(model);
  app.add_option("--t-max", config.model.t_max_s, "seconds covered by the bins")->group(model);
  app.add_option("--tau", config.model.tau_ms, "membrane time constant, ms")->group(model);
  app.add_option("--dt", config.model.dt_ms, "dt of alpha = exp(-dt/tau), ms (the reference's 1 ms)")->group(model);
  app.add_option("--theta", config.model.theta, "firing threshold")->group(model);

  auto* sparsity = "Sparsity";
  app.add_option("--mode", mode, "routing-aware, baseline or dense")->group(sparsity);
  app.add_option("--profile", profile, "routing-aware: hop profile d:p_d,... (fraction of links per hop distance)")->group(sparsity);
  app.add_option("--w-thr", config.deepr.w_thr, "routing-aware: |w| >= w_thr counts a synapse as active")->group(sparsity);
  app.add_option("--birth-scale", config.deepr.birth_scale, "routing-aware: a in w = w_thr (a z + sign z) at birth")->group(sparsity);
  app.add_option("--c-min", config.deepr.c_min, "routing-aware: a link with fewer active synapses is pruned")->group(sparsity);
  app.add_flag("--no-rewire", no_rewire,
               "routing-aware: keep the initial mask (same profile, no pruning or regrowth): the control for rewiring")
      ->group(sparsity);
  app.add_option("--rewire-every", config.deepr.rewire_every,
                 "routing-aware: optimiser steps between rewirings (0 = once per epoch; the paper's epoch is 8 steps)")
      ->group(sparsity);
  app.add_option("--init-gain", config.init_gain, "baseline, dense: std of the initial weights")->group(sparsity);
  app.add_option("--beta", config.baseline.beta, "baseline: M = clip(exp(beta hops) - 1, 0, e^15)")->group(sparsity);
  app.add_option("--lambda", config.baseline.lambda, "baseline: penalty lambda mean(M W^2)")->group(sparsity);
  app.add_option("--prune-threshold", config.baseline.prune_threshold, "baseline: |w| below it is set to 0 every step")->group(sparsity);
  app.add_option("--prune-start", config.baseline.prune_start, "baseline: step after which pruning and clipping start")->group(sparsity);
  app.add_option("--clip-std", config.baseline.clip_std, "baseline: weights clipped to +-clip_std std(W) (paper: 2.5; 0 = off)")->group(sparsity);
  app.add_option("--weight-noise", config.baseline.weight_noise,
                 "baseline: training noise, fraction of max|w| (paper: 0.05; 0 = off)")->group(sparsity);
  app.add_option("--final-threshold", config.baseline.final_threshold,
                 "baseline: recurrent |w| below this is set to 0 when training ends, before scoring and writing")
      ->group(sparsity);
  app.add_option("--target-synapses", config.baseline.target_synapses,
                 "baseline: keep exactly this many recurrent synapses (largest |w|) at the end; 0 = all")->group(sparsity);

  auto* optimiser = "Optimiser and loss";
  app.add_option("--lr", config.optimizer.lr, "Adam learning rate; decays (power 0.5) to lr/10")->group(optimiser);
  app.add_option("--lr-drop-step", config.optimizer.lr_drop_step,
                 "> 0: lr until this step, then lr/10 (the Mosaic script's schedule) instead of the decay")
      ->group(optimiser);
  app.add_option("--lr-warm", config.optimizer.warm_fraction, "fraction of the steps at constant lr before the decay")->group(optimiser);
  app.add_option("--grad-clip", config.optimizer.grad_clip, "elementwise gradient clipping")->group(optimiser);
  app.add_option("--adam-eps", config.optimizer.eps, "Adam epsilon")->group(optimiser);
  app.add_option("--lambda-fr", config.loss.lambda_fr, "firing-rate term lambda_fr (target_fr - 10 mean(z))^2")->group(optimiser);
  app.add_option("--target-fr", config.loss.target_fr, "target of 10 mean(z), spikes per 10 steps")->group(optimiser);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    throw InputError(kCommandLine, "", e.what());
  }

  check(eval_threshold >= 0, "--threshold", "must be >= 0");
  check(eval_threshold == 0 || !eval_path.empty(), "--threshold", "only with --eval NET");
  if (!eval_path.empty()) return evaluate_command(eval_path, files.test, config.threads, eval_threshold);

  try {
    config.model.arch = Arch::parse(arch_spec);
  } catch (const std::exception& e) {
    throw InputError(kCommandLine, "--arch", e.what());
  }
  try {
    config.mode = parse_mode(mode);
  } catch (const std::exception& e) {
    throw InputError(kCommandLine, "--mode", e.what());
  }
  try {
    config.deepr.profile = HopProfile::parse(profile);
  } catch (const std::exception& e) {
    throw InputError(kCommandLine, "--profile", e.what());
  }
  const int k = config.model.arch.neurons_per_tile();
  check(config.epochs >= 0, "--epochs", "must be >= 0");
  check(config.batch >= 1, "--batch", "must be >= 1");
  check(config.threads >= 1, "--threads", "must be >= 1");
  check(config.model.bins >= 1, "--bins", "must be >= 1");
  check(config.model.t_max_s > 0, "--t-max", "must be > 0");
  check(config.model.tau_ms > 0 && config.model.dt_ms > 0, "--tau", "tau and dt must be > 0");
  check(config.model.theta > 0, "--theta", "must be > 0");
  check(config.model.shd_channels >= 1 && config.model.shd_channels <= kMaxShdChannels, "--shd-channels",
        "must be in 1.." + std::to_string(kMaxShdChannels) + " (channel ids are uint16)");
  check(config.model.n_inp >= 0 && config.model.n_inp <= 65535, "--n-inp", "must be in 0..65535");
  check(config.model.num_classes >= 1 && config.model.num_classes <= k, "--classes",
        "the outputs must fit in the last tile (1.." + std::to_string(k) + ")");
  check(config.model.num_input_tiles() < config.model.arch.num_tiles(), "--n-inp",
        "the input tiles must leave the last tile (outputs) free");
  check(config.model.input_channels() <= config.model.shd_channels, "--n-inp", "more reduced channels than SHD channels");
  check(config.deepr.c_min >= 0 && config.deepr.c_min <= k, "--c-min", "must be in 0..K");
  check(config.deepr.w_thr >= 0, "--w-thr", "must be >= 0");
  check(config.optimizer.lr > 0, "--lr", "must be > 0");
  check(config.baseline.weight_noise >= 0, "--weight-noise", "must be >= 0");
  check(config.baseline.clip_std >= 0, "--clip-std", "must be >= 0 (0 = off)");
  check(config.baseline.target_synapses >= 0, "--target-synapses", "must be >= 0");
  check(config.baseline.final_threshold >= 0, "--final-threshold", "must be >= 0 (0 = off)");
  check(config.baseline.final_threshold == 0 || config.mode == Mode::Baseline, "--final-threshold",
        "only for --mode baseline");
  check(config.optimizer.lr_drop_step >= 0, "--lr-drop-step", "must be >= 0 (0 = the polynomial decay)");
  check(!no_rewire || config.mode == Mode::RoutingAware, "--no-rewire", "only for --mode routing-aware");
  config.deepr.rewire = !no_rewire;
  check(config.deepr.rewire_every >= 0, "--rewire-every", "must be >= 0 (0 = once per epoch)");
  check(config.baseline.target_synapses == 0 || config.mode == Mode::Baseline, "--target-synapses",
        "only for --mode baseline");

  if (files.log.empty()) files.log = files.out + ".log.jsonl";
  if (files.checkpoint.empty()) files.checkpoint = files.out + ".ckpt";
  files.progress = !no_progress;

  if (files.train.empty()) {
    check(config.epochs == 0, "--data", "training needs --data TRAIN.h5 (only --epochs 0 runs without data)");
    Network net = initial_network(config);
    write_network(files.out, net);
    std::cerr << fmt::format("mosaic-train: wrote the initial {} network {} ({} recurrent synapses)\n",
                             mode_name(config.mode), files.out, net.recurrent.size());
    return 0;
  }
  return train_run(config, files);
}

}  // namespace mosaic::train
