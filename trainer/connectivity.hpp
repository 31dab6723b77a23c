#pragma once
// What a trained network's recurrent synapses cost the routers, by hop distance: the figures
// that tell a baseline's stray long-range residue from the connectivity its penalty pays for
// (trainer/README.md, "The baseline's residue"). Computed on the network as written, so the
// provenance, the log and `mosaic-train --eval` report the same thing.
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/network.hpp"

namespace mosaic::train {

struct Connectivity {
  std::map<int, long> synapses;    // non-zero recurrent synapses per hop distance (0 = in-tile)
  std::map<int, long> links;       // (source neuron, destination tile) pairs carrying one, per distance
  std::map<int, double> max_abs;   // largest |w| per distance
  std::map<int, double> mean_abs;  // mean |w| per distance
  // Per destination tile: distinct source neurons reaching it over hop distance >= 3 (the
  // long-range lines its routers must carry; at most about 20 in the authors' baseline).
  std::vector<int> long_range_sources;

  int max_long_range_sources() const;
  nlohmann::json to_json() const;
};

Connectivity connectivity(const Network& net);

// The network without its recurrent synapses of |w| < threshold (input weights are not routed
// and are kept): what the authors' router sees when it routes only |w| >= w_thr.
Network without_weights_below(const Network& net, float threshold);

}  // namespace mosaic::train
