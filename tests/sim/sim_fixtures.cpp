#include "sim_fixtures.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <unistd.h>

namespace mosaic::sim::testing {

Network random_network(const Arch& arch, unsigned seed, double link_probability) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::normal_distribution<float> input_weight(0.4f, 0.3f), recurrent_weight(-0.04f, 0.2f);
  const int k = arch.neurons_per_tile();
  Network net;
  net.arch = arch;
  net.num_classes = 4;
  net.input.shd_channels = 2 * arch.cols() * k;  // two interleaved subsets
  net.input.n_inp = arch.cols() * k;
  net.input.interleave_k = interleave_factor(net.input.shd_channels, net.input.n_inp);
  net.input.bins = 40;
  net.input.t_max_s = 1.0;
  for (int c = 0; c < net.num_classes; ++c) net.output_neurons.push_back(arch.num_neurons() - net.num_classes + c);
  auto is_output = [&](int n) { return n >= arch.num_neurons() - net.num_classes; };

  for (int j = 0; j < net.input.n_inp; ++j)
    for (int i = 0; i < k; ++i)
      if (coin(rng) < 0.5) net.input.weights.push_back({j, (j / k) * k + i, input_weight(rng)});
  for (int pre = 0; pre < arch.num_neurons(); ++pre) {
    const int home = arch.tile_of_neuron(pre);
    for (int tile = 0; tile < arch.num_tiles(); ++tile) {
      const bool own = tile == home;
      if (own && net.is_input_tile(tile)) continue;
      if (!own && coin(rng) >= link_probability) continue;
      for (int post = arch.first_neuron(tile); post < arch.first_neuron(tile) + k; ++post) {
        if (post == pre || (is_output(pre) && is_output(post))) continue;
        net.recurrent.push_back({pre, post, recurrent_weight(rng)});
      }
    }
  }
  return net;
}

namespace {
Side side_towards(GridPos from, GridPos to) {
  for (Side s : kAllSides)
    if (step(from, s) == to) return s;
  throw std::invalid_argument("PathTables: cells of a path must be adjacent");
}
}  // namespace

void PathTables::add_path(int source, const std::vector<GridPos>& routers, int dest_tile, const std::vector<int>& targets) {
  const Arch& arch = net_.arch;
  GridPos previous = arch.tile_pos(arch.tile_of_neuron(source));
  for (std::size_t i = 0; i < routers.size(); ++i) {
    const GridPos next = i + 1 < routers.size() ? routers[i + 1] : arch.tile_pos(dest_tile);
    const int in_side = static_cast<int>(side_towards(routers[i], previous));
    router_lines_[{routers[i], {in_side, source}}].insert(static_cast<int>(side_towards(routers[i], next)));
    previous = routers[i];
  }
  const int entry = static_cast<int>(side_towards(arch.tile_pos(dest_tile), routers.back()));
  tile_lines_[{dest_tile, {entry, source}}].insert(targets.begin(), targets.end());
}

mapping::RoutingTables PathTables::tables(const std::string& routing_name) const {
  const Arch& arch = net_.arch;
  mapping::RoutingTables tables;
  tables.arch = arch.name();
  tables.connectivity_digest = connectivity_digest(net_);
  tables.routing = routing_name;
  for (GridPos p : arch.routers()) {
    mapping::RouterTable table;
    table.pos = p;
    table.type = arch.cell_type(p);
    for (const auto& [key, outs] : router_lines_) {
      if (key.first != p) continue;
      mapping::RouterLine line;
      line.in_side = static_cast<Side>(key.second.first);
      line.source = key.second.second;
      for (int o : outs) line.out_sides.push_back(static_cast<Side>(o));
      table.lines.push_back(line);
    }
    if (!table.lines.empty()) tables.routers.push_back(table);
  }
  for (int t = 0; t < arch.num_tiles(); ++t) {
    mapping::TileTable table;
    table.tile = t;
    for (const auto& [key, targets] : tile_lines_)
      if (key.first == t)
        table.lines.push_back({key.second.second, static_cast<Side>(key.second.first),
                               std::vector<int>(targets.begin(), targets.end())});
    tables.tiles.push_back(table);
  }
  // compile_routes trusts its tables: hand-made ones pass the check tables from a file pass
  // (under a routing name it knows; the fixture's name only labels the test).
  tables.routing = "tree";
  tables = mapping::validate_tables(net_, tables, "fixture tables");
  tables.routing = routing_name;
  return tables;
}

