#pragma once
// The mosaic-map report: JSON for tools (mapping/README.md documents it) and a readable
// summary for people.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "mapping/mapping.hpp"

namespace mosaic::mapping {

// Links (source neuron, destination tile) per number of routers on their path.
std::map<int, long> hop_histogram(const Arch& arch, const Routes& routes);

// `placement` describes how the network was placed (placement_to_json), or null;
// `one_turn`, when given, the one-turn routing of the same placement a tree is compared with.
nlohmann::json report_to_json(const Network& net, const Mapping& mapping, const nlohmann::json& placement,
                              const RoutingFigures* one_turn = nullptr);
std::string report_summary(const Network& net, const Mapping& mapping, const RoutingFigures* one_turn = nullptr);

}  // namespace mosaic::mapping
