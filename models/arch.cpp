#include "models/arch.hpp"

#include <cstdlib>
#include <regex>
#include <stdexcept>

#include "models/json_fields.hpp"

namespace mosaic {

Side opposite(Side s) { return static_cast<Side>((static_cast<int>(s) + 2) % 4); }

char side_letter(Side s) { return "NESW"[static_cast<int>(s)]; }

std::string cell_type_name(CellType t) {
  switch (t) {
    case CellType::NeuronTile: return "NT";
    case CellType::R1: return "R1";
    case CellType::R0: return "R0";
  }
  return "?";
}

GridPos step(GridPos p, Side s) {
  switch (s) {
    case Side::North: return {p.x - 1, p.y};
    case Side::East: return {p.x, p.y + 1};
    case Side::South: return {p.x + 1, p.y};
    case Side::West: return {p.x, p.y - 1};
  }
  return p;
}

Side canonical_r1_side(Side physical) {
  switch (physical) {
    case Side::East: return Side::North;
    case Side::South: return Side::East;
    case Side::West: return Side::South;
    case Side::North: return Side::West;
  }
  return physical;
}

namespace {
// Neuron ids are ints and every tool keeps per-neuron state, so a chip holds at most 2^24
// neurons (64 MB per float of state; far beyond any Mosaic array). Past it, R x C x K would
// overflow int in num_neurons() for the largest R, C, K a file may give.
constexpr long kMaxNeurons = 1L << 24;
}  // namespace

Arch::Arch(int rows, int cols, int neurons_per_tile) : rows_(rows), cols_(cols), k_(neurons_per_tile) {
  if (rows < 1 || cols < 1 || neurons_per_tile < 1) {
    throw std::invalid_argument("arch: rows, cols and neurons per tile must be positive");
  }
  const long neurons = static_cast<long>(rows) * cols * neurons_per_tile;
  if (neurons > kMaxNeurons) {
    throw std::invalid_argument("arch: " + name() + " has " + std::to_string(neurons) + " neurons, more than " +
                                std::to_string(kMaxNeurons));
  }
}

Arch Arch::parse(const std::string& spec) {
  static const std::regex pattern(R"((\d{1,4})x(\d{1,4})x(\d{1,5}))");
  std::smatch m;
  if (!std::regex_match(spec, m, pattern)) {
    throw std::invalid_argument("arch '" + spec + "' is not of the form RxCxK (e.g. 5x5x32, 8x8x32)");
  }
  return Arch(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

std::string Arch::name() const {
  return std::to_string(rows_) + "x" + std::to_string(cols_) + "x" + std::to_string(k_);
}

bool Arch::in_grid(GridPos p) const { return p.x >= 0 && p.y >= 0 && p.x < grid_rows() && p.y < grid_cols(); }

int Arch::tile_at(GridPos p) const {
  if (!in_grid(p) || p.x % 2 == 0 || p.y % 2 == 0) return -1;
  return (p.x / 2) * cols_ + p.y / 2;
}

CellType Arch::cell_type(GridPos p) const {
  const bool odd_x = p.x % 2 == 1, odd_y = p.y % 2 == 1;
  if (odd_x && odd_y) return CellType::NeuronTile;
  if (!odd_x && !odd_y) return CellType::R0;
  return CellType::R1;
}

std::vector<GridPos> Arch::routers() const {
  std::vector<GridPos> out;
  for (int x = 0; x < grid_rows(); ++x)
    for (int y = 0; y < grid_cols(); ++y)
      if (cell_type({x, y}) != CellType::NeuronTile) out.push_back({x, y});
  return out;
}

bool Arch::is_east_west_r1(GridPos p) const { return p.x % 2 == 1 && p.y % 2 == 0; }

int Arch::hop_distance(int a, int b) const {
  if (a == b) return 0;
  const int dr = std::abs(tile_row(a) - tile_row(b));
  const int dc = std::abs(tile_col(a) - tile_col(b));
  const int d = dr + dc;
  if (d == 1) return 1;
  if (dr == 0 || dc == 0) return 2 * d + 1;  // a straight run needs a detour through the next router row
  return 2 * d - 1;
}

int Arch::max_hop_distance() const {
  int best = 0;
  for (int a = 0; a < num_tiles(); ++a)
    for (int b = 0; b < num_tiles(); ++b) best = std::max(best, hop_distance(a, b));
  return best;
}

std::vector<int> Arch::tiles_at_distance(int tile, int distance) const {
  std::vector<int> out;
  for (int t = 0; t < num_tiles(); ++t)
    if (hop_distance(tile, t) == distance) out.push_back(t);
  return out;
}

std::map<int, long> Arch::pair_count_per_distance() const {
  std::map<int, long> counts;
  for (int a = 0; a < num_tiles(); ++a)
    for (int b = 0; b < num_tiles(); ++b) ++counts[hop_distance(a, b)];
  return counts;
}

std::optional<PortVector> Arch::capacity_at(GridPos p) const {
  switch (cell_type(p)) {
    case CellType::NeuronTile: return capacity.nt;
    case CellType::R0: return capacity.r0;
    case CellType::R1: break;
  }
  if (!capacity.r1) return std::nullopt;
  if (!is_east_west_r1(p)) return capacity.r1;
  PortVector physical{};
  for (Side s : kAllSides) {
    const Side c = canonical_r1_side(s);
    physical[in_port(s)] = (*capacity.r1)[in_port(c)];
    physical[out_port(s)] = (*capacity.r1)[out_port(c)];
  }
  return physical;
}

namespace {

nlohmann::json ports_to_json(const PortVector& v) { return nlohmann::json(std::vector<int>(v.begin(), v.end())); }

PortVector ports_from_json(const JsonFields& fields, const std::string& key) {
  const auto& a = fields.array(key);
  if (a.size() != 8) fields.fail(key, "must list 8 port capacities (in_N, in_E, in_S, in_W, out_N, out_E, out_S, out_W)");
  PortVector v{};
  for (std::size_t i = 0; i < 8; ++i) {
    if (!a[i].is_number_integer() || a[i].get<long>() < 0 || a[i].get<long>() > 1000000) {
      fields.fail(key + "[" + std::to_string(i) + "]", "must be a non-negative integer");
    }
    v[i] = a[i].get<int>();
  }
  return v;
}

}  // namespace

nlohmann::json arch_to_json(const Arch& arch) {
  nlohmann::json j = {{"rows", arch.rows()}, {"cols", arch.cols()}, {"neurons_per_tile", arch.neurons_per_tile()}};
  if (arch.capacity.any()) {
    nlohmann::json cap = nlohmann::json::object();
    if (arch.capacity.nt) cap["nt"] = ports_to_json(*arch.capacity.nt);
    if (arch.capacity.r0) cap["r0"] = ports_to_json(*arch.capacity.r0);
    if (arch.capacity.r1) cap["r1"] = ports_to_json(*arch.capacity.r1);
    j["capacity"] = cap;
  }
  j["timing"] = {{"router_cycles", arch.timing.router_cycles},
                 {"tile_cycles", arch.timing.tile_cycles},
                 {"tick_cycles", arch.timing.tick_cycles}};
  j["energy"] = {{"router_traversal_pj", arch.energy.router_traversal_pj},
                 {"synaptic_event_pj", arch.energy.synaptic_event_pj},
                 {"neuron_update_pj", arch.energy.neuron_update_pj},
                 {"placeholder", arch.energy.placeholder}};
  return j;
}

Arch arch_from_json(const nlohmann::json& j, const std::string& file, const std::string& field) {
  const JsonFields f(j, file, field);
  f.only({"rows", "cols", "neurons_per_tile", "capacity", "timing", "energy"});
  const auto rows = static_cast<int>(f.integer("rows", 1, 1024));
  const auto cols = static_cast<int>(f.integer("cols", 1, 1024));
  const auto k = static_cast<int>(f.integer("neurons_per_tile", 1, 65536));
  Arch arch;
  try {
    arch = Arch(rows, cols, k);
  } catch (const std::invalid_argument& e) {
    f.fail("neurons_per_tile", e.what());
  }
  if (f.has("capacity")) {
    const JsonFields cap = f.object("capacity");
    cap.only({"nt", "r0", "r1"});
    if (cap.has("nt")) arch.capacity.nt = ports_from_json(cap, "nt");
    if (cap.has("r0")) arch.capacity.r0 = ports_from_json(cap, "r0");
    if (cap.has("r1")) arch.capacity.r1 = ports_from_json(cap, "r1");
  }
  if (f.has("timing")) {
    const JsonFields t = f.object("timing");
    t.only({"router_cycles", "tile_cycles", "tick_cycles"});
    arch.timing.router_cycles = static_cast<int>(t.integer_or("router_cycles", 0, 1000000, arch.timing.router_cycles));
    arch.timing.tile_cycles = static_cast<int>(t.integer_or("tile_cycles", 0, 1000000, arch.timing.tile_cycles));
    arch.timing.tick_cycles = static_cast<int>(t.integer_or("tick_cycles", 0, 100000000, arch.timing.tick_cycles));
  }
  if (f.has("energy")) {
    const JsonFields e = f.object("energy");
    e.only({"router_traversal_pj", "synaptic_event_pj", "neuron_update_pj", "placeholder"});
    auto energy_value = [&](const char* key, double fallback) {
      const double v = e.number_or(key, fallback);
      if (v < 0) e.fail(key, "must not be negative");
      return v;
    };
    const bool all_given = e.has("router_traversal_pj") && e.has("synaptic_event_pj") && e.has("neuron_update_pj");
    arch.energy.router_traversal_pj = energy_value("router_traversal_pj", arch.energy.router_traversal_pj);
    arch.energy.synaptic_event_pj = energy_value("synaptic_event_pj", arch.energy.synaptic_event_pj);
    arch.energy.neuron_update_pj = energy_value("neuron_update_pj", arch.energy.neuron_update_pj);
    arch.energy.placeholder = e.has("placeholder") ? e.boolean("placeholder") : !all_given;
  }
  return arch;
}

}  // namespace mosaic
