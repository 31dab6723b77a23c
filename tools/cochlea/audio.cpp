#include "tools/cochlea/audio.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "models/error.hpp"

namespace mosaic::cochlea {
namespace {

// libsndfile quietly shortens a file whose header promises more audio than it holds and only
// notes it in its log ("data : 16000 (should be 7956)" for WAV, "SSND" for AIFF). A truncated
// recording is an error here: the user should know that part of it is missing.
void check_data_length(SNDFILE* file, const std::string& path) {
  std::vector<char> log(1 << 14, '\0');
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()) - 1);
  std::istringstream lines(log.data());
  std::string line;
  while (std::getline(lines, line)) {
    line.erase(0, line.find_first_not_of(' '));  // chunks nested in FORM/RIFF are indented
    const bool data_chunk = line.rfind("data", 0) == 0 || line.rfind("SSND", 0) == 0;
    const size_t should_be = line.find("(should be ");
    if (!data_chunk || should_be == std::string::npos) continue;
    const size_t colon = line.find(':');
    const long long announced = std::atoll(line.c_str() + colon + 1);
    const long long present = std::atoll(line.c_str() + should_be + 11);
    if (announced > present)
      throw InputError(path, "audio header",
                       "announces " + std::to_string(announced) + " bytes of audio data, the file holds " +
                           std::to_string(present) + " (truncated file?)");
  }
}

}  // namespace

MonoAudio read_audio(const std::string& path) {
  SF_INFO info{};
  SNDFILE* raw = sf_open(path.c_str(), SFM_READ, &info);
  if (raw == nullptr) throw InputError(path, "audio", sf_strerror(nullptr));
  std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> file(raw, sf_close);
  if (info.frames <= 0 || info.channels <= 0 || info.samplerate <= 0)
    throw InputError(path, "audio", "file holds no audio frames");
  check_data_length(file.get(), path);
  // A header can claim any rate; past these bounds it is damaged, and the resampler's kernel
  // (its length grows with the rate) would not fit in memory.
  constexpr int kMinRateHz = 1000, kMaxRateHz = 768000;
  if (info.samplerate < kMinRateHz || info.samplerate > kMaxRateHz)
    throw InputError(path, "audio", "sample rate " + std::to_string(info.samplerate) + " Hz outside " +
                                        std::to_string(kMinRateHz) + ".." + std::to_string(kMaxRateHz));

  // Read in blocks until the data ends: the frame count of the header is not trusted (a damaged
  // FLAC header claims up to 2^36 frames), so memory follows what the file really holds.
  const sf_count_t block_frames = std::max<sf_count_t>(1, (sf_count_t{1} << 20) / info.channels);
  std::vector<float> block(static_cast<size_t>(block_frames) * info.channels);
  MonoAudio audio;
  audio.sample_rate_hz = info.samplerate;
  audio.channels_in_file = info.channels;
  for (sf_count_t got; (got = sf_readf_float(file.get(), block.data(), block_frames)) > 0;) {
    for (sf_count_t frame = 0; frame < got; ++frame) {
      float sum = 0.0f;
      for (int channel = 0; channel < info.channels; ++channel) sum += block[frame * info.channels + channel];
      audio.samples.push_back(sum / info.channels);
    }
  }
  if (audio.samples.empty()) throw InputError(path, "audio", "cannot decode audio frames (corrupt file?)");
  const sf_count_t decoded = static_cast<sf_count_t>(audio.samples.size());
  if (decoded != info.frames)
    throw InputError(path, "audio", "header announces " + std::to_string(info.frames) + " frames, only " +
                                        std::to_string(decoded) + " could be decoded (truncated or corrupt file)");
  for (float value : audio.samples)
    if (!std::isfinite(value)) throw InputError(path, "audio", "non-finite sample values");
  return audio;
}

std::vector<float> resample(const std::vector<float>& samples, double from_rate_hz, double to_rate_hz) {
  if (from_rate_hz == to_rate_hz || samples.empty()) return samples;
  // Cut-off at 95% of the lower Nyquist frequency; the kernel spans kZeroCrossings lobes
  // of the cut-off sinc on each side, tapered by a Blackman window. It is tabulated at
  // kTableSteps points per input sample and linearly interpolated.
  constexpr int kZeroCrossings = 12;
  constexpr int kTableSteps = 512;
  const double cutoff_hz = 0.95 * 0.5 * std::min(from_rate_hz, to_rate_hz);
  const double half_width_in = kZeroCrossings / (2.0 * cutoff_hz) * from_rate_hz;  // in input samples
  const double gain = 2.0 * cutoff_hz / from_rate_hz;

  const size_t table_size = static_cast<size_t>(std::ceil(half_width_in * kTableSteps)) + 2;
  std::vector<float> kernel(table_size);  // kernel[i]: value at offset i / kTableSteps
  for (size_t i = 0; i < table_size; ++i) {
    const double offset = static_cast<double>(i) / kTableSteps;
    if (offset >= half_width_in) break;  // zero beyond the window
    const double phase = M_PI * gain * offset;
    const double sinc = phase < 1e-12 ? 1.0 : std::sin(phase) / phase;
    const double window_pos = offset / half_width_in;
    const double window = 0.42 + 0.5 * std::cos(M_PI * window_pos) + 0.08 * std::cos(2.0 * M_PI * window_pos);
    kernel[i] = static_cast<float>(gain * sinc * window);
  }
  auto kernel_at = [&](double offset) {
    const double position = std::abs(offset) * kTableSteps;
    const size_t index = static_cast<size_t>(position);
    if (index + 1 >= table_size) return 0.0f;
    const float fraction = static_cast<float>(position - index);
    return kernel[index] + fraction * (kernel[index + 1] - kernel[index]);
  };

  const size_t output_length = static_cast<size_t>(std::floor(samples.size() * to_rate_hz / from_rate_hz));
  std::vector<float> output(output_length);
  const long last_input = static_cast<long>(samples.size()) - 1;
  for (size_t n = 0; n < output_length; ++n) {
    const double center = n * from_rate_hz / to_rate_hz;  // position in input samples
    const long first = std::max(0L, static_cast<long>(std::ceil(center - half_width_in)));
    const long last = std::min(last_input, static_cast<long>(std::floor(center + half_width_in)));
    float sum = 0.0f;
    for (long m = first; m <= last; ++m) sum += samples[m] * kernel_at(m - center);
    output[n] = sum;
  }
  return output;
}

}  // namespace mosaic::cochlea
