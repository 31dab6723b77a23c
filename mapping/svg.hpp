#pragma once
// The usage heat map of mosaic-map --svg: the full grid with neuron tiles and routers, each
// router coloured by its worst port usage against capacity (the chip's, or, when the chip is
// sized for the network, the needed capacity of its type: then the worst router is at 100%).
#include <string>

#include "mapping/mapping.hpp"

namespace mosaic::mapping {

std::string usage_svg(const Arch& arch, const Mapping& mapping);

// Shared by the figures of mosaic-map and mosaic-sim (sim/svg.hpp).
// White (0) through yellow to red (1); violet beyond 1 (over capacity).
std::string heat_colour(double usage);
// Text safe inside an SVG (XML) element or attribute.
std::string svg_escape(const std::string& text);
// A number short enough to print in a cell: 0.42, 3.4, 128, 1.2k, 3.4M.
std::string svg_number(double value);

}  // namespace mosaic::mapping
