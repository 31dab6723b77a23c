#pragma once
// Chip geometry of Mosaic (models/SPEC.md section 1): R x C neuron tiles (NT) of K neurons on a
// (2R+1) x (2C+1) grid. NT at (2r+1, 2c+1), R0 routers at (even, even), R1 routers elsewhere.
// Full-grid coordinates are (x = row, y = column). Tile ids are row-major, neuron ids tile-major.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mosaic {

enum class Side { North = 0, East = 1, South = 2, West = 3 };
constexpr int kSides = 4;
constexpr std::array<Side, 4> kAllSides = {Side::North, Side::East, Side::South, Side::West};
Side opposite(Side s);
char side_letter(Side s);  // 'N', 'E', 'S', 'W'

// Port vector order: (in_N, in_E, in_S, in_W, out_N, out_E, out_S, out_W); in_X arrives from side X.
using PortVector = std::array<int, 8>;
constexpr int in_port(Side s) { return static_cast<int>(s); }
constexpr int out_port(Side s) { return 4 + static_cast<int>(s); }

enum class CellType { NeuronTile, R1, R0 };
std::string cell_type_name(CellType t);  // "NT", "R1", "R0"

struct GridPos {
  int x = 0;  // full-grid row
  int y = 0;  // full-grid column
  bool operator==(const GridPos& o) const { return x == o.x && y == o.y; }
  bool operator!=(const GridPos& o) const { return !(*this == o); }
  bool operator<(const GridPos& o) const { return x != o.x ? x < o.x : y < o.y; }
};
GridPos step(GridPos p, Side s);  // the neighbouring cell on side s (North = x - 1, West = y - 1)

// Capacity of a fixed chip, one port vector per router type. Absent = the chip is sized for
// the network. The R1 vector is written for R1s north/south of a tile (tile-facing sides N, S);
// an east/west R1 (tile-facing sides E, W) uses it rotated by 90 degrees: see capacity_at().
struct RouterCapacities {
  std::optional<PortVector> nt, r0, r1;
  bool any() const { return nt || r0 || r1; }
};

// Cycle-level timing of the simulator; extends the Arch JSON under "timing".
struct SimTiming {
  int router_cycles = 1;  // cycles for one router traversal
  int tile_cycles = 1;    // cycles from a line reaching a tile to the synaptic event
  int tick_cycles = 0;    // cycles per network step; 0 = the worst path latency of the routes
};

// Energy per event in picojoules, under "energy". The defaults are placeholders, not
// measurements: override them with figures for your technology.
struct EventEnergy {
  double router_traversal_pj = 1.0;
  double synaptic_event_pj = 1.0;
  double neuron_update_pj = 1.0;
  bool placeholder = true;  // true while any value is a default
};

class Arch {
 public:
  Arch() = default;
  Arch(int rows, int cols, int neurons_per_tile);

  // "5x5x32", "8x8x32" or any "RxCxK". Throws std::invalid_argument on a bad spec.
  static Arch parse(const std::string& spec);
  std::string name() const;  // "RxCxK"

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int neurons_per_tile() const { return k_; }
  int num_tiles() const { return rows_ * cols_; }
  int num_neurons() const { return rows_ * cols_ * k_; }
  int grid_rows() const { return 2 * rows_ + 1; }
  int grid_cols() const { return 2 * cols_ + 1; }
  // Cells of the full grid, and the row-major index of one: for arrays with one entry per cell.
  int num_cells() const { return grid_rows() * grid_cols(); }
  int cell_index(GridPos p) const { return p.x * grid_cols() + p.y; }

  int tile_of_neuron(int neuron) const { return neuron / k_; }
  int first_neuron(int tile) const { return tile * k_; }
  int tile_row(int tile) const { return tile / cols_; }
  int tile_col(int tile) const { return tile % cols_; }
  GridPos tile_pos(int tile) const { return {2 * tile_row(tile) + 1, 2 * tile_col(tile) + 1}; }
  int tile_at(GridPos p) const;  // tile id, or -1 when p is not a neuron tile
  bool in_grid(GridPos p) const;
  CellType cell_type(GridPos p) const;
  // Every router position in row-major order of the full grid.
  std::vector<GridPos> routers() const;
  // R1 whose tile-facing sides are East and West (it sits between two tiles of one row).
  bool is_east_west_r1(GridPos p) const;

  // Routers a 1-turn path crosses from tile a to tile b (models/SPEC.md section 1.2).
  int hop_distance(int a, int b) const;
  int max_hop_distance() const;
  std::vector<int> tiles_at_distance(int tile, int distance) const;
  // Ordered tile pairs per hop distance, distance 0 included.
  std::map<int, long> pair_count_per_distance() const;

  // Capacity of the router or tile at p for each physical port, with the R1 rotation applied;
  // nullopt when the chip gives no capacity for that type.
  std::optional<PortVector> capacity_at(GridPos p) const;

  RouterCapacities capacity;
  SimTiming timing;
  EventEnergy energy;

 private:
  int rows_ = 0, cols_ = 0, k_ = 0;
};

// Physical side of an east/west R1 -> the side it plays in the canonical (north/south) R1
// vector: the router is turned 90 degrees counter-clockwise, so E -> N, S -> E, W -> S, N -> W.
Side canonical_r1_side(Side physical);

nlohmann::json arch_to_json(const Arch& arch);
// `file` names the source in error messages; `field` is the JSON path of the object.
Arch arch_from_json(const nlohmann::json& j, const std::string& file, const std::string& field = "arch");

}  // namespace mosaic
