#include "sim/run.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapping/mapping.hpp"
#include "models/atomic_file.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"
#include "models/reference.hpp"
#include "sim/quantize.hpp"
#include "sim/simulator.hpp"

namespace mosaic::sim {

namespace {

void require_file(const std::string& path, const std::string& what) {
  if (std::filesystem::exists(path)) return;
  throw InputError(path, "file", what.empty() ? "does not exist" : "does not exist: " + what);
}

// Timing and energy: the Arch JSON given with --arch (same geometry as the network), else the
// network's own arch object; then the command-line overrides.
void configure_timing_and_energy(const RunOptions& o, LoadedRun& run) {
  Arch source = run.trained.arch;
  std::string source_name = o.net_path;
  if (!o.arch_path.empty()) {
    require_file(o.arch_path, "");
    source = arch_from_json(read_json_file(o.arch_path), o.arch_path, "arch");
    if (source.name() != run.trained.arch.name())
      throw InputError(o.arch_path, "arch", fmt::format("is {} but the network {} is for {}", source.name(),
                                                        o.net_path, run.trained.arch.name()));
    source_name = o.arch_path;
  }
  run.config = o.sim;
  run.config.router_cycles = o.router_cycles.value_or(source.timing.router_cycles);
  run.config.tile_cycles = o.tile_cycles.value_or(source.timing.tile_cycles);
  run.config.tick_cycles = o.tick_cycles.value_or(source.timing.tick_cycles);
  run.config.validate(source_name);
  run.energy = source.energy;
  if (o.router_traversal_pj) run.energy.router_traversal_pj = *o.router_traversal_pj;
  if (o.synaptic_event_pj) run.energy.synaptic_event_pj = *o.synaptic_event_pj;
  if (o.neuron_update_pj) run.energy.neuron_update_pj = *o.neuron_update_pj;
  if (o.router_traversal_pj && o.synaptic_event_pj && o.neuron_update_pj) run.energy.placeholder = false;
}

void load_samples(const RunOptions& o, LoadedRun& run) {
  const Network& net = run.trained;
  // The reader refuses channel ids beyond what the network expects, and corrupt files.
  ShdReader reader(o.input_path, net.input.shd_channels, net.num_classes);
  std::size_t count = reader.size();
  if (o.max_recordings > 0) count = std::min<std::size_t>(count, o.max_recordings);
  const BinSpec spec = bin_spec(net.input);
  for (std::size_t i = 0; i < count; ++i)
    for (BinnedSample& b : bin_all_subsets(reader.read(i), spec)) {
      b.recording = static_cast<int>(i);
      run.samples.push_back(std::move(b));
    }
  run.recordings = static_cast<int>(count);
  if (run.samples.empty()) throw InputError(o.input_path, "/spikes/times", "holds no sample");
}

// Writes one byte per finished sample to the parent, or counts in-process.
using ProgressSink = std::function<void()>;

RunStats run_share(const LoadedRun& run, const RunOptions& o, const std::vector<int>& share, int traced,
                   const ProgressSink& progress) {
  SimConfig config = run.config;
  const bool noisy = o.noise_sigma > 0;
  const bool with_reference = o.compare_reference || noisy;
  config.record_spikes = o.compare_reference && !noisy;
  if (traced == 0) config.trace.vcd_path.clear();  // only the worker with the traced samples writes the VCD
  Simulator sim(run.simulated, run.routes, config);
  std::optional<ReferenceModel> reference;
  if (with_reference) reference.emplace(run.reference);
  std::vector<std::pair<int, int>> compared;  // (reference prediction, differing steps) per sample run
  double reference_cpu_seconds = 0;
  for (std::size_t k = 0; k < share.size(); ++k) {
    const BinnedSample& sample = run.samples[share[k]];
    const SampleResult result = sim.run(sample, share[k], static_cast<int>(k) < traced);
    if (static_cast<int>(k) + 1 == traced) sim.stop_tracing();
    if (reference) {
      const double start = process_cpu_seconds();
      const ForwardResult want = reference->run(sample);
      reference_cpu_seconds += process_cpu_seconds() - start;
      int differing = -1;
      if (config.record_spikes) {
        differing = 0;
        for (std::size_t t = 0; t < want.spikes.size(); ++t)
          if (t >= result.spike_trains.size() || result.spike_trains[t] != want.spikes[t]) ++differing;
      }
      compared.emplace_back(want.prediction, differing);
    }
    progress();
  }
  RunStats stats = sim.stats();
  for (std::size_t k = 0; k < compared.size(); ++k) {
    stats.samples[k].reference_prediction = compared[k].first;
    stats.samples[k].spike_mismatch_steps = compared[k].second;
  }
  stats.reference_cpu_seconds = reference_cpu_seconds;
  return stats;
}

class ProgressReport {
 public:
  ProgressReport(bool enabled, int total) : enabled_(enabled), total_(total), start_(std::chrono::steady_clock::now()) {}
  void advance(int n) {
    done_ += n;
    if (!enabled_) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (done_ < total_ && seconds - last_ < 2.0) return;
    last_ = seconds;
    std::cerr << fmt::format("mosaic-sim: {}/{} samples ({:.0f}%), {:.0f} s\n", done_, total_,
                             100.0 * done_ / std::max(total_, 1), seconds);
  }

