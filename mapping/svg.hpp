#pragma once
// The usage heat map of mosaic-map --svg: the full grid with neuron tiles and routers, each
// router coloured by its worst port usage against capacity (the chip's, or, when the chip is
// sized for the network, the needed capacity of its type: then the worst router is at 100%).
#include <string>

#include "mapping/mapping.hpp"

namespace mosaic::mapping {

std::string usage_svg(const Arch& arch, const Mapping& mapping);

}  // namespace mosaic::mapping
