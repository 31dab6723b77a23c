#include "trainer/synthetic.hpp"

#include <algorithm>
#include <numeric>
#include <random>

namespace mosaic::train {

std::vector<ShdSample> pattern_task(const PatternTaskSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::vector<ShdSample> samples;
  for (int r = 0; r < spec.recordings; ++r) {
    const int label = r % spec.classes;
    const int band_first = label * spec.channels / spec.classes;
    const int band_last = (label + 1) * spec.channels / spec.classes;
    std::vector<std::pair<float, uint16_t>> events;
    std::uniform_real_distribution<double> when(0.0, spec.duration_s);
    for (int ch = 0; ch < spec.channels; ++ch) {
      const double rate = ch >= band_first && ch < band_last ? spec.band_rate_hz : spec.other_rate_hz;
      std::poisson_distribution<int> count(rate * spec.duration_s);
      for (int n = count(rng); n > 0; --n) events.emplace_back(static_cast<float>(when(rng)), static_cast<uint16_t>(ch));
    }
    std::sort(events.begin(), events.end());
    ShdSample sample;
    sample.label = label;
    sample.speaker = r % 4;
    for (const auto& [time, unit] : events) {
      sample.times.push_back(time);
      sample.units.push_back(unit);
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace mosaic::train
