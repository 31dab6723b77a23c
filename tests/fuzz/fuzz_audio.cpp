// Fuzz target: a WAV/FLAC (any libsndfile format) file read by mosaic-cochlea
// (tools/cochlea/audio.cpp, read_audio), then resampled to the cochlea's internal rate as the
// model does. A header may claim anything: frames, channels, rate.
#include <cmath>

#include "tools/cochlea/audio.hpp"
#include "tools/cochlea/cochlea.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  const std::string& path = fuzz::write_scratch(data, size, "-audio.wav");
  return fuzz::expect_input_errors([&] {
    const cochlea::MonoAudio audio = cochlea::read_audio(path);
    fuzz::require(!audio.samples.empty() && audio.sample_rate_hz > 0, "empty audio accepted");
    for (float v : audio.samples) fuzz::require(std::isfinite(v), "finite samples");
    const double rate = cochlea::CochleaConfig{}.internal_rate_hz;
    const std::vector<float> out = cochlea::resample(audio.samples, audio.sample_rate_hz, rate);
    fuzz::require(std::fabs(static_cast<double>(out.size()) - audio.duration_s() * rate) <= 1.0 + 1e-9 * out.size(),
                  "resampled length matches the duration");
  });
}
