#include "tools/cochlea/cochlea.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "tools/cochlea/audio.hpp"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace mosaic::cochlea {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for fibre draws.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Binomial(n, p) by inversion of the CDF with one uniform number u, n <= 255. The caller
// settles most draws with u < 1 - n p <= (1 - p)^n = P(0) (then K = 0) before calling.
// Float precision is ample for a 24-bit uniform number.
class BinomialSampler {
 public:
  BinomialSampler() {
    for (int k = 0; k < 256; ++k) reciprocal_[k] = 1.0f / (k + 1);
  }

  // Smallest k with u < P(K <= k).
  int invert(int n, float p, float u) const {
    if (n <= 0 || p <= 0.0f) return 0;
    if (p >= 1.0f) return n;
    const float q = 1.0f - p;
    // P(0) = q^n by squaring, without data-dependent branches.
    float probability = 1.0f, base = q;
    for (int bit = 0; bit < 8; ++bit) {
      probability *= ((n >> bit) & 1) ? base : 1.0f;
      base *= base;
    }
    const float odds = p / q;
    float cumulative = probability;
    int k = 0;
    while (u >= cumulative && k < n) {
      probability *= static_cast<float>(n - k) * reciprocal_[k] * odds;
      ++k;
      cumulative += probability;
    }
    return k;
  }

 private:
  float reciprocal_[256];
};

// Fourth-order gammatone filters (Patterson et al. 1992; Glasberg & Moore 1990 ERB) as a
// cascade of four identical complex one-pole resonators per channel (Holdsworth et al.
// 1988): the impulse response of the cascade is t^3 exp(-2 pi b t) exp(i 2 pi f t).
// Each stage is scaled to unit gain at its centre frequency; the real part of the output
// carries half of a real input, hence the input factor 2.
class GammatoneBank {
 public:
  static constexpr int kOrder = 4;

  GammatoneBank(const std::vector<double>& cf_hz, const CochleaConfig& config) : channels_(cf_hz.size()) {
    const double dt = 1.0 / config.internal_rate_hz;
    const double nyquist_hz = 0.5 * config.internal_rate_hz;
    pole_re_.resize(channels_);
    pole_im_.resize(channels_);
    stage_gain_.resize(channels_);
    input_gain_.resize(channels_);
    state_.assign(2 * kOrder * channels_, 0.0f);
    for (size_t c = 0; c < channels_; ++c) {
      const double erb_hz = 24.7 * (4.37 * cf_hz[c] / 1000.0 + 1.0);
      const double radius = std::exp(-2.0 * M_PI * config.bandwidth_erb_factor * erb_hz * dt);
      const double angle = 2.0 * M_PI * cf_hz[c] * dt;
      pole_re_[c] = static_cast<float>(radius * std::cos(angle));
      pole_im_[c] = static_cast<float>(radius * std::sin(angle));
      stage_gain_[c] = static_cast<float>(1.0 - radius);
      // Channels tuned near or above Nyquist cannot be represented at this rate: silent.
      const bool representable = cf_hz[c] < config.silent_above_nyquist_fraction * nyquist_hz;
      input_gain_[c] = representable ? 2.0f : 0.0f;
    }
  }

  // One input sample -> basilar-membrane displacement of every channel. The four stages
  // run inside one flat loop over channels, which the compiler vectorises across channels
  // (ivdep: the arrays never overlap; GCC 12 gives up on this loop with restrict pointers).
  void step(float input, float* output) {
    const float* pole_re = pole_re_.data();
    const float* pole_im = pole_im_.data();
    const float* stage_gain = stage_gain_.data();
    const float* input_gain = input_gain_.data();
    float* re0 = state_.data();
    float* im0 = re0 + channels_;
    float* re1 = im0 + channels_;
    float* im1 = re1 + channels_;
    float* re2 = im1 + channels_;
    float* im2 = re2 + channels_;
    float* re3 = im2 + channels_;
    float* im3 = re3 + channels_;
#pragma GCC ivdep
    for (size_t c = 0; c < channels_; ++c) {
      const float a_re = pole_re[c], a_im = pole_im[c], gain = stage_gain[c];
      // y <- a y + gain x, complex, four times.
      const float x0 = input_gain[c] * input;
      const float y0_re = a_re * re0[c] - a_im * im0[c] + gain * x0;
      const float y0_im = a_re * im0[c] + a_im * re0[c];
      const float y1_re = a_re * re1[c] - a_im * im1[c] + gain * y0_re;
      const float y1_im = a_re * im1[c] + a_im * re1[c] + gain * y0_im;
      const float y2_re = a_re * re2[c] - a_im * im2[c] + gain * y1_re;
      const float y2_im = a_re * im2[c] + a_im * re2[c] + gain * y1_im;
      const float y3_re = a_re * re3[c] - a_im * im3[c] + gain * y2_re;
      const float y3_im = a_re * im3[c] + a_im * re3[c] + gain * y2_im;
      re0[c] = y0_re; im0[c] = y0_im;
      re1[c] = y1_re; im1[c] = y1_im;
      re2[c] = y2_re; im2[c] = y2_im;
      re3[c] = y3_re; im3[c] = y3_im;
      output[c] = y3_re;
    }
  }

