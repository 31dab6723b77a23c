#include "sim/run.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <regex>

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "mapping/mapping.hpp"
#include "models/atomic_file.hpp"
#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/json_fields.hpp"
#include "models/reference.hpp"
#include "models/signal_cleanup.hpp"
#include "sim/gtkwave.hpp"
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
  const bool all_given = o.router_traversal_pj && o.synaptic_event_pj && o.neuron_update_pj;
  const bool some_given = o.router_traversal_pj || o.synaptic_event_pj || o.neuron_update_pj;
  if (all_given) run.energy.placeholder = false;
  // No published per-event figure of Mosaic was found (sim/README.md, "Timing and energy"),
  // so there is no preset: the source is the Arch or the command line, or the placeholder.
  if (all_given) run.energy_source = "command line (--energy-router-pj, --energy-synapse-pj, --energy-neuron-pj)";
  else if (!run.energy.placeholder) run.energy_source = "energy object of " + source_name + (some_given ? ", partly overridden on the command line" : "");
  else run.energy_source = std::string("PLACEHOLDER: not measurements (1 pJ per event unless set") +
                           (some_given ? "; some set on the command line, give all three" : "") +
                           "); no published per-event figure of Mosaic is known to this tool";
  if (!(o.clock_mhz > 0) || !std::isfinite(o.clock_mhz))
    throw InputError(kCommandLine, "--clock-mhz", "must be a positive number of MHz");
  run.clock_mhz = o.clock_mhz;
}

// Checks the whole input once (ShdCheck::Everything reads every recording in a child process,
// so a damaged file is refused before the run, however it fails) and counts the samples.
void check_samples(const RunOptions& o, LoadedRun& run) {
  const Network& net = run.trained;
  // The reader refuses channel ids beyond what the network expects, and corrupt files.
  ShdReader reader(o.input_path, net.input.shd_channels, net.num_classes, ShdCheck::Everything);
  std::size_t count = reader.size();
  run.file_recordings = static_cast<int>(count);
  if (o.max_recordings > 0) count = std::min<std::size_t>(count, o.max_recordings);
  run.spec = bin_spec(net.input);
  run.recordings = static_cast<int>(count);
  run.samples = run.recordings * run.spec.interleave_k;
  if (run.samples == 0) throw InputError(o.input_path, "/spikes/times", "holds no sample");
  if (static_cast<int>(reader.extra().keys.size()) == net.num_classes) run.class_names = reader.extra().keys;
}

// --trace-samples and --trace-filter must name samples and blocks that exist: a trace of
// nothing is bad input, not an empty file (exit 2 with the valid range or names).
void configure_tracing(const RunOptions& o, LoadedRun& run) {
  TraceConfig& trace = run.config.trace;
  for (int s : trace.samples)
    if (s < 0 || s >= run.samples)
      throw InputError("command line", "--trace-samples",
                       fmt::format("sample {} does not exist: the run has {} samples ({} recordings x {} subsets), "
                                   "positions 0..{}", s, run.samples, run.recordings, run.spec.interleave_k,
                                   run.samples - 1));
  if (!trace.vcd_path.empty() && gtkwave_save_path(trace.vcd_path) == trace.vcd_path)
    throw InputError("command line", "--vcd", "'" + trace.vcd_path + "' ends in .gtkw: that name is taken by the GTKWave save file written beside the VCD");
  const int neurons = run.trained.arch.num_neurons();
  if (!trace.potentials.empty() && trace.vcd_path.empty())
    throw InputError("command line", "--trace-potential", "needs --vcd FILE: the potentials are written into the VCD");
  for (int n : trace.potentials)
    if (n < 0 || n >= neurons)
      throw InputError("command line", "--trace-potential",
                       fmt::format("neuron {} does not exist: the network {} has {} neurons, ids 0..{}", n,
                                   o.net_path, neurons, neurons - 1));
  std::sort(trace.potentials.begin(), trace.potentials.end());
  trace.potentials.erase(std::unique(trace.potentials.begin(), trace.potentials.end()), trace.potentials.end());
  if (o.trace_filter.empty()) return;
  const Arch& arch = run.trained.arch;
  const std::string valid = fmt::format(
      "valid items: tiles, routers, tile_0..tile_{}, R1_X_Y at a router cell with one of X, Y odd and R0_X_Y with both "
      "even (X 0..{}, Y 0..{}, e.g. R1_0_1, R0_0_0)",
      arch.num_tiles() - 1, arch.grid_rows() - 1, arch.grid_cols() - 1);
  trace.tiles = trace.routers = false;
  const std::regex router(R"((R[01])_(\d{1,6})_(\d{1,6}))"), tile(R"(tile_(\d{1,9}))");
  std::smatch m;
  for (const std::string& item : o.trace_filter) {
    if (item == "tiles") {
      trace.tiles = true;
    } else if (item == "routers") {
      trace.routers = true;
    } else if (std::regex_match(item, m, router)) {
      const GridPos p{std::stoi(m[2]), std::stoi(m[3])};
      if (!arch.in_grid(p) || cell_type_name(arch.cell_type(p)) != m[1].str())
        throw InputError("command line", "--trace-filter", "'" + item + "' names no router of this " + arch.name() +
                                                               " chip; " + valid);
      trace.routers = true;
      trace.only_routers.push_back(p);
    } else if (std::regex_match(item, m, tile)) {
      const int t = std::stoi(m[1]);
      if (t >= arch.num_tiles())
        throw InputError("command line", "--trace-filter", "'" + item + "' names no tile of this " + arch.name() +
                                                               " chip; " + valid);
      trace.tiles = true;
      trace.only_tiles.push_back(t);
    } else {
      throw InputError("command line", "--trace-filter", "'" + item + "' is not an item; " + valid);
    }
  }
}

