#pragma once
// The figures mosaic-sim writes (sim/README.md, "Figures"): plain SVG text, readable without
// tooltips (every key number is printed on the figure), from the statistics of a finished run.
#include <string>

#include "sim/report.hpp"

namespace mosaic::sim {

// --svg: the chip's grid. Routers coloured by traversals per sample, with the number printed;
// every link direction (a block's output side) coloured and sized by its events per sample;
// tiles coloured by spikes per sample; the busiest router and tile outlined and labelled; in
// aer mode each router also shows its fullest input FIFO and its stalled cycles per sample.
std::string chip_svg(const LoadedRun& run, const RunStats& stats, const RunSummary& summary);

// --svg-latency: the decision-latency histogram (samples per decision step) and the accuracy
// over time (running prediction correct, per step), both with axes in steps and in ms of audio.
std::string latency_svg(const LoadedRun& run, const RunStats& stats, const RunSummary& summary);

}  // namespace mosaic::sim
