#pragma once
// A model of the cochlea after the chain that made the Spiking Heidelberg Digits
// ([S]; models/SPEC.md sections 4.3 and 6), turning audio into spikes on 700 channels:
//   RMS normalisation -> gammatone basilar-membrane filterbank (channel 0 = 22.5 kHz,
//   channel 699 = 100 Hz, log-spaced) -> Meddis inner hair cell -> 40 stochastic fibres
//   with 1 ms refractoriness -> one bushy-cell LIF neuron per channel.
// Equations and parameters: tools/cochlea/README.md.
#include <cstdint>
#include <vector>

#include "models/shd_layout.hpp"

namespace mosaic::cochlea {

// Meddis (1986) transmitter-pool hair cell, rates per second; the values SHD used.
struct HairCellParams {
  double permeability_offset_A = 5.0;
  double permeability_rate_B = 300.0;
  double max_permeability_g = 2000.0;
  double replenish_y = 5.05;
  double loss_l = 2500.0;
  double reuptake_r = 6580.0;
  double reprocess_x = 66.3;
  double firing_h = 50000.0;
  double max_free_transmitter_M = 1.0;
  // Filterbank output (full-scale units) to the hair-cell stimulus s; sets the sound level
  // of a 0.3-RMS input on the Meddis model's input scale.
  double stimulus_scale = 1500.0;
};

struct CochleaConfig {
  // Front end.
  double internal_rate_hz = 16000.0;  // everything runs at this rate; audio is resampled to it
  double target_rms = 0.3;            // RMS normalisation as in SHD; 0 keeps the input level
  double gain_db = 0.0;               // level change after normalisation (corpus augmentation)
  double edge_ramp_s = 0.005;         // Hann-shaped fade-in and fade-out
  // Basilar membrane.
  int channels = kShdChannels;
  double highest_cf_hz = 22500.0;     // channel 0
  double lowest_cf_hz = 100.0;        // last channel
  double bandwidth_erb_factor = 1.019;
  double silent_above_nyquist_fraction = 0.9;  // channels with CF above this part of Nyquist get no input
  HairCellParams hair_cell;
  // Auditory-nerve fibres.
  int fibres_per_channel = 40;
  // Fibres and bushy cells run at internal_rate_hz / fibre_decimation (8 kHz: 125 us steps,
  // finer than the 0.5 ms float16 resolution of SHD times near 1 s), which halves their cost.
  int fibre_decimation = 2;
  double fibre_refractory_s = 0.001;
  // Bushy cell (current-based LIF, threshold 1).
  double bushy_tau_mem_s = 0.001;
  double bushy_tau_syn_s = 0.0005;
  double bushy_refractory_s = 0.001;
  double bushy_weight_per_fibre_spike = 0.25;
  double bushy_threshold = 1.0;
  // Seconds of silence appended so that the filter and cell tails are not cut off.
  double tail_s = 0.0;
};

struct SpikeTrain {
  std::vector<float> times_s;    // sorted
  std::vector<uint16_t> channels;
  double duration_s = 0.0;
};

// Characteristic frequency of every channel, channel 0 highest.
std::vector<double> characteristic_frequencies(const CochleaConfig& config);

class Cochlea {
 public:
  explicit Cochlea(CochleaConfig config);
  const CochleaConfig& config() const { return config_; }
  // Audio at any rate -> spikes. Deterministic for a given seed.
  SpikeTrain run(const std::vector<float>& audio, double sample_rate_hz, uint64_t seed) const;

 private:
  CochleaConfig config_;
  std::vector<double> cf_hz_;
};

}  // namespace mosaic::cochlea
