#include "trainer/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "models/atomic_file.hpp"
#include "mapping/mapping.hpp"
#include "models/error.hpp"
#include "trainer/checkpoint.hpp"
#include "trainer/connectivity.hpp"
#include "trainer/evaluate.hpp"

namespace mosaic::train {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void draw_progress(std::ostream& out, int epoch, int epochs, std::size_t done, std::size_t total, double loss,
                   double elapsed) {
  constexpr int kWidth = 30;
  const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
  out << fmt::format("\repoch {}/{} [{}{}] {}/{} loss {:.3f} {:.0f} samples/s ", epoch, epochs, std::string(filled, '#'),
                     std::string(kWidth - filled, '.'), done, total, loss, elapsed > 0 ? done / elapsed : 0.0)
      << std::flush;
}

// Routing memory of the network as trained (one-turn routing, models/SPEC.md section 1), in cells.
nlohmann::json routing_memory_json(const Network& net) {
  const mapping::RoutingMemory memory = mapping::network_memory(net);
  const auto& h = memory.homogeneous;
  return {{"cells", h.total()},
          {"nt_cells", h.nt.cells},
          {"r0_cells", h.r0.cells},
          {"r1_cells", h.r1.cells},
          {"per_instance_cells", memory.per_instance.total()},
          {"routing", "one-turn"}};
}

}  // namespace

nlohmann::json provenance(const TrainConfig& config, const Network& net, const nlohmann::json& data_files,
                          int epochs_done) {
  nlohmann::json p;
  p["tool"] = "mosaic-train";
  p["mode"] = mode_name(config.mode);
  if (config.mode == Mode::RoutingAware) {
    p["profile"] = config.deepr.profile.to_string();
    p["rewire"] = config.deepr.rewire;
  }
  if (config.mode == Mode::Baseline) {
    p["beta"] = config.baseline.beta;
    p["lambda"] = config.baseline.lambda;
  }
  p["seed"] = config.seed;
  p["data"] = data_files;
  p["epochs"] = epochs_done;
  const auto synapses = static_cast<long>(net.recurrent.size());
  const double n = net.arch.num_neurons();
  p["live_synapses"] = synapses;
  p["sparsity"] = static_cast<double>(synapses) / (n * n);  // S(theta) = ||theta||_0 / N^2
  p.update(connectivity(net).to_json());  // links_per_distance, synapses_per_distance, long-range sources
  p["config"] = config.to_json();
  return p;
}

Network initial_network(const TrainConfig& config) {
  Parameters params;
  LinkMap links;
  initialise(config, params, links);
  Network net = to_network(config.model, params, links);
  net.provenance = provenance(config, net, nlohmann::json::object(), 0);
  net.provenance["routing_memory"] = routing_memory_json(net);
  return net;
}

Trainer::Trainer(TrainConfig config, const Dataset& train, const Dataset* test, std::ostream* progress)
    : config_(std::move(config)),
      train_(train),
      test_(test),
      progress_(progress),
      kernel_(config_.model, config_.loss, config_.threads),
      adam_(config_.optimizer) {
  initialise(config_, state_.params, state_.links);
  adam_.reset(state_.adam, state_.params);
  refresh_links();
  if (config_.mode == Mode::Baseline) {
    const int tiles = config_.model.arch.num_tiles();
    tile_penalty_.resize(static_cast<std::size_t>(tiles) * tiles);
    for (int a = 0; a < tiles; ++a)
      for (int b = 0; b < tiles; ++b) {
        const double m = std::exp(config_.baseline.beta * state_.links.distance(a, b)) - 1.0;
        tile_penalty_[a * tiles + b] = static_cast<float>(std::clamp(m, 0.0, std::exp(15.0)));
      }
  }
  std::vector<std::size_t> order(train_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng = make_rng(config_.seed, RngStream::Data);
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(0, config_.train_eval_samples))));
  std::sort(order.begin(), order.end());
  train_eval_indices_ = order;
}

Trainer::~Trainer() = default;

void Trainer::restore(TrainingState state) {
  state_ = std::move(state);
  refresh_links();
}

void Trainer::refresh_links() {
  mask_ = state_.links.synapse_mask();
  kernel_.set_links(state_.links);
}

long Trainer::steps_per_epoch() const {
  return (static_cast<long>(train_.size()) + config_.batch - 1) / config_.batch;
}

long Trainer::total_steps() const { return steps_per_epoch() * config_.epochs; }

