#include "trainer/deepr.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mosaic::train {

HopProfile HopProfile::parse(const std::string& text) {
  HopProfile profile;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("profile entry '" + item + "' is not d:p (example 1:1.0,3:0.1)");
    int distance = 0;
    double p = 0;
    try {
      std::size_t used_d = 0, used_p = 0;
      distance = std::stoi(item.substr(0, colon), &used_d);
      p = std::stod(item.substr(colon + 1), &used_p);
      if (used_d != colon || used_p != item.size() - colon - 1) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw std::invalid_argument("profile entry '" + item + "' is not d:p with an integer d and a number p");
    }
    if (distance < 1 || distance % 2 == 0)
      throw std::invalid_argument("profile distance " + std::to_string(distance) +
                                  " is not a hop distance (odd, >= 1)");
    if (!(p >= 0 && p <= 1)) throw std::invalid_argument("profile fraction of d=" + std::to_string(distance) + " not in [0, 1]");
    if (profile.fraction.count(distance))
      throw std::invalid_argument("profile names d=" + std::to_string(distance) + " twice");
    profile.fraction[distance] = p;
  }
  if (profile.fraction.empty()) throw std::invalid_argument("empty profile (example 1:1.0,3:0.1)");
  // p_d = 0 is the same as not naming d.
  for (auto it = profile.fraction.begin(); it != profile.fraction.end();)
    it = it->second == 0 ? profile.fraction.erase(it) : std::next(it);
  return profile;
}

std::string HopProfile::to_string() const {
  std::ostringstream out;
  bool first = true;
  for (const auto& [d, p] : fraction) {
    out << (first ? "" : ",") << d << ":" << p;
    first = false;
  }
  return out.str();
}

double HopProfile::at(int distance) const {
  const auto it = fraction.find(distance);
  return it == fraction.end() ? 0.0 : it->second;
}

LinkMap::LinkMap(const Arch& arch, int num_input_tiles, int num_outputs)
    : arch_(arch),
      num_input_tiles_(num_input_tiles),
      num_outputs_(num_outputs),
      alive_(static_cast<std::size_t>(arch.num_neurons()) * arch.num_tiles(), 0),
      distance_(static_cast<std::size_t>(arch.num_tiles()) * arch.num_tiles(), 0) {
  for (int a = 0; a < num_tiles(); ++a)
    for (int b = 0; b < num_tiles(); ++b) distance_[a * num_tiles() + b] = arch.hop_distance(a, b);
}

void LinkMap::add_in_tile_blocks() {
  for (int n = 0; n < num_neurons(); ++n) {
    const int tile = arch_.tile_of_neuron(n);
    if (in_tile_allowed(tile)) set_alive(n, tile, true);
  }
}

void LinkMap::add_all_links() {
  add_in_tile_blocks();
  for (int n = 0; n < num_neurons(); ++n)
    for (int t = 0; t < num_tiles(); ++t)
      if (t != arch_.tile_of_neuron(n)) set_alive(n, t, true);
}

std::vector<int> LinkMap::live_tiles(int neuron) const {
  std::vector<int> tiles;
  for (int t = 0; t < num_tiles(); ++t)
    if (alive(neuron, t)) tiles.push_back(t);
  return tiles;
}

std::map<int, long> LinkMap::links_per_distance() const {
  std::map<int, long> count;
  for (int n = 0; n < num_neurons(); ++n)
    for (int t = 0; t < num_tiles(); ++t)
      if (alive(n, t)) ++count[distance(arch_.tile_of_neuron(n), t)];
  return count;
}

long LinkMap::live_links_from(int source_tile, int d) const {
  long count = 0;
  const int k = arch_.neurons_per_tile();
  for (int n = source_tile * k; n < (source_tile + 1) * k; ++n)
    for (int t = 0; t < num_tiles(); ++t)
      if (alive(n, t) && distance(source_tile, t) == d) ++count;
  return count;
}

std::vector<float> LinkMap::synapse_mask() const {
  const int n_total = num_neurons();
  const int k = arch_.neurons_per_tile();
  std::vector<float> mask(static_cast<std::size_t>(n_total) * n_total, 0.0f);
  for (int n = 0; n < n_total; ++n)
    for (int t = 0; t < num_tiles(); ++t)
      if (alive(n, t))
        for (int post = t * k; post < (t + 1) * k; ++post)
          mask[static_cast<std::size_t>(n) * n_total + post] = synapse_allowed(n, post) ? 1.0f : 0.0f;
  return mask;
}

void LinkMap::set_raw(std::vector<uint8_t> alive) {
  if (alive.size() != alive_.size()) throw std::invalid_argument("link map of the wrong size");
  alive_ = std::move(alive);
}

float birth_weight(Rng& rng, float w_thr, float birth_scale) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double z = normal(rng);
  const double sign = z >= 0 ? 1.0 : -1.0;
  return static_cast<float>(w_thr * (birth_scale * z + sign));
}

