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
  if (input.dedicated_lines()) return 0;
  const int k = arch.neurons_per_tile();
  return (input.n_inp + k - 1) / k;
}

int Network::format_version() const {
  const bool v2 = neuron.resets_to_value() || !neuron.v_reset.empty() || !neuron.bias.empty() ||
                  neuron.synapse.present() || input.dedicated_lines();
  return v2 ? kNetworkFormatVersion2 : kNetworkFormatVersion;
}

NeuronParams permute_neuron_params(const NeuronParams& params, const std::vector<int>& new_id) {
  NeuronParams out = params;
  for (auto [from, to] : {std::pair{&params.alpha, &out.alpha}, {&params.v_reset, &out.v_reset},
                          {&params.bias, &out.bias}, {&params.synapse.decay, &out.synapse.decay},
                          {&params.synapse.state_to_v, &out.synapse.state_to_v},
                          {&params.synapse.input_to_v, &out.synapse.input_to_v}}) {
    if (from->size() <= 1) continue;
    for (std::size_t n = 0; n < new_id.size(); ++n) (*to)[new_id[n]] = (*from)[n];
  }
  return out;
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

// One shared value as a number, one per neuron as an array.
nlohmann::json shared_or_array(const std::vector<float>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (float v : values) out.push_back(shortest_float(v));
  if (out.size() == 1) out = out[0];
  return out;
}

}  // namespace