 private:
  bool enabled_;
  int total_;
  int done_ = 0;
  double last_ = 0;
  std::chrono::steady_clock::time_point start_;
};

std::vector<int> traced_positions(const LoadedRun& run) {
  std::vector<int> traced;
  if (run.config.trace.vcd_path.empty()) return traced;
  for (int s : run.config.trace.samples)
    if (s >= 0 && s < static_cast<int>(run.samples.size()) && std::find(traced.begin(), traced.end(), s) == traced.end())
      traced.push_back(s);
  return traced;
}

RunStats execute_in_workers(const LoadedRun& run, const RunOptions& o, ProgressReport& progress) {
  const std::vector<int> traced = traced_positions(run);
  char dir_template[] = "/tmp/mosaic-sim-XXXXXX";
  if (!mkdtemp(dir_template)) throw std::runtime_error("cannot create a temporary folder for the workers");
  const std::filesystem::path dir(dir_template);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("cannot create a pipe for the workers");
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::vector<pid_t> workers;
  for (int w = 0; w < o.jobs; ++w) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      close(pipe_fds[0]);
      int status = 0;
      try {
        const auto share = worker_share(static_cast<int>(run.samples.size()), o.jobs, w, traced);
        const RunStats stats = run_share(run, o, share, w == 0 ? static_cast<int>(traced.size()) : 0, [&] {
          const char done = 1;
          if (write(pipe_fds[1], &done, 1) != 1) {}  // progress only; a lost byte is harmless
        });
        write_text_atomic((dir / fmt::format("worker-{}.json", w)).string(), to_json(stats).dump());
      } catch (const std::exception& e) {
        std::cerr << "mosaic-sim: worker " << w << ": " << e.what() << "\n";
        status = 1;
      }
      std::cerr.flush();
      _exit(status);
    }
    workers.push_back(pid);
  }
  close(pipe_fds[1]);
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) progress.advance(static_cast<int>(n));
    else if (errno != EINTR) break;  // the workers' exit status tells what happened
  }
  close(pipe_fds[0]);
  bool failed = false;
  for (pid_t pid : workers) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  RunStats merged;
  if (!failed)
    for (int w = 0; w < o.jobs; ++w)
      merged.merge(run_stats_from_json(read_json_file((dir / fmt::format("worker-{}.json", w)).string())));
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (failed) throw std::runtime_error("a worker process failed (see its message above)");
  return merged;
}

}  // namespace

LoadedRun load_run(const RunOptions& o) {
  const bool defaults = o.net_path == RunOptions{}.net_path && o.input_path == RunOptions{}.input_path;
  const std::string hint = defaults ? "the bundled traces/default_net.json and traces/shd_sample.h5 are read from "
                                      "the current directory: run from the repository root, or give --net and --input"
                                    : "";
  require_file(o.net_path, hint);
  require_file(o.input_path, hint);
  LoadedRun run;
  run.trained = read_network(o.net_path);
  configure_timing_and_energy(o, run);
  if (o.jobs < 1) throw InputError("command line", "--jobs", "must be at least 1");
  if (o.quantize_levels == 1 || o.quantize_levels < 0)
    throw InputError("command line", "--quantize-levels", "must be 0 (off) or at least 2");
  if (o.noise_sigma < 0) throw InputError("command line", "--noise", "must not be negative");

  mapping::RoutingTables tables;
  if (o.routes_path.empty()) {
    tables = mapping::route_network(run.trained, mapping::RoutingAlgorithm::OneTurn);
    run.routes_source = "one-turn routes of " + o.net_path;
  } else {
    require_file(o.routes_path, "");
    tables = mapping::read_tables(o.routes_path, run.trained);
    run.routes_source = o.routes_path;
  }
  run.routes = compile_routes(run.trained, tables);

  run.simulated = o.quantize_levels >= 2 ? quantize_weights(run.trained, o.quantize_levels) : run.trained;
  run.reference = run.simulated;
  if (o.noise_sigma > 0) run.simulated = add_programming_noise(run.reference, o.noise_sigma, o.noise_seed);
  load_samples(o, run);
  return run;
}

std::vector<int> worker_share(int samples, int workers, int worker, const std::vector<int>& traced) {
  std::vector<int> share;
  if (worker == 0) share = traced;
  // Strided, so that every worker gets recordings of every length.
  int position = 0;
  for (int s = 0; s < samples; ++s) {
    if (std::find(traced.begin(), traced.end(), s) != traced.end()) continue;
    if (position++ % workers == worker) share.push_back(s);
  }
  return share;
}

RunStats execute(const LoadedRun& run, const RunOptions& o, double& wall_seconds) {
  const auto start = std::chrono::steady_clock::now();
  ProgressReport progress(o.progress, static_cast<int>(run.samples.size()));
  RunStats stats;
  if (o.jobs == 1) {
    const std::vector<int> traced = traced_positions(run);
    stats = run_share(run, o, worker_share(static_cast<int>(run.samples.size()), 1, 0, traced),
                      static_cast<int>(traced.size()), [&] { progress.advance(1); });
  } else {
    stats = execute_in_workers(run, o, progress);
  }
  std::sort(stats.samples.begin(), stats.samples.end(),
            [](const SampleResult& a, const SampleResult& b) { return a.index < b.index; });
  wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace mosaic::sim