DeepR::DeepR(const Arch& arch, DeepRConfig config) : arch_(arch), config_(std::move(config)) {}

long DeepR::target_links(int source_tile, int d) const {
  const double p = config_.profile.at(d);
  if (p == 0) return 0;
  const double possible = static_cast<double>(arch_.neurons_per_tile()) * arch_.tiles_at_distance(source_tile, d).size();
  // Half-way cases round to even, as numpy's round in the authors' code.
  return static_cast<long>(std::nearbyint(p * possible));
}

void DeepR::initialise(LinkMap& links, std::vector<float>& recurrent, Rng& rng) const {
  const int n_total = arch_.num_neurons();
  const int k = arch_.neurons_per_tile();
  recurrent.assign(static_cast<std::size_t>(n_total) * n_total, 0.0f);
  links.set_raw(std::vector<uint8_t>(links.raw().size(), 0));
  links.add_in_tile_blocks();
  for (int pre = 0; pre < n_total; ++pre) {
    const int tile = arch_.tile_of_neuron(pre);
    if (!links.alive(pre, tile)) continue;
    for (int post = tile * k; post < (tile + 1) * k; ++post)
      if (links.synapse_allowed(pre, post))
        recurrent[static_cast<std::size_t>(pre) * n_total + post] = birth_weight(rng, config_.w_thr, config_.birth_scale);
  }
  for (int s = 0; s < arch_.num_tiles(); ++s)
    for (const auto& [d, p] : config_.profile.fraction) grow(links, recurrent, s, d, rng);
}

std::vector<std::pair<int, int>> DeepR::dead_links(const LinkMap& links, const std::vector<float>& recurrent) const {
  const int n_total = arch_.num_neurons();
  const int k = arch_.neurons_per_tile();
  std::vector<std::pair<int, int>> dead;
  for (int pre = 0; pre < n_total; ++pre)
    for (int t = 0; t < arch_.num_tiles(); ++t) {
      if (!links.alive(pre, t) || links.is_protected(pre, t)) continue;
      const float* w = &recurrent[static_cast<std::size_t>(pre) * n_total + t * k];
      int active = 0;
      for (int i = 0; i < k; ++i) active += std::fabs(w[i]) >= config_.w_thr ? 1 : 0;
      if (active < config_.c_min) dead.emplace_back(pre, t);
    }
  return dead;
}

RewireStats DeepR::rewire(LinkMap& links, std::vector<float>& recurrent, std::vector<std::vector<float>*> moments,
                          Rng& rng) const {
  const int n_total = arch_.num_neurons();
  const int k = arch_.neurons_per_tile();
  RewireStats stats;
  for (const auto& [pre, t] : dead_links(links, recurrent)) {
    links.set_alive(pre, t, false);
    const std::size_t first = static_cast<std::size_t>(pre) * n_total + t * k;
    std::fill_n(recurrent.begin() + first, k, 0.0f);
    for (auto* moment : moments) std::fill_n(moment->begin() + first, k, 0.0f);
    ++stats.pruned;
  }
  for (int s = 0; s < arch_.num_tiles(); ++s)
    for (const auto& [d, p] : config_.profile.fraction) stats.regrown += grow(links, recurrent, s, d, rng);
  return stats;
}

long DeepR::grow(LinkMap& links, std::vector<float>& recurrent, int source_tile, int d, Rng& rng) const {
  const int n_total = arch_.num_neurons();
  const int k = arch_.neurons_per_tile();
  const long deficit = target_links(source_tile, d) - links.live_links_from(source_tile, d);
  if (deficit <= 0) return 0;
  // Free pairs in a fixed order (neuron, then tile), then a partial Fisher-Yates draw.
  std::vector<std::pair<int, int>> free_pairs;
  const std::vector<int> targets = arch_.tiles_at_distance(source_tile, d);
  for (int pre = source_tile * k; pre < (source_tile + 1) * k; ++pre)
    for (int t : targets)
      if (!links.alive(pre, t)) free_pairs.emplace_back(pre, t);
  const long chosen = std::min<long>(deficit, static_cast<long>(free_pairs.size()));
  for (long i = 0; i < chosen; ++i) {
    std::uniform_int_distribution<long> pick(i, static_cast<long>(free_pairs.size()) - 1);
    std::swap(free_pairs[i], free_pairs[pick(rng)]);
    const auto [pre, t] = free_pairs[i];
    links.set_alive(pre, t, true);
    float* w = &recurrent[static_cast<std::size_t>(pre) * n_total + t * k];
    for (int post = 0; post < k; ++post)
      w[post] = links.synapse_allowed(pre, t * k + post) ? birth_weight(rng, config_.w_thr, config_.birth_scale) : 0.0f;
  }
  return chosen;
}

}  // namespace mosaic::train
