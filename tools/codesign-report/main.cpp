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
#include <filesystem>
#include <optional>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "models/atomic_file.hpp"
#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"
#include "models/network.hpp"
#include "tools/codesign-report/claims.hpp"
#include "tools/codesign-report/figures.hpp"
#include "tools/codesign-report/initial.hpp"
#include "tools/codesign-report/paper.hpp"
#include "tools/codesign-report/record.hpp"

namespace {

using nlohmann::json;
using mosaic::JsonFields;
using mosaic::codesign::Guard;
using mosaic::codesign::Run;
using mosaic::codesign::read_record;
using mosaic::codesign::read_run;
using mosaic::codesign::record_json;
using mosaic::codesign::run_json;

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

std::vector<Guard> structural_guards(const std::vector<Run>& runs, mosaic::codesign::InitialSizesCache& initial,
                                     int init_seeds) {
  std::vector<Guard> guards;
  // The simulator and the trainer's reference pass implement the same semantics.
  // Only like with like: the same file, all of it, the same weights (record.cpp, sim_differences).
  for (const Run& r : runs) {
    if (!r.sim_differs.empty()) {
      guards.push_back({"sim-equals-reference/" + r.name, true,
                        fmt::format("not compared, the simulation differs from the trainer's test: {} (mosaic-sim "
                                    "{:.4f}, reference pass {:.4f})", r.sim_differs, r.sim_accuracy, r.reference_accuracy),
                        true});
      continue;
    }
    guards.push_back({"sim-equals-reference/" + r.name,
                      r.identical_spikes && std::fabs(r.sim_accuracy - r.reference_accuracy) < 1e-9,
                      fmt::format("mosaic-sim {:.4f}, reference pass {:.4f}{}", r.sim_accuracy, r.reference_accuracy,
                                  r.identical_spikes ? "" : ", spike trains differ")});
  }
  // Every trained network learns something: at least twice the accuracy of guessing (an
  // imported network was trained elsewhere, often on other data: nothing to hold it to).
  for (const Run& r : runs)
    if (r.mode != mosaic::codesign::kImportedMode)
      guards.push_back({"learns/" + r.name, r.sim_accuracy >= 2.0 / r.num_classes,
                      fmt::format("{:.4f}, chance {:.4f}", r.sim_accuracy, 1.0 / r.num_classes)});
  // More links per hop distance cost more routing memory, in expectation over the random draw of
  // the links (models/SPEC.md sections 1.5 and 3.1): every router is built for the worst one, and
  // two profiles' draws are independent, so the seed moves the memory too. For every profile and
  // each profile just above it (at least as many links at every distance), the mean memory over
  // seeds must not fall where the profile moves it more than the seed does: where the two
  // profiles' memories at DeepR initialisation over init_seeds seeds do not overlap. Elsewhere the
  // guard is skipped, saying why.
  std::vector<const Run*> aware;
  std::map<std::string, std::pair<double, int>> memory_by_profile;  // sum, runs
  std::string not_initialisable;  // a run whose initialisation the report cannot reproduce
  for (const Run& r : runs)
    if (r.mode == "routing-aware") {
      aware.push_back(&r);
      auto& [sum, count] = memory_by_profile[r.profile];
      sum += static_cast<double>(r.memory_cells);
      ++count;
      if (const std::string why = mosaic::codesign::why_initialisation_cannot_be_rebuilt(r.command);
          not_initialisable.empty() && !why.empty())
        not_initialisable = r.name + ": " + why;
    }
  std::vector<std::string> profiles;
  for (const auto& entry : memory_by_profile) profiles.push_back(entry.first);
  auto below = [&](const std::string& a, const std::string& b) {
    return a != b && profile_at_most(parse_profile(a), parse_profile(b));
  };
  auto mean = [&](const std::string& p) { return memory_by_profile[p].first / memory_by_profile[p].second; };
  auto spread_at_init = [&](const std::string& p) {  // smallest, largest memory over the seeds
    std::pair<long, long> range{std::numeric_limits<long>::max(), 0};
    for (long seed = mosaic::codesign::kFirstInitSeed; seed < mosaic::codesign::kFirstInitSeed + init_seeds; ++seed) {
      const long cells = initial.get(p, seed).memory_cells;
      range = {std::min(range.first, cells), std::max(range.second, cells)};
    }
    return range;
  };
  for (const std::string& lo : profiles)
    for (const std::string& hi : profiles) {
      if (!below(lo, hi)) continue;
      bool covered = true;  // no profile lies strictly between: compare neighbours only
      for (const std::string& mid : profiles) covered = covered && !(below(lo, mid) && below(mid, hi));
      if (!covered) continue;
      const std::string name = "memory-grows-with-profile/" + lo + " -> " + hi;
      const std::string trained = fmt::format("{} {:.0f} cells, {} {:.0f} cells (means over seeds)", lo, mean(lo), hi, mean(hi));
      if (init_seeds <= 0 || !not_initialisable.empty()) {
        guards.push_back({name, true,
                          "not compared: the seeds' spread is unknown (" +
                              (init_seeds <= 0 ? std::string("--init-seeds 0") : not_initialisable) + "); " + trained,
                          true});
        continue;
      }
      const auto [lo_min, lo_max] = spread_at_init(lo);
      const auto [hi_min, hi_max] = spread_at_init(hi);
      const std::string spreads = fmt::format("at initialisation over seeds {}-{}: {} {}-{} cells, {} {}-{}",
                                              mosaic::codesign::kFirstInitSeed,
                                              mosaic::codesign::kFirstInitSeed + init_seeds - 1, lo, lo_min, lo_max,
                                              hi, hi_min, hi_max);
      if (lo_max >= hi_min)
        guards.push_back({name, true, "not compared: the seed moves the memory as much as the profile does (" + spreads +
                                          "); " + trained, true});
      else
        guards.push_back({name, mean(hi) >= mean(lo), trained + "; " + spreads});
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

std::string markdown(const std::vector<Run>& runs, const std::vector<Guard>& guards, const json& claims) {
  std::string out =
      "| run | mode | profile | epochs | synapses | routing memory (cells) | mappable | test accuracy (sim) | "
      "majority vote | median decision latency (cycles) |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Run& r : runs)
    out += fmt::format("| {} | {} | {} | {} | {} | {:.3g} | {} | {:.1f}% | {:.1f}% | {:.0f} |\n", r.name, r.mode,
                       r.profile.empty() ? "-" : r.profile, r.epochs, r.synapses, static_cast<double>(r.memory_cells),
                       r.mappable ? "yes" : "no", 100 * r.sim_accuracy, 100 * r.sim_vote, r.decision_median_cycles);
  out += "\n";
  // A tier committed over several sittings (sources: recorded) may mix tool versions: say so.
  std::set<std::string> sources;
  for (const Run& r : runs)
    if (!r.sources_digest.empty()) sources.insert(r.sources_digest.substr(0, 12));
  if (sources.size() > 1)
    out += fmt::format("Records made with {} versions of the tool sources ({}): `tools/codesign --refresh-sources` "
                       "redoes those older than the current sources.\n\n",
                       sources.size(), fmt::join(sources, ", "));
  for (const Guard& g : guards)
    out += fmt::format("- {} {}: {}\n", g.skipped ? "skip" : g.passed ? "ok  " : "FAIL", g.name, g.detail);
  return out + mosaic::codesign::claims_markdown(claims);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mosaic-codesign-report: tabulates the co-design suite (tools/codesign): accuracy against routing memory "
      "for every run, from the files mosaic-train, mosaic-map and mosaic-sim wrote (--dir) or from the runs' "
      "records (--records), computes the claims (accuracy at equal memory, memory at iso-accuracy, simulator "
      "equals reference, capacities after training against initialisation) and checks the guards. With --record "
      "RUN it writes RUN's record instead; with --figures DIR it draws the four figures into DIR instead. "
      "Exit 0: every guard holds (or the record or figures were written); 1: a guard failed; 2: bad input."};
  std::string dir, records, record, config_digest, sources_digest, command, expected, out_json, out_md, tier, figures;
  std::string paper =
      (std::filesystem::path(MOSAIC_SOURCE_DIR) / ".." / "shared" / "reference" / "paper_figures.tsv").lexically_normal().string();
  int init_seeds = 10;
  std::vector<std::string> names;
  double accuracy_tolerance = 0.02, memory_tolerance = 0.05;
  auto* dir_option = app.add_option("--dir", dir, "folder holding <run>.json, <run>.map.json, <run>.sim.json");
  auto* records_option =
      app.add_option("--records", records, "folder holding the runs' records <run>.json (written by --record)");
  dir_option->excludes(records_option);
  auto* record_option = app.add_option("--record", record, "write this run's record (from --dir) to --out and stop");
  record_option->needs(dir_option)->excludes(records_option);
  app.add_option("--config-digest", config_digest, "with --record: digest of the run's config (the workflow's)");
  app.add_option("--sources-digest", sources_digest, "with --record: digest of the tool sources the run was made with");
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
  app.add_option("--figures", figures, "draw the figures (SVG) into this folder and stop (no table, no guards)");
  auto* paper_option = app.add_option("--paper", paper,
                                      "the authors' published points, drawn faintly beside ours and put through the "
                                      "same claim computations (default: ../shared/reference/paper_figures.tsv beside "
                                      "the repository; when that is missing, the figures say so)")
                           ->capture_default_str();
  app.add_option("--init-seeds", init_seeds, "seeds per profile at DeepR initialisation (42, 43, ...), for figure (c) and the memory-grows-with-profile guard")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  return mosaic::run_tool("mosaic-codesign-report", [&] {
    if (!mosaic::parse_command_line(app, argc, argv)) return 0;  // --help
    if (!record.empty()) {
      if (out_json.empty()) throw mosaic::InputError("--out", "", "--record needs --out, the record to write");
      mosaic::write_text_atomic(out_json, record_json(read_run(dir, record), config_digest, sources_digest, command).dump(2) + "\n");
      return 0;
    }
    if (dir.empty() && records.empty()) throw mosaic::InputError("--dir", "", "give --dir or --records");
    if (names.empty()) throw mosaic::InputError("--runs", "", "name at least one run");
    std::vector<Run> runs;
    for (const std::string& name : names) {
      runs.push_back(records.empty() ? read_run(dir, name) : read_record(records, name));
      if (runs.back().mode != "routing-aware") continue;
      try {
        mosaic::codesign::canonical_profile(runs.back().profile);
      } catch (const std::invalid_argument& e) {
        throw mosaic::InputError((records.empty() ? dir : records) + "/" + name + ".json", "profile", e.what());
      }
    }
    // The authors' points: a missing default file is a note in the figures, a missing named one bad input.
    std::optional<mosaic::codesign::PaperFigures> paper_figures;
    std::string paper_note;
    if (paper_option->count() > 0 || std::filesystem::exists(paper))
      paper_figures = mosaic::codesign::read_paper_figures(paper);
    else
      paper_note = "The authors' points are not drawn: " + paper + " is missing (--paper names it).";
    const mosaic::codesign::Table table = mosaic::codesign::group_runs(runs);
    mosaic::codesign::InitialSizesCache initial;
    if (!figures.empty()) {
      mosaic::codesign::write_figures({figures, paper_figures ? &*paper_figures : nullptr, paper_note, init_seeds}, runs,
                                      table, initial, std::cout);
      return 0;
    }
    std::string claims_note;
    const json claims = mosaic::codesign::compute_claims(runs, table, initial, paper_figures ? &*paper_figures : nullptr);
    std::vector<Guard> guards = structural_guards(runs, initial, init_seeds);
    if (!expected.empty()) {
      std::vector<Guard> more = expected_guards(runs, expected, accuracy_tolerance, memory_tolerance);
      guards.insert(guards.end(), more.begin(), more.end());
      const json recorded = mosaic::read_json_file(expected);
      more = mosaic::codesign::claim_guards(claims, recorded, accuracy_tolerance, memory_tolerance);
      guards.insert(guards.end(), more.begin(), more.end());
      if (!recorded.contains("claims"))
        claims_note = "Claims (i), (ii), (iv) not guarded: " + expected +
                      " records none (made before the claims; tools/codesign --bless records them).";
    }
    json results = {{"tool", "mosaic-codesign-report"}, {"format_version", 1}, {"tier", tier}, {"runs", json::array()},
                    {"guards", json::array()}};
    for (const Run& r : runs) results["runs"].push_back(run_json(r));
    bool all_passed = true;
    for (const Guard& g : guards) {
      results["guards"].push_back({{"name", g.name}, {"passed", g.passed}, {"skipped", g.skipped}, {"detail", g.detail}});
      all_passed = all_passed && g.passed;
    }
    results["passed"] = all_passed;
    results["claims"] = claims;
    if (!claims_note.empty()) results["claims_not_guarded"] = claims_note;
    const std::string text = markdown(runs, guards, claims) + (claims_note.empty() ? "" : "\n" + claims_note + "\n");
    std::cout << text;
    if (!out_json.empty()) mosaic::write_text_atomic(out_json, results.dump(2) + "\n");
    if (!out_md.empty()) mosaic::write_text_atomic(out_md, text);
    return all_passed ? 0 : 1;
  });
}
