#include "tools/codesign-report/initial.hpp"

#include <sstream>

#include "mapping/mapping.hpp"
#include "mapping/report.hpp"
#include "trainer/config.hpp"
#include "trainer/trainer.hpp"

namespace mosaic::codesign {
namespace {

// The first option of `command` that changes the initial network beyond the profile and the
// seed, or "".
std::string option_changing_initialisation(const std::string& command) {
  // mosaic-train's options read by trainer/parameters.cpp initialise() besides --profile and
  // --seed: the model (chip, inputs, outputs) and DeepR's birth weights.
  static const char* const kOptions[] = {"--arch", "--classes", "--n-inp", "--shd-channels", "--w-thr", "--birth-scale"};
  std::istringstream words(command);
  std::string word;
  while (words >> word) {
    const std::string name = word.substr(0, word.find('='));
    for (const char* option : kOptions)
      if (name == option) return name;
  }
  return "";
}

}  // namespace

std::string why_initialisation_cannot_be_rebuilt(const std::string& command) {
  if (command.empty()) return "its record holds no training command";
  const std::string option = option_changing_initialisation(command);
  return option.empty() ? "" : "it was trained with " + option + ", which the initialisation here does not reproduce";
}

std::string canonical_profile(const std::string& profile) { return train::HopProfile::parse(profile).to_string(); }

const InitialSizes& InitialSizesCache::get(const std::string& profile, long seed) {
  const auto key = std::make_pair(canonical_profile(profile), seed);
  auto it = sizes_.find(key);
  if (it != sizes_.end()) return it->second;
  train::TrainConfig config;  // mosaic-train's defaults, as --epochs 0 --mode routing-aware --profile P --seed S
  config.mode = train::Mode::RoutingAware;
  config.deepr.profile = train::HopProfile::parse(profile);
  config.seed = static_cast<uint64_t>(seed);
  const Network net = train::initial_network(config);
  const mapping::Mapping mapped = mapping::map_network(net);
  const nlohmann::json report = mapping::report_to_json(net, mapped, nlohmann::json());
  InitialSizes sizes;
  sizes.memory_cells = report["memory_cells"]["homogeneous"]["total"].get<long>();
  sizes.needed_capacity = report["needed_capacity"];
  for (const char* type : {"nt", "r0", "r1"})
    sizes.cells_per_instance[type] = report["memory_cells"]["homogeneous"][type].value("cells_per_instance", 0L);  // absent: unused type
  return sizes_.emplace(key, std::move(sizes)).first->second;
}

}  // namespace mosaic::codesign
