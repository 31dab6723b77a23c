#include "trainer/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "models/lif.hpp"
#include "models/score.hpp"

namespace mosaic::train {

namespace {

// Loops of fixed length for the usual K = 32 let the compiler vectorise them fully; the
// generic loops do the same operations in the same order, so results do not depend on K's path.
constexpr int kFixedK = 32;
constexpr int kLanes = 8;

// out[i] += in[i]: one link's weights into its destination tile's currents.
inline void add_link(float* out, const float* in, int k) {
  if (k == kFixedK) {
    for (int i = 0; i < kFixedK; ++i) out[i] += in[i];
    return;
  }
  for (int i = 0; i < k; ++i) out[i] += in[i];
}

inline void add_scaled(float* out, const float* in, float scale, int k) {
  for (int i = 0; i < k; ++i) out[i] += scale * in[i];
}

// Eight partial sums (lane l holds the products of indices l, l + 8, ...), kept in a vector
// register: vectorised without -ffast-math, and the same bits on every run and every CPU.
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

inline Lanes load_lanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline float sum_lanes(const Lanes& acc) {
  return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

// dz[pre] += sum over the links of pre of (link weights . dv of the link's tile), with lane l
// of the partial sums taking indices l, l + 8, ... in order. KC = K known at compile time
// (0 = read k at run time): the same operations in the same order either way.
template <int KC>
void add_link_dots(const int* link_first, const int* link_tile, const float* weights, const float* dv, int n, int k,
                   float* dz) {
  const int kk = KC > 0 ? KC : k;
  for (int pre = 0; pre < n; ++pre) {
    Lanes acc = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int l = link_first[pre]; l < link_first[pre + 1]; ++l) {
      const float* a = weights + static_cast<std::size_t>(l) * kk;
      const float* b = dv + link_tile[l] * kk;
      if constexpr (KC > 0 && KC % kLanes == 0) {
        for (int i = 0; i < KC; i += kLanes) acc += load_lanes(a + i) * load_lanes(b + i);
      } else {
        for (int i = 0; i < kk; ++i) acc[i % kLanes] += a[i] * b[i];
      }
    }
    dz[pre] += sum_lanes(acc);
  }
}

inline float surrogate(float v, float theta) {
  const float d = 10.0f * std::fabs(v - theta) + 1.0f;
  return 1.0f / (d * d);
}

}  // namespace

struct BpttKernel::Trace {
  std::vector<float> v;            // [T][N]: v at step t is at (t - 1) * N
  std::vector<float> z;            // [T][N]
  std::vector<int> spike_ids;      // neurons with z != 0, step after step, increasing ids
  std::vector<int> spike_start;    // [T + 1] offsets into spike_ids
  std::vector<double> counts;      // output spike counts per class
  double spike_sum = 0;            // sum of z over all steps and neurons
};

struct BpttKernel::Shard {
  std::vector<float> input_gradient;  // [n_inp][K]
  std::vector<float> link_gradient;   // [links][K], the layout of link_weights_
  std::vector<float> dv_next, dv_now, dz, direct;
  double cross_entropy = 0;
};

BpttKernel::BpttKernel(const ModelSpec& model, const LossConfig& loss, int threads, KernelOptions options)
    : model_(model),
      loss_(loss),
      threads_(std::max(1, threads)),
      options_(options),
      n_(model.arch.num_neurons()),
      k_(model.arch.neurons_per_tile()),
      n_inp_(model.input_channels()),
      alpha_(model.alpha()),
      theta_(model.theta),
      output_class_(n_, -1) {
  for (int c = 0; c < model.num_classes; ++c) output_class_[n_ - model.num_classes + c] = c;
  for (int s = 0; s < kShards; ++s) {
    auto shard = std::make_unique<Shard>();
    shard->input_gradient.assign(static_cast<std::size_t>(n_inp_) * k_, 0.0f);
    for (auto* v : {&shard->dv_next, &shard->dv_now, &shard->dz, &shard->direct}) v->assign(n_, 0.0f);
    shards_.push_back(std::move(shard));
  }
  link_first_.assign(n_ + 1, 0);
}

BpttKernel::~BpttKernel() = default;

void BpttKernel::set_links(const LinkMap& links) {
  link_first_.assign(1, 0);
  link_tile_.clear();
  for (int n = 0; n < n_; ++n) {
    for (int tile : links.live_tiles(n)) link_tile_.push_back(tile);
    link_first_.push_back(static_cast<int>(link_tile_.size()));
  }
  link_weights_.assign(link_tile_.size() * k_, 0.0f);
  for (auto& shard : shards_) shard->link_gradient.assign(link_tile_.size() * k_, 0.0f);
}

void BpttKernel::gather_links(const Parameters& params) {
  for (int pre = 0; pre < n_; ++pre)
    for (int l = link_first_[pre]; l < link_first_[pre + 1]; ++l)
      std::copy_n(&params.recurrent[static_cast<std::size_t>(pre) * n_ + link_tile_[l] * k_], k_,
                  &link_weights_[static_cast<std::size_t>(l) * k_]);
}

void BpttKernel::forward(const Parameters& params, const BinnedSample& sample, Trace& trace) const {
  const int steps = static_cast<int>(sample.active.size());
  trace.v.assign(static_cast<std::size_t>(steps) * n_, 0.0f);
  trace.z.assign(static_cast<std::size_t>(steps) * n_, 0.0f);
  trace.spike_ids.clear();
  trace.spike_start.assign(1, 0);
  trace.counts.assign(model_.num_classes, 0.0);
  trace.spike_sum = 0;
  std::vector<float> current(n_);
  const std::vector<float> zeros(n_, 0.0f);
  for (int t = 1; t <= steps; ++t) {
    // Canonical order: input channels by increasing id, then spiking neurons by increasing id.
    std::fill(current.begin(), current.end(), 0.0f);
    for (int j : sample.active[t - 1]) add_link(&current[(j / k_) * k_], &params.input[static_cast<std::size_t>(j) * k_], k_);
    const float* z_prev = t > 1 ? &trace.z[static_cast<std::size_t>(t - 2) * n_] : zeros.data();
    const float* v_prev = t > 1 ? &trace.v[static_cast<std::size_t>(t - 2) * n_] : zeros.data();
    if (t > 1)
      for (int s = trace.spike_start[t - 2]; s < trace.spike_start[t - 1]; ++s) {
        const int pre = trace.spike_ids[s];
        for (int l = link_first_[pre]; l < link_first_[pre + 1]; ++l) {
          const float* w = &link_weights_[static_cast<std::size_t>(l) * k_];
          if (options_.smooth_spikes)
            add_scaled(&current[link_tile_[l] * k_], w, z_prev[pre], k_);
          else
            add_link(&current[link_tile_[l] * k_], w, k_);
        }
      }
    float* v = &trace.v[static_cast<std::size_t>(t - 1) * n_];
    float* z = &trace.z[static_cast<std::size_t>(t - 1) * n_];
    for (int i = 0; i < n_; ++i) {
      if (options_.smooth_spikes) {
        float u = alpha_ * v_prev[i];
        u += current[i];
        u -= theta_ * z_prev[i];
        v[i] = u;
        z[i] = 1.0f / (1.0f + std::exp(-options_.smooth_sharpness * (u - theta_)));
      } else {
        v[i] = lif_potential(v_prev[i], alpha_, current[i], z_prev[i] != 0.0f, theta_);
        z[i] = lif_spikes(v[i], theta_) ? 1.0f : 0.0f;
      }
      if (z[i] != 0.0f) {
        trace.spike_ids.push_back(i);
        trace.spike_sum += z[i];
        if (output_class_[i] >= 0) trace.counts[output_class_[i]] += z[i];
      }
    }
    trace.spike_start.push_back(static_cast<int>(trace.spike_ids.size()));
  }
}

void BpttKernel::backward(const BinnedSample& sample, const Trace& trace, double count_scale, float rate_gradient,
                          Shard& shard) const {
  const int steps = static_cast<int>(sample.active.size());
  // dL/dcount_c of this sample's cross-entropy, divided by the batch size.
  const double log_sum = log_sum_exp(trace.counts);  // the loss's log-softmax (models/score.hpp)
  shard.cross_entropy += -(trace.counts[sample.label] - log_sum);
  std::vector<float>& direct = shard.direct;  // dL/dz[t] from the loss itself: the same at every step
  std::fill(direct.begin(), direct.end(), rate_gradient);
  for (int i = 0; i < n_; ++i)
    if (output_class_[i] >= 0) {
      const int c = output_class_[i];
      const double p = std::exp(trace.counts[c] - log_sum);
      direct[i] += static_cast<float>((p - (c == sample.label ? 1.0 : 0.0)) * count_scale);
    }

  std::vector<float>& dv_next = shard.dv_next;  // dL/dv at step t + 1
  std::vector<float>& dv_now = shard.dv_now;
  std::vector<float>& dz = shard.dz;
  std::fill(dv_next.begin(), dv_next.end(), 0.0f);
  float* grad_links = shard.link_gradient.data();
  float* grad_in = shard.input_gradient.data();
  for (int t = steps; t >= 1; --t) {
    // dL/dz[t]: direct terms, the reset of step t + 1, and every outgoing synapse.
    for (int i = 0; i < n_; ++i) dz[i] = direct[i] - theta_ * dv_next[i];
    if (t < steps) {
      if (k_ == kFixedK)
        add_link_dots<kFixedK>(link_first_.data(), link_tile_.data(), link_weights_.data(), dv_next.data(), n_, k_, dz.data());
      else
        add_link_dots<0>(link_first_.data(), link_tile_.data(), link_weights_.data(), dv_next.data(), n_, k_, dz.data());
    }
    const float* v = &trace.v[static_cast<std::size_t>(t - 1) * n_];
    const float* z = &trace.z[static_cast<std::size_t>(t - 1) * n_];
    for (int i = 0; i < n_; ++i) {
      const float dzdv = options_.smooth_spikes ? options_.smooth_sharpness * z[i] * (1.0f - z[i]) : surrogate(v[i], theta_);
      dv_now[i] = dz[i] * dzdv + alpha_ * dv_next[i];
    }
    // dL/dW[pre -> post] += dL/dv_post[t] z_pre[t - 1];  dL/dW_in[j -> post] += dL/dv_post[t] x_j[t].
    for (int j : sample.active[t - 1]) add_link(grad_in + static_cast<std::size_t>(j) * k_, &dv_now[(j / k_) * k_], k_);
    if (t > 1) {
      const float* z_prev = &trace.z[static_cast<std::size_t>(t - 2) * n_];
      for (int s = trace.spike_start[t - 2]; s < trace.spike_start[t - 1]; ++s) {
        const int pre = trace.spike_ids[s];
        for (int l = link_first_[pre]; l < link_first_[pre + 1]; ++l) {
          float* g = grad_links + static_cast<std::size_t>(l) * k_;
          if (options_.smooth_spikes)
            add_scaled(g, &dv_now[link_tile_[l] * k_], z_prev[pre], k_);
          else
            add_link(g, &dv_now[link_tile_[l] * k_], k_);
        }
      }
    }
    std::swap(dv_next, dv_now);
  }
}

template <typename Work>
void BpttKernel::run_shards(int batch_size, const Work& work) {
  auto run_shard = [&](int s) {
    const int first = static_cast<int>(static_cast<long>(batch_size) * s / kShards);
    const int last = static_cast<int>(static_cast<long>(batch_size) * (s + 1) / kShards);
    for (int b = first; b < last; ++b) work(s, b);
  };
  const int workers = std::min(threads_, kShards);
  if (workers == 1) {
    for (int s = 0; s < kShards; ++s) run_shard(s);
    return;
  }
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w)
    pool.emplace_back([&, w] {
      for (int s = w; s < kShards; s += workers) run_shard(s);
    });
  for (int s = 0; s < kShards; s += workers) run_shard(s);
  for (auto& thread : pool) thread.join();
}