// The samples of a run, read and binned one recording at a time as positions are asked for.
class SampleStream {
 public:
  SampleStream(const LoadedRun& run, const std::string& path)
      : spec_(run.spec),
        reader_(path, run.trained.input.shd_channels, run.trained.num_classes, ShdCheck::Layout) {}

  const BinnedSample& at(int position) {
    const int recording = position / spec_.interleave_k;
    if (recording != recording_) {
      subsets_ = bin_all_subsets(reader_.read(static_cast<std::size_t>(recording)), spec_);
      for (BinnedSample& b : subsets_) b.recording = recording;
      recording_ = recording;
    }
    return subsets_[static_cast<std::size_t>(position % spec_.interleave_k)];
  }

 private:
  BinSpec spec_;
  ShdReader reader_;
  int recording_ = -1;
  std::vector<BinnedSample> subsets_;
};

// Writes one byte per finished sample to the parent, or counts in-process.
using ProgressSink = std::function<void()>;

// The sample files of a run's folder: each worker's samples in position order; the traced
// samples (run first, in the order listed) apart, sorted when they are done.
std::string samples_file(const std::filesystem::path& folder, int worker) {
  return (folder / fmt::format("samples-{}.jsonl", worker)).string();
}
std::string traced_file(const std::filesystem::path& folder, int worker) {
  return (folder / fmt::format("traced-{}.jsonl", worker)).string();
}

// Runs `share` (positions; the first `traced` of them traced) and writes each sample's result to
// the sample files of `folder` as it finishes; returns the statistics, which do not grow with
// the number of samples.
RunStats run_share(const LoadedRun& run, const RunOptions& o, const std::vector<int>& share, int traced,
                   const ProgressSink& progress, const std::filesystem::path& folder, int worker) {
  SampleStream samples(run, o.input_path);
  SimConfig config = run.config;
  const bool noisy = o.noise_sigma > 0;
  const bool with_reference = o.compare_reference || noisy;
  config.record_spikes = o.compare_reference && !noisy;
  if (traced == 0) config.trace.vcd_path.clear();  // only the worker with the traced samples writes the VCD
  Simulator sim(run.simulated, run.routes, config);
  std::optional<ReferenceModel> reference;
  if (with_reference) reference.emplace(run.reference);
  double reference_cpu_seconds = 0;
  SampleWriter traced_out(traced_file(folder, worker)), untraced_out(samples_file(folder, worker));
  for (std::size_t k = 0; k < share.size(); ++k) {
    const BinnedSample& sample = samples.at(share[k]);
    SampleResult result = sim.run(sample, share[k], static_cast<int>(k) < traced);
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
      result.reference_prediction = want.prediction;
      result.spike_mismatch_steps = differing;
    }
    (static_cast<int>(k) < traced ? traced_out : untraced_out).write(result);
    progress();
  }
  traced_out.close();
  untraced_out.close();
  if (traced > 0) sort_sample_file(traced_file(folder, worker));
  RunStats stats = sim.stats();
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
    if (s >= 0 && s < run.samples && std::find(traced.begin(), traced.end(), s) == traced.end())
      traced.push_back(s);
  return traced;
}

