#include "models/network.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "models/atomic_file.hpp"
#include "models/checksum.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"

namespace mosaic {

int Network::num_input_tiles() const {
  const int k = arch.neurons_per_tile();
  return (input.n_inp + k - 1) / k;
}

int interleave_factor(int shd_channels, int n_inp) { return (shd_channels + n_inp - 1) / n_inp; }

namespace {

// The double nearest the shortest decimal that reads back as the same float32: the JSON
// text then holds about 9 digits per weight instead of 17, and still round-trips exactly.
double shortest_float(float value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text - 1, value).ptr;
  *end = '\0';
  const double shortest = std::strtod(text, nullptr);
  return static_cast<float>(shortest) == value ? shortest : static_cast<double>(value);
}

}  // namespace

nlohmann::json network_to_json(const Network& net) {
  nlohmann::json alpha = nlohmann::json::array();
  for (float a : net.neuron.alpha) alpha.push_back(shortest_float(a));
  if (alpha.size() == 1) alpha = alpha[0];
  nlohmann::json input_weights = nlohmann::json::array();
  for (const auto& s : net.input.weights) input_weights.push_back({s.channel, s.neuron, shortest_float(s.weight)});
  nlohmann::json recurrent = nlohmann::json::array();
  for (const auto& s : net.recurrent) recurrent.push_back({s.pre, s.post, shortest_float(s.weight)});
  return {
      {"format", "mosaic-net"},
      {"version", kNetworkFormatVersion},
      {"arch", arch_to_json(net.arch)},
      {"neuron",
       {{"alpha", alpha}, {"threshold", shortest_float(net.neuron.threshold)}, {"reset", net.neuron.reset},
        {"dt_ms", net.neuron.dt_ms}, {"tau_ms", net.neuron.tau_ms}}},
      {"input",
       {{"shd_channels", net.input.shd_channels}, {"bins", net.input.bins}, {"t_max_s", net.input.t_max_s},
        {"n_inp", net.input.n_inp}, {"interleave_k", net.input.interleave_k}, {"weights", input_weights}}},
      {"recurrent", recurrent},
      {"output", {{"neurons", net.output_neurons}, {"num_classes", net.num_classes}}},
      {"provenance", net.provenance},
  };
}

namespace {

// A weight row [a, b, w] with integer ids and a finite weight.
std::tuple<long, long, float> weight_row(const nlohmann::json& row, const std::string& file, const std::string& field) {
  if (!row.is_array() || row.size() != 3 || !row[0].is_number_integer() || !row[1].is_number_integer() ||
      !row[2].is_number()) {
    throw InputError(file, field, "must be [id, id, weight]");
  }
  const double w = row[2].get<double>();
  if (!std::isfinite(w)) throw InputError(file, field, "weight is not finite");
  return {row[0].get<long>(), row[1].get<long>(), static_cast<float>(w)};
}

float finite_float(const nlohmann::json& v, const std::string& file, const std::string& field) {
  if (!v.is_number() || !std::isfinite(v.get<double>())) throw InputError(file, field, "must be a finite number");
  return static_cast<float>(v.get<double>());
}

}  // namespace

