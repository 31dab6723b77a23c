#pragma once
// A model of the cochlea after the chain that made the Spiking Heidelberg Digits
// ([S]; models/SPEC.md sections 4.3 and 6), turning audio into spikes on 700 channels:
//   level normalisation on the speech -> middle-ear high-pass -> broad gammatone basilar-membrane
//   filterbank (channel 0 = 22.5 kHz,
//   channel 699 = 100 Hz, log-spaced) -> Meddis inner hair cell -> 40 stochastic fibres
//   with 1 ms refractoriness -> one bushy-cell LIF neuron per channel.
// Equations and parameters: tools/cochlea/README.md.
#include <cmath>
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
  // of a 0.3-RMS input on the Meddis model's input scale. Chosen so that speech stays below
  // saturation (s around B) as in SHD's chain (tools/cochlea/README.md, "Channel map").
  double stimulus_scale = 200.0;
};

struct CochleaConfig {
  // Front end.
  double internal_rate_hz = 16000.0;  // everything runs at this rate; audio is resampled to it
  // Level normalisation on the speech (tools/cochlea/README.md, "Silence"): the RMS over the
  // speech frames is brought to target_rms. Speech frames are the frames of speech_frame_s that
  // are at most speech_range_db below the loudest frame and above speech_floor_dbfs; a recording
  // without any (silence, a quiet noise floor) keeps its level.
  double target_rms = 0.3;            // as in SHD; 0 keeps the input level
  double speech_frame_s = 0.02;
  double speech_range_db = 30.0;
  double speech_floor_dbfs = -50.0;
  double gain_db = 0.0;               // level change after normalisation (corpus augmentation)
  double edge_ramp_s = 0.005;         // Hann-shaped fade-in and fade-out
  // Outer and middle ear: first-order high-pass. SHD's hydrodynamic model is driven through
  // the stapes, which passes low frequencies weakly; 0 = off.
  double middle_ear_highpass_hz = 200.0;
  // Basilar membrane.
  int channels = kShdChannels;
  double highest_cf_hz = 22500.0;     // channel 0
  double lowest_cf_hz = 100.0;        // last channel
  // Bandwidth in ERB (Glasberg & Moore 1990). 5: the broad tuning of a passive basilar
  // membrane like SHD's hydrodynamic model (Q about 1.5 at 1 kHz), not the sharp tuning of the
  // living, active cochlea (1.019 ERB, Q about 9) that gammatone filters usually model.
  double bandwidth_erb_factor = 5.0;
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
  double speech_level_dbfs = -INFINITY;  // RMS over the speech frames; -inf: no speech frame
  double normalisation_gain_db = 0.0;    // gain the normalisation applied (0 without speech)
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
