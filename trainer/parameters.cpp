#include "trainer/parameters.hpp"

#include <stdexcept>

namespace mosaic::train {

Rng make_rng(uint64_t seed, RngStream stream, uint64_t counter) {
  const auto s = static_cast<uint64_t>(stream);
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(s),
                    static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32)};
  return Rng(seq);
}

LinkMap empty_link_map(const ModelSpec& model) {
  model.validate();  // the outputs fit in the last tile, the input tiles leave it free
  return LinkMap(model.arch, model.num_input_tiles(), model.num_classes);
}

void initialise(const TrainConfig& config, Parameters& params, LinkMap& links) {
  const ModelSpec& model = config.model;
  const int n_total = model.arch.num_neurons();
  const int k = model.arch.neurons_per_tile();
  links = empty_link_map(model);
  Rng rng = make_rng(config.seed, RngStream::Init);
  params.input.assign(static_cast<std::size_t>(model.input_channels()) * k, 0.0f);
  if (config.mode == Mode::RoutingAware) {
    // The input weights sit in the input tiles' own crossbars: born like every synapse.
    DeepR(model.arch, config.deepr).initialise(links, params.recurrent, rng);
    for (float& w : params.input) w = birth_weight(rng, config.deepr.w_thr, config.deepr.birth_scale);
    return;
  }
  links.add_all_links();
  std::normal_distribution<double> normal(0.0, config.init_gain);
  params.recurrent.assign(static_cast<std::size_t>(n_total) * n_total, 0.0f);
  for (int pre = 0; pre < n_total; ++pre)
    for (int post = 0; post < n_total; ++post)
      if (links.synapse_allowed(pre, post))
        params.recurrent[static_cast<std::size_t>(pre) * n_total + post] = static_cast<float>(normal(rng));
  for (float& w : params.input) w = static_cast<float>(normal(rng));
}

long live_synapses(const LinkMap& links, const Parameters& params) {
  const int n_total = links.num_neurons();
  long count = 0;
  for (int pre = 0; pre < n_total; ++pre)
    for (int post = 0; post < n_total; ++post)
      if (params.recurrent[static_cast<std::size_t>(pre) * n_total + post] != 0.0f && links.synapse_allowed(pre, post))
        ++count;
  return count;
}

Network to_network(const ModelSpec& model, const Parameters& params, const LinkMap& links) {
  const int n_total = model.arch.num_neurons();
  const int k = model.arch.neurons_per_tile();
  Network net;
  net.arch = model.arch;
  net.neuron.alpha = {model.alpha()};
  net.neuron.threshold = model.theta;
  net.neuron.dt_ms = model.dt_ms;
  net.neuron.tau_ms = model.tau_ms;
  net.input.shd_channels = model.shd_channels;
  net.input.bins = model.bins;
  net.input.t_max_s = model.t_max_s;
  net.input.n_inp = model.input_channels();
  net.input.interleave_k = model.interleave_k();
  for (int j = 0; j < model.input_channels(); ++j)
    for (int i = 0; i < k; ++i) {
      const float w = params.input[static_cast<std::size_t>(j) * k + i];
      if (w != 0.0f) net.input.weights.push_back({j, (j / k) * k + i, w});
    }
  for (int pre = 0; pre < n_total; ++pre)
    for (int post = 0; post < n_total; ++post) {
      const float w = params.recurrent[static_cast<std::size_t>(pre) * n_total + post];
      if (w != 0.0f && links.synapse_allowed(pre, post)) net.recurrent.push_back({pre, post, w});
    }
  net.num_classes = model.num_classes;
  for (int c = 0; c < model.num_classes; ++c) net.output_neurons.push_back(n_total - model.num_classes + c);
  return net;
}

}  // namespace mosaic::train
