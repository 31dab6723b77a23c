#include "tools/codesign-report/figures.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "models/atomic_file.hpp"
#include "models/error.hpp"
#include "models/plot.hpp"
#include "trainer/deepr.hpp"

namespace mosaic::codesign {

namespace {

using plot::format_number;

constexpr const char* kAccuracy = "test accuracy, mosaic-sim (%)";
constexpr const char* kMemory = "routing memory (memristor cells, homogeneous model)";
constexpr const char* kSpread = "Points: mean over the tier's seeds; bars: smallest to largest.";
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

std::string pct(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }

plot::Point group_point(const Group& g, double x, const std::string& label) {
  return {x, 100 * g.accuracy, 100 * g.accuracy_min, 100 * g.accuracy_max, label};
}

// Groups at their mean memory, labelled with their name and accuracy.
plot::Series memory_series(const std::string& name, const char* colour, const std::vector<Group>& groups, bool line) {
  plot::Series s;
  s.name = name;
  s.colour = colour;
  s.line = line;
  for (const Group& g : groups) s.points.push_back(group_point(g, g.memory, g.label + ": " + pct(g.accuracy)));
  return s;
}

std::string seeds_of(const Group& g) {
  std::string out;
  for (const Run* r : g.runs) out += (out.empty() ? "" : ", ") + std::to_string(r->seed);
  return out;
}

// Figure outcome: the file written, or why not.
struct Outcome {
  std::string name, title;
  std::string why_skipped;  // "" when drawn
};

Outcome accuracy_vs_memory(const FigureOptions& o, const Table& table) {
  Outcome out{"a_accuracy_vs_memory.svg", "(a) accuracy against routing memory", ""};
  if (table.profiles.empty() && table.baselines.empty()) {
    out.why_skipped = "the tier has no routing-aware (rewired) and no baseline run";
    return out;
  }
  plot::Chart chart;
  chart.title = "Test accuracy against routing memory";
  chart.x = {kMemory, plot::Scale::Log};
  chart.y = {kAccuracy};
  if (o.paper) {
    plot::Series ra, base;
    ra.name = "authors: routing-aware (SHD)";
    base.name = "authors: baseline (SHD)";
    ra.faint = base.faint = true;
    ra.colour = kPalette[0];
    base.colour = kPalette[1];
    for (const MemoryAccuracy& p : o.paper->routing_aware) ra.points.push_back({p.memory, 100 * p.accuracy});
    for (const MemoryAccuracy& p : o.paper->baseline) base.points.push_back({p.memory, 100 * p.accuracy});
    chart.series.push_back(ra);
    chart.series.push_back(base);
  }
  if (!table.profiles.empty()) {
    chart.series.push_back(memory_series("routing-aware: profile mean (min-max)", kPalette[0], table.profiles, false));
    std::vector<MemoryAccuracy> means;
    for (const Group& g : table.profiles) means.push_back({g.memory, g.accuracy, g.label});
    plot::Series envelope;
    envelope.name = "routing-aware upper envelope";
    envelope.markers = false;
    envelope.colour = kPalette[0];
    for (const MemoryAccuracy& p : upper_envelope(means)) envelope.points.push_back({p.memory, 100 * p.accuracy});
    // Beyond its largest memory the envelope stays at its best (claim (i)): drawn up to the baselines.
    for (const Group& g : table.baselines)
      if (g.memory > envelope.points.back().x) envelope.points.push_back({g.memory, envelope.points.back().y});
    if (envelope.points.size() > 1) chart.series.push_back(envelope);
  }
  if (!table.baselines.empty())
    chart.series.push_back(memory_series("baseline: penalty strengths (min-max)", kPalette[1], table.baselines, true));
  if (!table.dense.empty()) chart.series.push_back(memory_series("dense", kPalette[2], table.dense, false));
  chart.notes.push_back(std::string(kSpread) + " Memory: what each trained network needs (mosaic-map), mean over seeds.");
  chart.notes.push_back("Line: the upper envelope of the routing-aware means (claim (i)), flat beyond its largest memory.");
  if (table.baselines.empty()) chart.notes.push_back("No baseline run in the tier: no baseline curve.");
  if (table.profiles.empty()) chart.notes.push_back("No routing-aware (rewired) run in the tier.");
  chart.notes.push_back(o.paper ? "Faint: the authors' published points (their SHD runs, original_vs_new.svg), from " + o.paper->path
                                : o.paper_note);
  write_text_atomic(o.dir + "/" + out.name, chart.svg());
  return out;
}

Outcome accuracy_vs_p3(const FigureOptions& o, const Table& table) {
  Outcome out{"b_accuracy_vs_p3.svg", "(b) accuracy against p3, one line per p1", ""};
  // Profiles of the paper's grid only: distances 1 and 3.
  std::map<double, std::map<double, const Group*>> grid;
  std::string profiles;
  for (const Group& g : table.profiles) {
    profiles += (profiles.empty() ? "" : ", ") + g.label;
    const train::HopProfile p = train::HopProfile::parse(g.label);
    bool only_1_and_3 = true;
    for (const auto& [d, f] : p.fraction) only_1_and_3 = only_1_and_3 && (d == 1 || d == 3);
    if (only_1_and_3 && p.at(1) > 0) grid[p.at(1)][p.at(3)] = &g;
  }
  bool line = false;
  for (const auto& [p1, by_p3] : grid) line = line || by_p3.size() >= 2;
  if (!line) {
    out.why_skipped = "needs one p1 at two or more p3 values (the tier's profiles: " + (profiles.empty() ? "none" : profiles) + ")";
    return out;
  }
  plot::Chart chart;
  chart.title = "Test accuracy against p3, one line per p1";
  chart.x = {"p3: fraction of the links at hop distance 3"};
  chart.y = {kAccuracy};
  std::map<double, std::string> colour;
  for (const auto& [p1, by_p3] : grid) colour[p1] = kPalette[colour.size() % 6];
  if (o.paper)
    for (const auto& [p1, by_p3] : o.paper->by_profile) {
      if (!colour.count(p1)) colour[p1] = kPalette[colour.size() % 6];
      plot::Series s;
      s.name = "authors: p1 = " + format_number(p1);
      s.faint = true;
      s.colour = colour[p1];
      for (const auto& [p3, acc] : by_p3) s.points.push_back({p3, 100 * acc});
      chart.series.push_back(s);
    }
  std::map<double, bool> p3_values;
  for (const auto& [p1, by_p3] : grid) {
    plot::Series s;
    s.name = "p1 = " + format_number(p1) + " (mean, min-max)";
    s.colour = colour[p1];
    for (const auto& [p3, g] : by_p3) {
      s.points.push_back(group_point(*g, p3, pct(g->accuracy)));
      p3_values[p3] = true;
    }
    chart.series.push_back(s);
  }
  if (o.paper)
    for (const auto& [p1, by_p3] : o.paper->by_profile)
      for (const auto& [p3, acc] : by_p3) p3_values[p3] = true;
  for (const auto& [p3, used] : p3_values) chart.x.ticks.emplace_back(p3, format_number(p3));
  chart.x.min = p3_values.begin()->first - 0.03;
  chart.x.max = p3_values.rbegin()->first + 0.05;
  chart.notes.push_back(kSpread);
  chart.notes.push_back(o.paper ? "Faint: the authors' final test accuracies by profile (their SHD runs, Acc_vs_Proba.svg), from " +
                                      o.paper->path
                                : o.paper_note);
  write_text_atomic(o.dir + "/" + out.name, chart.svg());
  return out;
}

Outcome router_sizes(const FigureOptions& o, const std::vector<Run>& runs, const Table& table, InitialSizesCache& initial,
                     std::ostream& log) {
  Outcome out{"c_router_sizes_at_init.svg", "(c) router sizes at DeepR initialisation against the profile", ""};
  if (o.init_seeds <= 0) {
    out.why_skipped = "--init-seeds 0";
    return out;
  }
  std::map<std::string, std::vector<const Run*>> trained;  // canonical profile -> rewired runs
  for (const Run& r : runs) {
    if (r.mode != "routing-aware") continue;
    if (const std::string why = why_initialisation_cannot_be_rebuilt(r.command); !why.empty()) {
      out.why_skipped = r.name + ": " + why;
      return out;
    }
    if (!trained_without_rewiring(r)) trained[canonical_profile(r.profile)];
  }
  for (const Group& g : table.profiles) trained[g.label] = g.runs;
  if (trained.empty()) {
    out.why_skipped = "the tier has no routing-aware run";
    return out;
  }
  struct Row {
    std::string profile;
    std::map<std::string, std::vector<double>> sizes;  // "total", "nt", "r0", "r1" over seeds
    double mean_total = 0;
  };
  std::vector<Row> rows;
  for (const auto& [profile, group] : trained) {
    log << fmt::format("mosaic-codesign-report: (c) initialising {} for {} seeds\n", profile, o.init_seeds);
    Row row{profile, {}, 0};
    for (long seed = kFirstInitSeed; seed < kFirstInitSeed + o.init_seeds; ++seed) {
      const InitialSizes& s = initial.get(profile, seed);
      row.sizes["total"].push_back(static_cast<double>(s.memory_cells));
      for (const char* type : {"nt", "r0", "r1"}) row.sizes[type].push_back(s.cells_per_instance[type].get<double>());
      row.mean_total += static_cast<double>(s.memory_cells) / o.init_seeds;
    }
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.mean_total < b.mean_total; });