nlohmann::json network_to_json(const Network& net) {
  const nlohmann::json alpha = shared_or_array(net.neuron.alpha);
  nlohmann::json input_weights = nlohmann::json::array();
  for (const auto& s : net.input.weights) input_weights.push_back({s.channel, s.neuron, shortest_float(s.weight)});
  nlohmann::json recurrent = nlohmann::json::array();
  for (const auto& s : net.recurrent) recurrent.push_back({s.pre, s.post, shortest_float(s.weight)});
  nlohmann::json j = {
      {"format", "mosaic-net"},
      {"version", net.format_version()},
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
  // Version-2 fields appear only when used, so version-1 networks keep their bytes.
  if (net.neuron.resets_to_value()) j["neuron"]["v_reset"] = shared_or_array(net.neuron.v_reset);
  if (!net.neuron.bias.empty()) j["neuron"]["bias"] = shared_or_array(net.neuron.bias);
  if (net.neuron.synapse.present())
    j["neuron"]["synapse"] = {{"decay", shared_or_array(net.neuron.synapse.decay)},
                              {"state_to_v", shared_or_array(net.neuron.synapse.state_to_v)},
                              {"input_to_v", shared_or_array(net.neuron.synapse.input_to_v)}};
  if (net.input.dedicated_lines()) j["input"]["lines"] = net.input.lines;
  return j;
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

// A number (shared by all neurons) or an array of numbers (one per neuron).
std::vector<float> shared_or_array_from(const nlohmann::json& v, const std::string& file, const std::string& field) {
  std::vector<float> out;
  if (!v.is_array()) return {finite_float(v, file, field)};
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(finite_float(v[i], file, field + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace

Network network_from_json(const nlohmann::json& j, const std::string& file) {
  const JsonFields top(j, file, "");
  top.only({"format", "version", "arch", "neuron", "input", "recurrent", "output", "provenance"});
  if (top.string("format") != "mosaic-net") top.fail("format", "must be \"mosaic-net\"");
  const long version = top.integer("version", 0, 1000);
  if (version != kNetworkFormatVersion && version != kNetworkFormatVersion2) {
    top.fail("version", "is " + std::to_string(version) + "; this build reads versions 1 and 2");
  }
  Network net;
  net.arch = arch_from_json(top.value("arch"), file, "arch");

  const JsonFields neuron = top.object("neuron");
  // Version-2 keys are known here, so a misspelt one is "unknown"; a version-1 file that
  // carries one is refused below (version2_field).
  neuron.only({"alpha", "threshold", "reset", "dt_ms", "tau_ms", "v_reset", "bias", "synapse"});
  net.neuron.alpha = shared_or_array_from(neuron.value("alpha"), file, neuron.path_of("alpha"));
  net.neuron.threshold = static_cast<float>(neuron.number("threshold"));
  net.neuron.reset = neuron.string("reset");
  net.neuron.dt_ms = neuron.number_or("dt_ms", net.neuron.dt_ms);
  net.neuron.tau_ms = neuron.number_or("tau_ms", net.neuron.tau_ms);
  // Version-2 fields (a version-1 file must not carry them).
  const auto version2_field = [&](const JsonFields& object, const std::string& key) {
    if (!object.has(key)) return false;
    if (version < kNetworkFormatVersion2) object.fail(key, "is a version-2 field; the file says version 1");
    return true;
  };
  if (version2_field(neuron, "v_reset"))
    net.neuron.v_reset = shared_or_array_from(neuron.value("v_reset"), file, neuron.path_of("v_reset"));
  if (version2_field(neuron, "bias"))
    net.neuron.bias = shared_or_array_from(neuron.value("bias"), file, neuron.path_of("bias"));
  if (version2_field(neuron, "synapse")) {
    const JsonFields synapse = neuron.object("synapse");
    synapse.only({"decay", "state_to_v", "input_to_v"});
    net.neuron.synapse.decay = shared_or_array_from(synapse.value("decay"), file, synapse.path_of("decay"));
    net.neuron.synapse.state_to_v = shared_or_array_from(synapse.value("state_to_v"), file, synapse.path_of("state_to_v"));
    net.neuron.synapse.input_to_v = shared_or_array_from(synapse.value("input_to_v"), file, synapse.path_of("input_to_v"));
  }

  const JsonFields input = top.object("input");
  input.only({"shd_channels", "bins", "t_max_s", "n_inp", "interleave_k", "weights", "lines"});
  net.input.shd_channels = static_cast<int>(input.integer("shd_channels", 1, kMaxShdChannels));
  net.input.bins = static_cast<int>(input.integer("bins", 1, 1 << 20));
  net.input.t_max_s = input.number("t_max_s");
  net.input.n_inp = static_cast<int>(input.integer("n_inp", 1, 1 << 24));
  net.input.interleave_k = static_cast<int>(input.integer("interleave_k", 1, 1 << 20));
  if (version2_field(input, "lines")) net.input.lines = input.string("lines");
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
  if (net.neuron.reset != "subtract" && net.neuron.reset != "value")
    fail("neuron.reset", "is \"" + net.neuron.reset + "\"; give \"subtract\" or \"value\" (version 2)");
  const auto check_per_neuron = [&](const std::vector<float>& values, const std::string& field, bool allow_empty) {
    if (values.empty() && allow_empty) return;
    if (values.size() != 1 && values.size() != static_cast<std::size_t>(n))
      fail(field, "has " + std::to_string(values.size()) + " values; give 1 or one per neuron (" + std::to_string(n) + ")");
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i])) fail(field + "[" + std::to_string(i) + "]", "must be finite");
  };
  if (net.neuron.resets_to_value()) check_per_neuron(net.neuron.v_reset, "neuron.v_reset", false);
  else if (!net.neuron.v_reset.empty()) fail("neuron.v_reset", "is only used with reset \"value\"");
  check_per_neuron(net.neuron.bias, "neuron.bias", true);
  if (net.neuron.synapse.present()) {
    check_per_neuron(net.neuron.synapse.decay, "neuron.synapse.decay", false);
    check_per_neuron(net.neuron.synapse.state_to_v, "neuron.synapse.state_to_v", false);
    check_per_neuron(net.neuron.synapse.input_to_v, "neuron.synapse.input_to_v", false);
    for (std::size_t i = 0; i < net.neuron.synapse.decay.size(); ++i) {
      const float d = net.neuron.synapse.decay[i];
      if (d < 0.0f || d > 1.0f) fail("neuron.synapse.decay[" + std::to_string(i) + "]", "must be in [0, 1]");
    }
  }
  if (net.input.lines != "tile" && net.input.lines != "dedicated")
    fail("input.lines", "is \"" + net.input.lines + "\"; give \"tile\" or \"dedicated\" (version 2)");
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
    if (!net.input.dedicated_lines() && net.arch.tile_of_neuron(s.neuron) != s.channel / k) {
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
                           std::to_string(inputs.size()) + " recurrent " + std::to_string(recurrent.size()) +
                           // How inputs reach the tiles is connectivity too (models/SPEC.md section 9.3);
                           // named only when not version 1's rule, so version-1 digests stay as they were.
                           (net.input.dedicated_lines() ? " lines dedicated" : "");
  std::uint64_t hash = fnv1a64(head.data(), head.size());
  for (const auto* pairs : {&inputs, &recurrent})
    for (const auto& [a, b] : *pairs) {
      const std::int32_t pair[2] = {a, b};
      hash = fnv1a64(pair, sizeof pair, hash);
    }
  return hex64(hash);
}

}  // namespace mosaic
