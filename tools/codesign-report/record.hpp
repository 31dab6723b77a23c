#pragma once
// mosaic-codesign-report's run records: what the co-design suite keeps of each finished run
// (tools/README.md, "Records"). Reading a run from the files the three tools wrote, writing its
// record, reading a record back. Only this code decides a record's content, so the workflow's
// run digest covers it (tools/workflow/suite.py, STEP_SOURCES "record") and not the table, the
// claims or the figures, which are recomputed from the records on every report.
#include <string>

#include <nlohmann/json.hpp>

namespace mosaic::codesign {

struct Run {
  std::string name;
  std::string mode;
  std::string profile;  // routing-aware only
  long epochs = 0;
  long seed = 0;
  long num_classes = 0;
  long synapses = 0;
  double sparsity = 0;
  long memory_cells = 0;           // homogeneous model of [P] (models/SPEC.md section 1.5), from the mapping report
  long per_instance_cells = 0;
  bool mappable = false;
  double reference_accuracy = 0;   // mosaic-train, reference pass over every test subset-sample
  double reference_vote = 0;
  double sim_accuracy = 0;         // mosaic-sim, cycle-level model, same test file
  double sim_vote = 0;
  long sim_samples = 0;
  double decision_median_cycles = 0;
  long events = 0;
  std::string network_digest;
  nlohmann::json needed_capacity;  // mosaic-map: ports each router type needs for this network
  std::string command;             // the training command (records only; "" when the record has none)
  std::string sources_digest;      // the tool sources the record was made with ("" when not recorded)
  // What differs between the simulated input and the trainer's test file (another file, a
  // subset of its recordings, quantised or noisy weights); empty: like with like, so the
  // simulator's accuracy must equal the reference pass's (guard sim-equals-reference).
  std::string sim_differs;
  bool identical_spikes = true;    // imported runs: mosaic-sim --reference found identical spike trains
};

constexpr const char* kRecordFormat = "mosaic-codesign-record";
constexpr const char* kImportTool = "mosaic-nir import";  // provenance.tool of an imported network
constexpr const char* kImportedMode = "imported";          // the mode of its run (no training)

// A run from <dir>/<name>.json (network), .map.json (mosaic-map), .sim.json (mosaic-sim).
Run read_run(const std::string& dir, const std::string& name);
// The run's figures as the results table lists them.
nlohmann::json run_json(const Run& r);
// The run's record: run_json, the config digest of the workflow, the digest of the tool sources
// it was made with (written when not empty: tiers with `sources: recorded`), the training command.
nlohmann::json record_json(const Run& r, const std::string& config_digest, const std::string& sources_digest,
                           const std::string& command);
// A run from its record <dir>/<name>.json (bad or foreign records: InputError naming file and field).
Run read_record(const std::string& dir, const std::string& name);

}  // namespace mosaic::codesign
