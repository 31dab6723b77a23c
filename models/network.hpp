#pragma once
// The mosaic-net v1 network format (models/README.md documents every field).
// A recurrent LIF network on an Arch: input synapses from reduced SHD channels into the
// input tiles, sparse recurrent synapses, output neurons read out by spike count.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/arch.hpp"
#include "models/shd_layout.hpp"

namespace mosaic {

constexpr int kNetworkFormatVersion = 1;
// SHD channel ids are uint16 on file, so a layout has at most 65536 channels.
constexpr int kMaxShdChannels = 65536;

struct NeuronParams {
  std::vector<float> alpha{0.97802293f};  // one shared value, or one per neuron
  float threshold = 1.0f;
  std::string reset = "subtract";  // the only reset mode of version 1
  double dt_ms = 1.0;              // the dt that alpha = exp(-dt / tau) was computed with
  double tau_ms = 45.0;
  float alpha_of(int neuron) const { return alpha.size() == 1 ? alpha[0] : alpha[neuron]; }
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
  std::vector<InputSynapse> weights;
};

struct Network {
  Arch arch;
  NeuronParams neuron;
  InputSpec input;
  std::vector<Synapse> recurrent;
  std::vector<int> output_neurons;  // class c is read from output_neurons[c]
  int num_classes = kShdClasses;
  nlohmann::json provenance = nlohmann::json::object();  // tool, version, mode, profile, seed, data, accuracy...

  int num_input_tiles() const;  // ceil(n_inp / K)
  bool is_input_tile(int tile) const { return tile < num_input_tiles(); }
};

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
std::string connectivity_digest(const Network& net);

}  // namespace mosaic