 private:
  size_t channels_;
  std::vector<float> pole_re_, pole_im_, stage_gain_, input_gain_;
  std::vector<float> state_;  // [stage re, stage im][channel], stages 0..3
};

// Meddis (1986) inner hair cell: free transmitter q, cleft c, reprocessing store w.
//   k = g dt (s + A) / (s + A + B) for s + A > 0, else 0   (membrane permeability)
//   q += y dt (M - q) + x dt w - k q
//   c += k q - l dt c - r dt c
//   w += r dt c - x dt w
// Release probability of one fibre per sample: h dt c. State starts at the silent steady state.
class HairCells {
 public:
  HairCells(size_t channels, const HairCellParams& params, double dt) : params_(params), dt_(dt) {
    const double rest_k = params.max_permeability_g * params.permeability_offset_A /
                          (params.permeability_offset_A + params.permeability_rate_B);
    const double loss_plus_reuptake = params.loss_l + params.reuptake_r;
    const double rest_q = params.replenish_y * params.max_free_transmitter_M /
                          (params.replenish_y + rest_k * params.loss_l / loss_plus_reuptake);
    const double rest_c = rest_k * rest_q / loss_plus_reuptake;
    const double rest_w = params.reuptake_r * rest_c / params.reprocess_x;
    free_q_.assign(channels, static_cast<float>(rest_q));
    cleft_c_.assign(channels, static_cast<float>(rest_c));
    store_w_.assign(channels, static_cast<float>(rest_w));
  }

  // Stimulus per channel -> release probability per fibre for this sample.
  void step(const float* displacement, float* release_probability) {
    const float scale = static_cast<float>(params_.stimulus_scale);
    const float offset_A = static_cast<float>(params_.permeability_offset_A);
    const float rate_B = static_cast<float>(params_.permeability_rate_B);
    const float g_dt = static_cast<float>(params_.max_permeability_g * dt_);
    const float y_dt = static_cast<float>(params_.replenish_y * dt_);
    const float x_dt = static_cast<float>(params_.reprocess_x * dt_);
    const float l_dt = static_cast<float>(params_.loss_l * dt_);
    const float r_dt = static_cast<float>(params_.reuptake_r * dt_);
    const float h_dt = static_cast<float>(params_.firing_h * dt_);
    const float M = static_cast<float>(params_.max_free_transmitter_M);
    const size_t channels = free_q_.size();
    float* free_q = free_q_.data();
    float* cleft_c = cleft_c_.data();
    float* store_w = store_w_.data();
#pragma GCC ivdep
    for (size_t c = 0; c < channels; ++c) {
      // s + A <= 0 closes the membrane: permeability 0.
      const float drive = scale * displacement[c] + offset_A;
      const float s_plus_A = drive > 0.0f ? drive : 0.0f;
      const float k = g_dt * s_plus_A / (s_plus_A + rate_B);
      const float q = free_q[c], cleft = cleft_c[c], w = store_w[c];
      const float ejected = k * q;
      const float reuptake = r_dt * cleft;
      const float reprocessed = x_dt * w;
      const float deficit = M - q > 0.0f ? M - q : 0.0f;
      free_q[c] = q + y_dt * deficit + reprocessed - ejected;
      cleft_c[c] = cleft + ejected - l_dt * cleft - reuptake;
      store_w[c] = w + reuptake - reprocessed;
      release_probability[c] = h_dt * cleft_c[c];
    }
  }

