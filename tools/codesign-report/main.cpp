// mosaic-codesign-report: the table and the guards of the co-design regression suite
// (tools/codesign, tools/workflow/Snakefile). For every run it reads what the three tools wrote
// -- the trained network (mosaic-train provenance), the mapping report (mosaic-map) and the
// simulation report (mosaic-sim) -- either directly (--dir) or through the run's record
// (--records), the small file the workflow commits per finished run (--record writes it). It
// tabulates accuracy against routing memory and checks the guards: properties every run of the
// suite must keep, and, given an expected file, the recorded figures.
// Exit 0: every guard holds; 1: a guard failed (a regression); 2: bad input.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/atomic_file.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"
#include "models/network.hpp"

namespace {

using nlohmann::json;
using mosaic::JsonFields;

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
  json needed_capacity;  // mosaic-map: ports each router type needs for this network
};

constexpr const char* kRecordFormat = "mosaic-codesign-record";

Run read_run(const std::string& dir, const std::string& name) {
  Run run;
  run.name = name;
  const std::string net_path = dir + "/" + name + ".json";
  const mosaic::Network net = mosaic::read_network(net_path);
  run.num_classes = net.num_classes;
  const JsonFields prov(net.provenance, net_path, "provenance");
  run.mode = prov.string("mode");
  if (prov.has("profile")) run.profile = prov.string("profile");
  run.epochs = prov.integer("epochs", 0, 1000000);
  run.seed = prov.integer("seed", 0, std::numeric_limits<long>::max());
  run.synapses = prov.integer("live_synapses", 0, std::numeric_limits<long>::max());
  run.sparsity = prov.number("sparsity");
  run.reference_accuracy = prov.number("test_accuracy");
  run.reference_vote = prov.number("test_vote_accuracy");

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
json record_json(const Run& r, const std::string& config_digest, const std::string& command) {
  json j = run_json(r);
  j["format"] = kRecordFormat;
  j["format_version"] = 1;
  j["num_classes"] = r.num_classes;
  j["sim_equals_reference"] = std::fabs(r.sim_accuracy - r.reference_accuracy) < 1e-9;
  j["config_digest"] = config_digest;
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
  return run;
}

// A hop profile "1:1.0,3:0.1" as distance -> fraction (mosaic-train checked its syntax).
std::map<int, double> parse_profile(const std::string& text) {
  std::map<int, double> profile;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto colon = item.find(':');
    if (colon != std::string::npos) profile[std::stoi(item.substr(0, colon))] = std::stod(item.substr(colon + 1));
  }
  return profile;
}

// a <= b at every distance: b draws at least the links a draws, so it can only need more memory.
bool profile_at_most(const std::map<int, double>& a, const std::map<int, double>& b) {
  auto at = [](const std::map<int, double>& p, int d) { auto it = p.find(d); return it == p.end() ? 0.0 : it->second; };
  for (const auto& [d, p] : a)
    if (p > at(b, d)) return false;
  for (const auto& [d, p] : b)
    if (at(a, d) > p) return false;
  return true;
}

struct Guard {
  std::string name;
  bool passed;
  std::string detail;
};

