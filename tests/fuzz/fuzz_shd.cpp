// Fuzz target: an SHD-format HDF5 file (models/shd.cpp, ShdReader) as mosaic-sim and
// mosaic-train open it: the layout checks at opening, then every sample read and validated.
// Accepted samples must hold what the reader promises (sorted finite times, channel ids in
// range, labels in range) and bin without trouble.
#include <cmath>

#include "models/shd.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  const std::string& path = fuzz::write_scratch(data, size, "-shd.h5");
  constexpr int kChannels = 700, kClasses = 20;
  return fuzz::expect_input_errors([&] {
    ShdReader reader(path, kChannels, kClasses);
    fuzz::require(reader.labels().size() == reader.size(), "one label per sample");
    BinSpec spec;
    for (std::size_t i = 0; i < reader.size(); ++i) {
      const ShdSample s = reader.read(i);
      fuzz::require(s.times.size() == s.units.size(), "as many times as channel ids");
      fuzz::require(s.label >= 0 && s.label < kClasses, "label in range");
      for (std::size_t e = 0; e < s.units.size(); ++e) {
        fuzz::require(s.units[e] < kChannels, "channel id in range");
        fuzz::require(std::isfinite(s.times[e]) && s.times[e] >= 0, "finite non-negative time");
        fuzz::require(e == 0 || s.times[e] >= s.times[e - 1], "sorted times");
      }
      (void)bin_all_subsets(s, spec);
    }
  });
}
