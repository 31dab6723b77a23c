#include "tools/nir/convert.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "models/cli.hpp"
#include "models/error.hpp"

namespace mosaic::nir {

namespace {

constexpr const char* kNetworkKey = "mosaic_network";  // graph metadata: the network without weights

Value integers(std::vector<double> v) {
  Value out = Value::vector(std::move(v));
  out.integer = true;
  return out;
}

Value weight_matrix(std::uint64_t rows, std::uint64_t cols, std::vector<double> v) {
  Value out = Value::matrix(rows, cols, std::move(v));
  out.float32 = true;  // our weights are float32: stored exactly
  return out;
}

Value pairs_value(const std::vector<std::pair<int, int>>& pairs) {
  std::vector<double> flat;
  for (const auto& [a, b] : pairs) flat.insert(flat.end(), {double(a), double(b)});
  Value out = Value::matrix(pairs.size(), 2, std::move(flat));
  out.integer = true;
  return out;
}

}  // namespace

Graph export_network(const Network& net, const std::string& file) {
  if (net.neuron.synapse.present())
    throw InputError(file, "neuron.synapse", "export of current-based synapses is not supported yet");
  const int n = net.arch.num_neurons(), n_inp = net.input.n_inp, classes = net.num_classes;
  const double dt_s = net.neuron.dt_ms / 1000.0;
  std::vector<double> tau(n), r(n), v_leak(n, 0.0), theta(n, net.neuron.threshold), v_reset(n, 0.0);
  for (int i = 0; i < n; ++i) {
    const double alpha = net.neuron.alpha_of(i);
    if (!(alpha > 0.0 && alpha < 1.0))
      throw InputError(file, "neuron.alpha", fmt::format("alpha {} of neuron {} has no NIR time constant (needs 0 < alpha < 1)", alpha, i));
    tau[i] = -dt_s / std::log(alpha);
    r[i] = 1.0 / (1.0 - alpha);  // (1 - alpha) r = 1: a weight is the jump of v it causes
    if (net.neuron.resets_to_value()) v_reset[i] = shared_or_own(net.neuron.v_reset, i);
  }
  std::vector<double> w_in(static_cast<std::size_t>(n) * n_inp, 0.0), w_rec(static_cast<std::size_t>(n) * n, 0.0),
      w_out(static_cast<std::size_t>(classes) * n, 0.0);
  std::vector<std::pair<int, int>> zero_input, zero_recurrent;  // dense matrices cannot hold these
  for (const InputSynapse& s : net.input.weights) {
    w_in[static_cast<std::size_t>(s.neuron) * n_inp + s.channel] = s.weight;
    if (s.weight == 0.0f) zero_input.emplace_back(s.channel, s.neuron);
  }
  for (const Synapse& s : net.recurrent) {
    w_rec[static_cast<std::size_t>(s.post) * n + s.pre] = s.weight;
    if (s.weight == 0.0f) zero_recurrent.emplace_back(s.pre, s.post);
  }
  for (int c = 0; c < classes; ++c) w_out[static_cast<std::size_t>(c) * n + net.output_neurons[c]] = 1.0;

  Graph graph;
  graph.nodes["input"] = Node{"Input", {{"shape", integers({double(n_inp)})}}, {}};
  Node input_weights{net.neuron.bias.empty() ? "Linear" : "Affine", {{"weight", weight_matrix(n, n_inp, w_in)}}, {}};
  if (!net.neuron.bias.empty()) {
    std::vector<double> bias(n);
    for (int i = 0; i < n; ++i) bias[i] = shared_or_own(net.neuron.bias, i);  // (1 - alpha) r = 1: bias as is
    input_weights.params["bias"] = Value::vector(bias);
  }
  graph.nodes["w_in"] = input_weights;
  graph.nodes["lif"] = Node{"LIF",
                            {{"tau", Value::vector(tau)},
                             {"r", Value::vector(r)},
                             {"v_leak", Value::vector(v_leak)},
                             {"v_threshold", Value::vector(theta)},
                             {"v_reset", Value::vector(v_reset)}},
                            {}};
  graph.nodes["w_rec"] = Node{"Linear", {{"weight", weight_matrix(n, n, w_rec)}}, {}};
  graph.nodes["w_out"] = Node{"Linear", {{"weight", weight_matrix(classes, n, w_out)}}, {}};
  graph.nodes["output"] = Node{"Output", {{"shape", integers({double(classes)})}}, {}};
  graph.edges = {{"input", "w_in"}, {"w_in", "lif"}, {"lif", "w_rec"}, {"w_rec", "lif"}, {"lif", "w_out"}, {"w_out", "output"}};

  nlohmann::json skeleton = network_to_json(net);
  skeleton["input"]["weights"] = nlohmann::json::array();
  skeleton["recurrent"] = nlohmann::json::array();
  graph.metadata[kNetworkKey] = Value::text(skeleton.dump());
  graph.metadata["mosaic_reset"] = Value::text(net.neuron.reset == "subtract" ? "subtract: v -= v_threshold on the step after a spike"
                                                                                : "value: v = v_reset");
  graph.metadata["mosaic_dt_s"] = Value::number(dt_s);
  graph.metadata["mosaic_step_s"] = Value::number(net.input.t_max_s / net.input.bins);
  std::vector<double> alpha(net.neuron.alpha.begin(), net.neuron.alpha.end());
  graph.metadata["mosaic_alpha"] = Value::vector(alpha);
  graph.metadata["mosaic_interleave_k"] = Value::number(net.input.interleave_k);
  graph.metadata["mosaic_discretisation"] =
      Value::text("exact for input held constant over each step: alpha = exp(-dt/tau), input scale (1 - alpha) r "
                  "(mosaic-sim models/SPEC.md section 9.2); every synapse delays by one step");
  if (!zero_input.empty()) graph.metadata["mosaic_zero_weight_input"] = pairs_value(zero_input);
  if (!zero_recurrent.empty()) graph.metadata["mosaic_zero_weight_recurrent"] = pairs_value(zero_recurrent);
  return graph;
}

namespace {

const std::set<std::string> kNeuronTypes = {"LIF", "CubaLIF", "LI", "CubaLI"};
const std::set<std::string> kWeightTypes = {"Linear", "Affine"};
const std::set<std::string> kSupported = {"Input", "Output", "Linear", "Affine", "LIF", "CubaLIF", "LI", "CubaLI", "Identity"};

// The NIR parameters of one spiking layer, one value per neuron.
struct Population {
  std::string node, type;
  int size = 0, first = 0;
  bool synaptic = false;
  std::vector<double> tau_mem, tau_syn, r, v_leak, v_threshold, v_reset, w_in;
};

// Per-neuron constants of our discrete model (models/SPEC.md section 9.2).
struct Discrete {
  double alpha = 0, input_scale = 1, drift = 0, v_reset = 0;
  double decay = 0, state_to_v = 0, input_to_v = 1;
};

class Importer {
 public:
  Importer(const Graph& graph, const ImportOptions& options, const std::string& file)
      : graph_(graph), options_(options), file_(file) {}

