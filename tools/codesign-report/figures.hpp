#pragma once
// The co-design experiment's four figures (SVG, models/plot), drawn from the runs' records:
//   a_accuracy_vs_memory.svg  accuracy against routing memory: routing-aware profiles, their upper
//                             envelope, the baseline curve, dense; the authors' points faintly
//   b_accuracy_vs_p3.svg      accuracy against p3, one line per p1 (the authors' Acc_vs_Proba)
//   c_router_sizes_at_init.svg router sizes and routing memory at DeepR initialisation per profile
//                             over several seeds (the authors' size_vs_proba), and after training
//   d_rewiring.svg            rewiring on against off (--no-rewire runs and their rewired twins)
// A figure whose runs the tier lacks is skipped with a line saying why; index.md in the folder
// lists what was drawn and what was skipped.
#include <iosfwd>
#include <string>
#include <vector>

#include "tools/codesign-report/claims.hpp"

namespace mosaic::codesign {

struct FigureOptions {
  std::string dir;
  const PaperFigures* paper = nullptr;  // null: the authors' points are not drawn
  std::string paper_note;                // why not, when paper is null
  int init_seeds = 10;                   // seeds 42, 43, ... per profile in figure (c)
};

// Writes the figures; one line per figure to `log`. Returns the number drawn.
int write_figures(const FigureOptions& options, const std::vector<Run>& runs, const Table& table,
                  InitialSizesCache& initial, std::ostream& log);

}  // namespace mosaic::codesign