 private:
  HairCellParams params_;
  double dt_;
  std::vector<float> free_q_, cleft_c_, store_w_;
};

// Per channel: fibres_per_channel auditory-nerve fibres, each firing with the hair cell's
// release probability unless it fired within the refractory period. The fibres that are
// not refractory are drawn together, one binomial draw per channel and step; a ring of
// recent spike counts tells how many are refractory. They converge on a bushy cell:
// current-based LIF, exact exponential decay per step, reset to 0, refractory period.
//
// The step is split into passes so that the common work vectorises across channels:
// (1) uniform numbers (one xorshift32 stream per channel) and the cheap test u < 1 - n p
// that settles "no spike" for most channels; (2) exact CDF inversion, scalar, only for the
// channels that test left open; (3) refractory bookkeeping and the bushy-cell update.
class FibresAndBushyCells {
 public:
  FibresAndBushyCells(size_t channels, const CochleaConfig& config, double rate_hz, uint64_t seed)
      : channels_(channels),
        fibres_(config.fibres_per_channel),
        fibre_refractory_steps_(std::max(1, static_cast<int>(std::lround(config.fibre_refractory_s * rate_hz)))),
        bushy_refractory_steps_(static_cast<int>(std::lround(config.bushy_refractory_s * rate_hz))),
        syn_decay_(static_cast<float>(std::exp(-1.0 / (config.bushy_tau_syn_s * rate_hz)))),
        mem_decay_(static_cast<float>(std::exp(-1.0 / (config.bushy_tau_mem_s * rate_hz)))),
        weight_(static_cast<float>(config.bushy_weight_per_fibre_spike)),
        threshold_(static_cast<float>(config.bushy_threshold)),
        recent_spikes_(static_cast<size_t>(fibre_refractory_steps_) * channels, 0),
        available_(channels, fibres_),
        uniform_(channels),
        spikes_(channels),
        current_(channels, 0.0f),
        voltage_(channels, 0.0f),
        refractory_left_(channels, 0),
        fired_flag_(channels, 0),
        open_channels_(channels) {
    SplitMix64 seeder(seed);
    rng_state_.resize(channels);
    for (uint32_t& state : rng_state_) {
      do state = static_cast<uint32_t>(seeder.next() >> 32);
      while (state == 0);  // xorshift32 must not start at 0
    }
  }

  // Appends the channels whose bushy cell fires in this step.
  void step(const float* release_probability, std::vector<uint16_t>& fired) {
    uint8_t* expiring = recent_spikes_.data() + ring_position_ * channels_;  // fired one period ago
    int32_t* available = available_.data();
    uint32_t* rng_state = rng_state_.data();
    float* uniform = uniform_.data();
    int32_t* spikes = spikes_.data();
    uint32_t* open_channels = open_channels_.data();

    // Pass 1: fibres back from refractoriness, uniforms, cheap zero test (vectorised).
#pragma GCC ivdep
    for (size_t c = 0; c < channels_; ++c) {
      available[c] += expiring[c];
      uint32_t x = rng_state[c];  // xorshift32 (Marsaglia 2003)
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      rng_state[c] = x;
      uniform[c] = static_cast<float>(x >> 8) * 0x1.0p-24f;
      spikes[c] = 0;
    }
    size_t open_count = 0;
    for (size_t c = 0; c < channels_; ++c) {  // branch-free compaction of the open channels
      open_channels[open_count] = static_cast<uint32_t>(c);
      open_count += uniform[c] >= 1.0f - available[c] * release_probability[c];
    }
    // Pass 2: exact draws for the open channels.
    for (size_t i = 0; i < open_count; ++i) {
      const uint32_t c = open_channels[i];
      spikes[c] = binomial_.invert(available[c], release_probability[c], uniform[c]);
    }
    // Pass 3: refractoriness and bushy cells (vectorised).
    const float input_decay = 1.0f - mem_decay_;
    uint8_t* fired_flag = fired_flag_.data();
    float* current = current_.data();
    float* voltage = voltage_.data();
    int32_t* refractory_left = refractory_left_.data();
    int fired_count = 0;
#pragma GCC ivdep
    for (size_t c = 0; c < channels_; ++c) {  // arithmetic instead of branches, so it vectorises
      expiring[c] = static_cast<uint8_t>(spikes[c]);
      available[c] -= spikes[c];
      current[c] = current[c] * syn_decay_ + weight_ * static_cast<float>(spikes[c]);
      const float v = voltage[c] * mem_decay_ + input_decay * current[c];
      const int resting = refractory_left[c] > 0;
      const int fires = (1 - resting) & (v > threshold_);
      voltage[c] = v * static_cast<float>(1 - (resting | fires));
      refractory_left[c] += fires * bushy_refractory_steps_ - resting;
      fired_flag[c] = static_cast<uint8_t>(fires);
      fired_count += fires;
    }
    if (fired_count > 0)
      for (size_t c = 0; c < channels_; ++c)
        if (fired_flag[c]) fired.push_back(static_cast<uint16_t>(c));
    ring_position_ = (ring_position_ + 1) % fibre_refractory_steps_;
  }

