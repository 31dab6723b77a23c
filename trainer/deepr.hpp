#pragma once
// Connectivity at link granularity and routing-aware Deep Rewiring (models/SPEC.md section 3;
// [P], [D]: its references).
// A link is (source neuron n, destination tile t): it carries the K synapses from n into t, and
// it is the unit the routers pay for. Recurrent weights live in an N x N row-major matrix
// (row = presynaptic neuron), so link (n, t) is the K contiguous floats at n * N + t * K.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "models/arch.hpp"

namespace mosaic::train {

using Rng = std::mt19937_64;

// p_d per hop distance d >= 1, written "1:1.0,3:0.1"; distances not named have p_d = 0.
struct HopProfile {
  std::map<int, double> fraction;  // d -> p_d, only entries with p_d > 0

  // Throws std::invalid_argument with a readable message on a malformed profile.
  static HopProfile parse(const std::string& text);
  std::string to_string() const;  // canonical "1:1,3:0.1"
  double at(int distance) const;
};

// Which links exist, and which synapses the architecture allows inside them.
class LinkMap {
 public:
  LinkMap() = default;
  LinkMap(const Arch& arch, int num_input_tiles, int num_outputs);

  const Arch& arch() const { return arch_; }
  int num_neurons() const { return arch_.num_neurons(); }
  int num_tiles() const { return arch_.num_tiles(); }
  int output_tile() const { return arch_.num_tiles() - 1; }
  int num_input_tiles() const { return num_input_tiles_; }
  int num_outputs() const { return num_outputs_; }
  bool is_input_tile(int tile) const { return tile < num_input_tiles_; }
  bool is_output_neuron(int neuron) const { return neuron >= num_neurons() - num_outputs_; }
  int distance(int tile_a, int tile_b) const { return distance_[tile_a * num_tiles() + tile_b]; }

  bool alive(int neuron, int tile) const { return alive_[neuron * num_tiles() + tile] != 0; }
  void set_alive(int neuron, int tile, bool alive) { alive_[neuron * num_tiles() + tile] = alive ? 1 : 0; }
  // An in-tile link exists unless the tile is an input tile (its crossbar holds the input weights).
  bool in_tile_allowed(int tile) const { return !is_input_tile(tile); }
  // In-tile blocks and links into the output tile are never pruned.
  bool is_protected(int neuron, int tile) const {
    return tile == arch_.tile_of_neuron(neuron) || tile == output_tile();
  }
  // Synapse (pre, post) is trainable: its link is alive and it does not join two output neurons.
  bool synapse_allowed(int pre, int post) const {
    return alive(pre, arch_.tile_of_neuron(post)) && !(is_output_neuron(pre) && is_output_neuron(post));
  }

  // Every in-tile block that is allowed (the fixed part of every mode).
  void add_in_tile_blocks();
  // Every link of the chip (dense start of the baseline and dense modes).
  void add_all_links();

  std::vector<int> live_tiles(int neuron) const;  // increasing tile ids
  // Live links per hop distance (0 = in-tile blocks).
  std::map<int, long> links_per_distance() const;
  long live_links_from(int source_tile, int distance) const;
  // 1 where synapse_allowed, else 0: the mask of gradients and Adam moments.
  std::vector<float> synapse_mask() const;

  const std::vector<uint8_t>& raw() const { return alive_; }
  void set_raw(std::vector<uint8_t> alive);

 private:
  Arch arch_;
  int num_input_tiles_ = 0;
  int num_outputs_ = 0;
  std::vector<uint8_t> alive_;   // [neuron][tile]
  std::vector<int> distance_;    // [tile][tile] hop distance
};

struct DeepRConfig {
  HopProfile profile;
  // |w| >= w_thr counts a synapse as active. [P] uses 0.1; on our SHD-format corpus that birth
  // scale starts the 5x5x32 network at 37% firing and it never leaves chance (trainer/README.md).
  float w_thr = 0.03f;
  float birth_scale = 2.0f;  // a in w = w_thr (a z + sign z)
  int c_min = 20;            // a link with fewer active synapses dies
  // false (--no-rewire): the initial mask is kept through training, same profile, no pruning or
  // regrowth: the control that measures what rewiring itself does.
  bool rewire = true;
  // Optimiser steps between two rewirings; 0 = once per epoch, after its last step. [P] rewires
  // once per epoch of 8 steps (8,156 SHD recordings, batch 1,024); one epoch of our corpus at
  // batch 64 is over 400 steps (trainer/README.md, "DeepR that rewires").
  long rewire_every = 0;
};

struct RewireStats {
  long pruned = 0;
  long regrown = 0;
};

// w_thr (a z + sign z), z ~ N(0, 1): |w| >= w_thr at birth.
float birth_weight(Rng& rng, float w_thr, float birth_scale);

class DeepR {
 public:
  DeepR(const Arch& arch, DeepRConfig config);
  const DeepRConfig& config() const { return config_; }

  // round(p_d x K x #tiles at distance d from the source tile): links kept per (source tile, d).
  long target_links(int source_tile, int distance) const;

  // Fresh connectivity: in-tile blocks with birth weights, then for every (source tile, d) the
  // profile's number of links drawn uniformly from the free pairs, with birth weights.
  // `recurrent` is the N x N matrix, zeroed here first.
  void initialise(LinkMap& links, std::vector<float>& recurrent, Rng& rng) const;

  // Links that are dead (fewer than c_min synapses with |w| >= w_thr) and unprotected.
  std::vector<std::pair<int, int>> dead_links(const LinkMap& links, const std::vector<float>& recurrent) const;
  // Prune the dead links (weights and `moments` zeroed), then regrow every (source tile, d)
  // back to its target at the same distance.
  RewireStats rewire(LinkMap& links, std::vector<float>& recurrent, std::vector<std::vector<float>*> moments,
                     Rng& rng) const;

 private:
  // Draws the deficit of (source tile, d) from the free pairs; returns how many links grew.
  long grow(LinkMap& links, std::vector<float>& recurrent, int source_tile, int distance, Rng& rng) const;

  Arch arch_;
  DeepRConfig config_;
};

}  // namespace mosaic::train