BatchLoss BpttKernel::compute(const Parameters& params, const std::vector<const BinnedSample*>& batch,
                              Parameters& gradient) {
  const int batch_size = static_cast<int>(batch.size());
  while (static_cast<int>(traces_.size()) < batch_size) traces_.push_back(std::make_unique<Trace>());
  gather_links(params);
  run_shards(batch_size, [&](int, int b) { forward(params, *batch[b], *traces_[b]); });

  BatchLoss loss;
  double spikes = 0, steps = 0;
  for (int b = 0; b < batch_size; ++b) {
    spikes += traces_[b]->spike_sum;
    steps += static_cast<double>(batch[b]->active.size());
  }
  const double denominator = std::max(1.0, steps * n_);
  loss.rate = loss_.rate_scale * spikes / denominator;
  const double rate_error = loss_.target_fr - loss.rate;
  loss.rate_term = loss_.lambda_fr * rate_error * rate_error;
  const auto rate_gradient = static_cast<float>(-2.0 * loss_.lambda_fr * rate_error * loss_.rate_scale / denominator);

  for (auto& shard : shards_) {
    std::fill(shard->input_gradient.begin(), shard->input_gradient.end(), 0.0f);
    std::fill(shard->link_gradient.begin(), shard->link_gradient.end(), 0.0f);
    shard->cross_entropy = 0;
  }
  const double count_scale = 1.0 / std::max(1, batch_size);
  run_shards(batch_size, [&](int s, int b) {
    backward(*batch[b], *traces_[b], count_scale, rate_gradient, *shards_[s]);
  });

  // Shards summed in shard order, then scattered into the N x N layout.
  std::vector<float>& links_sum = shards_[0]->link_gradient;
  gradient.input = shards_[0]->input_gradient;
  double cross_entropy = shards_[0]->cross_entropy;
  for (int s = 1; s < kShards; ++s) {
    const Shard& shard = *shards_[s];
    for (std::size_t i = 0; i < gradient.input.size(); ++i) gradient.input[i] += shard.input_gradient[i];
    for (std::size_t i = 0; i < links_sum.size(); ++i) links_sum[i] += shard.link_gradient[i];
    cross_entropy += shard.cross_entropy;
  }
  gradient.recurrent.assign(static_cast<std::size_t>(n_) * n_, 0.0f);
  for (int pre = 0; pre < n_; ++pre)
    for (int l = link_first_[pre]; l < link_first_[pre + 1]; ++l)
      std::copy_n(&links_sum[static_cast<std::size_t>(l) * k_], k_,
                  &gradient.recurrent[static_cast<std::size_t>(pre) * n_ + link_tile_[l] * k_]);
  loss.cross_entropy = cross_entropy * count_scale;
  loss.total = loss.cross_entropy + loss.rate_term;
  return loss;
}

std::vector<std::vector<int>> BpttKernel::forward_spikes(const Parameters& params, const BinnedSample& sample) {
  gather_links(params);
  Trace trace;
  forward(params, sample, trace);
  std::vector<std::vector<int>> spikes;
  for (std::size_t t = 0; t + 1 < trace.spike_start.size(); ++t)
    spikes.emplace_back(trace.spike_ids.begin() + trace.spike_start[t], trace.spike_ids.begin() + trace.spike_start[t + 1]);
  return spikes;
}

}  // namespace mosaic::train