  plot::Chart chart;
  chart.title = fmt::format("Router sizes at DeepR initialisation, {} seeds per profile", o.init_seeds);
  chart.x = {"hop profile (d:p_d, fraction of the links at hop distance d)"};
  chart.y = {"memristor cells", plot::Scale::Log};
  const std::pair<const char*, const char*> kinds[] = {{"total", "routing memory at init (mean, min-max)"},
                                                       {"r1", "R1 router, cells per instance"},
                                                       {"r0", "R0 router, cells per instance"},
                                                       {"nt", "neuron-tile input crossbar, cells per instance"}};
  int colour = 0;
  std::string unused;
  for (const auto& [kind, name] : kinds) {
    plot::Series s;
    s.name = name;
    s.line = false;
    s.colour = kPalette[colour++ % 6];
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::vector<double>& v = rows[i].sizes.at(kind);
      double mean = 0;
      for (double x : v) mean += x / v.size();
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      if (*lo <= 0) {  // a router type no link uses (R0 without hop-3 links): nothing to draw on a log axis
        unused += fmt::format("{}{} at {}", unused.empty() ? "" : "; ", name, rows[i].profile);
        continue;
      }
      s.points.push_back({static_cast<double>(i), mean, *lo, *hi, std::string(kind) == "total" ? format_number(mean) : ""});
    }
    chart.series.push_back(s);
  }
  plot::Series after;
  after.name = "routing memory after training (mean, min-max)";
  after.line = false;
  after.colour = kPalette[4];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& runs_of = trained.at(rows[i].profile);
    if (runs_of.empty()) continue;
    const Group g = make_group(rows[i].profile, runs_of);
    after.points.push_back({i + 0.15, g.memory, g.memory_min, g.memory_max, ""});
  }
  if (!after.points.empty()) chart.series.push_back(after);
  for (std::size_t i = 0; i < rows.size(); ++i) chart.x.ticks.emplace_back(static_cast<double>(i), rows[i].profile);
  chart.x.min = -0.5;
  chart.x.max = rows.size() - 0.5;
  chart.width = std::max(760, static_cast<int>(rows.size()) * 90 + 120);
  chart.notes.push_back(fmt::format(
      "Initialisation: mosaic-train --epochs 0 --mode routing-aware --profile P --seed S (S = {} to {}), mapped as mosaic-map "
      "does (fixed placement, one-turn routing).",
      kFirstInitSeed, kFirstInitSeed + o.init_seeds - 1));
  chart.notes.push_back("Router size: cells of one instance, every instance built for the worst (homogeneous model); "
                        "bars: smallest to largest over the seeds.");
  chart.notes.push_back("After training: the tier's trained networks of the profile (mosaic-map), drawn just right of the profile.");
  if (!unused.empty()) chart.notes.push_back("0 cells (no port used), not drawn on the log axis: " + unused + ".");
  write_text_atomic(o.dir + "/" + out.name, chart.svg());
  return out;
}