void Trainer::baseline_penalty(Parameters& gradient, double& penalty) const {
  // lambda mean(M W^2) over the N x N matrix; its gradient 2 lambda M W / N^2.
  const int n = config_.model.arch.num_neurons();
  const int k = config_.model.arch.neurons_per_tile();
  const int tiles = config_.model.arch.num_tiles();
  const double scale = config_.baseline.lambda / (static_cast<double>(n) * n);
  const auto grad_scale = static_cast<float>(2.0 * scale);
  double sum = 0;
  for (int pre = 0; pre < n; ++pre) {
    const float* m_row = &tile_penalty_[static_cast<std::size_t>(pre / k) * tiles];
    const float* w = &state_.params.recurrent[static_cast<std::size_t>(pre) * n];
    float* g = &gradient.recurrent[static_cast<std::size_t>(pre) * n];
    for (int post = 0; post < n; ++post) {
      const float m = m_row[post / k];
      sum += static_cast<double>(m) * w[post] * w[post];
      g[post] += grad_scale * m * w[post];
    }
  }
  penalty = scale * sum;
}

void Trainer::baseline_prune_and_clip() {
  auto& rec = state_.params.recurrent;
  auto& inp = state_.params.input;
  // The clip bound needs a pass over all N^2 weights: only when clipping is on.
  float bound = std::numeric_limits<float>::infinity();
  if (config_.baseline.clip_std > 0) {
    double sum = 0, sum_sq = 0;
    for (const auto* block : {&rec, &inp})
      for (float w : *block) {
        sum += w;
        sum_sq += static_cast<double>(w) * w;
      }
    const double count = static_cast<double>(rec.size() + inp.size());
    const double mean = sum / count;
    bound = static_cast<float>(config_.baseline.clip_std * std::sqrt(std::max(0.0, sum_sq / count - mean * mean)));
  }
  const float threshold = config_.baseline.prune_threshold;
  for (auto* block : {&rec, &inp})
    for (float& w : *block) {
      if (std::fabs(w) < threshold) w = 0.0f;
      w = std::clamp(w, -bound, bound);
    }
}

void Trainer::rewire(long counter, RewireStats& total) {
  // One stream per rewiring: counter = the epoch (once per epoch) or the optimiser step (--rewire-every).
  Rng rng = make_rng(config_.seed, RngStream::Rewire, static_cast<uint64_t>(counter));
  const RewireStats stats = DeepR(config_.model.arch, config_.deepr)
                                .rewire(state_.links, state_.params.recurrent,
                                        {&state_.adam.first.recurrent, &state_.adam.second.recurrent}, rng);
  total.pruned += stats.pruned;
  total.regrown += stats.regrown;
  refresh_links();
}

Parameters Trainer::noisy_weights(long step) const {
  // Memristor programming noise: each non-zero weight + N(0, noise max|w|), straight-through.
  Parameters noisy = state_.params;
  float max_abs = 0;
  for (const auto* block : {&noisy.recurrent, &noisy.input})
    for (float w : *block) max_abs = std::max(max_abs, std::fabs(w));
  Rng rng = make_rng(config_.seed, RngStream::Noise, static_cast<uint64_t>(step));
  std::normal_distribution<double> normal(0.0, config_.baseline.weight_noise * max_abs);
  for (auto* block : {&noisy.recurrent, &noisy.input})
    for (float& w : *block)
      if (w != 0.0f) w += static_cast<float>(normal(rng));
  return noisy;
}

