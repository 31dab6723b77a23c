#pragma once
// The training kernel: loss and gradient of a mini-batch by backpropagation through time.
//
// Weights are link-structured (a link = K contiguous floats from one source neuron into one
// destination tile) and spikes are sparse, so the passes iterate over live links only:
//   forward   for each active source, add its link vectors into the destination tiles' currents
//             (input channels by increasing id, then spiking neurons by increasing id: the
//             canonical summation order, so the spikes equal ReferenceModel's bit for bit);
//   backward  dL/dz of every neuron = its links' dot products with the next step's dL/dv, and
//             the weight gradient of a link accumulates dL/dv of its tile at the steps after its
//             source spiked.
// Cost per step ~ live synapses (backward) + spikes x links x K (forward, weight gradient).
//
// Loss (models/SPEC.md section 2): mean over the batch of the cross-entropy of log-softmax(output
// spike counts), plus lambda_fr (target_fr - rate_scale mean(z))^2 with the mean over the batch,
// all steps and all neurons. Surrogate dz/dv = 1 / (10 |v - theta| + 1)^2.
//
// Memory: the live links' weights are gathered into one compact array per batch (source by
// source, tiles increasing), and gradients are accumulated in that layout, so the working set
// is the live synapses, not N^2.
// Threads: the batch is cut into a fixed number of shards, each accumulating its own gradient;
// shards are summed in shard order, so results are the same bits for any thread count.
#include <memory>
#include <vector>

#include "models/shd.hpp"
#include "trainer/config.hpp"
#include "trainer/deepr.hpp"
#include "trainer/parameters.hpp"

namespace mosaic::train {

struct KernelOptions {
  // Gradient checks only: z = sigmoid(sharpness (v - theta)) with its true derivative instead
  // of the Heaviside step and its surrogate, so finite differences of the loss exist.
  bool smooth_spikes = false;
  float smooth_sharpness = 4.0f;
};

struct BatchLoss {
  double total = 0;         // cross-entropy + firing-rate term
  double cross_entropy = 0;  // batch mean
  double rate_term = 0;     // lambda_fr (target - rate)^2
  double rate = 0;          // rate_scale x mean spike probability per step and neuron
};

class BpttKernel {
 public:
  static constexpr int kShards = 2;

  BpttKernel(const ModelSpec& model, const LossConfig& loss, int threads, KernelOptions options = {});
  ~BpttKernel();
  BpttKernel(const BpttKernel&) = delete;
  BpttKernel& operator=(const BpttKernel&) = delete;

  // The live links changed (after a rewiring): rebuild the per-source link lists.
  void set_links(const LinkMap& links);

  // Loss of the batch under `params`, and its gradient (sized and overwritten).
  BatchLoss compute(const Parameters& params, const std::vector<const BinnedSample*>& batch, Parameters& gradient);

  // The forward pass of one sample: spikes[t - 1] = neurons spiking at step t, increasing ids.
  std::vector<std::vector<int>> forward_spikes(const Parameters& params, const BinnedSample& sample);

 private:
  struct Trace;
  struct Shard;
  void gather_links(const Parameters& params);
  void forward(const Parameters& params, const BinnedSample& sample, Trace& trace) const;
  void backward(const BinnedSample& sample, const Trace& trace, double count_scale, float rate_gradient,
                Shard& shard) const;
  template <typename Work>
  void run_shards(int batch_size, const Work& work);

  ModelSpec model_;
  LossConfig loss_;
  int threads_;
  KernelOptions options_;
  int n_ = 0, k_ = 0, n_inp_ = 0;
  float alpha_ = 0, theta_ = 0;
  std::vector<int> link_first_;     // [N + 1]: links of source n are link_first_[n] .. link_first_[n + 1] - 1
  std::vector<int> link_tile_;      // destination tile per link
  std::vector<float> link_weights_;  // [links][K], gathered from the parameters per batch
  std::vector<int> output_class_;             // per neuron, -1 if not an output
  std::vector<std::unique_ptr<Trace>> traces_;  // per sample of the batch
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace mosaic::train
