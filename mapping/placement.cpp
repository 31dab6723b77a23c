#include "mapping/placement.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>


namespace mosaic::mapping {

std::string placement_name(PlacementMode mode) { return mode == PlacementMode::Fixed ? "fixed" : "optimize"; }

PlacementMode parse_placement(const std::string& name) {
  if (name == "fixed") return PlacementMode::Fixed;
  if (name == "optimize") return PlacementMode::Optimize;
  throw std::invalid_argument("unknown placement '" + name + "' (fixed or optimize)");
}

std::vector<bool> movable_neurons(const Network& net) {
  std::vector<bool> movable(net.arch.num_neurons(), true);
  for (int n = 0; n < net.arch.num_neurons(); ++n) movable[n] = !net.is_input_tile(net.arch.tile_of_neuron(n));
  for (int n : net.output_neurons) movable[n] = false;
  return movable;
}

namespace {

// Neurons in slots (slot = the neuron id it will get), with the link counts the cost needs:
// synapses[s][t] = synapses from neuron s into tile t. A link exists where that is > 0.
class PlacementState {
 public:
  explicit PlacementState(const Network& net)
      : tiles_(net.arch.num_tiles()), k_(net.arch.neurons_per_tile()), hop_(tiles_ * tiles_),
        pres_(net.arch.num_neurons()), slot_of_(net.arch.num_neurons()), neuron_at_(net.arch.num_neurons()),
        synapses_(static_cast<size_t>(net.arch.num_neurons()) * tiles_, 0), stamp_(net.arch.num_neurons(), 0) {
    for (int a = 0; a < tiles_; ++a)
      for (int b = 0; b < tiles_; ++b) hop_[a * tiles_ + b] = net.arch.hop_distance(a, b);
    for (const Synapse& s : net.recurrent) pres_[s.post].push_back(s.pre);
    for (int n = 0; n < net.arch.num_neurons(); ++n) slot_of_[n] = neuron_at_[n] = n;
    for (const Synapse& s : net.recurrent) ++synapses_[index(s.pre, tile_of(s.post))];
  }

  int tile_of(int neuron) const { return slot_of_[neuron] / k_; }
  int neuron_at(int slot) const { return neuron_at_[slot]; }
  const std::vector<int>& slot_of() const { return slot_of_; }

  long cost() const {
    long total = 0;
    for (int n = 0; n < static_cast<int>(slot_of_.size()); ++n) total += row_cost(n);
    return total;
  }

  // Swaps the slots of neurons a and b; returns the change of cost.
  long swap(int a, int b) {
    const int tile_a = tile_of(a), tile_b = tile_of(b);
    collect_affected(a, b);
    long delta = -affected_cost(a, b, tile_a, tile_b);
    for (int p : pres_[a]) move_synapse(p, tile_a, tile_b);
    for (int p : pres_[b]) move_synapse(p, tile_b, tile_a);
    std::swap(slot_of_[a], slot_of_[b]);
    std::swap(neuron_at_[slot_of_[a]], neuron_at_[slot_of_[b]]);
    return delta + affected_cost(a, b, tile_a, tile_b);
  }

  // Lays `order` (neurons) into `slots` (same length), in that order.
  void assign(const std::vector<int>& order, const std::vector<int>& slots) {
    for (size_t i = 0; i < order.size(); ++i) {
      const int other = neuron_at_[slots[i]];
      if (other != order[i]) swap(order[i], other);
    }
  }

