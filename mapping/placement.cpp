#include "mapping/placement.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/cuthill_mckee_ordering.hpp>

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

// Movable slots along a serpentine walk over the tiles (row by row, alternating direction),
// so that consecutive slots are in the same or adjacent tiles.
std::vector<int> serpentine_slots(const Network& net, const std::vector<bool>& movable) {
  const Arch& arch = net.arch;
  std::vector<int> slots;
  for (int row = 0; row < arch.rows(); ++row) {
    for (int i = 0; i < arch.cols(); ++i) {
      const int tile = row * arch.cols() + (row % 2 == 0 ? i : arch.cols() - 1 - i);
      for (int n = arch.first_neuron(tile); n < arch.first_neuron(tile) + arch.neurons_per_tile(); ++n)
        if (movable[n]) slots.push_back(n);
    }
  }
  return slots;
}

// Movable neurons in Cuthill-McKee order of the synapse graph among them: neurons that
// share synapses come close together in the order.
std::vector<int> cuthill_mckee_order(const Network& net, const std::vector<bool>& movable) {
  std::vector<int> index_of(net.arch.num_neurons(), -1), neurons;
  for (int n = 0; n < net.arch.num_neurons(); ++n)
    if (movable[n]) {
      index_of[n] = static_cast<int>(neurons.size());
      neurons.push_back(n);
    }
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph graph(neurons.size());
  for (const Synapse& s : net.recurrent)
    if (index_of[s.pre] >= 0 && index_of[s.post] >= 0 && s.pre != s.post)
      boost::add_edge(index_of[s.pre], index_of[s.post], graph);
  std::vector<boost::graph_traits<Graph>::vertex_descriptor> order(neurons.size());
  std::vector<boost::default_color_type> colors(neurons.size());
  boost::cuthill_mckee_ordering(graph, order.begin(),
                                boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph)),
                                boost::make_degree_map(graph));
  std::vector<int> ordered;
  for (auto v : order) ordered.push_back(neurons[v]);
  return ordered;
}

long anneal(PlacementState& state, const std::vector<int>& movable, const PlacementOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<size_t> pick(0, movable.size() - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto random_pair = [&] {
    for (;;) {
      const int a = movable[pick(rng)], b = movable[pick(rng)];
      if (state.tile_of(a) != state.tile_of(b)) return std::pair{a, b};
    }
  };
  // Start hot enough that a typical uphill swap is accepted about half the time.
  double uphill = 0;
  int uphill_count = 0;
  for (int i = 0; i < 200; ++i) {
    auto [a, b] = random_pair();
    const long delta = state.swap(a, b);
    state.swap(a, b);
    if (delta > 0) uphill += delta, ++uphill_count;
  }
  const double start = uphill_count ? uphill / uphill_count / std::log(2.0) : 1.0;
  const double end = std::min(0.05, start * 0.01);
  const long moves = static_cast<long>(options.moves_per_neuron * movable.size());
  long accepted = 0;
  for (long move = 0; move < moves; ++move) {
    const double temperature = start * std::pow(end / start, static_cast<double>(move) / moves);
    auto [a, b] = random_pair();
    const long delta = state.swap(a, b);
    if (delta <= 0 || unit(rng) < std::exp(-delta / temperature)) {
      ++accepted;
    } else {
      state.swap(a, b);
    }
  }
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
  if (net.neuron.alpha.size() > 1)
    for (size_t n = 0; n < new_id.size(); ++n) out.neuron.alpha[new_id[n]] = net.neuron.alpha[n];
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
  std::vector<int> movable_tiles;
  for (int n : movable) movable_tiles.push_back(net.arch.tile_of_neuron(n));
  const bool can_move = std::adjacent_find(movable_tiles.begin(), movable_tiles.end(), std::not_equal_to<>()) !=
                        movable_tiles.end();
  if (options.mode == PlacementMode::Optimize && can_move) {
    PlacementState ordered(net);
    ordered.assign(cuthill_mckee_order(net, is_movable), serpentine_slots(net, is_movable));
    if (ordered.cost() < result.cost_before) state = std::move(ordered);
    result.moves_accepted = anneal(state, movable, options);
  }
  result.new_id = state.slot_of();
  result.placed = renumber_neurons(net, result.new_id);
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