nlohmann::json Trainer::run_epoch() {
  const auto start = Clock::now();
  const int epoch = state_.epochs_done;
  std::vector<std::size_t> order(train_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng shuffle = make_rng(config_.seed, RngStream::Shuffle, static_cast<uint64_t>(epoch));
  std::shuffle(order.begin(), order.end(), shuffle);

  const bool baseline = config_.mode == Mode::Baseline;
  const bool noise = baseline && config_.baseline.weight_noise > 0;
  const bool rewiring = config_.mode == Mode::RoutingAware && config_.deepr.rewire;
  const long rewire_steps = rewiring ? config_.deepr.rewire_every : 0;
  RewireStats rewired;
  double loss_sum = 0, ce_sum = 0, rate_sum = 0, penalty_sum = 0, lr = 0;
  Parameters gradient;
  std::vector<BinnedSample> samples;
  std::vector<const BinnedSample*> pointers;
  for (std::size_t first = 0; first < order.size(); first += config_.batch) {
    const std::size_t last = std::min(order.size(), first + config_.batch);
    samples.clear();
    for (std::size_t i = first; i < last; ++i) samples.push_back(train_.sample(order[i]));
    pointers.clear();
    for (const auto& s : samples) pointers.push_back(&s);

    const BatchLoss loss = noise ? kernel_.compute(noisy_weights(state_.adam.step), pointers, gradient)
                                 : kernel_.compute(state_.params, pointers, gradient);
    double penalty = 0;
    if (baseline) baseline_penalty(gradient, penalty);
    lr = adam_.learning_rate(state_.adam.step, total_steps());
    adam_.update(state_.params, gradient, mask_, state_.adam, lr);
    if (baseline && state_.adam.step > config_.baseline.prune_start) baseline_prune_and_clip();
    if (rewire_steps > 0 && state_.adam.step % rewire_steps == 0) rewire(state_.adam.step, rewired);

    const double weight = static_cast<double>(last - first);
    loss_sum += (loss.total + penalty) * weight;
    ce_sum += loss.cross_entropy * weight;
    rate_sum += loss.rate * weight;
    penalty_sum += penalty * weight;
    if (progress_) draw_progress(*progress_, epoch + 1, config_.epochs, last, order.size(), loss_sum / last, seconds_since(start));
  }
  const double train_seconds = seconds_since(start);
  if (progress_) *progress_ << "\n";

  if (rewiring && rewire_steps == 0) rewire(epoch, rewired);
  ++state_.epochs_done;

  const double n = std::max<double>(1.0, static_cast<double>(order.size()));
  nlohmann::json record;
  record["epoch"] = state_.epochs_done;
  record["loss"] = loss_sum / n;
  record["cross_entropy"] = ce_sum / n;
  record["firing_rate"] = rate_sum / n / config_.loss.rate_scale;  // spikes per neuron and step
  if (baseline) record["penalty"] = penalty_sum / n;
  record["lr"] = lr;
  record["pruned"] = rewired.pruned;
  record["regrown"] = rewired.regrown;
  const Network net = to_network(config_.model, state_.params, state_.links);
  const Connectivity links = connectivity(net);
  record["live_synapses"] = static_cast<long>(net.recurrent.size());
  record["links_per_distance"] = links.to_json()["links_per_distance"];
  record["synapses_per_distance"] = links.to_json()["synapses_per_distance"];
  record["max_long_range_sources"] = links.max_long_range_sources();
  record["memory_cells"] = routing_memory_json(net)["cells"];
  if (!train_eval_indices_.empty()) {
    const Evaluation eval = evaluate(net, train_, config_.threads, train_eval_indices_);
    record["train_accuracy"] = eval.accuracy();
  }
  if (test_ && (state_.epochs_done % std::max(1, config_.test_every) == 0 || state_.epochs_done == config_.epochs)) {
    const Evaluation eval = evaluate(net, *test_, config_.threads);
    record["test_accuracy"] = eval.accuracy();
    record["test_vote_accuracy"] = eval.vote_accuracy();
  }
  record["train_seconds"] = train_seconds;
  record["samples_per_s"] = train_seconds > 0 ? static_cast<double>(order.size()) / train_seconds : 0.0;
  record["elapsed_s"] = seconds_since(start);
  state_.log.push_back(record);
  return record;
}

void Trainer::finish() {
  if (config_.mode != Mode::Baseline) return;
  const float threshold = config_.baseline.final_threshold;
  if (threshold > 0)
    for (float& w : state_.params.recurrent)
      if (std::fabs(w) < threshold) w = 0.0f;
  const long target = config_.baseline.target_synapses;
  if (target <= 0) return;
  // Keep exactly the `target` largest |w| among the allowed synapses (ties: lower index kept).
  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < mask_.size(); ++i)
    if (mask_[i] != 0.0f && state_.params.recurrent[i] != 0.0f) live.push_back(i);
  if (static_cast<long>(live.size()) <= target) return;
  const auto& w = state_.params.recurrent;
  auto larger = [&](std::size_t a, std::size_t b) {
    const float wa = std::fabs(w[a]), wb = std::fabs(w[b]);
    return wa != wb ? wa > wb : a < b;
  };
  std::nth_element(live.begin(), live.begin() + target, live.end(), larger);
  for (auto it = live.begin() + target; it != live.end(); ++it) state_.params.recurrent[*it] = 0.0f;
}

Network Trainer::network(const nlohmann::json& data_files) const {
  Network net = to_network(config_.model, state_.params, state_.links);
  net.provenance = provenance(config_, net, data_files, state_.epochs_done);
  net.provenance["routing_memory"] = routing_memory_json(net);
  return net;
}

