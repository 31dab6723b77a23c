#include "models/lif.hpp"

#include <algorithm>

namespace mosaic {

LifPopulation::LifPopulation(const Network& net, std::vector<int> neurons)
    : neurons_(std::move(neurons)), theta_(net.neuron.threshold) {
  std::vector<int> local(net.arch.num_neurons(), -1);
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    local[neurons_[i]] = static_cast<int>(i);
    alpha_.push_back(net.neuron.alpha_of(neurons_[i]));
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
}

void LifPopulation::step(const std::vector<uint8_t>& active, std::vector<int>& spiked) {
  std::fill(current_.begin(), current_.end(), 0.0f);
  for (const FanOut& out : fan_out_) {
    if (!active[out.key]) continue;
    for (std::size_t s = 0; s < out.targets.size(); ++s) current_[out.targets[s]] += out.weights[s];
  }
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    v_[i] = lif_potential(v_[i], alpha_[i], current_[i], z_[i] != 0, theta_);
    z_[i] = lif_spikes(v_[i], theta_) ? 1 : 0;
    if (z_[i]) spiked.push_back(neurons_[i]);
  }
}

}  // namespace mosaic