 private:
  BinomialSampler binomial_;
  size_t channels_;
  int fibres_;
  int fibre_refractory_steps_;
  int bushy_refractory_steps_;
  float syn_decay_, mem_decay_, weight_, threshold_;
  std::vector<uint8_t> recent_spikes_;  // [ring slot][channel]
  std::vector<int32_t> available_;      // fibres not refractory
  std::vector<uint32_t> rng_state_;
  std::vector<float> uniform_;
  std::vector<int32_t> spikes_;
  std::vector<float> current_, voltage_;
  std::vector<int32_t> refractory_left_;
  std::vector<uint8_t> fired_flag_;
  std::vector<uint32_t> open_channels_;
  size_t ring_position_ = 0;
};

// Level of the speech in a recording: the RMS over its speech frames (see CochleaConfig),
// in dBFS; -inf when no frame qualifies. SHD normalised whole recordings trimmed to the word;
// measuring on the speech frames gives the same level for a word with pauses or silence
// around it, and leaves silence and quiet noise floors unamplified.
double speech_level_dbfs(const std::vector<float>& signal, const CochleaConfig& config) {
  const size_t frame = std::max<size_t>(1, static_cast<size_t>(config.speech_frame_s * config.internal_rate_hz));
  std::vector<double> frame_energy;  // mean square per frame
  for (size_t start = 0; start < signal.size(); start += frame) {
    const size_t end = std::min(signal.size(), start + frame);
    double sum = 0.0;
    for (size_t n = start; n < end; ++n) sum += static_cast<double>(signal[n]) * signal[n];
    frame_energy.push_back(sum / (end - start));
  }
  if (frame_energy.empty()) return -INFINITY;
  const double loudest = *std::max_element(frame_energy.begin(), frame_energy.end());
  const double threshold = std::max(loudest * std::pow(10.0, -config.speech_range_db / 10.0),
                                    std::pow(10.0, config.speech_floor_dbfs / 10.0));
  double sum = 0.0;
  size_t count = 0;
  for (double energy : frame_energy)
    if (energy >= threshold && energy > 0.0) sum += energy, ++count;
  return count == 0 ? -INFINITY : 10.0 * std::log10(sum / count);
}

// Normalisation on the speech, level change, middle-ear high-pass and Hann-shaped edges,
// in place. Returns the speech level (dBFS) and the normalisation gain (dB).
std::pair<double, double> condition_level(std::vector<float>& signal, const CochleaConfig& config) {
  const double level_dbfs = speech_level_dbfs(signal, config);
  double gain_db = config.gain_db, normalisation_db = 0.0;
  if (config.target_rms > 0.0 && std::isfinite(level_dbfs)) {
    normalisation_db = 20.0 * std::log10(config.target_rms) - level_dbfs;
    gain_db += normalisation_db;
  }
  if (gain_db != 0.0) {
    const float gain = static_cast<float>(std::pow(10.0, gain_db / 20.0));
    for (float& v : signal) v *= gain;
  }
  if (config.middle_ear_highpass_hz > 0.0) {  // first order, bilinear transform of s / (s + wc)
    const double k = std::tan(M_PI * config.middle_ear_highpass_hz / config.internal_rate_hz);
    const double b0 = 1.0 / (1.0 + k), a1 = (1.0 - k) / (1.0 + k);
    double previous_in = 0.0, previous_out = 0.0;
    for (float& v : signal) {
      const double out = b0 * (v - previous_in) + a1 * previous_out;
      previous_in = v;
      previous_out = out;
      v = static_cast<float>(out);
    }
  }
  const size_t ramp = std::min(signal.size() / 2, static_cast<size_t>(config.edge_ramp_s * config.internal_rate_hz));
  for (size_t i = 0; i < ramp; ++i) {
    const float weight = static_cast<float>(0.5 - 0.5 * std::cos(M_PI * (i + 0.5) / ramp));
    signal[i] *= weight;
    signal[signal.size() - 1 - i] *= weight;
  }
  return {level_dbfs, normalisation_db};
}

