#pragma once
// The functional golden model: the network run step by step on one binned sample with the
// shared LIF dynamics. Every other part (trainer kernel, simulator) is tested against it bit for bit.
#include <vector>

#include "models/lif.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"

namespace mosaic {

struct ForwardResult {
  std::vector<std::vector<int>> spikes;  // spikes[t - 1]: neurons spiking at step t, increasing ids
  std::vector<int> class_counts;         // output spikes per class over all steps
  int prediction = 0;
  // potentials[t - 1][n]: v[t] of neuron n (models/SPEC.md section 2; the reset by z[t] belongs to
  // step t + 1), when run with record_potentials.
  std::vector<std::vector<float>> potentials;
};

class ReferenceModel {
 public:
  explicit ReferenceModel(const Network& net);
  ForwardResult run(const BinnedSample& sample, bool record_potentials = false);

 private:
  const Network& net_;
  LifPopulation population_;
};

}  // namespace mosaic
