#include "models/lif.hpp"

#include <algorithm>

namespace mosaic {

LifPopulation::LifPopulation(const Network& net, std::vector<int> neurons)
    : neurons_(std::move(neurons)), theta_(net.neuron.threshold), reset_to_value_(net.neuron.resets_to_value()) {
  std::vector<int> local(net.arch.num_neurons(), -1);
  const NeuronParams& p = net.neuron;
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    const int n = neurons_[i];
    local[n] = static_cast<int>(i);
    alpha_.push_back(p.alpha_of(n));
    if (reset_to_value_) v_reset_.push_back(shared_or_own(p.v_reset, n));
    if (!p.bias.empty()) bias_.push_back(shared_or_own(p.bias, n));
    if (p.synapse.present()) {
      decay_.push_back(shared_or_own(p.synapse.decay, n));
      state_to_v_.push_back(shared_or_own(p.synapse.state_to_v, n));
      input_to_v_.push_back(shared_or_own(p.synapse.input_to_v, n));
    }
  }
  std::vector<FanOut> by_key(num_keys(net));
  auto connect = [&](int key, int post, float weight) {
    if (local[post] < 0) return;
    by_key[key].targets.push_back(local[post]);
    by_key[key].weights.push_back(weight);
  };
  for (const auto& s : net.input.weights) connect(input_key(s.channel), s.neuron, s.weight);
  for (const auto& s : net.recurrent) connect(neuron_key(net, s.pre), s.post, s.weight);
  for (int key = 0; key < static_cast<int>(by_key.size()); ++key) {
    if (by_key[key].targets.empty()) continue;
    by_key[key].key = key;
    fan_out_.push_back(std::move(by_key[key]));
  }
  current_.assign(neurons_.size(), 0.0f);
  reset();
}

void LifPopulation::reset() {
  v_.assign(neurons_.size(), 0.0f);
  z_.assign(neurons_.size(), 0);
  syn_.assign(decay_.size(), 0.0f);
}

void LifPopulation::step(const std::vector<uint8_t>& active, std::vector<int>& spiked) {
  std::fill(current_.begin(), current_.end(), 0.0f);
  for (const FanOut& out : fan_out_) {
    if (!active[out.key]) continue;
    for (std::size_t s = 0; s < out.targets.size(); ++s) current_[out.targets[s]] += out.weights[s];
  }
  const bool with_bias = !bias_.empty(), with_synapse = !decay_.empty();
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    // Version-2 additions in the order of models/SPEC.md section 9.1 (absent in version-1 networks).
    float input = current_[i];
    if (with_bias) input += bias_[i];
    float v_prev = v_[i];
    bool subtract = z_[i] != 0;
    if (reset_to_value_ && subtract) v_prev = v_reset_[i], subtract = false;
    v_[i] = with_synapse ? lif_potential_synaptic(v_prev, alpha_[i], input, subtract, theta_, syn_[i], decay_[i],
                                                  state_to_v_[i], input_to_v_[i])
                         : lif_potential(v_prev, alpha_[i], input, subtract, theta_);
    z_[i] = lif_spikes(v_[i], theta_) ? 1 : 0;
    if (z_[i]) spiked.push_back(neurons_[i]);
  }
}

}  // namespace mosaic