 private:
  size_t index(int neuron, int tile) const { return static_cast<size_t>(neuron) * tiles_ + tile; }
  long term(int source, int tile) const {
    return synapses_[index(source, tile)] > 0 && tile != tile_of(source) ? hop_[tile_of(source) * tiles_ + tile] : 0;
  }
  long row_cost(int source) const {
    long total = 0;
    for (int t = 0; t < tiles_; ++t) total += term(source, t);
    return total;
  }
  void move_synapse(int pre, int from_tile, int to_tile) {
    --synapses_[index(pre, from_tile)];
    ++synapses_[index(pre, to_tile)];
  }
  // Sources whose links into tile_a or tile_b may change: the presynaptic neurons of a and b.
  void collect_affected(int a, int b) {
    ++current_stamp_;
    stamp_[a] = stamp_[b] = current_stamp_;  // their whole rows are recomputed instead
    affected_.clear();
    for (int n : {a, b})
      for (int p : pres_[n])
        if (stamp_[p] != current_stamp_) {
          stamp_[p] = current_stamp_;
          affected_.push_back(p);
        }
  }
  long affected_cost(int a, int b, int tile_a, int tile_b) const {
    long total = row_cost(a) + row_cost(b);
    for (int p : affected_) total += term(p, tile_a) + term(p, tile_b);
    return total;
  }