// The words of a command without --no-rewire: a no-rewire run's rewired twin has exactly these.
std::vector<std::string> words_without_no_rewire(const std::string& command) {
  std::vector<std::string> words;
  std::istringstream in(command);
  std::string w;
  while (in >> w)
    if (w != "--no-rewire") words.push_back(w);
  return words;
}

Outcome rewiring(const FigureOptions& o, const std::vector<Run>& runs) {
  Outcome out{"d_rewiring.svg", "(d) rewiring on and off", ""};
  std::map<std::string, std::vector<std::pair<const Run*, const Run*>>> pairs;  // profile -> (rewired, not)
  std::vector<std::string> orphans;
  for (const Run& off : runs) {
    if (off.mode != "routing-aware" || !trained_without_rewiring(off)) continue;
    const auto key = words_without_no_rewire(off.command);
    const auto twin = std::find_if(runs.begin(), runs.end(), [&](const Run& on) {
      return on.mode == "routing-aware" && !trained_without_rewiring(on) && words_without_no_rewire(on.command) == key;
    });
    if (twin == runs.end())
      orphans.push_back(off.name);
    else
      pairs[canonical_profile(off.profile)].push_back({&*twin, &off});
  }
  if (pairs.empty()) {
    out.why_skipped = orphans.empty() ? "the tier has no run trained with --no-rewire"
                                      : "no rewired twin (the same training command without --no-rewire) for " + orphans.front();
    return out;
  }
  plot::Chart chart;
  chart.title = "DeepR rewiring on and off";
  chart.x = {"training"};
  chart.x.ticks = {{0, "rewiring on (DeepR)"}, {1, "rewiring off (--no-rewire)"}};
  chart.x.min = -0.4;
  chart.x.max = 1.6;
  chart.y = {kAccuracy};
  int colour = 0;
  for (const auto& [profile, list] : pairs) {
    std::vector<const Run*> on, off;
    for (const auto& [a, b] : list) {
      on.push_back(a);
      off.push_back(b);
    }
    const Group g_on = make_group("on", on), g_off = make_group("off", off);
    plot::Series s;
    s.name = fmt::format("{} (seeds {})", profile, seeds_of(g_off));
    s.colour = kPalette[colour++ % 6];
    s.points.push_back(group_point(g_on, 0, fmt::format("{}, {} cells", pct(g_on.accuracy), format_number(g_on.memory))));
    s.points.push_back(group_point(g_off, 1, fmt::format("{}, {} cells", pct(g_off.accuracy), format_number(g_off.memory))));
    chart.series.push_back(s);
  }
  chart.notes.push_back(std::string(kSpread) + " Twins: the same training command, with and without --no-rewire.");
  chart.notes.push_back("Labels: accuracy and routing memory (cells, mean over seeds).");
  if (!orphans.empty()) chart.notes.push_back(fmt::format("Not drawn, no rewired twin: {} run(s), first {}.", orphans.size(), orphans.front()));
  write_text_atomic(o.dir + "/" + out.name, chart.svg());
  return out;
}

}  // namespace

int write_figures(const FigureOptions& options, const std::vector<Run>& runs, const Table& table,
                  InitialSizesCache& initial, std::ostream& log) {
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error) throw InputError(options.dir, "--figures", "cannot create the folder: " + error.message());
  const Outcome outcomes[] = {accuracy_vs_memory(options, table), accuracy_vs_p3(options, table),
                              router_sizes(options, runs, table, initial, log), rewiring(options, runs)};
  std::string index = "# Figures of the co-design suite\n\n";
  int drawn = 0;
  for (const Outcome& o : outcomes) {
    const std::string line = o.why_skipped.empty() ? fmt::format("{}: {}", o.title, o.name)
                                                   : fmt::format("{}: skipped: {}", o.title, o.why_skipped);
    log << "mosaic-codesign-report: figure " << line << "\n";
    index += o.why_skipped.empty() ? fmt::format("- {}: [{}]({})\n", o.title, o.name, o.name) : "- " + line + "\n";
    drawn += o.why_skipped.empty() ? 1 : 0;
  }
  write_text_atomic(options.dir + "/index.md", index);
  return drawn;
}

}  // namespace mosaic::codesign
