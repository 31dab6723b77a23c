#include "trainer/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace mosaic::train {

namespace {

template <typename T>
nlohmann::json by_distance(const std::map<int, T>& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [d, v] : values) j[std::to_string(d)] = v;
  return j;
}

}  // namespace

int Connectivity::max_long_range_sources() const {
  return long_range_sources.empty() ? 0 : *std::max_element(long_range_sources.begin(), long_range_sources.end());
}

nlohmann::json Connectivity::to_json() const {
  return {{"synapses_per_distance", by_distance(synapses)},
          {"links_per_distance", by_distance(links)},
          {"max_abs_weight_per_distance", by_distance(max_abs)},
          {"mean_abs_weight_per_distance", by_distance(mean_abs)},
          {"long_range_sources_per_tile", long_range_sources},
          {"max_long_range_sources", max_long_range_sources()}};
}

Connectivity connectivity(const Network& net) {
  const Arch& arch = net.arch;
  const int tiles = arch.num_tiles();
  Connectivity c;
  // seen[pre * tiles + tile]: the link (pre, tile) is already counted.
  std::vector<uint8_t> seen(static_cast<std::size_t>(arch.num_neurons()) * tiles, 0);
  c.long_range_sources.assign(tiles, 0);
  std::map<int, double> sum_abs;
  for (const Synapse& s : net.recurrent) {
    if (s.weight == 0.0f) continue;
    const int from = arch.tile_of_neuron(s.pre), to = arch.tile_of_neuron(s.post);
    const int d = arch.hop_distance(from, to);
    const double w = std::fabs(static_cast<double>(s.weight));
    ++c.synapses[d];
    sum_abs[d] += w;
    c.max_abs[d] = std::max(c.max_abs[d], w);
    uint8_t& counted = seen[static_cast<std::size_t>(s.pre) * tiles + to];
    if (counted) continue;
    counted = 1;
    ++c.links[d];
    if (d >= 3) ++c.long_range_sources[to];
  }
  for (const auto& [d, count] : c.synapses) c.mean_abs[d] = sum_abs[d] / static_cast<double>(count);
  return c;
}

Network without_weights_below(const Network& net, float threshold) {
  Network out = net;
  out.recurrent.clear();
  for (const Synapse& s : net.recurrent)
    if (std::fabs(s.weight) >= threshold) out.recurrent.push_back(s);
  return out;
}

}  // namespace mosaic::train