Network network_from_json(const nlohmann::json& j, const std::string& file) {
  const JsonFields top(j, file, "");
  top.only({"format", "version", "arch", "neuron", "input", "recurrent", "output", "provenance"});
  if (top.string("format") != "mosaic-net") top.fail("format", "must be \"mosaic-net\"");
  const long version = top.integer("version", 0, 1000);
  if (version != kNetworkFormatVersion) {
    top.fail("version", "is " + std::to_string(version) + "; this build reads version " + std::to_string(kNetworkFormatVersion));
  }
  Network net;
  net.arch = arch_from_json(top.value("arch"), file, "arch");

  const JsonFields neuron = top.object("neuron");
  neuron.only({"alpha", "threshold", "reset", "dt_ms", "tau_ms"});
  const auto& alpha = neuron.value("alpha");
  net.neuron.alpha.clear();
  if (alpha.is_array()) {
    for (std::size_t i = 0; i < alpha.size(); ++i)
      net.neuron.alpha.push_back(finite_float(alpha[i], file, neuron.path_of("alpha") + "[" + std::to_string(i) + "]"));
  } else {
    net.neuron.alpha.push_back(finite_float(alpha, file, neuron.path_of("alpha")));
  }
  net.neuron.threshold = static_cast<float>(neuron.number("threshold"));
  net.neuron.reset = neuron.string("reset");
  net.neuron.dt_ms = neuron.number_or("dt_ms", net.neuron.dt_ms);
  net.neuron.tau_ms = neuron.number_or("tau_ms", net.neuron.tau_ms);

  const JsonFields input = top.object("input");
  input.only({"shd_channels", "bins", "t_max_s", "n_inp", "interleave_k", "weights"});
  net.input.shd_channels = static_cast<int>(input.integer("shd_channels", 1, kMaxShdChannels));
  net.input.bins = static_cast<int>(input.integer("bins", 1, 1 << 20));
  net.input.t_max_s = input.number("t_max_s");
  net.input.n_inp = static_cast<int>(input.integer("n_inp", 1, 1 << 24));
  net.input.interleave_k = static_cast<int>(input.integer("interleave_k", 1, 1 << 20));
  const auto& input_weights = input.array("weights");
  net.input.weights.reserve(input_weights.size());
  for (std::size_t i = 0; i < input_weights.size(); ++i) {
    const auto [channel, neuron_id, w] =
        weight_row(input_weights[i], file, input.path_of("weights") + "[" + std::to_string(i) + "]");
    if (channel < 0 || channel > INT32_MAX || neuron_id < 0 || neuron_id > INT32_MAX) {
      throw InputError(file, input.path_of("weights") + "[" + std::to_string(i) + "]", "id out of range");
    }
    net.input.weights.push_back({static_cast<int>(channel), static_cast<int>(neuron_id), w});
  }

  const auto& recurrent = top.array("recurrent");
  net.recurrent.reserve(recurrent.size());
  for (std::size_t i = 0; i < recurrent.size(); ++i) {
    const auto [pre, post, w] = weight_row(recurrent[i], file, "recurrent[" + std::to_string(i) + "]");
    if (pre < 0 || pre > INT32_MAX || post < 0 || post > INT32_MAX) {
      throw InputError(file, "recurrent[" + std::to_string(i) + "]", "id out of range");
    }
    net.recurrent.push_back({static_cast<int>(pre), static_cast<int>(post), w});
  }

  const JsonFields output = top.object("output");
  output.only({"neurons", "num_classes"});
  net.num_classes = static_cast<int>(output.integer("num_classes", 1, 1 << 20));
  const auto& neurons = output.array("neurons");
  for (std::size_t i = 0; i < neurons.size(); ++i) {
    if (!neurons[i].is_number_integer()) {
      throw InputError(file, output.path_of("neurons") + "[" + std::to_string(i) + "]", "must be an integer");
    }
    net.output_neurons.push_back(neurons[i].get<int>());
  }
  if (top.has("provenance")) net.provenance = top.value("provenance");

  validate_network(net, file);
  return net;
}

