#pragma once
// Fixtures of the simulator tests: a random recurrent network that spikes at a few per cent
// per step, routing tables made here (not by mosaic-map), and real SHD files written with
// write_shd and read back with the ShdReader.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mapping/routing_tables.hpp"
#include "models/network.hpp"
#include "models/shd.hpp"

namespace mosaic::sim::testing {

// Links (source neuron, destination tile) exist with probability `link_probability`; in-tile
// recurrence is dense except on input tiles and among the output neurons (models/SPEC.md section 2).
Network random_network(const Arch& arch, unsigned seed, double link_probability = 0.3);

// Builds routing tables from explicit paths, merged per source as the hardware does.
class PathTables {
 public:
  explicit PathTables(const Network& net) : net_(net) {}
  // `routers`: the router cells from the source's tile to `dest_tile`, in order (adjacent cells).
  void add_path(int source, const std::vector<GridPos>& routers, int dest_tile, const std::vector<int>& targets);
  mapping::RoutingTables tables(const std::string& routing_name) const;

 private:
  const Network& net_;
  std::map<std::pair<GridPos, std::pair<int, int>>, std::set<int>> router_lines_;  // (pos, (in_side, source)) -> outs
  std::map<std::pair<int, std::pair<int, int>>, std::set<int>> tile_lines_;        // (tile, (in_side, source)) -> targets
};

// "South-first" routing: leave the source tile South, run along that router row to the column
// west of the destination, run along that column to the destination's row, enter from the West.
// It differs from mosaic-map's 1-turn router on purpose. hops[source][tile] = routers crossed.
mapping::RoutingTables south_first_tables(const Network& net, std::vector<std::vector<int>>* hops = nullptr);

// Writes `recordings` random SHD recordings (uniform spike times, 4 classes) to `path` and
// returns every interleaved subset of each, binned for `net`.
std::vector<BinnedSample> write_and_bin_samples(const Network& net, const std::string& path, int recordings,
                                                unsigned seed);

// A scratch folder for one test, removed with everything in it when the object goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& test_name);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The files the command-line tests give mosaic-sim, in a scratch folder named after the test: a
// random 3x3x16 network (seed 7) as net.json and `recordings` random recordings of its inputs
// (seed 11) as input.h5, with their binned subsets.
struct NetworkOnDisk {
  NetworkOnDisk(const std::string& test_name, int recordings);
  ScratchDir scratch;
  std::string dir;
  Network net;
  std::vector<BinnedSample> samples;
};

}  // namespace mosaic::sim::testing