  ImportResult run() {
    check_types();
    remove_pass_through();
    check_shapes();
    for (const auto& [name, node] : graph_.nodes)
      if (kNeuronTypes.count(node.type)) read_population(name, node);
    lay_out();
    const auto meta = graph_.metadata.find(kNetworkKey);
    result_.restored = options_.restore && meta != graph_.metadata.end();
    const int total = populations_.empty() ? 0 : populations_.back().first + populations_.back().size;
    if (result_.restored) {
      restore_skeleton(meta->second);
    } else {
      if (total > options_.arch.num_neurons())
        throw InputError(kCommandLine, "--arch",
                         fmt::format("the graph has {} neurons; {} holds {}", total, options_.arch.name(), options_.arch.num_neurons()));
      discretise();
    }
    connect();
    find_outputs();
    measure_depth();
    if (!result_.restored) build_network();
    else finish_restored();
    validate_network(result_.net, file_);
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(const std::string& node, const std::string& field, const std::string& problem) const {
    throw InputError(file_, "node.nodes." + node + (field.empty() ? "" : "." + field), problem);
  }

  const Node& node(const std::string& name) const { return graph_.nodes.at(name); }
  bool is_neuron(const std::string& name) const { return kNeuronTypes.count(node(name).type) > 0; }
  bool is_weight(const std::string& name) const { return kWeightTypes.count(node(name).type) > 0; }

  const Value& param(const std::string& name, const std::string& key) const {
    const auto it = node(name).params.find(key);
    if (it == node(name).params.end()) fail(name, key, "missing (a " + node(name).type + " node needs it)");
    if (it->second.is_string) fail(name, key, "must be numbers");
    for (double v : it->second.numbers)
      if (!std::isfinite(v)) fail(name, key, "is not finite (NaN or infinity)");
    return it->second;
  }

  // One value per neuron: `size` values, or 1 broadcast; `fallback` when absent and allowed.
  std::vector<double> per_neuron(const std::string& name, const std::string& key, int size,
                                 std::optional<double> fallback = std::nullopt) const {
    if (fallback && !node(name).params.count(key)) return std::vector<double>(size, *fallback);
    const Value& v = param(name, key);
    if (v.numbers.size() == 1) return std::vector<double>(size, v.numbers[0]);
    if (static_cast<int>(v.numbers.size()) != size)
      fail(name, key, fmt::format("has {} values for {} neurons", v.numbers.size(), size));
    return v.numbers;
  }

  void check_types() {
    int inputs = 0, outputs = 0;
    for (const auto& [name, n] : graph_.nodes) {
      if (!kSupported.count(n.type))
        fail(name, "", "type " + n.type +
                           " is not supported (Mosaic import takes Input, Output, Linear, Affine, LIF, CubaLIF, LI/CubaLI "
                           "read-outs; convolutions, pooling, delays, Scale, Threshold... are refused)");
      inputs += n.type == "Input";
      outputs += n.type == "Output";
      if (n.type == "Input") input_ = name;
      if (n.type == "Output") output_ = name;
    }
    if (inputs != 1) throw InputError(file_, "node.nodes", fmt::format("has {} Input nodes; import takes exactly one", inputs));
    if (outputs != 1) throw InputError(file_, "node.nodes", fmt::format("has {} Output nodes; import takes exactly one", outputs));
  }

  // Identity nodes (the Input/Output of a flattened subgraph) are bypassed.
  void remove_pass_through() {
    std::vector<std::pair<std::string, std::string>> edges = graph_.edges;
    for (const auto& [name, n] : graph_.nodes) {
      if (n.type != "Identity") continue;
      std::vector<std::string> from, to;
      std::vector<std::pair<std::string, std::string>> kept;
      for (const auto& e : edges) {
        if (e.second == name && e.first != name) from.push_back(e.first);
        if (e.first == name && e.second != name) to.push_back(e.second);
        if (e.first != name && e.second != name) kept.push_back(e);
      }
      for (const auto& a : from)
        for (const auto& b : to) kept.emplace_back(a, b);
      edges = std::move(kept);
    }
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& e : edges)
      if (seen.insert(e).second) edges_.push_back(e);
  }