// Decaying filter states reach subnormal floats, which are 10-100x slower on x86; the model
// does not need them, so they are flushed to zero while it runs (restored afterwards).
class FlushSubnormals {
 public:
#if defined(__SSE2__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned int saved_;
#endif
};

}  // namespace

std::vector<double> characteristic_frequencies(const CochleaConfig& config) {
  std::vector<double> cf(config.channels);
  const double log_ratio = std::log(config.lowest_cf_hz / config.highest_cf_hz);
  for (int c = 0; c < config.channels; ++c)
    cf[c] = config.highest_cf_hz * std::exp(log_ratio * c / std::max(1, config.channels - 1));
  return cf;
}

Cochlea::Cochlea(CochleaConfig config) : config_(config), cf_hz_(characteristic_frequencies(config)) {
  if (config_.channels <= 0 || config_.channels > 65536) throw std::invalid_argument("cochlea: channels must be 1..65536");
  if (config_.fibres_per_channel <= 0 || config_.fibres_per_channel > 255)
    throw std::invalid_argument("cochlea: fibres_per_channel must be 1..255");
  if (config_.internal_rate_hz <= 0.0) throw std::invalid_argument("cochlea: internal rate must be positive");
  if (config_.fibre_decimation < 1) throw std::invalid_argument("cochlea: fibre_decimation must be >= 1");
}

SpikeTrain Cochlea::run(const std::vector<float>& audio, double sample_rate_hz, uint64_t seed) const {
  const FlushSubnormals flush_subnormals;
  std::vector<float> signal = resample(audio, sample_rate_hz, config_.internal_rate_hz);
  const auto [level_dbfs, normalisation_db] = condition_level(signal, config_);
  signal.resize(signal.size() + static_cast<size_t>(config_.tail_s * config_.internal_rate_hz), 0.0f);

  const size_t channels = cf_hz_.size();
  const double dt = 1.0 / config_.internal_rate_hz;
  const int decimation = config_.fibre_decimation;
  GammatoneBank filterbank(cf_hz_, config_);
  HairCells hair_cells(channels, config_.hair_cell, dt);
  FibresAndBushyCells bushy_cells(channels, config_, config_.internal_rate_hz / decimation, seed);

  std::vector<float> displacement(channels), release_probability(channels), window_probability(channels, 0.0f);
  std::vector<uint16_t> fired;
  SpikeTrain train;
  train.duration_s = signal.size() * dt;
  train.speech_level_dbfs = level_dbfs;
  train.normalisation_gain_db = normalisation_db;
  for (size_t n = 0; n < signal.size(); ++n) {
    filterbank.step(signal[n], displacement.data());
    hair_cells.step(displacement.data(), release_probability.data());
    // The fibres see the release probability summed over `decimation` samples.
    for (size_t c = 0; c < channels; ++c) window_probability[c] += release_probability[c];
    if ((n + 1) % decimation != 0) continue;
    fired.clear();
    bushy_cells.step(window_probability.data(), fired);
    std::fill(window_probability.begin(), window_probability.end(), 0.0f);
    const float window_start_s = static_cast<float>((n + 1 - decimation) * dt);
    for (uint16_t channel : fired) {
      train.times_s.push_back(window_start_s);
      train.channels.push_back(channel);
    }
  }
  return train;
}

}  // namespace mosaic::cochlea
