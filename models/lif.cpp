#include "models/lif.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mosaic {

std::vector<FanIn> build_fan_in(const Network& net) {
  std::vector<std::vector<std::pair<int, float>>> rows(net.arch.num_neurons());
  for (const auto& s : net.input.weights) rows[s.neuron].emplace_back(input_key(s.channel), s.weight);
  for (const auto& s : net.recurrent) rows[s.post].emplace_back(neuron_key(net, s.pre), s.weight);
  std::vector<FanIn> fan_in(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    fan_in[i].keys.reserve(row.size());
    fan_in[i].weights.reserve(row.size());
    for (const auto& [key, w] : row) {
      fan_in[i].keys.push_back(key);
      fan_in[i].weights.push_back(w);
    }
  }
  return fan_in;
}

LifPopulation::LifPopulation(const Network& net, std::vector<int> neurons)
    : neurons_(std::move(neurons)), theta_(net.neuron.threshold) {
  std::vector<FanIn> all = build_fan_in(net);
  for (int n : neurons_) {
    fan_in_.push_back(std::move(all[n]));
    alpha_.push_back(net.neuron.alpha_of(n));
  }
  reset();
}

void LifPopulation::reset() {
  v_.assign(neurons_.size(), 0.0f);
  z_.assign(neurons_.size(), 0);
}

void LifPopulation::step(const std::vector<uint8_t>& active, std::vector<int>& spiked) {
  for (std::size_t i = 0; i < neurons_.size(); ++i) {
    const FanIn& in = fan_in_[i];
    float current = 0.0f;
    for (std::size_t s = 0; s < in.keys.size(); ++s)
      if (active[in.keys[s]]) current += in.weights[s];
    v_[i] = lif_potential(v_[i], alpha_[i], current, z_[i] != 0, theta_);
    z_[i] = lif_spikes(v_[i], theta_) ? 1 : 0;
    if (z_[i]) spiked.push_back(neurons_[i]);
  }
}

int predict_class(const std::vector<int>& class_counts) {
  // max_element returns the first maximum: ties go to the lowest class index.
  return static_cast<int>(std::max_element(class_counts.begin(), class_counts.end()) - class_counts.begin());
}

std::vector<double> log_softmax_counts(const std::vector<int>& class_counts) {
  const double top = *std::max_element(class_counts.begin(), class_counts.end());
  double sum = 0;
  for (int c : class_counts) sum += std::exp(c - top);
  const double log_sum = top + std::log(sum);
  std::vector<double> out;
  for (int c : class_counts) out.push_back(c - log_sum);
  return out;
}

}  // namespace mosaic