  int tiles_, k_;
  std::vector<int> hop_;
  std::vector<std::vector<int>> pres_;
  std::vector<int> slot_of_, neuron_at_;
  std::vector<int> synapses_;
  std::vector<int> affected_;
  std::vector<unsigned> stamp_;
  unsigned current_stamp_ = 0;
};

constexpr long kArrangementMovesPerTile = 2000;
constexpr int kArrangementRestarts = 4;
constexpr int kMakeWayDraws = 4;

// Movable slots of each tile, the tiles in a serpentine walk (row by row, alternating
// direction) so that consecutive tiles are neighbours.
std::vector<std::vector<int>> serpentine_tile_slots(const Network& net, const std::vector<bool>& movable) {
  const Arch& arch = net.arch;
  std::vector<std::vector<int>> tiles;
  for (int row = 0; row < arch.rows(); ++row) {
    for (int i = 0; i < arch.cols(); ++i) {
      const int tile = row * arch.cols() + (row % 2 == 0 ? i : arch.cols() - 1 - i);
      std::vector<int> slots;
      for (int n = arch.first_neuron(tile); n < arch.first_neuron(tile) + arch.neurons_per_tile(); ++n)
        if (movable[n]) slots.push_back(n);
      if (!slots.empty()) tiles.push_back(std::move(slots));
    }
  }
  return tiles;
}

// Greedy graph partition. Neurons that belong together have the same synaptic partners
// (in a routing-aware network: their tile and its linked tiles), so a tile is grown from its
// fixed neurons, or else from a seed most connected to the previous tile, by adding the
// unplaced movable neuron most similar to the tile's members: the sum over members of the
// cosine similarity of their partner sets (shared partners / sqrt of both partner counts). Tiles holding fixed neurons are grown first; the others
// follow `tile_slots` (a serpentine walk). Returns the neuron for each slot, flattened.
std::vector<int> greedy_partition(const Network& net, const std::vector<bool>& movable,
                                  const std::vector<std::vector<int>>& tile_slots) {
  const Arch& arch = net.arch;
  const int neurons = arch.num_neurons();
  std::vector<std::vector<int>> partners(neurons);  // symmetric: pre or post, self excluded
  for (const Synapse& s : net.recurrent)
    if (s.pre != s.post) partners[s.pre].push_back(s.post), partners[s.post].push_back(s.pre);
  for (auto& p : partners) {
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
  }
  std::vector<bool> placed(neurons, false);
  std::vector<double> shared(neurons, 0);
  std::vector<int> direct(neurons, 0), previous_direct(neurons, 0);
  const auto norm = [&](int n) { return std::sqrt(static_cast<double>(std::max<size_t>(1, partners[n].size()))); };
  const auto join = [&](int member) {
    const double weight = 1.0 / norm(member);
    for (int x : partners[member]) {
      ++direct[x];
      for (int n : partners[x]) shared[n] += weight;
    }
  };
  const auto better = [&](int a, int b) {  // a is more similar to the members than b
    const double score_a = shared[a] / norm(a), score_b = shared[b] / norm(b);
    return score_a != score_b ? score_a > score_b : previous_direct[a] > previous_direct[b];
  };

  std::vector<size_t> tile_order(tile_slots.size());
  for (size_t t = 0; t < tile_order.size(); ++t) tile_order[t] = t;
  const auto has_fixed = [&](size_t t) { return static_cast<int>(tile_slots[t].size()) < arch.neurons_per_tile(); };
  std::stable_partition(tile_order.begin(), tile_order.end(), has_fixed);

  std::vector<std::vector<int>> chosen(tile_slots.size());
  for (size_t t : tile_order) {
    std::fill(shared.begin(), shared.end(), 0);
    std::fill(direct.begin(), direct.end(), 0);
    const int tile = arch.tile_of_neuron(tile_slots[t].front());
    for (int n = arch.first_neuron(tile); n < arch.first_neuron(tile) + arch.neurons_per_tile(); ++n)
      if (!movable[n]) join(n);
    for (size_t i = 0; i < tile_slots[t].size(); ++i) {
      int best = -1;
      for (int n = 0; n < neurons; ++n)
        if (movable[n] && !placed[n] && (best < 0 || better(n, best))) best = n;
      placed[best] = true;
      chosen[t].push_back(best);
      join(best);
    }
    previous_direct = direct;
  }
  std::vector<int> order;
  for (const auto& tile : chosen) order.insert(order.end(), tile.begin(), tile.end());
  return order;
}

// Metropolis annealing with geometric cooling from `start` to `end`. `propose` applies a
// random move and returns the change of cost; `undo` reverts the last move.
template <typename Propose, typename Undo>
long anneal(std::mt19937_64& rng, long moves, double start, double end, Propose&& propose, Undo&& undo) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long accepted = 0;
  for (long move = 0; move < moves; ++move) {
    const double temperature = start * std::pow(end / start, static_cast<double>(move) / moves);
    const long delta = propose();
    if (delta <= 0 || unit(rng) < std::exp(-delta / temperature)) {
      ++accepted;
    } else {
      undo();
    }
  }
  return accepted;
}

// A temperature at which a typical uphill move is accepted about half the time.
template <typename Propose, typename Undo>
double typical_uphill(Propose&& propose, Undo&& undo) {
  double uphill = 0;
  int count = 0;
  for (int i = 0; i < 200; ++i) {
    const long delta = propose();
    undo();
    if (delta > 0) uphill += delta, ++count;
  }
  return count ? uphill / count / std::log(2.0) : 1.0;
}

// Arranges the groups of a partition on the grid: every tile's content (its fixed neurons
// and its group) is a unit; units whose tile has only movable slots may trade tiles.
// Cost: for every ordered pair of units, the neurons of one with a synapse into the other,
// times the hop distance of their tiles. Annealing over exchanges of two units' tiles.
// Returns the tile each unit (by tile of origin) ends on.
std::vector<int> arrange_groups(const Network& net, const PlacementState& grouped, const std::vector<bool>& swappable,
                                std::mt19937_64& rng, long moves) {
  const Arch& arch = net.arch;
  const int units = arch.num_tiles();
  std::vector<long> weight(static_cast<size_t>(units) * units, 0);  // symmetric link counts
  std::vector<std::vector<int>> posts(arch.num_neurons());
  for (const Synapse& s : net.recurrent) posts[s.pre].push_back(grouped.tile_of(s.post));
  for (int n = 0; n < arch.num_neurons(); ++n) {
    auto& tiles = posts[n];
    std::sort(tiles.begin(), tiles.end());
    tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
    const int own = grouped.tile_of(n);
    for (int t : tiles)
      if (t != own) ++weight[own * units + t], ++weight[t * units + own];
  }
  std::vector<int> hop(static_cast<size_t>(units) * units);
  for (int a = 0; a < units; ++a)
    for (int b = 0; b < units; ++b) hop[a * units + b] = arch.hop_distance(a, b);
  std::vector<int> tile_of_unit(units), candidates;
  for (int u = 0; u < units; ++u) {
    tile_of_unit[u] = u;
    if (swappable[u]) candidates.push_back(u);
  }
  if (candidates.size() < 2) return tile_of_unit;
  std::uniform_int_distribution<size_t> pick(0, candidates.size() - 1);
  int unit_a = 0, unit_b = 0;
  const auto exchange = [&] {
    long delta = 0;
    const int tile_a = tile_of_unit[unit_a], tile_b = tile_of_unit[unit_b];
    for (int v = 0; v < units; ++v) {
      if (v == unit_a || v == unit_b) continue;
      const int tile_v = tile_of_unit[v];
      const long change = hop[tile_b * units + tile_v] - hop[tile_a * units + tile_v];
      delta += (weight[unit_a * units + v] - weight[unit_b * units + v]) * change;
    }
    std::swap(tile_of_unit[unit_a], tile_of_unit[unit_b]);
    return delta;
  };
  const auto propose = [&] {
    do {
      unit_a = candidates[pick(rng)], unit_b = candidates[pick(rng)];
    } while (unit_a == unit_b);
    return exchange();
  };
  const auto total_cost = [&] {
    long cost = 0;
    for (int u = 0; u < units; ++u)
      for (int v = u + 1; v < units; ++v) cost += weight[u * units + v] * hop[tile_of_unit[u] * units + tile_of_unit[v]];
    return cost;
  };
  // Independent restarts from the partition's arrangement; the best one wins.
  const std::vector<int> initial = tile_of_unit;
  std::vector<int> best = initial;
  long best_cost = total_cost();
  for (int restart = 0; restart < kArrangementRestarts; ++restart) {
    tile_of_unit = initial;
    const double start = typical_uphill(propose, exchange);
    anneal(rng, moves, start, std::min(0.05, start * 1e-3), propose, exchange);
    if (total_cost() < best_cost) best = tile_of_unit, best_cost = total_cost();
  }
  return best;
}

// Single neurons trade tiles: a random movable neuron goes to the tile of one of its
// synaptic partners, trading places with a neuron there that has few partners in that tile.
// A refinement: it
// starts cool and never returns a placement worse than the one it started from.
long refine(const Network& net, PlacementState& state, const std::vector<std::vector<int>>& slots_of_tile,
            const std::vector<int>& movable, std::mt19937_64& rng, long moves) {
  std::vector<std::vector<int>> partners(net.arch.num_neurons());
  for (const Synapse& s : net.recurrent)
    if (s.pre != s.post) partners[s.pre].push_back(s.post), partners[s.post].push_back(s.pre);
  std::uniform_int_distribution<size_t> pick(0, movable.size() - 1);
  int neuron_a = 0, neuron_b = 0;
  const auto propose = [&] {
    for (;;) {
      neuron_a = movable[pick(rng)];
      const std::vector<int>& mine = partners[neuron_a];
      const int target = state.tile_of(mine.empty() ? movable[pick(rng)] : mine[rng() % mine.size()]);
      const std::vector<int>& slots = slots_of_tile[target];
      if (target == state.tile_of(neuron_a) || slots.empty()) continue;
      // Of a few random neurons there, the one least tied to that tile makes way.
      neuron_b = -1;
      int fewest_ties = 0;
      for (int draw = 0; draw < kMakeWayDraws; ++draw) {
        const int candidate = state.neuron_at(slots[rng() % slots.size()]);
        const int ties = static_cast<int>(std::count_if(partners[candidate].begin(), partners[candidate].end(),
                                                        [&](int p) { return state.tile_of(p) == target; }));
        if (neuron_b < 0 || ties < fewest_ties) neuron_b = candidate, fewest_ties = ties;
      }
      return state.swap(neuron_a, neuron_b);
    }
  };
  const auto undo = [&] { state.swap(neuron_a, neuron_b); };
  const PlacementState start_state = state;
  const long start_cost = state.cost();
  const double start = std::min(1.0, typical_uphill(propose, undo));
  const long accepted = anneal(rng, moves, start, 0.02, propose, undo);
  if (state.cost() > start_cost) state = start_state;
  return accepted;
}

}  // namespace

