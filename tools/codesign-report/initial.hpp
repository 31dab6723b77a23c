#pragma once
// What a routing-aware network needs at DeepR initialisation, before any training: the network
// mosaic-train --epochs 0 writes (trainer's initial_network) mapped as mosaic-map maps it (fixed
// placement, one-turn routing: mapping's map_network and report_to_json). Linked, not
// re-implemented: the report's figure (c) and claim (iv) use the very code of both tools.
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace mosaic::codesign {

struct InitialSizes {
  long memory_cells = 0;            // homogeneous model, as a record's memory_cells
  nlohmann::json needed_capacity;   // as a record's needed_capacity: {"nt": [8], "r0": [8], "r1": [8]}
  nlohmann::json cells_per_instance;  // {"nt": cells, "r0": cells, "r1": cells}: the router sizes
};

// Why the initialisation of a run trained by `command` cannot be rebuilt from its profile and
// seed ("its record holds no training command", or an option that changes the initial network
// beyond them: the chip, the input and output neurons, the birth weights), or "" when it can.
// Figure (c), claim (iv) and the memory guard all skip on this one answer.
std::string why_initialisation_cannot_be_rebuilt(const std::string& command);

// The canonical form of a hop profile ("1:1.0,3:0" -> "1:1"), as the trainer writes it.
std::string canonical_profile(const std::string& profile);

// The seeds of the initialisations that stand for a profile (figure (c), the memory guard):
// kFirstInitSeed, kFirstInitSeed + 1, ...
constexpr long kFirstInitSeed = 42;

// Initial sizes per (canonical profile, seed), each computed once.
class InitialSizesCache {
 public:
  const InitialSizes& get(const std::string& profile, long seed);

 private:
  std::map<std::pair<std::string, long>, InitialSizes> sizes_;
};

}  // namespace mosaic::codesign
