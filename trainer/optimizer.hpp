#pragma once
// Adam with elementwise gradient clipping; gradients and both moments are masked by the
// connectivity, so an absent synapse neither moves nor remembers (models/SPEC.md section 2).
#include <vector>

#include "trainer/config.hpp"
#include "trainer/parameters.hpp"

namespace mosaic::train {

struct AdamState {
  Parameters first, second;  // moments, shaped like the parameters
  long step = 0;             // updates done so far
};

class Adam {
 public:
  explicit Adam(OptimizerConfig config) : config_(config) {}

  // Constant for the first warm_fraction of the steps, then (lr - lr/10) (1 - x)^0.5 + lr/10.
  double learning_rate(long step, long total_steps) const;

  void reset(AdamState& state, const Parameters& shape) const;
  // One update. `recurrent_mask` is 1 for trainable recurrent synapses, 0 elsewhere; every input
  // weight is trainable.
  void update(Parameters& params, const Parameters& gradient, const std::vector<float>& recurrent_mask,
              AdamState& state, double lr) const;

 private:
  void update_block(std::vector<float>& w, const std::vector<float>& g, const float* mask, std::vector<float>& m,
                    std::vector<float>& v, float step_size, float bias2) const;
  OptimizerConfig config_;
};

}  // namespace mosaic::train