  int out_size(const std::string& name) const {
    const Node& n = node(name);
    if (n.type == "Input") return shape_size(name);
    if (is_weight(name)) return static_cast<int>(weight(name).shape[0]);
    return neuron_size(name);
  }
  int in_size(const std::string& name) const {
    const Node& n = node(name);
    if (n.type == "Output") return n.params.count("shape") ? shape_size(name) : -1;
    if (is_weight(name)) return static_cast<int>(weight(name).shape[1]);
    return neuron_size(name);
  }
  int shape_size(const std::string& name) const {
    const Value& shape = param(name, "shape");
    double size = 1;
    for (double d : shape.numbers) {
      if (d < 1 || d != std::floor(d)) fail(name, "shape", "must hold positive integers");
      size *= d;
    }
    if (size > (1 << 24)) fail(name, "shape", "is too large");
    return static_cast<int>(size);
  }
  const Value& weight(const std::string& name) const {
    const Value& w = param(name, "weight");
    if (w.shape.size() != 2 || w.shape[0] == 0 || w.shape[1] == 0)
      fail(name, "weight", "must be a 2-D matrix [out, in] (batched or convolutional weights are not supported)");
    return w;
  }
  int neuron_size(const std::string& name) const {
    const char* key = node(name).type == "CubaLIF" || node(name).type == "CubaLI" ? "tau_mem" : "tau";
    const Value& tau = param(name, key);
    if (tau.numbers.empty()) fail(name, key, "is empty");
    return static_cast<int>(tau.numbers.size());
  }