long placement_cost(const Network& net) { return PlacementState(net).cost(); }

Network renumber_neurons(const Network& net, const std::vector<int>& new_id) {
  Network out = net;
  for (Synapse& s : out.recurrent) s.pre = new_id[s.pre], s.post = new_id[s.post];
  std::sort(out.recurrent.begin(), out.recurrent.end(),
            [](const Synapse& a, const Synapse& b) { return a.pre != b.pre ? a.pre < b.pre : a.post < b.post; });
  for (InputSynapse& s : out.input.weights) s.neuron = new_id[s.neuron];
  for (int& n : out.output_neurons) n = new_id[n];
  out.neuron = permute_neuron_params(net.neuron, new_id);
  return out;
}

PlacementResult place_network(const Network& net, const PlacementOptions& options) {
  PlacementResult result;
  PlacementState state(net);
  result.cost_before = state.cost();
  const std::vector<bool> is_movable = movable_neurons(net);
  std::vector<int> movable;
  for (int n = 0; n < net.arch.num_neurons(); ++n)
    if (is_movable[n]) movable.push_back(n);
  const std::vector<std::vector<int>> tile_slots = serpentine_tile_slots(net, is_movable);
  if (options.mode == PlacementMode::Optimize && tile_slots.size() > 1) {
    std::mt19937_64 rng(options.seed);
    // Partition, then arrange the groups on the grid; keep it if it beats the input.
    PlacementState grouped(net);
    std::vector<int> slots;
    for (const auto& tile : tile_slots) slots.insert(slots.end(), tile.begin(), tile.end());
    grouped.assign(greedy_partition(net, is_movable, tile_slots), slots);
    std::vector<std::vector<int>> slots_of_tile(net.arch.num_tiles());
    for (int n : movable) slots_of_tile[net.arch.tile_of_neuron(n)].push_back(n);
    std::vector<bool> swappable(net.arch.num_tiles());
    for (int t = 0; t < net.arch.num_tiles(); ++t)
      swappable[t] = static_cast<int>(slots_of_tile[t].size()) == net.arch.neurons_per_tile();
    const std::vector<int> tile_of_unit = arrange_groups(net, grouped, swappable, rng, kArrangementMovesPerTile * net.arch.num_tiles());
    std::vector<int> arranged_order, arranged_slots;
    for (int unit = 0; unit < net.arch.num_tiles(); ++unit) {
      if (!swappable[unit]) continue;
      for (size_t i = 0; i < slots_of_tile[unit].size(); ++i) {
        arranged_order.push_back(grouped.neuron_at(slots_of_tile[unit][i]));
        arranged_slots.push_back(slots_of_tile[tile_of_unit[unit]][i]);
      }
    }
    grouped.assign(arranged_order, arranged_slots);
    if (grouped.cost() < result.cost_before) state = std::move(grouped);
    result.moves_accepted = refine(net, state, slots_of_tile, movable, rng,
                                   static_cast<long>(options.moves_per_neuron * movable.size()));
  }
  result.new_id = state.slot_of();
  // A fixed placement is the network itself (renumbering would only re-sort its synapses).
  result.placed = options.mode == PlacementMode::Fixed ? net : renumber_neurons(net, result.new_id);
  result.cost_after = state.cost();
  return result;
}

nlohmann::json placement_to_json(const PlacementOptions& options, const PlacementResult& result) {
  nlohmann::json j = {{"mode", placement_name(options.mode)}, {"cost", "sum of link hop distances"},
                      {"cost_before", result.cost_before}, {"cost_after", result.cost_after}};
  if (options.mode == PlacementMode::Optimize)
    j.update({{"seed", options.seed}, {"moves_per_neuron", options.moves_per_neuron},
              {"moves_accepted", result.moves_accepted}});
  return j;
}

}  // namespace mosaic::mapping
