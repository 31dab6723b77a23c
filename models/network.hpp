#pragma once
// The mosaic-net network format (models/README.md documents every field). Version 1: the
// recurrent LIF network mosaic-train makes. Version 2 adds what imported networks need
// (reset to a value, a constant bias, a current-based synapse, dedicated input lines); a
// network that uses none of them is written as version 1, byte for byte as before.
// A recurrent LIF network on an Arch: input synapses from reduced SHD channels into the
// input tiles, sparse recurrent synapses, output neurons read out by spike count.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/arch.hpp"
#include "models/shd_layout.hpp"

namespace mosaic {

constexpr int kNetworkFormatVersion = 1;   // written when no version-2 field is used
constexpr int kNetworkFormatVersion2 = 2;
// SHD channel ids are uint16 on file, so a layout has at most 65536 channels.
constexpr int kMaxShdChannels = 65536;

// A parameter given once for all neurons or once per neuron (empty: absent).
inline float shared_or_own(const std::vector<float>& values, int neuron) {
  return values.size() == 1 ? values[0] : values[neuron];
}

// The current-based synapse of version 2 (models/SPEC.md section 9.1): per neuron,
//   v = alpha v + state_to_v I + input_to_v u;   I = decay I + u
// where u is the neuron's summed input of the step. Each field: shared or per neuron.
struct SynapseParams {
  std::vector<float> decay;       // exp(-dt / tau_syn)
  std::vector<float> state_to_v;  // weight of the synaptic state I[t-1] in v[t]
  std::vector<float> input_to_v;  // weight of this step's input u[t] in v[t]
  bool present() const { return !decay.empty(); }
};

struct NeuronParams {
  std::vector<float> alpha{0.97802293f};  // one shared value, or one per neuron
  float threshold = 1.0f;
  std::string reset = "subtract";  // "subtract" (version 1) or "value" (version 2: v <- v_reset)
  double dt_ms = 1.0;              // the dt that alpha = exp(-dt / tau) was computed with
  double tau_ms = 45.0;
  std::vector<float> v_reset;  // version 2, reset "value" only: shared or per neuron
  std::vector<float> bias;     // version 2, optional: constant input added every step
  SynapseParams synapse;       // version 2, optional
  float alpha_of(int neuron) const { return shared_or_own(alpha, neuron); }
  bool resets_to_value() const { return reset == "value"; }
};

struct InputSynapse {
  int channel = 0;  // reduced input channel j, drives input tile j / K
  int neuron = 0;
  float weight = 0;
};

struct Synapse {
  int pre = 0;
  int post = 0;
  float weight = 0;
};

// How SHD events become the network's input (models/SPEC.md section 4).
struct InputSpec {
  int shd_channels = kShdChannels;  // channels of the SHD file
  int bins = kShdBins;              // T, the number of network steps
  double t_max_s = kShdWindowS;     // bins cover [0, t_max)
  int n_inp = 160;         // reduced input channels
  int interleave_k = 5;    // subsets: reduced channel j of subset s is SHD channel s + j k
  // How input lines reach the neurons (models/SPEC.md section 9.3): "tile" (version 1:
  // channel j drives only tile j / K, the input tiles) or "dedicated" (version 2: any channel
  // may drive any neuron over a dedicated wire into the tile's input crossbar).
  std::string lines = "tile";
  std::vector<InputSynapse> weights;
  bool dedicated_lines() const { return lines == "dedicated"; }
};

struct Network {
  Arch arch;
  NeuronParams neuron;
  InputSpec input;
  std::vector<Synapse> recurrent;
  std::vector<int> output_neurons;  // class c is read from output_neurons[c]
  int num_classes = kShdClasses;
  nlohmann::json provenance = nlohmann::json::object();  // tool, version, mode, profile, seed, data, accuracy...

  int num_input_tiles() const;  // ceil(n_inp / K); 0 with dedicated input lines
  bool is_input_tile(int tile) const { return tile < num_input_tiles(); }
  int format_version() const;  // 2 when a version-2 field is used, else 1
};

// Renames neuron n to new_id[n] in the per-neuron parameters (a permutation).
NeuronParams permute_neuron_params(const NeuronParams& params, const std::vector<int>& new_id);

// k = ceil(channels / n_inp), the interleave factor of models/SPEC.md section 4.
int interleave_factor(int shd_channels, int n_inp);

nlohmann::json network_to_json(const Network& net);
// Parses and validates; throws InputError naming `file` and the offending field.
Network network_from_json(const nlohmann::json& j, const std::string& file);
void validate_network(const Network& net, const std::string& file);

Network read_network(const std::string& path);
void write_network(const std::string& path, const Network& net);  // atomic

// Hex digest of the network's content (arch, weights, params; not provenance), so routing
// tables and reports can refuse a network they were not made for.
std::string network_digest(const Network& net);
// Hex digest of what routing depends on (models/SPEC.md section 1): the geometry and the
// synapse pairs, input (channel, neuron) and recurrent (pre, post), whatever their weights. Neuron
// ids are positions (neuron n sits in tile n / K), so the pairs carry the placement too: a
// fine-tune that keeps the pairs keeps the digest, a rewiring or a re-placement changes it.
// Dedicated input lines (section 9.3) change it too: they change what the tiles receive.
std::string connectivity_digest(const Network& net);

}  // namespace mosaic