  void check_shapes() {
    for (const auto& [a, b] : edges_) {
      if (node(b).type == "Input") fail(b, "", "an Input node cannot receive edge from \"" + a + "\"");
      if (node(a).type == "Output") fail(a, "", "an Output node cannot send an edge to \"" + b + "\"");
      const int from = out_size(a), to = in_size(b);
      if (to >= 0 && from != to)
        fail(b, "", fmt::format("takes {} values but \"{}\" sends {} (shape mismatch on the edge {} -> {})", to, a, from, a, b));
    }
    for (const auto& [name, n] : graph_.nodes) {
      if (n.type == "Affine") {
        const Value& bias = param(name, "bias");
        if (static_cast<int>(bias.numbers.size()) != out_size(name))
          fail(name, "bias", fmt::format("has {} values for {} outputs", bias.numbers.size(), out_size(name)));
      }
      if (is_weight(name) && (predecessors(name).empty() || successors(name).empty()))
        fail(name, "", "is not connected on both sides (an edge to nowhere?)");
    }
    if (successors(input_).empty()) fail(input_, "", "drives nothing");
    if (predecessors(output_).empty()) fail(output_, "", "receives nothing");
  }

  std::vector<std::string> predecessors(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [a, b] : edges_)
      if (b == name) out.push_back(a);
    return out;
  }
  std::vector<std::string> successors(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [a, b] : edges_)
      if (a == name) out.push_back(b);
    return out;
  }

  void read_population(const std::string& name, const Node& n) {
    Population p;
    p.node = name;
    p.type = n.type;
    p.size = neuron_size(name);
    p.synaptic = n.type == "CubaLIF" || n.type == "CubaLI";
    const bool spiking = n.type == "LIF" || n.type == "CubaLIF";
    if (!spiking && !options_.readout_lif)
      fail(name, "", n.type + " is a read-out without spikes; Mosaic reads spike counts. Give --readout lif:THRESHOLD "
                              "to replace it by spiking neurons");
    p.tau_mem = per_neuron(name, p.synaptic ? "tau_mem" : "tau", p.size);
    if (p.synaptic) {
      p.tau_syn = per_neuron(name, "tau_syn", p.size);
      p.w_in = per_neuron(name, "w_in", p.size, 1.0);
    }
    p.r = per_neuron(name, "r", p.size);
    p.v_leak = per_neuron(name, "v_leak", p.size);
    if (spiking) {
      p.v_threshold = per_neuron(name, "v_threshold", p.size);
      p.v_reset = per_neuron(name, "v_reset", p.size, 0.0);
    } else {
      p.v_threshold.assign(p.size, *options_.readout_lif);
      p.v_reset.assign(p.size, 0.0);
      result_.notes.push_back(fmt::format("{} \"{}\" ({} neurons) replaced by spiking neurons with threshold {} (--readout)",
                                          n.type, name, p.size, *options_.readout_lif));
    }
    for (int i = 0; i < p.size; ++i) {
      if (!(p.tau_mem[i] > 0)) fail(name, p.synaptic ? "tau_mem" : "tau", "must be positive");
      if (p.synaptic && !(p.tau_syn[i] > 0)) fail(name, "tau_syn", "must be positive");
      if (!(p.v_threshold[i] > 0)) fail(name, "v_threshold", "must be positive (Mosaic neurons fire above a positive threshold)");
      if (p.synaptic && p.v_leak[i] != 0.0)
        fail(name, "v_leak", "must be 0 for a current-based neuron (a leak voltage is supported on LIF only)");
    }
    if (!p.synaptic && std::any_of(p.v_leak.begin(), p.v_leak.end(), [](double v) { return v != 0.0; }))
      result_.notes.push_back("LIF \"" + name + "\": non-zero v_leak becomes a constant drift (1 - alpha) v_leak per step, in the neuron's bias");
    populations_.push_back(std::move(p));
  }

