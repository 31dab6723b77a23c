#include "trainer/config.hpp"

#include <cmath>
#include <stdexcept>

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
