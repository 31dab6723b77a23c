#include "sim/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace mosaic::sim {

namespace {
float max_abs_weight(const Network& net) {
  float top = 0.0f;
  for (const auto& s : net.input.weights) top = std::max(top, std::fabs(s.weight));
  for (const auto& s : net.recurrent) top = std::max(top, std::fabs(s.weight));
  return top;
}

template <typename Transform>
Network transform_weights(const Network& net, Transform transform) {
  Network out = net;
  for (auto& s : out.input.weights) s.weight = transform(s.weight);
  for (auto& s : out.recurrent) s.weight = transform(s.weight);
  return out;
}
}  // namespace

Network quantize_weights(const Network& net, int levels) {
  if (levels < 2) throw std::invalid_argument("quantize_weights: at least 2 conductance levels");
  const float top = max_abs_weight(net);
  if (top == 0.0f) return net;
  const double step = static_cast<double>(top) / (levels - 1);
  return transform_weights(net, [&](float w) {
    const double magnitude = std::round(std::fabs(w) / step) * step;
    return static_cast<float>(std::copysign(magnitude, w));
  });
}

Network add_programming_noise(const Network& net, double relative_sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, relative_sigma * max_abs_weight(net));
  return transform_weights(net, [&](float w) { return static_cast<float>(w + noise(rng)); });
}

}  // namespace mosaic::sim