  // Layers in breadth-first order from the Input (ties by name), compact in neuron ids.
  void lay_out() {
    std::map<std::string, int> order;
    std::vector<std::string> queue{input_};
    std::set<std::string> seen{input_};
    for (std::size_t i = 0; i < queue.size(); ++i) {
      std::vector<std::string> next = successors(queue[i]);
      std::sort(next.begin(), next.end());
      for (const auto& s : next)
        if (seen.insert(s).second) queue.push_back(s);
    }
    for (std::size_t i = 0; i < queue.size(); ++i) order[queue[i]] = static_cast<int>(i);
    std::stable_sort(populations_.begin(), populations_.end(), [&](const Population& a, const Population& b) {
      const int oa = order.count(a.node) ? order[a.node] : 1 << 30, ob = order.count(b.node) ? order[b.node] : 1 << 30;
      return oa != ob ? oa < ob : a.node < b.node;
    });
    int first = 0;
    for (Population& p : populations_) {
      p.first = first;
      first += p.size;
      index_[p.node] = &p - populations_.data();
      result_.layers.push_back({p.node, p.type, p.first, p.size});
    }
  }

  void discretise() {
    const double dt = options_.dt_ms / 1000.0;  // NIR time constants are in seconds
    double theta0 = populations_.empty() ? 1.0 : populations_[0].v_threshold[0];
    bool uniform = true;
    for (const Population& p : populations_)
      for (double t : p.v_threshold) uniform = uniform && t == theta0;
    threshold_ = uniform ? theta0 : 1.0;
    if (!uniform) result_.notes.push_back("thresholds differ: each neuron's potential is scaled to threshold 1");
    discrete_.assign(options_.arch.num_neurons(), Discrete{});
    for (const Population& p : populations_) {
      for (int i = 0; i < p.size; ++i) {
        Discrete& d = discrete_[p.first + i];
        const double k = threshold_ / p.v_threshold[i];  // potential scale to our threshold
        d.alpha = std::exp(-dt / p.tau_mem[i]);
        d.v_reset = options_.reset == "zero" ? 0.0 : p.v_reset[i] * k;
        if (p.synaptic) {
          // Exact for input held over the step (models/SPEC.md section 9.2): the synaptic current decays by
          // beta; c is the weight of the current at the step's start in the membrane's integral.
          const double beta = std::exp(-dt / p.tau_syn[i]);
          const double ts = p.tau_syn[i], tm = p.tau_mem[i];
          const double c = std::fabs(ts - tm) <= 1e-12 * tm ? (dt / tm) * d.alpha : ts / (ts - tm) * (beta - d.alpha);
          d.decay = beta;
          d.input_scale = (1.0 - beta) * p.w_in[i];
          d.state_to_v = p.r[i] * c * k;
          d.input_to_v = p.r[i] * (1.0 - d.alpha - c) / (1.0 - beta) * k;
        } else {
          d.input_scale = (1.0 - d.alpha) * p.r[i] * k;
          d.drift = (1.0 - d.alpha) * p.v_leak[i] * k;
        }
      }
    }
  }