mapping::RoutingTables south_first_tables(const Network& net, std::vector<std::vector<int>>* hops) {
  const Arch& arch = net.arch;
  std::map<int, std::map<int, std::vector<int>>> targets_of;  // source -> destination tile -> targets
  for (const Synapse& s : net.recurrent)
    if (arch.tile_of_neuron(s.pre) != arch.tile_of_neuron(s.post))
      targets_of[s.pre][arch.tile_of_neuron(s.post)].push_back(s.post);
  if (hops) hops->assign(arch.num_neurons(), std::vector<int>(arch.num_tiles(), -1));
  PathTables builder(net);
  for (const auto& [source, per_tile] : targets_of) {
    const GridPos from = arch.tile_pos(arch.tile_of_neuron(source));
    for (const auto& [dest, targets] : per_tile) {
      const GridPos to = arch.tile_pos(dest);
      std::vector<GridPos> cells{{from.x + 1, from.y}};
      while (cells.back().y != to.y - 1) cells.push_back(step(cells.back(), cells.back().y < to.y - 1 ? Side::East : Side::West));
      while (cells.back().x != to.x) cells.push_back(step(cells.back(), cells.back().x < to.x ? Side::South : Side::North));
      builder.add_path(source, cells, dest, targets);
      if (hops) (*hops)[source][dest] = static_cast<int>(cells.size());
    }
  }
  return builder.tables("south-first");
}

std::vector<BinnedSample> write_and_bin_samples(const Network& net, const std::string& path, int recordings,
                                                unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> time(0.0f, static_cast<float>(net.input.t_max_s) * 0.9f);
  std::uniform_int_distribution<int> channel(0, net.input.shd_channels - 1), label(0, net.num_classes - 1),
      count(150, 450);
  std::vector<ShdSample> samples(recordings);
  for (ShdSample& s : samples) {
    std::vector<std::pair<float, int>> spikes(count(rng));
    for (auto& spike : spikes) spike = {time(rng), channel(rng)};
    std::sort(spikes.begin(), spikes.end());
    for (const auto& [t, c] : spikes) {
      s.times.push_back(t);
      s.units.push_back(static_cast<uint16_t>(c));
    }
    s.label = label(rng);
    s.speaker = 0;
  }
  ShdExtra extra;
  for (int c = 0; c < net.num_classes; ++c) extra.keys.push_back("class" + std::to_string(c));
  write_shd(path, samples, extra);

  ShdReader reader(path, net.input.shd_channels, net.num_classes);
  std::vector<BinnedSample> binned;
  for (std::size_t i = 0; i < reader.size(); ++i) {
    auto subsets = bin_all_subsets(reader.read(i), bin_spec(net.input));
    for (auto& b : subsets) {
      b.recording = static_cast<int>(i);
      binned.push_back(std::move(b));
    }
  }
  return binned;
}

ScratchDir::ScratchDir(const std::string& test_name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mosaic-sim-test-" + test_name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  path_ = dir.string();
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

NetworkOnDisk::NetworkOnDisk(const std::string& test_name, int recordings)
    : scratch(test_name), dir(scratch.path()), net(random_network(Arch(3, 3, 16), 7)) {
  write_network(dir + "/net.json", net);
  samples = write_and_bin_samples(net, dir + "/input.h5", recordings, 11);
}

}  // namespace mosaic::sim::testing