RunStats execute_in_workers(const LoadedRun& run, const RunOptions& o, ProgressReport& progress,
                            const std::filesystem::path& dir) {
  const std::vector<int> traced = traced_positions(run);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("cannot create a pipe for the workers");
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  std::vector<pid_t> workers;
  std::vector<int> worker_slots;
  for (int w = 0; w < o.jobs; ++w) {
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      // A worker dies with its parent, whatever kills it (SIGKILL included); the parent may
      // have died between fork and prctl, hence the check of getppid.
      reset_signal_cleanup_in_child();
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) _exit(1);
      close(pipe_fds[0]);
      int status = 0;
      try {
        const auto share = worker_share(run.samples, o.jobs, w, traced);
        const RunStats stats = run_share(run, o, share, w == 0 ? static_cast<int>(traced.size()) : 0, [&] {
          const char done = 1;
          if (write(pipe_fds[1], &done, 1) != 1) {}  // progress only; a lost byte is harmless
        }, dir, w);
        write_text_atomic((dir / fmt::format("worker-{}.json", w)).string(), to_json(stats).dump());
      } catch (const InputError& e) {
        // Bad input or an unwritable output found by a worker (a full disk under the VCD):
        // handed to the parent, which reports it once and exits 2.
        std::ofstream((dir / fmt::format("worker-{}.error", w)).string()) << e.file() << "\n" << e.field() << "\n" << e.problem();
        status = 2;
      } catch (const std::exception& e) {
        std::cerr << "mosaic-sim: worker " << w << ": " << e.what() << "\n";
        status = 1;
      }
      std::cerr.flush();
      _exit(status);
    }
    workers.push_back(pid);
    worker_slots.push_back(kill_on_signal(pid));
  }
  close(pipe_fds[1]);
  char buffer[256];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) progress.advance(static_cast<int>(n));
    else if (errno != EINTR) break;  // the workers' exit status tells what happened
  }
  close(pipe_fds[0]);
  bool failed = false;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    int status = 0;
    while (waitpid(workers[i], &status, 0) < 0 && errno == EINTR) {}
    forget_pid(worker_slots[i]);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  for (int w = 0; w < o.jobs; ++w) {
    std::ifstream error((dir / fmt::format("worker-{}.error", w)).string());
    std::string file, field, problem;
    if (std::getline(error, file) && std::getline(error, field) && std::getline(error, problem)) {
      throw InputError(file, field, problem);
    }
  }
  RunStats merged;
  if (!failed)
    for (int w = 0; w < o.jobs; ++w)
      merged.merge(run_stats_from_json(read_json_file((dir / fmt::format("worker-{}.json", w)).string())));
  if (failed) throw std::runtime_error("a worker process failed (see its message above)");
  return merged;
}

}  // namespace

std::string bundled_folder() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  // MOSAIC_BUNDLED_RELATIVE: the data folder relative to the tools' folder (sim/CMakeLists.txt).
  return (exe.parent_path() / MOSAIC_BUNDLED_RELATIVE).lexically_normal().string();
}

void resolve_bundled_files(RunOptions& o) {
  const bool net_bundled = o.net_path.empty(), input_bundled = o.input_path.empty();
  if (!net_bundled && !input_bundled) return;
  const std::filesystem::path folder = bundled_folder();
  if (net_bundled) o.net_path = (folder / "default_net.json").string();
  if (input_bundled) o.input_path = (folder / "shd_sample.h5").string();
  const std::string hint = "the bundled default_net.json and shd_sample.h5 are looked for beside this mosaic-sim, in " +
                           folder.string() + " (built or installed with cmake --install); or give --net and --input";
  if (net_bundled) require_file(o.net_path, hint);
  if (input_bundled) require_file(o.input_path, hint);
}

void RunOptions::validate() const {
  if (jobs < 1) throw InputError(kCommandLine, "--jobs", "must be at least 1");
  if (quantize_levels == 1 || quantize_levels < 0)
    throw InputError(kCommandLine, "--quantize-levels", "must be 0 (off) or at least 2");
  if (noise_sigma < 0) throw InputError(kCommandLine, "--noise", "must not be negative");
}

LoadedRun load_run(const RunOptions& o) {
  o.validate();
  require_file(o.net_path, "");
  require_file(o.input_path, "");
  LoadedRun run;
  run.net_path = o.net_path;
  run.input_path = o.input_path;
  run.trained = read_network(o.net_path);
  configure_timing_and_energy(o, run);

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
  check_samples(o, run);
  configure_tracing(o, run);
  if (!run.config.trace.vcd_path.empty()) {
    // Created now, so an unwritable path is refused before the run; written by the process
    // that runs the traced samples, renamed into place by execute() when the run succeeded.
    run.vcd_output = std::make_shared<AtomicOutput>(run.config.trace.vcd_path);
    run.config.trace.vcd_data_path = run.vcd_output->temp_path();
  }
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

RunResult execute(const LoadedRun& run, const RunOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  ProgressReport progress(o.progress, run.samples);
  const auto folder = std::make_shared<const RunFolder>();
  RunResult result;
  if (o.jobs == 1) {
    const std::vector<int> traced = traced_positions(run);
    result.stats = run_share(run, o, worker_share(run.samples, 1, 0, traced), static_cast<int>(traced.size()),
                             [&] { progress.advance(1); }, folder->path(), 0);
  } else {
    result.stats = execute_in_workers(run, o, progress, folder->path());
  }
  if (run.vcd_output) {
    // The save file from the finished VCD's declarations, then the VCD itself into place.
    const std::string& vcd = run.vcd_output->path();
    write_text_atomic(gtkwave_save_path(vcd),
                      gtkwave_save_file(read_vcd_header(run.vcd_output->temp_path(), vcd), vcd));
    run.vcd_output->commit();
  }
  std::vector<std::string> files;
  for (int w = 0; w < o.jobs; ++w) files.insert(files.end(), {traced_file(folder->path(), w), samples_file(folder->path(), w)});
  result.samples = SampleLog(folder, files);
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace mosaic::sim
