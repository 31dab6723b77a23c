#pragma once
// Audio input for the cochlea: any file libsndfile reads (WAV, FLAC, ...), any sample rate,
// channels mixed down to mono, and a band-limited resampler to the model's internal rate.
#include <string>
#include <vector>

namespace mosaic::cochlea {

struct MonoAudio {
  std::vector<float> samples;  // full scale = 1.0
  double sample_rate_hz = 0.0;
  int channels_in_file = 1;  // channels before mixing down
  double duration_s() const { return sample_rate_hz > 0 ? samples.size() / sample_rate_hz : 0.0; }
};

// Throws InputError (file, field, reason) for a missing, unreadable or empty file, a header
// that promises more audio than the file holds, undecodable frames and non-finite samples.
MonoAudio read_audio(const std::string& path);

// Windowed-sinc resampling; the cut-off is just below the lower of the two Nyquist
// frequencies, so downsampling never aliases. Returns the input unchanged for equal rates.
std::vector<float> resample(const std::vector<float>& samples, double from_rate_hz, double to_rate_hz);

}  // namespace mosaic::cochlea
