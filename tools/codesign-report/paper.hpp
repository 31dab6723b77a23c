#pragma once
// The authors' published points (the routing-aware training paper's own plots, read from their
// SVGs into ../shared/reference/paper_figures.tsv): drawn faintly beside ours, and run through the
// same claim computations as ours. Figures, not targets: their corpus is SHD, ours is not.
#include <map>
#include <string>
#include <vector>

namespace mosaic::codesign {

struct MemoryAccuracy {
  double memory = 0;    // routing memory, cells (homogeneous model)
  double accuracy = 0;  // test accuracy, fraction
  std::string label;
};

struct PaperFigures {
  std::string path;
  std::vector<MemoryAccuracy> routing_aware, baseline;  // original_vs_new.svg
  std::map<double, std::map<double, double>> by_profile;  // Acc_vs_Proba.svg: p1 -> p3 -> accuracy (fraction)
};

// Reads the tsv: '#' lines are comments; a "series memory_cells accuracy_pct" table, then a
// "p1 p3=0 p3=0.1 ..." table. A missing or malformed file is InputError naming file and line.
PaperFigures read_paper_figures(const std::string& path);

}  // namespace mosaic::codesign