void validate_network(const Network& net, const std::string& file) {
  const int n = net.arch.num_neurons();
  const int k = net.arch.neurons_per_tile();
  auto fail = [&](const std::string& field, const std::string& problem) { throw InputError(file, field, problem); };

  if (net.neuron.alpha.size() != 1 && net.neuron.alpha.size() != static_cast<std::size_t>(n)) {
    fail("neuron.alpha", "has " + std::to_string(net.neuron.alpha.size()) + " values; give 1 or one per neuron (" +
                             std::to_string(n) + ")");
  }
  for (std::size_t i = 0; i < net.neuron.alpha.size(); ++i) {
    const float a = net.neuron.alpha[i];
    if (!std::isfinite(a) || a < 0.0f || a > 1.0f) fail("neuron.alpha[" + std::to_string(i) + "]", "must be in [0, 1]");
  }
  if (!std::isfinite(net.neuron.threshold) || net.neuron.threshold <= 0.0f) fail("neuron.threshold", "must be positive");
  if (net.neuron.reset != "subtract") fail("neuron.reset", "is \"" + net.neuron.reset + "\"; version 1 knows only \"subtract\"");
  if (!(net.neuron.dt_ms > 0) || !(net.neuron.tau_ms > 0)) fail("neuron.dt_ms", "dt_ms and tau_ms must be positive");

  if (!(net.input.t_max_s > 0) || !std::isfinite(net.input.t_max_s)) fail("input.t_max_s", "must be positive");
  if (net.input.bins < 1) fail("input.bins", "must be positive");
  if (net.input.n_inp < 1 || net.num_input_tiles() > net.arch.num_tiles()) {
    fail("input.n_inp", "is " + std::to_string(net.input.n_inp) + "; the chip has room for at most " +
                            std::to_string(net.arch.num_tiles() * k) + " input lines");
  }
  if (net.input.interleave_k < 1) fail("input.interleave_k", "must be positive");
  // models/SPEC.md section 4.2: k = ceil(shd_channels / n_inp) subsets cover every channel once;
  // any other k silently runs too many subsets (repeated data) or drops channels.
  if (net.input.shd_channels < 1 || net.input.shd_channels > kMaxShdChannels) {
    fail("input.shd_channels", "is " + std::to_string(net.input.shd_channels) + ", must be in 1.." +
                                   std::to_string(kMaxShdChannels) + " (channel ids are uint16)");
  }
  if (net.input.n_inp > net.input.shd_channels) {
    fail("input.n_inp", "is " + std::to_string(net.input.n_inp) + ", more than the " +
                            std::to_string(net.input.shd_channels) + " SHD channels");
  }
  const int k_expected = interleave_factor(net.input.shd_channels, net.input.n_inp);
  if (net.input.interleave_k != k_expected) {
    fail("input.interleave_k", "is " + std::to_string(net.input.interleave_k) + "; " +
                                   std::to_string(net.input.shd_channels) + " channels into n_inp " +
                                   std::to_string(net.input.n_inp) + " give ceil(" +
                                   std::to_string(net.input.shd_channels) + " / " + std::to_string(net.input.n_inp) +
                                   ") = " + std::to_string(k_expected));
  }
  for (std::size_t i = 0; i < net.input.weights.size(); ++i) {
    const auto& s = net.input.weights[i];
    const std::string field = "input.weights[" + std::to_string(i) + "]";
    if (s.channel < 0 || s.channel >= net.input.n_inp) fail(field, "channel " + std::to_string(s.channel) + " outside 0.." + std::to_string(net.input.n_inp - 1));
    if (s.neuron < 0 || s.neuron >= n) fail(field, "neuron " + std::to_string(s.neuron) + " outside 0.." + std::to_string(n - 1));
    if (net.arch.tile_of_neuron(s.neuron) != s.channel / k) {
      fail(field, "channel " + std::to_string(s.channel) + " may only drive input tile " + std::to_string(s.channel / k) +
                      ", not neuron " + std::to_string(s.neuron));
    }
    if (!std::isfinite(s.weight)) fail(field, "weight is not finite");
  }

  std::vector<std::pair<int, int>> input_pairs;
  for (const auto& s : net.input.weights) input_pairs.emplace_back(s.channel, s.neuron);
  std::sort(input_pairs.begin(), input_pairs.end());
  const auto input_dup = std::adjacent_find(input_pairs.begin(), input_pairs.end());
  if (input_dup != input_pairs.end()) {
    fail("input.weights", "synapse channel " + std::to_string(input_dup->first) + " -> neuron " +
                              std::to_string(input_dup->second) + " is listed twice");
  }

  std::vector<std::pair<int, int>> pairs;
  pairs.reserve(net.recurrent.size());
  for (std::size_t i = 0; i < net.recurrent.size(); ++i) {
    const auto& s = net.recurrent[i];
    const std::string field = "recurrent[" + std::to_string(i) + "]";
    if (s.pre < 0 || s.pre >= n) fail(field, "pre neuron " + std::to_string(s.pre) + " outside 0.." + std::to_string(n - 1));
    if (s.post < 0 || s.post >= n) fail(field, "post neuron " + std::to_string(s.post) + " outside 0.." + std::to_string(n - 1));
    if (!std::isfinite(s.weight)) fail(field, "weight is not finite");
    pairs.emplace_back(s.pre, s.post);
  }
  std::sort(pairs.begin(), pairs.end());
  const auto dup = std::adjacent_find(pairs.begin(), pairs.end());
  if (dup != pairs.end()) {
    fail("recurrent", "synapse " + std::to_string(dup->first) + " -> " + std::to_string(dup->second) + " is listed twice");
  }

  if (net.num_classes < 1) fail("output.num_classes", "must be positive");
  if (net.output_neurons.size() != static_cast<std::size_t>(net.num_classes)) {
    fail("output.neurons", "has " + std::to_string(net.output_neurons.size()) + " neurons for " +
                               std::to_string(net.num_classes) + " classes");
  }
  std::vector<int> outputs = net.output_neurons;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i] < 0 || outputs[i] >= n) fail("output.neurons[" + std::to_string(i) + "]", "neuron outside 0.." + std::to_string(n - 1));
  }
  std::sort(outputs.begin(), outputs.end());
  if (std::adjacent_find(outputs.begin(), outputs.end()) != outputs.end()) fail("output.neurons", "lists a neuron twice");
}

Network read_network(const std::string& path) { return network_from_json(read_json_file(path), path); }

void write_network(const std::string& path, const Network& net) {
  write_text_atomic(path, network_to_json(net).dump() + "\n");
}

std::string network_digest(const Network& net) {
  nlohmann::json content = network_to_json(net);
  // Routing depends on geometry and weights only: timing, energy and capacities may change freely.
  content.erase("provenance");
  for (const char* key : {"timing", "energy", "capacity"}) content["arch"].erase(key);
  const std::string text = content.dump();
  return hex64(fnv1a64(text.data(), text.size()));
}

std::string connectivity_digest(const Network& net) {
  std::vector<std::pair<int, int>> inputs, recurrent;
  for (const InputSynapse& s : net.input.weights) inputs.emplace_back(s.channel, s.neuron);
  for (const Synapse& s : net.recurrent) recurrent.emplace_back(s.pre, s.post);
  for (auto* pairs : {&inputs, &recurrent}) {
    std::sort(pairs->begin(), pairs->end());
    pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  }
  const std::string head = net.arch.name() + " n_inp " + std::to_string(net.input.n_inp) + " inputs " +
                           std::to_string(inputs.size()) + " recurrent " + std::to_string(recurrent.size());
  std::uint64_t hash = fnv1a64(head.data(), head.size());
  for (const auto* pairs : {&inputs, &recurrent})
    for (const auto& [a, b] : *pairs) {
      const std::int32_t pair[2] = {a, b};
      hash = fnv1a64(pair, sizeof pair, hash);
    }
  return hex64(hash);
}

}  // namespace mosaic
