#pragma once
// The claims of the co-design experiment, computed from the table of runs (tools/README.md,
// "Claims"): (i) accuracy at equal memory, (ii) memory at iso-accuracy, (iii) the simulator
// equals the reference pass, (iv) the capacities a trained network needs against those of the
// same seed's network at initialisation. Each is written with how it was computed, beside the
// paper's figures; (i), (ii) and (iv) are held to recorded values, never to the paper's.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/codesign-report/initial.hpp"
#include "tools/codesign-report/paper.hpp"
#include "tools/codesign-report/record.hpp"

namespace mosaic::codesign {

struct Guard {
  std::string name;
  bool passed;
  std::string detail;
  bool skipped = false;  // not checked (the figures are not comparable); counts as passed
};

// Runs of one kind and configuration over seeds: mean and spread (min to max).
struct Group {
  std::string label;  // the profile, or the baseline's penalty ("lambda 0.1, beta 8"), or the mode
  std::vector<const Run*> runs;
  double memory = 0, accuracy = 0;          // means over the runs (simulator accuracy)
  double accuracy_min = 0, accuracy_max = 0;
  double memory_min = 0, memory_max = 0;
};

Group make_group(std::string label, std::vector<const Run*> runs);

// The runs grouped as the claims and the figures read them, each list in order of mean memory.
struct Table {
  std::vector<Group> profiles;   // routing-aware, rewired (DeepR), by canonical profile
  std::vector<Group> no_rewire;  // routing-aware trained with --no-rewire, by profile
  std::vector<Group> baselines;  // by penalty strength (--lambda, --beta of the training command)
  std::vector<Group> dense;
};
Table group_runs(const std::vector<Run>& runs);

bool trained_without_rewiring(const Run& run);  // its command has --no-rewire

// The upper envelope of (memory, accuracy) points: every point that no other point matches or
// beats in accuracy with as little memory or less, in order of memory (so accuracy rises).
std::vector<MemoryAccuracy> upper_envelope(std::vector<MemoryAccuracy> points);
// The envelope's accuracy at `memory`: linear between its points; its best beyond the last
// (a network that fits in less memory fits in more); none below its first point.
std::optional<double> envelope_at(const std::vector<MemoryAccuracy>& envelope, double memory);
// The smallest memory at which the envelope reaches `accuracy` (linear between its points), or none.
std::optional<double> envelope_memory_for(const std::vector<MemoryAccuracy>& envelope, double accuracy);

// The claims as JSON (results.json's "claims"): values, how each was computed, the paper's figures
// and, when `paper` is given, the same computations on the authors' points.
nlohmann::json compute_claims(const std::vector<Run>& runs, const Table& table, InitialSizesCache& initial,
                              const PaperFigures* paper);
std::string claims_markdown(const nlohmann::json& claims);
// (i), (ii), (iv) against the claims of an earlier results.json (`expected`):
// accuracy differences within accuracy_tolerance (as a fraction, so 0.02 = 2 points), memory
// ratios within memory_tolerance (relative). An expected file from before the claims gives none:
// the report notes that they are not guarded until the tier is blessed again.
std::vector<Guard> claim_guards(const nlohmann::json& claims, const nlohmann::json& expected, double accuracy_tolerance,
                                double memory_tolerance);

}  // namespace mosaic::codesign
