#include "trainer/optimizer.hpp"

#include <algorithm>
#include <cmath>

namespace mosaic::train {

double Adam::learning_rate(long step, long total_steps) const {
  const double warm = config_.warm_fraction * static_cast<double>(total_steps);
  const double end = config_.lr / 10.0;
  if (config_.lr_drop_step > 0) return step < config_.lr_drop_step ? config_.lr : end;
  if (step <= warm || total_steps <= warm) return config_.lr;
  const double x = std::min(1.0, (static_cast<double>(step) - warm) / (static_cast<double>(total_steps) - warm));
  return (config_.lr - end) * std::sqrt(1.0 - x) + end;
}

void Adam::reset(AdamState& state, const Parameters& shape) const {
  for (Parameters* moment : {&state.first, &state.second}) {
    moment->input.assign(shape.input.size(), 0.0f);
    moment->recurrent.assign(shape.recurrent.size(), 0.0f);
  }
  state.step = 0;
}

void Adam::update_block(std::vector<float>& w, const std::vector<float>& g, const float* mask, std::vector<float>& m,
                        std::vector<float>& v, float step_size, float bias2) const {
  const auto b1 = static_cast<float>(config_.beta1), b2 = static_cast<float>(config_.beta2);
  const auto eps = static_cast<float>(config_.eps);
  const float clip = config_.grad_clip;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const float keep = mask ? mask[i] : 1.0f;
    const float grad = std::clamp(g[i], -clip, clip) * keep;
    m[i] = keep * (b1 * m[i] + (1.0f - b1) * grad);
    v[i] = keep * (b2 * v[i] + (1.0f - b2) * grad * grad);
    if (keep != 0.0f) w[i] -= step_size * m[i] / (std::sqrt(v[i] / bias2) + eps);
  }
}

void Adam::update(Parameters& params, const Parameters& gradient, const std::vector<float>& recurrent_mask,
                  AdamState& state, double lr) const {
  ++state.step;
  const double bias1 = 1.0 - std::pow(config_.beta1, static_cast<double>(state.step));
  const double bias2 = 1.0 - std::pow(config_.beta2, static_cast<double>(state.step));
  const auto step_size = static_cast<float>(lr / bias1);
  update_block(params.input, gradient.input, nullptr, state.first.input, state.second.input, step_size,
               static_cast<float>(bias2));
  update_block(params.recurrent, gradient.recurrent, recurrent_mask.data(), state.first.recurrent,
               state.second.recurrent, step_size, static_cast<float>(bias2));
}

}  // namespace mosaic::train
