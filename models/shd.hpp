#pragma once
// Spiking Heidelberg Digits files (models/SPEC.md section 4), read and written in the real layout:
//   /spikes/times  vlen float16 (seconds, sorted)   /spikes/units  vlen uint16 (channel ids)
//   /labels        /extra/speaker   /extra/keys   /extra/meta_info/{gender, age, body_height}
// Dtypes are read at run time; HDF5 converts them to the native types used here.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/network.hpp"
#include "models/shd_layout.hpp"

namespace mosaic {

struct ShdSample {
  std::vector<float> times;      // seconds
  std::vector<uint16_t> units;   // channel ids
  int label = 0;
  int speaker = -1;              // -1 when the file has no /extra/speaker
};

// Everything of a file but the spikes (written by our data tools, read back for reports).
struct ShdExtra {
  std::vector<std::string> keys;  // class names, index = label
  std::vector<int> gender, age, body_height;  // per speaker, may be empty
};

// What opening a file checks. Layout: datasets, types, shapes, labels, and the stored lengths
// of the spike arrays against each other and the file size. Everything: also reads every
// sample once, in a forked child process, so that a damaged file which still crashes
// libhdf5 (its heap code trusts the file) ends in an InputError instead of a crash, and bad
// data is refused before a long run starts. Use Layout only for a file already opened with
// Everything (a worker process of a run that checked it).
enum class ShdCheck { Layout, Everything };

// Streaming reader: samples are read one chunk at a time.
class ShdReader {
 public:
  explicit ShdReader(const std::string& path, int num_channels = kShdChannels, int num_classes = kShdClasses,
                     ShdCheck check = ShdCheck::Everything);
  ~ShdReader();
  ShdReader(const ShdReader&) = delete;
  ShdReader& operator=(const ShdReader&) = delete;

  const std::string& path() const { return path_; }
  std::size_t size() const;
  const std::vector<int>& labels() const;
  const std::vector<int>& speakers() const;  // empty when the file has none
  const ShdExtra& extra() const;
  // Reads and validates sample i; throws InputError naming the file, field and sample.
  ShdSample read(std::size_t index);
  // Reads every sample once, so that bad data is refused before a long run starts.
  void validate_all();

 private:
  struct Impl;
  std::string path_;
  std::unique_ptr<Impl> impl_;
};

// Writes samples in the real SHD layout (float16 times, uint16 units, uint16 labels); atomic.
void write_shd(const std::string& path, const std::vector<ShdSample>& samples, const ShdExtra& extra);

// One network-ready sample: the reduced input channels active in each bin.
struct BinnedSample {
  std::vector<std::vector<int>> active;  // active[t - 1]: reduced channels active at step t, increasing
  int label = 0;
  int recording = 0;  // index of the sample in its file
  int subset = 0;     // interleaved channel subset s
};

struct BinSpec {
  int bins = kShdBins;
  double t_max_s = kShdWindowS;
  int n_inp = 160;
  int interleave_k = 5;
  int shd_channels = kShdChannels;
};

struct BinStats {
  long events = 0;
  long dropped_late = 0;     // time >= t_max
  long dropped_channel = 0;  // channel outside the subset's reduced range
};

BinSpec bin_spec(const InputSpec& input);

// bin = floor(t / (t_max / bins)); reduced channel j of subset s is SHD channel s + j k.
BinnedSample bin_sample(const ShdSample& sample, const BinSpec& spec, int subset, BinStats* stats = nullptr);
// All k subsets of one sample, subset 0 first.
std::vector<BinnedSample> bin_all_subsets(const ShdSample& sample, const BinSpec& spec, BinStats* stats = nullptr);

}  // namespace mosaic