  void restore_skeleton(const Value& text) {
    if (!text.is_string || text.strings.size() != 1) throw InputError(file_, "node.metadata." + std::string(kNetworkKey), "must be one string");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text.strings[0]);
    } catch (const nlohmann::json::exception&) {
      throw InputError(file_, "node.metadata." + std::string(kNetworkKey), "is not JSON");
    }
    result_.net = network_from_json(j, file_ + " (metadata " + kNetworkKey + ")");
    if (populations_.size() != 1 || populations_[0].size != result_.net.arch.num_neurons())
      throw InputError(file_, "node.nodes", "a mosaic-nir export has one LIF node of one neuron per chip neuron");
    if (out_size(input_) != result_.net.input.n_inp) fail(input_, "shape", "differs from the metadata's input.n_inp");
    discrete_.assign(result_.net.arch.num_neurons(), Discrete{});  // weights are ours already: scale 1
    result_.notes.push_back("a mosaic-nir export: neuron parameters, chip, input and output restored from its metadata");
  }

  // Synapses from every edge into a spiking layer: weight nodes (Linear, Affine) or direct
  // one-to-one edges. Keyed (pre, post) so that synapses come out sorted and parallel paths add.
  void connect() {
    for (const auto& [a, b] : edges_) {
      if (!is_neuron(b)) continue;
      const Population& post = populations_[index_.at(b)];
      if (is_weight(a)) {
        const Value& w = weight(a);
        const int rows = static_cast<int>(w.shape[0]), cols = static_cast<int>(w.shape[1]);
        for (const std::string& pre : predecessors(a)) {
          if (is_weight(pre)) fail(a, "", "is fed by another weight node \"" + pre + "\" (chained weights are not supported)");
          for (int o = 0; o < rows; ++o)
            for (int j = 0; j < cols; ++j) {
              const double v = w.numbers[static_cast<std::size_t>(o) * cols + j];
              if (v != 0.0) add_synapse(pre, j, post.first + o, v);
            }
        }
        if (node(a).type == "Affine") {
          const Value& bias = param(a, "bias");
          for (int o = 0; o < rows; ++o) discrete_[post.first + o].drift += bias.numbers[o] * discrete_[post.first + o].input_scale;
        }
      } else {
        for (int i = 0; i < post.size; ++i) add_synapse(a, i, post.first + i, 1.0);
      }
    }
  }

  void add_synapse(const std::string& pre, int index, int post, double weight) {
    const double w = weight * discrete_[post].input_scale;
    if (node(pre).type == "Input") input_synapses_[{index, post}] += w;
    else recurrent_synapses_[{populations_[index_.at(pre)].first + index, post}] += w;
  }

  // The Output reads a spiking layer, directly or through a one-hot selection (Linear rows
  // holding a single 1, as our export writes).
  void find_outputs() {
    const std::vector<std::string> pres = predecessors(output_);
    if (pres.size() != 1) fail(output_, "", "must be fed by exactly one node");
    const std::string& pre = pres[0];
    if (is_neuron(pre)) {
      const Population& p = populations_[index_.at(pre)];
      for (int i = 0; i < p.size; ++i) outputs_.push_back(p.first + i);
      return;
    }
    const std::vector<std::string> sources = predecessors(pre);
    if (node(pre).type != "Linear" || sources.size() != 1 || !is_neuron(sources[0]) || successors(pre).size() != 1)
      fail(output_, "", "is fed by \"" + pre + "\", not by a spiking layer: Mosaic reads spike counts of neurons "
                                                 "(an LI read-out needs --readout lif:THRESHOLD)");
    const Value& w = weight(pre);
    const int cols = static_cast<int>(w.shape[1]);
    for (std::uint64_t o = 0; o < w.shape[0]; ++o) {
      int chosen = -1;
      for (int j = 0; j < cols; ++j) {
        const double v = w.numbers[o * cols + j];
        if (v == 1.0 && chosen < 0) chosen = j;
        else if (v != 0.0) fail(pre, "weight", "feeds the Output but is not a one-hot selection of neurons");
      }
      if (chosen < 0) fail(pre, "weight", "feeds the Output but row " + std::to_string(o) + " selects no neuron");
      outputs_.push_back(populations_[index_.at(sources[0])].first + chosen);
    }
    selection_ = pre;
  }

  // Spiking layers on the longest feed-forward path from the Input to the Output; edges that
  // close a cycle (recurrence) do not count.
  void measure_depth() {
    std::map<std::string, int> state;  // 1 on the stack, 2 done
    std::set<std::pair<std::string, std::string>> back;
    std::function<void(const std::string&)> visit = [&](const std::string& v) {
      state[v] = 1;
      for (const auto& s : successors(v)) {
        if (state[s] == 1) back.insert({v, s});
        else if (state[s] == 0) visit(s);
      }
      state[v] = 2;
    };
    visit(input_);
    std::map<std::string, int> memo;
    std::function<int(const std::string&)> longest = [&](const std::string& v) -> int {
      if (memo.count(v)) return memo[v];
      int best = v == output_ ? 0 : -1;
      for (const auto& s : successors(v)) {
        if (back.count({v, s})) continue;
        const int rest = longest(s);
        if (rest >= 0) best = std::max(best, rest);
      }
      if (best >= 0 && is_neuron(v)) ++best;
      return memo[v] = best;
    };
    result_.depth = std::max(0, longest(input_));
    result_.extra_latency_steps = std::max(0, result_.depth - 1);
  }

  static std::vector<float> shared_if_equal(const std::vector<float>& values) {
    if (!values.empty() && std::all_of(values.begin(), values.end(), [&](float v) { return v == values[0]; }))
      return {values[0]};
    return values;
  }

  void build_network() {
    Network& net = result_.net;
    net.arch = options_.arch;
    const int n = net.arch.num_neurons();
    std::vector<float> alpha(n), v_reset(n), bias(n), decay(n), state_to_v(n), input_to_v(n);
    bool any_bias = false, any_synapse = false;
    std::vector<bool> used(n, false);
    for (const Population& p : populations_) {
      any_synapse = any_synapse || p.synaptic;
      for (int i = 0; i < p.size; ++i) used[p.first + i] = true;
    }
    const float used_alpha = populations_.empty() ? 0.0f : static_cast<float>(discrete_[0].alpha);
    for (int i = 0; i < n; ++i) {
      const Discrete& d = discrete_[i];
      alpha[i] = used[i] ? static_cast<float>(d.alpha) : used_alpha;  // unused neurons never receive input
      v_reset[i] = static_cast<float>(d.v_reset);
      bias[i] = static_cast<float>(d.drift);
      any_bias = any_bias || bias[i] != 0.0f;
      decay[i] = static_cast<float>(d.decay);
      state_to_v[i] = static_cast<float>(d.state_to_v);
      input_to_v[i] = static_cast<float>(d.input_to_v);
    }
    net.neuron.alpha = shared_if_equal(alpha);
    net.neuron.threshold = static_cast<float>(threshold_);
    net.neuron.dt_ms = options_.dt_ms;
    net.neuron.tau_ms = populations_.empty() ? 1.0 : populations_[0].tau_mem[0] * 1000.0;
    if (options_.reset == "subtract") {
      net.neuron.reset = "subtract";
    } else {
      net.neuron.reset = "value";
      net.neuron.v_reset = shared_if_equal(v_reset);
    }
    if (any_bias) net.neuron.bias = shared_if_equal(bias);
    if (any_synapse) net.neuron.synapse = {shared_if_equal(decay), shared_if_equal(state_to_v), shared_if_equal(input_to_v)};
    net.input.n_inp = out_size(input_);
    net.input.shd_channels = net.input.n_inp;
    net.input.interleave_k = 1;
    net.input.bins = options_.bins;
    net.input.t_max_s = options_.bins * options_.dt_ms / 1000.0;
    net.input.lines = "dedicated";
    fill_synapses();
    net.output_neurons = outputs_;
    net.num_classes = static_cast<int>(outputs_.size());
    nlohmann::json layers = nlohmann::json::array();
    for (const Layer& l : result_.layers)
      layers.push_back({{"node", l.node}, {"type", l.type}, {"first_neuron", l.first_neuron}, {"neurons", l.neurons}});
    net.provenance = {{"tool", "mosaic-nir import"}, {"source", file_},       {"nir_version", graph_.version},
                      {"dt_ms", options_.dt_ms},    {"reset", options_.reset}, {"layers", layers},
                      {"extra_latency_steps", result_.extra_latency_steps},
                      {"discretisation", "exact for input held over each step (models/SPEC.md section 9.2)"}};
    if (options_.readout_lif) net.provenance["readout_lif_threshold"] = *options_.readout_lif;
  }

  void fill_synapses() {
    Network& net = result_.net;
    net.input.weights.clear();
    net.recurrent.clear();
    for (const auto& [key, w] : input_synapses_)
      if (static_cast<float>(w) != 0.0f) net.input.weights.push_back({key.first, key.second, static_cast<float>(w)});
    for (const auto& [key, w] : recurrent_synapses_)
      if (static_cast<float>(w) != 0.0f) net.recurrent.push_back({key.first, key.second, static_cast<float>(w)});
  }

  // Zero-weight synapses of a mosaic-nir export come back from the metadata.
  void restore_zero_weights(const char* key, bool input) {
    const auto it = graph_.metadata.find(key);
    if (it == graph_.metadata.end()) return;
    const Value& v = it->second;
    if (v.is_string || v.shape.size() != 2 || v.shape[1] != 2) throw InputError(file_, std::string("node.metadata.") + key, "must be (n, 2) ids");
    for (std::uint64_t i = 0; i < v.shape[0]; ++i) {
      const std::pair<int, int> ids{static_cast<int>(v.numbers[2 * i]), static_cast<int>(v.numbers[2 * i + 1])};
      (input ? input_synapses_ : recurrent_synapses_)[ids] += 0.0;
    }
  }

  void finish_restored() {
    Network& net = result_.net;
    fill_synapses();
    restore_zero_weights("mosaic_zero_weight_input", true);
    restore_zero_weights("mosaic_zero_weight_recurrent", false);
    for (const auto& [key, w] : input_synapses_)
      if (w == 0.0) net.input.weights.push_back({key.first, key.second, 0.0f});
    for (const auto& [key, w] : recurrent_synapses_)
      if (w == 0.0) net.recurrent.push_back({key.first, key.second, 0.0f});
    const auto by_pair = [](const auto& a, const auto& b) { return std::tie(a.pre, a.post) < std::tie(b.pre, b.post); };
    std::sort(net.recurrent.begin(), net.recurrent.end(), by_pair);
    std::sort(net.input.weights.begin(), net.input.weights.end(), [](const InputSynapse& a, const InputSynapse& b) {
      return std::tie(a.channel, a.neuron) < std::tie(b.channel, b.neuron);
    });
    if (outputs_ != net.output_neurons) fail(output_, "", "the one-hot read-out differs from the metadata's output neurons");
  }

  const Graph& graph_;
  const ImportOptions& options_;
  std::string file_;
  ImportResult result_;
  std::string input_, output_, selection_;
  std::vector<std::pair<std::string, std::string>> edges_;
  std::vector<Population> populations_;
  std::map<std::string, std::size_t> index_;
  std::vector<Discrete> discrete_;
  double threshold_ = 1.0;
  std::map<std::pair<int, int>, double> input_synapses_, recurrent_synapses_;
  std::vector<int> outputs_;
};

}  // namespace

ImportResult import_graph(const Graph& graph, const ImportOptions& options, const std::string& file) {
  return Importer(graph, options, file).run();
}

}  // namespace mosaic::nir