std::vector<Guard> structural_guards(const std::vector<Run>& runs) {
  std::vector<Guard> guards;
  // The simulator and the trainer's reference pass implement the same semantics.
  for (const Run& r : runs)
    guards.push_back({"sim-equals-reference/" + r.name, std::fabs(r.sim_accuracy - r.reference_accuracy) < 1e-9,
                      fmt::format("mosaic-sim {:.4f}, reference pass {:.4f}", r.sim_accuracy, r.reference_accuracy)});
  // Every network learns something: at least twice the accuracy of guessing.
  for (const Run& r : runs)
    guards.push_back({"learns/" + r.name, r.sim_accuracy >= 2.0 / r.num_classes,
                      fmt::format("{:.4f}, chance {:.4f}", r.sim_accuracy, 1.0 / r.num_classes)});
  // More links per hop distance can only cost more routing memory (models/SPEC.md sections 1.5
  // and 3.1): for every profile and each profile just above it (at least as many links at every
  // distance), the mean memory over seeds does not fall.
  std::vector<const Run*> aware;
  std::map<std::string, std::pair<double, int>> memory_by_profile;  // sum, runs
  for (const Run& r : runs)
    if (r.mode == "routing-aware") {
      aware.push_back(&r);
      auto& [sum, count] = memory_by_profile[r.profile];
      sum += static_cast<double>(r.memory_cells);
      ++count;
    }
  std::vector<std::string> profiles;
  for (const auto& entry : memory_by_profile) profiles.push_back(entry.first);
  auto below = [&](const std::string& a, const std::string& b) {
    return a != b && profile_at_most(parse_profile(a), parse_profile(b));
  };
  auto mean = [&](const std::string& p) { return memory_by_profile[p].first / memory_by_profile[p].second; };
  for (const std::string& lo : profiles)
    for (const std::string& hi : profiles) {
      if (!below(lo, hi)) continue;
      bool covered = true;  // no profile lies strictly between: compare neighbours only
      for (const std::string& mid : profiles) covered = covered && !(below(lo, mid) && below(mid, hi));
      if (!covered) continue;
      guards.push_back({"memory-grows-with-profile/" + lo + " -> " + hi, mean(hi) >= mean(lo),
                        fmt::format("{} {:.0f} cells, {} {:.0f} cells (means over seeds)", lo, mean(lo), hi, mean(hi))});
    }
  // The paper's memory claim: with as many synapses or fewer (--target-synapses keeps at most the
  // routing-aware count; the penalty may prune below it) the baseline needs more routing memory.
  for (const Run& baseline : runs) {
    if (baseline.mode != "baseline") continue;
    for (const Run* r : aware)
      if (baseline.synapses <= r->synapses)
        guards.push_back({"baseline-needs-more-memory/" + baseline.name + "/" + r->name,
                          baseline.memory_cells > r->memory_cells,
                          fmt::format("{} {} cells with {} synapses, {} {} cells with {} synapses", baseline.name,
                                      baseline.memory_cells, baseline.synapses, r->name, r->memory_cells,
                                      r->synapses)});
  }
  return guards;
}

// The recorded figures of an earlier run of the same tier (same seeds, same data).
std::vector<Guard> expected_guards(const std::vector<Run>& runs, const std::string& path, double accuracy_tolerance,
                                   double memory_tolerance) {
  const json expected = mosaic::read_json_file(path);
  const JsonFields top(expected, path, "");
  const json& list = top.array("runs");
  std::vector<Guard> guards;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonFields e(list[i], path, fmt::format("runs[{}]", i));
    const std::string name = e.string("name");
    auto it = std::find_if(runs.begin(), runs.end(), [&](const Run& r) { return r.name == name; });
    if (it == runs.end()) {
      guards.push_back({"expected/" + name, false, "this run is missing"});
      continue;
    }
    const double acc = e.number("sim_accuracy");
    guards.push_back({"expected-accuracy/" + name, std::fabs(it->sim_accuracy - acc) <= accuracy_tolerance,
                      fmt::format("{:.4f}, expected {:.4f} +- {}", it->sim_accuracy, acc, accuracy_tolerance)});
    const double mem = static_cast<double>(e.integer("memory_cells", 0, std::numeric_limits<long>::max()));
    guards.push_back({"expected-memory/" + name, std::fabs(it->memory_cells - mem) <= memory_tolerance * mem,
                      fmt::format("{} cells, expected {:.0f} +- {:.0f}%", it->memory_cells, mem, 100 * memory_tolerance)});
  }
  return guards;
}

