#include "sim/report.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "models/atomic_file.hpp"


namespace mosaic::sim {

namespace {

double fraction(std::int64_t part, std::int64_t whole) { return whole > 0 ? static_cast<double>(part) / whole : 0.0; }

// The step below which `share` of the samples decided (histogram indexed by step).
int percentile_step(const std::vector<std::int64_t>& histogram, std::int64_t total, double share) {
  std::int64_t seen = 0;
  for (std::size_t step = 0; step < histogram.size(); ++step) {
    seen += histogram[step];
    if (seen >= share * total) return static_cast<int>(step);
  }
  return static_cast<int>(histogram.size()) - 1;
}

}  // namespace

AerCongestion aer_congestion(const RunStats& stats) {
  AerCongestion a;
  for (const RouterStats& r : stats.routers) {
    a.fullest_fifo = std::max(a.fullest_fifo, *std::max_element(r.max_fifo.begin(), r.max_fifo.end()));
    a.router_stalls += r.stall_cycles;
  }
  for (const TileStats& t : stats.tiles) a.tile_stalls += t.stall_cycles;
  return a;
}

RunSummary summarize(const LoadedRun& run, const RunResult& result) {
  const RunStats& stats = result.stats;
  RunSummary s;
  const int classes = run.trained.num_classes;
  s.recordings = run.recordings;
  s.steps = run.trained.input.bins;
  s.tick_cycles = effective_tick_cycles(run.config, run.routes);
  s.wall_seconds = result.wall_seconds;
  s.decision_steps.assign(s.steps + 1, 0);
  // Samples come in position order, so the subsets of a recording come together (the vote).
  ScoreTally predictions(classes), reference_predictions(classes);
  double decision_sum = 0;
  result.samples.for_each([&](const SampleResult& r) {
    ++s.samples;
    predictions.add({r.recording, r.label, r.prediction});
    if (std::all_of(r.class_counts.begin(), r.class_counts.end(), [](int c) { return c == 0; }))
      ++s.samples_without_output_spike;
    ++s.decision_steps[std::min(r.decision_step, s.steps)];
    decision_sum += r.decision_step;
    if (r.reference_prediction >= 0) {
      reference_predictions.add({r.recording, r.label, r.reference_prediction});
      ++s.compared;
      s.reference_agrees += r.reference_prediction == r.prediction;
    }
    if (r.spike_mismatch_steps >= 0) {
      if (s.identical_spike_trains < 0) s.identical_spike_trains = 0;
      s.identical_spike_trains += r.spike_mismatch_steps == 0;
    }
  });
  s.score = predictions.finish();
  if (s.compared > 0) s.reference_accuracy = reference_predictions.finish().accuracy();
  s.decision_mean_steps = s.samples > 0 ? decision_sum / s.samples : 0;
  s.decision_median_steps = percentile_step(s.decision_steps, s.samples, 0.5);
  s.decision_p90_steps = percentile_step(s.decision_steps, s.samples, 0.9);
  s.events_per_second = s.wall_seconds > 0 ? stats.events() / s.wall_seconds : 0;
  s.clock_mhz = run.clock_mhz;
  s.step_ms = 1000.0 * run.trained.input.t_max_s / run.trained.input.bins;
  s.router_pj = stats.router_traversals * run.energy.router_traversal_pj;
  s.synaptic_pj = stats.synaptic_events * run.energy.synaptic_event_pj;
  s.neuron_pj = stats.neuron_updates * run.energy.neuron_update_pj;
  return s;
}

void print_summary(std::ostream& out, const RunOptions& o, const LoadedRun& run, const RunStats& stats,
                   const RunSummary& s) {
  const SimConfig& c = run.config;
  out << fmt::format("mosaic-sim: {} on {}\n", o.net_path, o.input_path);
  out << fmt::format("  chip             {} ({} tiles, {} routers), {} links, routes: {}\n", run.trained.arch.name(),
                     run.trained.arch.num_tiles(), run.routes.routers.size(), link_mode_name(c.mode), run.routes_source);
  out << fmt::format("  timing           tick {} cycles, router {} cycles, tile {} cycles{}; clock {:g} MHz (--clock-mhz), "
                     "a step is {:g} ms of audio\n", s.tick_cycles, c.router_cycles, c.tile_cycles,
                     c.mode == LinkMode::Aer ? fmt::format(", FIFO depth {}", c.fifo_depth) : "", s.clock_mhz, s.step_ms);
  if (o.quantize_levels >= 2 || o.noise_sigma > 0)
    out << fmt::format("  weights          {} levels, programming noise {} x max|w| (seed {})\n",
                       o.quantize_levels >= 2 ? std::to_string(o.quantize_levels) : "unquantised", o.noise_sigma,
                       o.noise_seed);
  out << fmt::format("  samples          {} ({} recordings x {} subsets, {} steps)\n", s.samples, s.recordings,
                     run.trained.input.interleave_k, s.steps);
  out << fmt::format("  accuracy         {:.2f} % over all subset-samples\n", 100 * s.score.accuracy());
  out << fmt::format("  majority vote    {:.2f} % over {} recordings\n", 100 * s.score.vote_accuracy(), s.recordings);
  out << fmt::format("  no output spike  {} of {} samples{}\n", s.samples_without_output_spike, s.samples,
                     s.samples_without_output_spike > 0
                         ? " -- predicted class 0 by the tie rule, not by the network (models/SPEC.md section 2.3)"
                         : "");
  if (s.compared > 0) {
    out << fmt::format("  reference pass   {:.2f} % accuracy; same prediction in {}/{} samples", 100 * s.reference_accuracy,
                       s.reference_agrees, s.compared);
    if (s.identical_spike_trains >= 0) out << fmt::format(", identical spike trains in {}/{}", s.identical_spike_trains, s.compared);
    out << "\n";
    if (o.noise_sigma > 0)
      out << fmt::format("  noise cost       {:+.2f} accuracy points against the noiseless network\n",
                         100 * (s.score.accuracy() - s.reference_accuracy));
  }
  const std::int64_t median_cycles = static_cast<std::int64_t>(s.decision_median_steps) * s.tick_cycles;
  out << fmt::format("  decision latency median {} steps = {} cycles = {:.4g} us at {:g} MHz = {:g} ms of audio; mean {:.1f} "
                     "steps ({:.4g} ms of audio); 90% by step {} ({:g} ms of audio)\n",
                     s.decision_median_steps, median_cycles, s.cycles_to_us(median_cycles), s.clock_mhz,
                     s.decision_median_steps * s.step_ms, s.decision_mean_steps, s.decision_mean_steps * s.step_ms,
                     s.decision_p90_steps, s.decision_p90_steps * s.step_ms);
  out << fmt::format("  late events      {} (undelivered at sample end: {})\n", stats.late_events, stats.undelivered);
  out << fmt::format("  simulated        {} cycles = {:.4g} us at {:g} MHz ({:.4g} us per sample)\n", stats.simulated_cycles,
                     s.cycles_to_us(static_cast<double>(stats.simulated_cycles)), s.clock_mhz,
                     s.cycles_to_us(static_cast<double>(stats.simulated_cycles) / std::max(s.samples, 1)));
  if (!stats.routers.empty()) {
    const auto busiest = std::max_element(stats.routers.begin(), stats.routers.end(),
                                          [](const RouterStats& a, const RouterStats& b) { return a.traversals < b.traversals; });
    out << fmt::format("  busiest router   {}_{}_{}: {} traversals ({:.1f} % of all)\n", cell_type_name(busiest->type),
                       busiest->pos.x, busiest->pos.y, busiest->traversals,
                       100 * fraction(busiest->traversals, stats.router_traversals));
  }
  if (c.mode == LinkMode::Aer) {
    const AerCongestion a = aer_congestion(stats);
    out << fmt::format("  aer congestion   fullest FIFO {}/{}, stalled output cycles: {} in routers, {} in tiles\n",
                       a.fullest_fifo, c.fifo_depth, a.router_stalls, a.tile_stalls);
  }
  out << fmt::format("  events           {} ({} router traversals, {} deliveries), {} spikes\n", stats.events(),
                     stats.router_traversals, stats.deliveries, stats.spikes);
  out << fmt::format("  wall time        {:.2f} s with {} worker{}; {:.3g} events/s ({:.3g} per CPU second simulating)\n",
                     s.wall_seconds, o.jobs, o.jobs > 1 ? "s" : "", s.events_per_second,
                     stats.simulation_cpu_seconds > 0 ? stats.events() / stats.simulation_cpu_seconds : 0.0);
  if (stats.reference_cpu_seconds > 0)
    out << fmt::format("  vs reference     simulator {:.2f} s, reference pass {:.2f} s (CPU, all workers): {:.1f}x\n",
                       stats.simulation_cpu_seconds, stats.reference_cpu_seconds,
                       stats.simulation_cpu_seconds / stats.reference_cpu_seconds);
  const double samples = std::max(s.samples, 1), recordings = std::max(s.recordings, 1);
  const char* mark = run.energy.placeholder ? " -- PLACEHOLDER per-event costs" : "";
  out << fmt::format("  energy           {:.4g} uJ in all (routing {:.4g}, synaptic {:.4g}, neuron {:.4g} uJ){}\n",
                     s.total_pj() * 1e-6, s.router_pj * 1e-6, s.synaptic_pj * 1e-6, s.neuron_pj * 1e-6, mark);
  out << fmt::format("  per inference    {:.4g} nJ per subset-sample (routing {:.4g}, synaptic {:.4g}, neuron {:.4g} nJ); "
                     "{:.4g} nJ per recording of {} subsets{}\n",
                     s.total_pj() / samples * 1e-3, s.router_pj / samples * 1e-3, s.synaptic_pj / samples * 1e-3,
                     s.neuron_pj / samples * 1e-3, s.total_pj() / recordings * 1e-3, run.spec.interleave_k, mark);
  out << fmt::format("  energy per event router traversal {:g} pJ, synaptic event {:g} pJ, neuron update {:g} pJ; source: {}\n",
                     run.energy.router_traversal_pj, run.energy.synaptic_event_pj, run.energy.neuron_update_pj,
                     run.energy_source);
}

void print_predictions(std::ostream& out, const LoadedRun& run, const SampleLog& samples) {
  const int classes = run.trained.num_classes;
  const auto name = [&](int c) {
    return c < static_cast<int>(run.class_names.size()) ? run.class_names[c] : fmt::format("class {}", c);
  };
  out << fmt::format("predictions ({} recordings; majority vote over the {} subsets of each{}):\n", run.recordings,
                     run.spec.interleave_k, run.class_names.empty() ? "; the input has no extra/keys" : "");
  // Samples come in position order: a recording's subsets together, recordings in order.
  int recording = -1, label = 0, silent = 0;
  std::vector<int> votes;
  const auto print_vote = [&] {
    if (votes.empty()) return;
    const int predicted = predict_class(votes);
    out << fmt::format("  recording {:>4}  {:<10} (class {}, {} of {} subsets{})   label in the file: {}\n", recording,
                       name(predicted), predicted, votes[predicted], run.spec.interleave_k,
                       silent > 0 ? fmt::format(", {} without an output spike", silent) : "", name(label));
  };
  samples.for_each([&](const SampleResult& r) {
    if (r.recording != recording) {
      print_vote();
      recording = r.recording;
      votes.assign(classes, 0);
      silent = 0;
    }
    label = r.label;
    ++votes[r.prediction];
    if (std::all_of(r.class_counts.begin(), r.class_counts.end(), [](int c) { return c == 0; })) ++silent;
  });
  print_vote();
}

namespace {

// Where the report's "samples" go: replaced by the samples as the report is written.
constexpr const char* kSamplesMark = "mosaic-sim: the samples go here";

// Everything of the report but the samples, which are marked by kSamplesMark.
nlohmann::json report_json(const RunOptions& o, const LoadedRun& run, const RunStats& stats, const RunSummary& s) {
  using nlohmann::json;
  const SimConfig& c = run.config;
  json report = to_json(stats);  // routers, tiles, latency histogram, counters
  report["samples"] = kSamplesMark;
  report["latency_histogram_cycles"] = report["latency_histogram"];
  report.erase("latency_histogram");
  report["tool"] = "mosaic-sim";
  report["format_version"] = 1;
  report["network"] = {{"path", o.net_path}, {"digest", network_digest(run.trained)}, {"arch", run.trained.arch.name()}};
  report["input"] = {{"path", o.input_path}, {"recordings", s.recordings}, {"file_recordings", run.file_recordings}, {"samples", s.samples}, {"steps", s.steps}};
  report["routes"] = run.routes_source;
  report["config"] = {{"mode", link_mode_name(c.mode)}, {"router_cycles", c.router_cycles},
                      {"tile_cycles", c.tile_cycles}, {"tick_cycles", s.tick_cycles},
                      {"tick_cycles_configured", c.tick_cycles}, {"fifo_depth", c.fifo_depth}, {"jobs", o.jobs},
                      {"quantize_levels", o.quantize_levels}, {"noise_sigma", o.noise_sigma},
                      {"noise_seed", o.noise_seed}, {"clock_mhz", s.clock_mhz}, {"step_ms", s.step_ms}};
  report["summary"] = {{"accuracy", s.score.accuracy()},
                       {"majority_vote_accuracy", s.score.vote_accuracy()},
                       {"reference_accuracy", s.reference_accuracy},
                       {"reference_same_prediction", s.reference_agrees},
                       {"reference_compared", s.compared},
                       {"identical_spike_trains", s.identical_spike_trains},
                       {"samples_without_output_spike", s.samples_without_output_spike},
                       {"wall_seconds", s.wall_seconds},
                       {"events", stats.events()},
                       {"events_per_second", s.events_per_second}};
  report["decision_latency"] = {{"histogram_steps", s.decision_steps},
                                {"median_steps", s.decision_median_steps},
                                {"mean_steps", s.decision_mean_steps},
                                {"p90_steps", s.decision_p90_steps},
                                {"median_cycles", static_cast<std::int64_t>(s.decision_median_steps) * s.tick_cycles},
                                {"mean_cycles", s.decision_mean_steps * s.tick_cycles},
                                {"median_us", s.cycles_to_us(static_cast<double>(s.decision_median_steps) * s.tick_cycles)},
                                {"mean_us", s.cycles_to_us(s.decision_mean_steps * s.tick_cycles)},
                                {"median_audio_ms", s.decision_median_steps * s.step_ms},
                                {"mean_audio_ms", s.decision_mean_steps * s.step_ms},
                                {"p90_audio_ms", s.decision_p90_steps * s.step_ms},
                                {"step_ms", s.step_ms},
                                {"clock_mhz", s.clock_mhz}};
  report["confusion_matrix"] = s.score.confusion;
  json by_step = json::array();
  for (std::int64_t correct : stats.correct_by_step) by_step.push_back(static_cast<double>(correct) / std::max(s.samples, 1));
  report["accuracy_by_step"] = by_step;
  const double samples = std::max(s.samples, 1), recordings = std::max(s.recordings, 1);
  const auto split = [&](double per) {
    return json{{"router_pj", s.router_pj / per}, {"synaptic_pj", s.synaptic_pj / per},
                {"neuron_pj", s.neuron_pj / per}, {"total_pj", s.total_pj() / per}};
  };
  report["energy"] = {{"placeholder", run.energy.placeholder},
                      {"source", run.energy_source},
                      {"per_sample", split(samples)},
                      {"per_recording", split(recordings)},
                      {"router_traversal_pj", run.energy.router_traversal_pj},
                      {"synaptic_event_pj", run.energy.synaptic_event_pj},
                      {"neuron_update_pj", run.energy.neuron_update_pj},
                      {"router_total_pj", s.router_pj},
                      {"synaptic_total_pj", s.synaptic_pj},
                      {"neuron_total_pj", s.neuron_pj},
                      {"total_pj", s.total_pj()}};
  return report;
}

}  // namespace

void write_report(const RunOptions& o, const LoadedRun& run, const RunResult& result, const RunSummary& summary) {
  // The tree without the samples is small; the samples are written one at a time into the
  // place dump(1) gives "samples" (keys sorted), in the layout dump(1) would give them, so the
  // file is the same as the dump of the whole tree (tests/sim/test_hygiene.cpp checks it).
  const std::string text = report_json(o, run, result.stats, summary).dump(1) + "\n";
  const std::string mark = fmt::format("\n \"samples\": \"{}\"", kSamplesMark);
  const std::size_t at = text.find(mark);
  if (at == std::string::npos) throw std::logic_error("write_report: the samples' place is missing");
  AtomicOutput output(o.report_path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(output.temp_path().c_str(), "we"), std::fclose);
  if (!file) output.fail(std::strerror(errno));
  int error = 0;  // the first failed write's errno
  const auto put = [&](const std::string& part) {
    if (error == 0 && std::fwrite(part.data(), 1, part.size(), file.get()) != part.size()) error = errno != 0 ? errno : EIO;
  };
  put(text.substr(0, at) + "\n \"samples\": [");
  bool first = true;
  result.samples.for_each([&](const SampleResult& r) {
    // An element of an array one level deep: its lines indented by two more spaces.
    std::string element = sample_to_json(r).dump(1);
    for (std::size_t n = element.find('\n'); n != std::string::npos; n = element.find('\n', n + 1)) element.insert(n + 1, "  ");
    put((first ? "\n  " : ",\n  ") + element);
    first = false;
  });
  put(first ? "]" : "\n ]");
  put(text.substr(at + mark.size()));
  if (error == 0 && (std::fflush(file.get()) != 0 || std::ferror(file.get()) != 0)) error = errno != 0 ? errno : EIO;
  if (std::fclose(file.release()) != 0 && error == 0) error = errno;
  if (error != 0) output.fail(std::strerror(error));
  output.commit();
}

}  // namespace mosaic::sim
