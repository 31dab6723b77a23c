#include "models/reference.hpp"

#include <numeric>

#include "models/score.hpp"

namespace mosaic {

namespace {
std::vector<int> all_neurons(const Network& net) {
  std::vector<int> ids(net.arch.num_neurons());
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}
}  // namespace

ReferenceModel::ReferenceModel(const Network& net) : net_(net), population_(net, all_neurons(net)) {}

ForwardResult ReferenceModel::run(const BinnedSample& sample, bool record_potentials) {
  population_.reset();
  ForwardResult result;
  result.class_counts.assign(net_.num_classes, 0);
  std::vector<uint8_t> active(num_keys(net_), 0);
  std::vector<int> previous;  // z[t-1]
  std::vector<int> output_class(net_.arch.num_neurons(), -1);
  for (int c = 0; c < net_.num_classes; ++c) output_class[net_.output_neurons[c]] = c;

  for (const auto& channels : sample.active) {
    for (int j : channels) active[input_key(j)] = 1;
    for (int n : previous) active[neuron_key(net_, n)] = 1;
    std::vector<int> spiked;
    population_.step(active, spiked);
    for (int j : channels) active[input_key(j)] = 0;
    for (int n : previous) active[neuron_key(net_, n)] = 0;
    for (int n : spiked)
      if (output_class[n] >= 0) ++result.class_counts[output_class[n]];
    result.spikes.push_back(spiked);
    if (record_potentials) result.potentials.push_back(population_.potentials());
    previous = std::move(spiked);
  }
  result.prediction = predict_class(result.class_counts);
  return result;
}

}  // namespace mosaic