namespace {

std::string log_text(const std::vector<nlohmann::json>& log) {
  std::string text;
  for (const auto& record : log) text += record.dump() + "\n";
  return text;
}

std::string epoch_summary(const nlohmann::json& r) {
  std::string line = fmt::format("epoch {} loss {:.4f} rate {:.4f}", r["epoch"].get<int>(), r["loss"].get<double>(),
                                 r["firing_rate"].get<double>());
  if (r.contains("train_accuracy")) line += fmt::format(" train {:.2f}%", 100 * r["train_accuracy"].get<double>());
  if (r.contains("test_accuracy")) line += fmt::format(" test {:.2f}%", 100 * r["test_accuracy"].get<double>());
  line += fmt::format(" pruned {} regrown {} synapses {} (per hop", r["pruned"].get<long>(), r["regrown"].get<long>(),
                      r["live_synapses"].get<long>());
  std::map<int, long> per_hop;  // JSON keys sort as text ("11" before "3")
  for (const auto& [d, count] : r["synapses_per_distance"].items()) per_hop[std::stoi(d)] = count.get<long>();
  for (const auto& [d, count] : per_hop) line += fmt::format(" {}:{}", d, count);
  line += fmt::format(") long-range sources/tile <= {} memory {} cells {:.0f} samples/s",
                      r["max_long_range_sources"].get<int>(), r["memory_cells"].get<long>(),
                      r["samples_per_s"].get<double>());
  return line;
}

}  // namespace

int train_run(const TrainConfig& config, const RunFiles& files) {
  const BinSpec spec = config.model.bin_spec();
  const Dataset train = Dataset::load(files.train, spec, config.model.num_classes);
  std::unique_ptr<Dataset> test;
  if (!files.test.empty()) test = std::make_unique<Dataset>(Dataset::load(files.test, spec, config.model.num_classes));
  std::cerr << fmt::format("mosaic-train: {} mode, {}{}: {} training subset-samples ({} recordings x {}){}\n",
                           mode_name(config.mode), config.model.arch.name(),
                           config.mode == Mode::RoutingAware ? " on profile " + config.deepr.profile.to_string() : "",
                           train.size(), train.recordings(), train.subsets(),
                           test ? fmt::format(", {} test subset-samples", test->size()) : "");

  Trainer trainer(config, train, test.get(), files.progress ? &std::cerr : nullptr);
  const nlohmann::json data_files = {{"train", files.train}, {"test", files.test}};
  nlohmann::json identity = config.to_json();
  identity["data"] = data_files;
  if (files.resume && std::filesystem::exists(files.checkpoint)) {
    const CheckpointShape shape{&trainer.state(), config.epochs, trainer.steps_per_epoch()};
    trainer.restore(read_checkpoint(files.checkpoint, identity, shape));
    std::cerr << "mosaic-train: resuming " << files.checkpoint << " after epoch " << trainer.state().epochs_done << "\n";
  }
  int epochs_this_run = 0;
  while (trainer.state().epochs_done < config.epochs) {
    if (files.stop_after > 0 && epochs_this_run == files.stop_after) {
      std::cerr << "mosaic-train: stopped after " << epochs_this_run << " epochs (--stop-after); continue with --resume\n";
      return 0;
    }
    const nlohmann::json record = trainer.run_epoch();
    ++epochs_this_run;
    write_checkpoint(files.checkpoint, identity, trainer.state());
    if (!files.log.empty()) write_text_atomic(files.log, log_text(trainer.state().log));
    std::cerr << epoch_summary(record) << "\n";
  }
  trainer.finish();

  Network net = trainer.network(data_files);
  // The last epoch already scored the final weights unless --target-synapses pruned them since.
  const auto& log = trainer.state().log;
  const bool pruned_at_end = config.mode == Mode::Baseline &&
                             (config.baseline.target_synapses > 0 || config.baseline.final_threshold > 0);
  const bool reuse_last = !log.empty() && !pruned_at_end;
  if (reuse_last && log.back().contains("train_accuracy")) {
    net.provenance["train_accuracy"] = log.back()["train_accuracy"];
  } else if (!trainer.train_eval_indices().empty()) {
    net.provenance["train_accuracy"] = evaluate(net, train, config.threads, trainer.train_eval_indices()).accuracy();
  }
  net.provenance["train_accuracy_samples"] = trainer.train_eval_indices().size();
  if (test) {
    if (reuse_last && log.back().contains("test_accuracy")) {
      net.provenance["test_accuracy"] = log.back()["test_accuracy"];
      net.provenance["test_vote_accuracy"] = log.back()["test_vote_accuracy"];
    } else {
      const Evaluation eval = evaluate(net, *test, config.threads);
      net.provenance["test_accuracy"] = eval.accuracy();
      net.provenance["test_vote_accuracy"] = eval.vote_accuracy();
    }
    std::cerr << fmt::format("mosaic-train: test accuracy {:.2f}% (majority vote {:.2f}%)\n",
                             100 * net.provenance["test_accuracy"].get<double>(),
                             100 * net.provenance["test_vote_accuracy"].get<double>());
  }
  write_network(files.out, net);
  std::cerr << fmt::format("mosaic-train: wrote {} ({} live recurrent synapses)\n", files.out,
                           net.provenance["live_synapses"].get<long>());
  return 0;
}

}  // namespace mosaic::train
