#include "tools/codesign-report/claims.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "models/plot.hpp"
#include "trainer/config.hpp"

namespace mosaic::codesign {

using nlohmann::json;

namespace {

// The paper's figures as read from its plots (paper_figures.tsv, "Reading" line): at equal
// memory 1.25e6 cells routing-aware 73.1% against the baseline's 68.6%; the baseline's best,
// 68.8% at 1.30-1.35e6 cells, reached by routing-aware networks at 0.45e6.
constexpr const char* kPaperEqualMemory = "+4.5 points (1.25e6 cells: routing-aware 73.1% against baseline 68.6%)";
constexpr const char* kPaperIsoAccuracy = "about 3x (68.8%: baseline 1.30-1.35e6 cells, routing-aware 0.45e6)";

constexpr const char* kHowEqualMemory =
    "Routing-aware networks (DeepR, rewired) are grouped by profile and averaged over seeds (routing memory, "
    "simulator test accuracy). The upper envelope keeps every profile mean that no other mean matches or beats "
    "in accuracy with as little memory or less; between its points the envelope is linear in memory, beyond "
    "its largest memory it stays at its best accuracy, below its smallest it is not defined. At each baseline "
    "point's memory (penalty strength, mean over seeds) the claim is the envelope's accuracy minus the baseline's, "
    "in percentage points.";
constexpr const char* kHowIsoAccuracy =
    "The baseline's best accuracy is that of its best point (penalty strength, mean over seeds). The claim is "
    "that point's memory divided by the smallest memory at which the routing-aware envelope (as in (i)) "
    "reaches the same accuracy, linear between the envelope's points; 'not reached' if the envelope never does.";
constexpr const char* kHowSimEqualsReference =
    "For every network, mosaic-sim's test accuracy (cycle-level SystemC model) equals the trainer's reference "
    "pass on the same test file exactly.";
constexpr const char* kHowCapacityGrowth =
    "For every routing-aware network, the capacities it needs after training (mosaic-map on the trained "
    "network) against those of the same profile and seed at DeepR initialisation (the network mosaic-train "
    "--epochs 0 writes, mapped by the same code as mosaic-map: fixed placement, one-turn routing). Growth is "
    "trained / initial routing memory (homogeneous model) and, per router type, trained / initial largest port; "
    "'fits the initial chip' means no port of the trained network exceeds the port needed at initialisation, "
    "i.e. a chip sized from the profile would still hold it.";

double value_after(const std::string& command, const std::string& option, double fallback) {
  std::istringstream words(command);
  std::string word;
  while (words >> word)
    if (word == option && words >> word) try {
        return std::stod(word);
      } catch (const std::exception&) {
        return fallback;
      }
  return fallback;
}

}  // namespace

Group make_group(std::string label, std::vector<const Run*> runs) {
  Group g;
  g.label = std::move(label);
  g.runs = std::move(runs);
  g.accuracy_min = g.memory_min = INFINITY;
  g.accuracy_max = g.memory_max = -INFINITY;
  for (const Run* r : g.runs) {
    const double m = static_cast<double>(r->memory_cells);
    g.memory += m / g.runs.size();
    g.accuracy += r->sim_accuracy / g.runs.size();
    g.accuracy_min = std::min(g.accuracy_min, r->sim_accuracy);
    g.accuracy_max = std::max(g.accuracy_max, r->sim_accuracy);
    g.memory_min = std::min(g.memory_min, m);
    g.memory_max = std::max(g.memory_max, m);
  }
  return g;
}

namespace {

std::vector<Group> groups_of(const std::map<std::string, std::vector<const Run*>>& by_label) {
  std::vector<Group> out;
  for (const auto& [label, runs] : by_label) out.push_back(make_group(label, runs));
  std::stable_sort(out.begin(), out.end(), [](const Group& a, const Group& b) { return a.memory < b.memory; });
  return out;
}

std::vector<MemoryAccuracy> means(const std::vector<Group>& groups) {
  std::vector<MemoryAccuracy> points;
  for (const Group& g : groups) points.push_back({g.memory, g.accuracy, g.label});
  return points;
}

json envelope_json(const std::vector<MemoryAccuracy>& envelope) {
  json out = json::array();
  for (const MemoryAccuracy& p : envelope)
    out.push_back({{"profile", p.label}, {"memory_cells", p.memory}, {"accuracy", p.accuracy}});
  return out;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// (i) at every baseline point.
json equal_memory_points(const std::vector<MemoryAccuracy>& envelope, const std::vector<MemoryAccuracy>& baseline) {
  json points = json::array();
  for (const MemoryAccuracy& b : baseline) {
    const auto at = envelope_at(envelope, b.memory);
    json p = {{"baseline", b.label},
              {"memory_cells", b.memory},
              {"baseline_accuracy", b.accuracy},
              {"envelope_accuracy", optional_number(at)},
              {"difference_points", at ? json(100 * (*at - b.accuracy)) : json(nullptr)}};
    if (!at) p["note"] = "below every routing-aware network's memory";
    points.push_back(p);
  }
  return points;
}

// (ii) from the best baseline point.
json iso_accuracy(const std::vector<MemoryAccuracy>& envelope, const std::vector<MemoryAccuracy>& baseline) {
  const MemoryAccuracy best = *std::max_element(
      baseline.begin(), baseline.end(), [](const MemoryAccuracy& a, const MemoryAccuracy& b) { return a.accuracy < b.accuracy; });
  const auto memory = envelope_memory_for(envelope, best.accuracy);
  return {{"baseline", best.label},
          {"baseline_accuracy", best.accuracy},
          {"baseline_memory_cells", best.memory},
          {"reached", memory.has_value()},
          {"routing_aware_memory_cells", optional_number(memory)},
          {"ratio", memory ? json(best.memory / *memory) : json(nullptr)}};
}

int largest(const json& ports) {
  int m = 0;
  for (const json& v : ports) m = std::max(m, v.get<int>());
  return m;
}

// The entry of a list of objects whose `key` is `name`, or null.
const json* named(const json& list, const char* key, const std::string& name) {
  for (const json& entry : list)
    if (entry.is_object() && entry.value(key, std::string()) == name) return &entry;
  return nullptr;
}

std::string percent(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }
std::string cells(double v) { return plot::format_number(v); }
std::string points_text(const json& v) { return v.is_null() ? "-" : fmt::format("{:+.1f}", v.get<double>()); }

}  // namespace

bool trained_without_rewiring(const Run& run) {
  std::istringstream words(run.command);
  std::string word;
  while (words >> word)
    if (word == "--no-rewire") return true;
  return false;
}

Table group_runs(const std::vector<Run>& runs) {
  std::map<std::string, std::vector<const Run*>> profiles, no_rewire, baselines, dense;
  const train::BaselineConfig defaults;
  for (const Run& r : runs) {
    if (r.mode == "routing-aware")
      (trained_without_rewiring(r) ? no_rewire : profiles)[canonical_profile(r.profile)].push_back(&r);
    else if (r.mode == "baseline")
      baselines[fmt::format("lambda {}, beta {}", plot::format_number(value_after(r.command, "--lambda", defaults.lambda)),
                            plot::format_number(value_after(r.command, "--beta", defaults.beta)))]
          .push_back(&r);
    else
      dense[r.mode].push_back(&r);
  }
  return {groups_of(profiles), groups_of(no_rewire), groups_of(baselines), groups_of(dense)};
}

std::vector<MemoryAccuracy> upper_envelope(std::vector<MemoryAccuracy> points) {
  std::stable_sort(points.begin(), points.end(), [](const MemoryAccuracy& a, const MemoryAccuracy& b) {
    return a.memory < b.memory || (a.memory == b.memory && a.accuracy > b.accuracy);
  });
  std::vector<MemoryAccuracy> envelope;
  for (const MemoryAccuracy& p : points)
    if (envelope.empty() || p.accuracy > envelope.back().accuracy) envelope.push_back(p);
  return envelope;
}

std::optional<double> envelope_at(const std::vector<MemoryAccuracy>& envelope, double memory) {
  if (envelope.empty() || memory < envelope.front().memory) return std::nullopt;
  for (std::size_t i = 0; i + 1 < envelope.size(); ++i) {
    const MemoryAccuracy &a = envelope[i], &b = envelope[i + 1];
    if (memory <= b.memory) return a.accuracy + (memory - a.memory) / (b.memory - a.memory) * (b.accuracy - a.accuracy);
  }
  return envelope.back().accuracy;
}

std::optional<double> envelope_memory_for(const std::vector<MemoryAccuracy>& envelope, double accuracy) {
  if (envelope.empty()) return std::nullopt;
  if (envelope.front().accuracy >= accuracy) return envelope.front().memory;
  for (std::size_t i = 0; i + 1 < envelope.size(); ++i) {
    const MemoryAccuracy &a = envelope[i], &b = envelope[i + 1];
    if (b.accuracy >= accuracy) return a.memory + (accuracy - a.accuracy) / (b.accuracy - a.accuracy) * (b.memory - a.memory);
  }
  return std::nullopt;
}

json compute_claims(const std::vector<Run>& runs, const Table& table, InitialSizesCache& initial,
                    const PaperFigures* paper) {
  json claims;
  const std::vector<MemoryAccuracy> envelope = upper_envelope(means(table.profiles));
  const std::vector<MemoryAccuracy> baseline = means(table.baselines);
  std::vector<MemoryAccuracy> paper_envelope;
  if (paper) paper_envelope = upper_envelope(paper->routing_aware);

  json equal = {{"how", kHowEqualMemory}, {"paper", kPaperEqualMemory}};
  json iso = {{"how", kHowIsoAccuracy}, {"paper", kPaperIsoAccuracy}};
  if (paper) {
    equal["on_paper_points"] = {{"source", paper->path},
                                {"envelope", envelope_json(paper_envelope)},
                                {"points", equal_memory_points(paper_envelope, paper->baseline)}};
    iso["on_paper_points"] = iso_accuracy(paper_envelope, paper->baseline);
    iso["on_paper_points"]["source"] = paper->path;
  }
  if (envelope.empty() || baseline.empty()) {
    const std::string why = envelope.empty() ? "the tier has no rewired routing-aware run" : "the tier has no baseline run";
    equal["computed"] = iso["computed"] = false;
    equal["why"] = iso["why"] = why;
  } else {
    equal["computed"] = iso["computed"] = true;
    equal["envelope"] = envelope_json(envelope);
    equal["points"] = equal_memory_points(envelope, baseline);
    iso.update(iso_accuracy(envelope, baseline));
  }
  claims["equal_memory"] = equal;
  claims["iso_accuracy"] = iso;

  long equal_count = 0;
  json unequal = json::array(), not_compared = json::array();
  for (const Run& r : runs) {
    if (!r.sim_differs.empty())  // not like with like (record.cpp): as the sim-equals-reference guard
      not_compared.push_back(r.name + ": " + r.sim_differs);
    else if (std::fabs(r.sim_accuracy - r.reference_accuracy) < 1e-9)
      ++equal_count;
    else
      unequal.push_back(r.name);
  }
  claims["sim_equals_reference"] = {{"how", kHowSimEqualsReference},
                                    {"networks", runs.size()},
                                    {"equal", equal_count},
                                    {"unequal", unequal},
                                    {"not_compared", not_compared},
                                    {"passed", unequal.empty()}};

  json growth = {{"how", kHowCapacityGrowth}, {"networks", json::array()}, {"skipped", json::array()}};
  for (const Run& r : runs) {
    if (r.mode != "routing-aware") continue;
    if (const std::string why = why_initialisation_cannot_be_rebuilt(r.command); !why.empty()) {
      growth["skipped"].push_back({{"run", r.name}, {"why", why}});
      continue;
    }
    const InitialSizes& init = initial.get(r.profile, r.seed);
    json n = {{"run", r.name},
              {"profile", canonical_profile(r.profile)},
              {"seed", r.seed},
              {"rewired", !trained_without_rewiring(r)},
              {"initial", {{"memory_cells", init.memory_cells}, {"needed_capacity", init.needed_capacity}}},
              {"trained", {{"memory_cells", r.memory_cells}, {"needed_capacity", r.needed_capacity}}}};
    n["growth"]["memory"] = static_cast<double>(r.memory_cells) / static_cast<double>(init.memory_cells);
    bool fits = true;
    for (const char* type : {"nt", "r0", "r1"}) {
      const json& before = init.needed_capacity.at(type);
      const json& after = r.needed_capacity.at(type);
      const int b = largest(before), a = largest(after);
      n["growth"][type] = b > 0 ? json(static_cast<double>(a) / b) : json(nullptr);
      for (std::size_t i = 0; i < std::min(before.size(), after.size()); ++i) fits = fits && after[i] <= before[i];
    }
    n["fits_initial_chip"] = fits;
    growth["networks"].push_back(n);
  }
  if (!growth["networks"].empty()) {
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    long fitting = 0;
    for (const json& n : growth["networks"]) {
      const double g = n["growth"]["memory"].get<double>();
      lo = std::min(lo, g);
      hi = std::max(hi, g);
      sum += g;
      fitting += n["fits_initial_chip"].get<bool>() ? 1 : 0;
    }
    growth["summary"] = {{"memory_growth_min", lo},
                         {"memory_growth_max", hi},
                         {"memory_growth_mean", sum / growth["networks"].size()},
                         {"fit_initial_chip", fitting},
                         {"networks", growth["networks"].size()}};
  }
  claims["capacity_growth"] = growth;
  return claims;
}

std::string claims_markdown(const json& claims) {
  std::string out = "\n## Claims\n\n";
  const json& equal = claims["equal_memory"];
  out += "### (i) Accuracy at equal memory\n\n";
  if (!equal["computed"].get<bool>()) {
    out += fmt::format("Not computed: {}.\n\n", equal["why"].get<std::string>());
  } else {
    out += "| baseline | routing memory (cells) | baseline accuracy | routing-aware envelope | difference (points) |\n"
           "|---|---|---|---|---|\n";
    for (const json& p : equal["points"])
      out += fmt::format("| {} | {} | {} | {} | {} |\n", p["baseline"].get<std::string>(),
                         cells(p["memory_cells"].get<double>()), percent(p["baseline_accuracy"].get<double>()),
                         p["envelope_accuracy"].is_null() ? "below every routing-aware memory"
                                                          : percent(p["envelope_accuracy"].get<double>()),
                         points_text(p["difference_points"]));
    std::string env;
    for (const json& e : equal["envelope"])
      env += fmt::format("{}{} ({} cells, {})", env.empty() ? "" : ", ", e["profile"].get<std::string>(),
                         cells(e["memory_cells"].get<double>()), percent(e["accuracy"].get<double>()));
    out += fmt::format("\nEnvelope: {}.\n\n", env);
  }
  out += fmt::format("Paper: {}.", equal["paper"].get<std::string>());
  if (equal.contains("on_paper_points")) {
    std::string same;
    for (const json& p : equal["on_paper_points"]["points"])
      if (std::fabs(p["memory_cells"].get<double>() - 1.25e6) < 1)
        same = points_text(p["difference_points"]);
    if (!same.empty()) out += fmt::format(" The same computation on the authors' plotted points gives {} at 1.25e6 cells.", same);
  }
  out += fmt::format("\n\nHow: {}\n\n", equal["how"].get<std::string>());

  const json& iso = claims["iso_accuracy"];
  out += "### (ii) Memory at iso-accuracy\n\n";
  auto iso_text = [](const json& c) {
    if (!c["reached"].get<bool>())
      return fmt::format("not reached (baseline best {} at {} cells, {}; no routing-aware network reaches it)",
                         percent(c["baseline_accuracy"].get<double>()), cells(c["baseline_memory_cells"].get<double>()),
                         c.value("baseline", std::string("")));
    return fmt::format("{:.2f}x (baseline best {} at {} cells{}; the routing-aware envelope reaches it at {} cells)",
                       c["ratio"].get<double>(), percent(c["baseline_accuracy"].get<double>()),
                       cells(c["baseline_memory_cells"].get<double>()),
                       c.value("baseline", std::string("")).empty() ? "" : ", " + c["baseline"].get<std::string>(),
                       cells(c["routing_aware_memory_cells"].get<double>()));
  };
  out += iso["computed"].get<bool>() ? "Ours: " + iso_text(iso) + ".\n\n" : fmt::format("Not computed: {}.\n\n", iso["why"].get<std::string>());
  out += fmt::format("Paper: {}.", iso["paper"].get<std::string>());
  if (iso.contains("on_paper_points"))
    out += " The same computation on the authors' plotted points: " + iso_text(iso["on_paper_points"]) + ".";
  out += fmt::format("\n\nHow: {}\n\n", iso["how"].get<std::string>());

  const json& sim = claims["sim_equals_reference"];
  // Every network is either equal, unequal or not compared (not like with like): say which.
  std::string unequal, not_compared;
  for (const json& name : sim["unequal"]) unequal += (unequal.empty() ? "" : ", ") + name.get<std::string>();
  for (const json& why : sim["not_compared"]) not_compared += (not_compared.empty() ? "" : "; ") + why.get<std::string>();
  out += fmt::format("### (iii) Simulator equals reference\n\n{}: {} of {} networks equal{}{}.\n\nHow: {}\n\n",
                     sim["passed"].get<bool>() ? "Holds" : "FAILS", sim["equal"].get<long>(), sim["networks"].get<long>(),
                     unequal.empty() ? "" : ", unequal: " + unequal,
                     not_compared.empty() ? "" : fmt::format(", {} not compared ({})", sim["not_compared"].size(), not_compared),
                     sim["how"].get<std::string>());

  const json& growth = claims["capacity_growth"];
  out += "### (iv) Capacities after training against initialisation\n\n";
  if (!growth["networks"].empty()) {
    out += "| run | profile | seed | memory at init (cells) | after training | growth | largest port NT / R0 / R1, init -> trained | fits the initial chip |\n"
           "|---|---|---|---|---|---|---|---|\n";
    for (const json& n : growth["networks"]) {
      std::string ports;
      for (const char* type : {"nt", "r0", "r1"})
        ports += fmt::format("{}{} -> {}", ports.empty() ? "" : ", ", largest(n["initial"]["needed_capacity"][type]),
                             largest(n["trained"]["needed_capacity"][type]));
      out += fmt::format("| {} | {} | {} | {} | {} | {:.3f}x | {} | {} |\n", n["run"].get<std::string>(),
                         n["profile"].get<std::string>(), n["seed"].get<long>(),
                         cells(n["initial"]["memory_cells"].get<double>()), cells(n["trained"]["memory_cells"].get<double>()),
                         n["growth"]["memory"].get<double>(), ports, n["fits_initial_chip"].get<bool>() ? "yes" : "no");
    }
    const json& s = growth["summary"];
    out += fmt::format("\nMemory growth {:.3f}x to {:.3f}x (mean {:.3f}x); {} of {} trained networks fit the chip sized at "
                       "their initialisation.\n",
                       s["memory_growth_min"].get<double>(), s["memory_growth_max"].get<double>(),
                       s["memory_growth_mean"].get<double>(), s["fit_initial_chip"].get<long>(), s["networks"].get<long>());
  } else {
    out += "No routing-aware network to compare.\n";
  }
  for (const json& s : growth["skipped"])
    out += fmt::format("- skipped {}: {}\n", s["run"].get<std::string>(), s["why"].get<std::string>());
  out += fmt::format("\nHow: {}\n", growth["how"].get<std::string>());
  return out;
}

std::vector<Guard> claim_guards(const json& claims, const json& expected, double accuracy_tolerance,
                                double memory_tolerance) {
  std::vector<Guard> guards;
  if (!expected.is_object() || !expected.contains("claims")) return guards;  // the report says so (claims_recorded)
  const json& was = expected["claims"];
  auto number_at = [](const json& j, const char* key) -> std::optional<double> {
    if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
    return j[key].get<double>();
  };
  // (i): every recorded baseline point, matched by its penalty label.
  const json& now_points = claims["equal_memory"].value("points", json::array());
  for (const json& e : was.value("equal_memory", json::object()).value("points", json::array())) {
    const std::string label = e.value("baseline", std::string("?"));
    const json* it = named(now_points, "baseline", label);
    if (!it) {
      guards.push_back({"expected-claim-equal-memory/" + label, false, "this baseline point is missing"});
      continue;
    }
    const auto before = number_at(e, "difference_points"), now = number_at(*it, "difference_points");
    const double tolerance = 100 * accuracy_tolerance;
    const bool ok = before && now ? std::fabs(*now - *before) <= tolerance : before.has_value() == now.has_value();
    guards.push_back({"expected-claim-equal-memory/" + label, ok,
                      fmt::format("{} points, expected {} +- {:.1f}", points_text((*it)["difference_points"]),
                                  points_text(e["difference_points"]), tolerance)});
  }
  // (ii)
  const json was_iso = was.value("iso_accuracy", json::object());
  if (was_iso.value("computed", false)) {
    const json& now = claims["iso_accuracy"];
    const bool reached_before = was_iso.value("reached", false), reached_now = now.value("reached", false);
    const auto before = number_at(was_iso, "ratio"), ratio = number_at(now, "ratio");
    bool ok = now.value("computed", false) && reached_before == reached_now;
    if (ok && before && ratio) ok = std::fabs(*ratio - *before) <= memory_tolerance * *before;
    guards.push_back({"expected-claim-iso-accuracy", ok,
                      fmt::format("{}, expected {} +- {:.0f}%", ratio ? fmt::format("{:.3f}x", *ratio) : "not reached",
                                  before ? fmt::format("{:.3f}x", *before) : "not reached", 100 * memory_tolerance)});
  }
  // (iv): every recorded network's memory growth.
  const json& now_networks = claims["capacity_growth"]["networks"];
  for (const json& e : was.value("capacity_growth", json::object()).value("networks", json::array())) {
    const std::string run = e.value("run", std::string("?"));
    const json* it = named(now_networks, "run", run);
    if (!it) {
      guards.push_back({"expected-claim-capacity-growth/" + run, false, "this network is missing"});
      continue;
    }
    const auto before = number_at(e.value("growth", json::object()), "memory");
    const double now = (*it)["growth"]["memory"].get<double>();
    const bool ok = before && std::fabs(now - *before) <= memory_tolerance * *before;
    guards.push_back({"expected-claim-capacity-growth/" + run, ok,
                      fmt::format("{:.3f}x, expected {} +- {:.0f}%", now,
                                  before ? fmt::format("{:.3f}x", *before) : "none", 100 * memory_tolerance)});
  }
  return guards;
}

}  // namespace mosaic::codesign
