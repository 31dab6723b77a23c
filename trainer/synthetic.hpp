#pragma once
// Generated spike-pattern tasks in the SHD layout (for tests and benchmarks): class c makes the
// channels of its band fire at a high rate and every other channel at a low rate, Poisson in
// time. With 2 classes and 48 channels it is a task a small network learns in seconds; with 20
// classes, 700 channels and 1 s it has the size and spike count of an SHD recording.
#include <cstdint>
#include <vector>

#include "models/shd.hpp"

namespace mosaic::train {

struct PatternTaskSpec {
  int classes = 2;
  int recordings = 100;
  int channels = 48;
  double duration_s = 0.2;
  double band_rate_hz = 150;  // channels of the sample's class band
  double other_rate_hz = 10;  // every other channel
  uint64_t seed = 1;
};

// Labels cycle 0, 1, ..., classes - 1; times sorted, as in SHD files.
std::vector<ShdSample> pattern_task(const PatternTaskSpec& spec);

}  // namespace mosaic::train
