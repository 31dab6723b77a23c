#pragma once
// The one implementation of the neuron dynamics (models/SPEC.md section 2), shared by the
// reference pass, the trainer's evaluation and the simulator's neuron tile.
//
//   v[t] = alpha v[t-1] + I[t] - theta z[t-1],   z[t] = (v[t] > theta)
//
// computed in float32 in exactly this order: v = alpha * v; v += I; if z[t-1]: v -= theta.
// I[t] is summed from 0.0f over the active presynaptic keys in ascending key order:
// key j for reduced input channel j, key n_inp + n for neuron n. Every implementation that
// follows this order gets the same bits.
//
// Version-2 networks (imported from NIR, models/SPEC.md section 9.1) add, in this order:
// the neuron's constant bias after the keys (u = I + b); a reset to a value, applied to
// v[t-1] before the decay (v[t-1] <- v_reset when z[t-1]); a current-based synapse:
//   v = alpha * v;  v += state_to_v * S;  v += input_to_v * u;  S = decay * S;  S += u
#include <cstdint>
#include <vector>

#include "models/network.hpp"

namespace mosaic {

inline float lif_potential(float v_prev, float alpha, float current, bool spiked_prev, float theta) {
  float v = alpha * v_prev;
  v += current;
  if (spiked_prev) v -= theta;
  return v;
}

// The same step with a current-based synapse of state `synaptic` (updated in place).
inline float lif_potential_synaptic(float v_prev, float alpha, float input, bool spiked_prev, float theta,
                                   float& synaptic, float decay, float state_to_v, float input_to_v) {
  float v = alpha * v_prev;
  v += state_to_v * synaptic;
  v += input_to_v * input;
  if (spiked_prev) v -= theta;
  synaptic = decay * synaptic;
  synaptic += input;
  return v;
}

inline bool lif_spikes(float v, float theta) { return v > theta; }

// Presynaptic key of a reduced input channel / of a neuron.
inline int input_key(int channel) { return channel; }
inline int neuron_key(const Network& net, int neuron) { return net.input.n_inp + neuron; }
inline int num_keys(const Network& net) { return net.input.n_inp + net.arch.num_neurons(); }

// A group of LIF neurons (a neuron tile, or the whole network) stepped together.
class LifPopulation {
 public:
  LifPopulation(const Network& net, std::vector<int> neurons);
  void reset();  // v = 0, z = 0, synaptic state 0
  // One step: `active[key]` != 0 marks the presynaptic keys active for this step (the input
  // channels of this step's bin and the neurons that spiked in the previous step).
  // Appends the neurons that spike now to `spiked` in increasing id order.
  void step(const std::vector<uint8_t>& active, std::vector<int>& spiked);
  const std::vector<int>& neurons() const { return neurons_; }
  const std::vector<float>& potentials() const { return v_; }

 private:
  // The synapses out of one presynaptic key into this population. Visiting the keys in
  // ascending order adds each neuron's inputs in ascending key order, and costs what the
  // active synapses cost rather than every synapse.
  struct FanOut {
    int key = 0;
    std::vector<int> targets;  // local neuron indices
    std::vector<float> weights;
  };

  std::vector<int> neurons_;
  std::vector<FanOut> fan_out_;  // ascending key
  std::vector<float> alpha_;
  float theta_;
  bool reset_to_value_ = false;
  std::vector<float> v_reset_, bias_;                         // per local neuron; empty when unused
  std::vector<float> decay_, state_to_v_, input_to_v_, syn_;  // synapse; empty when unused
  std::vector<float> current_;
  std::vector<float> v_;
  std::vector<uint8_t> z_;
};

}  // namespace mosaic