std::string markdown(const std::vector<Run>& runs, const std::vector<Guard>& guards) {
  std::string out =
      "| run | mode | profile | epochs | synapses | routing memory (cells) | mappable | test accuracy (sim) | "
      "majority vote | median decision latency (cycles) |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Run& r : runs)
    out += fmt::format("| {} | {} | {} | {} | {} | {:.3g} | {} | {:.1f}% | {:.1f}% | {:.0f} |\n", r.name, r.mode,
                       r.profile.empty() ? "-" : r.profile, r.epochs, r.synapses, static_cast<double>(r.memory_cells),
                       r.mappable ? "yes" : "no", 100 * r.sim_accuracy, 100 * r.sim_vote, r.decision_median_cycles);
  out += "\n";
  for (const Guard& g : guards) out += fmt::format("- {} {}: {}\n", g.passed ? "ok  " : "FAIL", g.name, g.detail);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mosaic-codesign-report: tabulates the co-design suite (tools/codesign): accuracy against routing memory "
      "for every run, from the files mosaic-train, mosaic-map and mosaic-sim wrote (--dir) or from the runs' "
      "records (--records), and checks the guards. With --record RUN it writes RUN's record instead. "
      "Exit 0: every guard holds; 1: a guard failed; 2: bad input."};
  std::string dir, records, record, config_digest, command, expected, out_json, out_md, tier;
  std::vector<std::string> names;
  double accuracy_tolerance = 0.02, memory_tolerance = 0.05;
  auto* dir_option = app.add_option("--dir", dir, "folder holding <run>.json, <run>.map.json, <run>.sim.json");
  auto* records_option =
      app.add_option("--records", records, "folder holding the runs' records <run>.json (written by --record)");
  dir_option->excludes(records_option);
  auto* record_option = app.add_option("--record", record, "write this run's record (from --dir) to --out and stop");
  record_option->needs(dir_option)->excludes(records_option);
  app.add_option("--config-digest", config_digest, "with --record: digest of the run's config (the workflow's)");
  app.add_option("--command", command, "with --record: the run's training command");
  app.add_option("--runs", names, "run names, in table order")->delimiter(',');
  app.add_option("--tier", tier, "name of the suite tier, recorded in the results");
  app.add_option("--expected", expected, "results.json of an earlier run to hold these figures to");
  app.add_option("--accuracy-tolerance", accuracy_tolerance, "allowed accuracy change against --expected")
      ->capture_default_str();
  app.add_option("--memory-tolerance", memory_tolerance, "allowed relative memory change against --expected")
      ->capture_default_str();
  app.add_option("--out", out_json, "results JSON to write");
  app.add_option("--markdown", out_md, "results table (Markdown) to write");
  CLI11_PARSE(app, argc, argv);

  return mosaic::run_tool("mosaic-codesign-report", [&] {
    if (!record.empty()) {
      if (out_json.empty()) throw mosaic::InputError("--out", "", "--record needs --out, the record to write");
      mosaic::write_text_atomic(out_json, record_json(read_run(dir, record), config_digest, command).dump(2) + "\n");
      return 0;
    }
    if (dir.empty() && records.empty()) throw mosaic::InputError("--dir", "", "give --dir or --records");
    if (names.empty()) throw mosaic::InputError("--runs", "", "name at least one run");
    std::vector<Run> runs;
    for (const std::string& name : names) runs.push_back(records.empty() ? read_run(dir, name) : read_record(records, name));
    std::vector<Guard> guards = structural_guards(runs);
    if (!expected.empty()) {
      const std::vector<Guard> more = expected_guards(runs, expected, accuracy_tolerance, memory_tolerance);
      guards.insert(guards.end(), more.begin(), more.end());
    }
    json results = {{"tool", "mosaic-codesign-report"}, {"format_version", 1}, {"tier", tier}, {"runs", json::array()},
                    {"guards", json::array()}};
    for (const Run& r : runs) results["runs"].push_back(run_json(r));
    bool all_passed = true;
    for (const Guard& g : guards) {
      results["guards"].push_back({{"name", g.name}, {"passed", g.passed}, {"detail", g.detail}});
      all_passed = all_passed && g.passed;
    }
    results["passed"] = all_passed;
    const std::string table = markdown(runs, guards);
    std::cout << table;
    if (!out_json.empty()) mosaic::write_text_atomic(out_json, results.dump(2) + "\n");
    if (!out_md.empty()) mosaic::write_text_atomic(out_md, table);
    return all_passed ? 0 : 1;
  });
}
