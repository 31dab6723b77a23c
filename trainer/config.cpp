#include "trainer/config.hpp"

#include <cmath>
#include <stdexcept>

#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/network.hpp"

namespace mosaic::train {

std::string mode_name(Mode mode) {
  switch (mode) {
    case Mode::RoutingAware: return "routing-aware";
    case Mode::Baseline: return "baseline";
    case Mode::Dense: return "dense";
  }
  return "?";
}

Mode parse_mode(const std::string& name) {
  for (Mode m : {Mode::RoutingAware, Mode::Baseline, Mode::Dense})
    if (mode_name(m) == name) return m;
  throw std::invalid_argument("unknown mode '" + name + "' (routing-aware, baseline, dense)");
}

int ModelSpec::num_input_tiles() const {
  const int k = arch.neurons_per_tile();
  return (input_channels() + k - 1) / k;
}

int ModelSpec::interleave_k() const { return interleave_factor(shd_channels, input_channels()); }

void ModelSpec::validate() const {
  const auto check = [](bool ok, const char* option, const std::string& problem) {
    if (!ok) throw InputError(kCommandLine, option, problem);
  };
  const int k = arch.neurons_per_tile();
  check(bins >= 1, "--bins", "must be >= 1");
  check(t_max_s > 0, "--t-max", "must be > 0");
  check(tau_ms > 0 && dt_ms > 0, "--tau", "tau and dt must be > 0");
  check(theta > 0, "--theta", "must be > 0");
  check(shd_channels >= 1 && shd_channels <= kMaxShdChannels, "--shd-channels",
        "must be in 1.." + std::to_string(kMaxShdChannels) + " (channel ids are uint16)");
  check(n_inp >= 0 && n_inp <= 65535, "--n-inp", "must be in 0..65535");
  check(num_classes >= 1 && num_classes <= k, "--classes",
        "the outputs must fit in the last tile (1.." + std::to_string(k) + ")");
  check(num_input_tiles() < arch.num_tiles(), "--n-inp", "the input tiles must leave the last tile (outputs) free");
  check(input_channels() <= shd_channels, "--n-inp", "more reduced channels than SHD channels");
}

float ModelSpec::alpha() const { return static_cast<float>(std::exp(-dt_ms / tau_ms)); }

BinSpec ModelSpec::bin_spec() const {
  BinSpec spec;
  spec.bins = bins;
  spec.t_max_s = t_max_s;
  spec.n_inp = input_channels();
  spec.interleave_k = interleave_k();
  spec.shd_channels = shd_channels;
  return spec;
}

void TrainConfig::validate() const {
  const auto check = [](bool ok, const char* option, const std::string& problem) {
    if (!ok) throw InputError(kCommandLine, option, problem);
  };
  check(epochs >= 0, "--epochs", "must be >= 0");
  check(batch >= 1, "--batch", "must be >= 1");
  check(threads >= 1, "--threads", "must be >= 1");
  model.validate();
  check(deepr.c_min >= 0 && deepr.c_min <= model.arch.neurons_per_tile(), "--c-min", "must be in 0..K");
  check(deepr.w_thr >= 0, "--w-thr", "must be >= 0");
  check(optimizer.lr > 0, "--lr", "must be > 0");
  check(baseline.weight_noise >= 0, "--weight-noise", "must be >= 0");
  check(baseline.clip_std >= 0, "--clip-std", "must be >= 0 (0 = off)");
  check(baseline.target_synapses >= 0, "--target-synapses", "must be >= 0");
  check(baseline.target_synapses == 0 || mode == Mode::Baseline, "--target-synapses", "only for --mode baseline");
  check(baseline.final_threshold >= 0, "--final-threshold", "must be >= 0 (0 = off)");
  check(baseline.final_threshold == 0 || mode == Mode::Baseline, "--final-threshold", "only for --mode baseline");
  check(optimizer.lr_drop_step >= 0, "--lr-drop-step", "must be >= 0 (0 = the polynomial decay)");
  check(deepr.rewire || mode == Mode::RoutingAware, "--no-rewire", "only for --mode routing-aware");
  check(deepr.rewire_every >= 0, "--rewire-every", "must be >= 0 (0 = once per epoch)");
}

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json j;
  j["arch"] = model.arch.name();
  j["num_classes"] = model.num_classes;
  j["n_inp"] = model.input_channels();
  j["shd_channels"] = model.shd_channels;
  j["bins"] = model.bins;
  j["t_max_s"] = model.t_max_s;
  j["tau_ms"] = model.tau_ms;
  j["dt_ms"] = model.dt_ms;
  j["theta"] = model.theta;
  j["mode"] = mode_name(mode);
  if (mode == Mode::RoutingAware) {
    j["profile"] = deepr.profile.to_string();
    j["w_thr"] = deepr.w_thr;
    j["birth_scale"] = deepr.birth_scale;
    j["c_min"] = deepr.c_min;
    j["rewire"] = deepr.rewire;
    j["rewire_every"] = deepr.rewire_every;
  } else {
    j["init_gain"] = init_gain;
  }
  if (mode == Mode::Baseline) {
    j["beta"] = baseline.beta;
    j["lambda"] = baseline.lambda;
    j["prune_threshold"] = baseline.prune_threshold;
    j["prune_start"] = baseline.prune_start;
    j["clip_std"] = baseline.clip_std;
    j["weight_noise"] = baseline.weight_noise;
    j["target_synapses"] = baseline.target_synapses;
    j["final_threshold"] = baseline.final_threshold;
  }
  j["lr"] = optimizer.lr;
  j["warm_fraction"] = optimizer.warm_fraction;
  if (optimizer.lr_drop_step > 0) j["lr_drop_step"] = optimizer.lr_drop_step;
  j["adam"] = {optimizer.beta1, optimizer.beta2, optimizer.eps};
  j["grad_clip"] = optimizer.grad_clip;
  j["lambda_fr"] = loss.lambda_fr;
  j["target_fr"] = loss.target_fr;
  j["rate_scale"] = loss.rate_scale;
  j["epochs"] = epochs;
  j["batch"] = batch;
  j["seed"] = seed;
  j["train_eval_samples"] = train_eval_samples;
  j["test_every"] = test_every;
  return j;
}

}  // namespace mosaic::train
