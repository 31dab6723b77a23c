#include "tools/codesign-report/record.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "models/json_fields.hpp"
#include "models/network.hpp"

namespace mosaic::codesign {

using nlohmann::json;
using mosaic::JsonFields;

namespace {

// Like with like: the trainer scored every recording of its test file (provenance data.test)
// with the trained weights; the guard sim-equals-reference holds only for such a simulation.
std::string sim_differences(const mosaic::Network& net, const json& sim, const std::string& sim_path,
                            bool reference_beside_sim) {
  const JsonFields sim_fields(sim, sim_path, "");
  const JsonFields input = sim_fields.object("input");
  const long max = std::numeric_limits<long>::max();
  std::vector<std::string> differs;
  const std::string simulated = input.string("path");
  std::string test;
  if (net.provenance.contains("data") && net.provenance["data"].contains("test") && net.provenance["data"]["test"].is_string())
    test = net.provenance["data"]["test"].get<std::string>();
  // The tools ran in different folders (the workflow trains from the repository with a path
  // relative to it and simulates with the absolute path): the same file is the same path, the
  // same file seen from here, or an absolute path ending in the other, relative one.
  const auto same_file = [](const std::string& a, const std::string& b) {
    namespace fs = std::filesystem;
    const fs::path pa = fs::path(a).lexically_normal(), pb = fs::path(b).lexically_normal();
    if (pa == pb) return true;
    std::error_code error;
    if (fs::equivalent(pa, pb, error) && !error) return true;
    const auto ends_with = [](const fs::path& absolute, const fs::path& relative) {
      if (!absolute.is_absolute() || relative.is_absolute() || relative.empty()) return false;
      const std::string whole = absolute.string(), tail = "/" + relative.string();
      return whole.size() > tail.size() && whole.compare(whole.size() - tail.size(), tail.size(), tail) == 0;
    };
    return ends_with(pa, pb) || ends_with(pb, pa);
  };
  if (reference_beside_sim) {
    // mosaic-sim --reference scored the same samples with the reference pass: no file to compare.
  } else if (test.empty()) {
    differs.push_back("the trainer recorded no test file");
  } else if (!same_file(simulated, test)) {
    differs.push_back("input " + simulated + ", trainer's test file " + test);
  }
  if (!reference_beside_sim && input.has("file_recordings")) {
    const long all = input.integer("file_recordings", 0, max), ran = input.integer("recordings", 0, max);
    if (ran != all) differs.push_back(fmt::format("{} of the input's {} recordings simulated", ran, all));
  }
  const JsonFields config = sim_fields.object("config");
  if (const long levels = config.integer("quantize_levels", 0, max); levels != 0)
    differs.push_back(fmt::format("weights quantised to {} levels", levels));
  if (config.number("noise_sigma") != 0) differs.push_back(fmt::format("programming noise {}", config.number("noise_sigma")));
  std::string text;
  for (const std::string& d : differs) text += (text.empty() ? "" : "; ") + d;
  return text;
}

}  // namespace

Run read_run(const std::string& dir, const std::string& name) {
  Run run;
  run.name = name;
  const std::string net_path = dir + "/" + name + ".json";
  const mosaic::Network net = mosaic::read_network(net_path);
  run.num_classes = net.num_classes;
  const JsonFields prov(net.provenance, net_path, "provenance");
  // A network mosaic-nir imported was not trained: no mode, epochs or test scores of its own
  // (its reference pass runs in mosaic-sim --reference, read below).
  const bool imported = prov.has("tool") && prov.string("tool") == kImportTool;
  if (imported) {
    run.mode = kImportedMode;
    run.synapses = static_cast<long>(net.recurrent.size());
    const double n = net.arch.num_neurons();
    run.sparsity = static_cast<double>(run.synapses) / (n * n);  // as mosaic-train: ||theta||_0 / N^2
  } else {
    run.mode = prov.string("mode");
    if (prov.has("profile")) run.profile = prov.string("profile");
    run.epochs = prov.integer("epochs", 0, 1000000);
    run.seed = prov.integer("seed", 0, std::numeric_limits<long>::max());
    run.synapses = prov.integer("live_synapses", 0, std::numeric_limits<long>::max());
    run.sparsity = prov.number("sparsity");
    run.reference_accuracy = prov.number("test_accuracy");
    run.reference_vote = prov.number("test_vote_accuracy");
  }

  const std::string map_path = dir + "/" + name + ".map.json";
  const json map = mosaic::read_json_file(map_path);
  const JsonFields map_fields(map, map_path, "");
  run.mappable = map_fields.boolean("mappable");
  run.network_digest = map_fields.string("network_digest");
  if (run.network_digest != mosaic::network_digest(net))
    map_fields.fail("network_digest", "belongs to another network than " + net_path);
  const JsonFields memory = map_fields.object("memory_cells");
  run.memory_cells = memory.object("homogeneous").integer("total", 0, std::numeric_limits<long>::max());
  run.per_instance_cells = memory.object("per_instance").integer("total", 0, std::numeric_limits<long>::max());
  run.needed_capacity = map_fields.value("needed_capacity");

  const std::string sim_path = dir + "/" + name + ".sim.json";
  const json sim = mosaic::read_json_file(sim_path);
  const JsonFields sim_fields(sim, sim_path, "");
  const JsonFields summary = sim_fields.object("summary");
  run.sim_accuracy = summary.number("accuracy");
  run.sim_vote = summary.number("majority_vote_accuracy");
  run.events = summary.integer("events", 0, std::numeric_limits<long>::max());
  run.sim_samples = sim_fields.object("input").integer("samples", 0, std::numeric_limits<long>::max());
  run.decision_median_cycles = sim_fields.object("decision_latency").number("median_cycles");
  if (sim_fields.object("network").string("digest") != run.network_digest)
    sim_fields.fail("network", "was simulated from another network than " + map_path + " mapped");
  if (imported) {
    if (summary.integer("reference_compared", 0, std::numeric_limits<long>::max()) != run.sim_samples)
      summary.fail("reference_compared", "an imported network is simulated with --reference on every sample");
    run.reference_accuracy = summary.number("reference_accuracy");
    // identical_spike_trains counts the samples whose spike trains matched step for step.
    // The reference pass's majority vote is not reported; with identical spike trains it is
    // the simulator's, and otherwise -1 (sim-equals-reference fails on the spike trains).
    run.identical_spikes =
        summary.integer("identical_spike_trains", -1, std::numeric_limits<long>::max()) == run.sim_samples;
    run.reference_vote = run.identical_spikes ? run.sim_vote : -1.0;
  }
  // An imported run's reference pass ran inside mosaic-sim on the same samples: only the
  // weights can differ (quantised, noisy).
  run.sim_differs = sim_differences(net, sim, sim_path, /*reference_beside_sim=*/imported);
  return run;
}

json run_json(const Run& r) {
  json j = {{"name", r.name},
            {"mode", r.mode},
            {"epochs", r.epochs},
            {"seed", r.seed},
            {"live_synapses", r.synapses},
            {"sparsity", r.sparsity},
            {"memory_cells", r.memory_cells},
            {"per_instance_cells", r.per_instance_cells},
            {"mappable", r.mappable},
            {"reference_accuracy", r.reference_accuracy},
            {"reference_vote_accuracy", r.reference_vote},
            {"sim_accuracy", r.sim_accuracy},
            {"sim_vote_accuracy", r.sim_vote},
            {"sim_samples", r.sim_samples},
            {"decision_median_cycles", r.decision_median_cycles},
            {"events", r.events},
            {"network_digest", r.network_digest},
            {"needed_capacity", r.needed_capacity}};
  if (!r.profile.empty()) j["profile"] = r.profile;
  return j;
}

// A run's record: what the table needs of it, with the digest of the config it ran with (the
// workflow takes a record carrying the current digest as done) and its training command.
json record_json(const Run& r, const std::string& config_digest, const std::string& sources_digest,
                 const std::string& command) {
  json j = run_json(r);
  j["format"] = kRecordFormat;
  j["format_version"] = 1;
  j["num_classes"] = r.num_classes;
  j["sim_equals_reference"] = r.identical_spikes && std::fabs(r.sim_accuracy - r.reference_accuracy) < 1e-9;
  j["sim_differs"] = r.sim_differs;
  j["config_digest"] = config_digest;
  if (!sources_digest.empty()) j["sources_digest"] = sources_digest;
  j["command"] = command;
  return j;
}

Run read_record(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name + ".json";
  const json j = mosaic::read_json_file(path);
  const JsonFields f(j, path, "");
  if (!f.has("format") || f.string("format") != kRecordFormat) f.fail("format", "is not a mosaic-codesign-record");
  Run run;
  run.name = f.string("name");
  if (run.name != name) f.fail("name", "is " + run.name + ", not the run " + name);
  const long max = std::numeric_limits<long>::max();
  run.mode = f.string("mode");
  if (f.has("profile")) run.profile = f.string("profile");
  run.epochs = f.integer("epochs", 0, 1000000);
  run.seed = f.integer("seed", 0, max);
  run.num_classes = f.integer("num_classes", 1, max);
  run.synapses = f.integer("live_synapses", 0, max);
  run.sparsity = f.number("sparsity");
  run.memory_cells = f.integer("memory_cells", 0, max);
  run.per_instance_cells = f.integer("per_instance_cells", 0, max);
  run.mappable = f.boolean("mappable");
  run.reference_accuracy = f.number("reference_accuracy");
  run.reference_vote = f.number("reference_vote_accuracy");
  run.sim_accuracy = f.number("sim_accuracy");
  run.sim_vote = f.number("sim_vote_accuracy");
  run.sim_samples = f.integer("sim_samples", 0, max);
  run.decision_median_cycles = f.number("decision_median_cycles");
  run.events = f.integer("events", 0, max);
  run.network_digest = f.string("network_digest");
  run.needed_capacity = f.value("needed_capacity");
  if (run.mode == kImportedMode) run.identical_spikes = f.boolean("sim_equals_reference");
  if (f.has("command")) run.command = f.string("command");
  if (f.has("sources_digest")) run.sources_digest = f.string("sources_digest");
  if (f.has("sim_differs")) run.sim_differs = f.string("sim_differs");
  return run;
}

}  // namespace mosaic::codesign
