#pragma once
// An SHD file binned once into every channel subset (models/SPEC.md section 4), kept compact in
// memory (a corpus of 8,000 recordings x 5 subsets would cost hundreds of MB as nested vectors)
// and expanded to BinnedSample when a batch needs it.
#include <cstdint>
#include <string>
#include <vector>

#include "models/shd.hpp"

namespace mosaic::train {

class Dataset {
 public:
  // Reads and bins every sample; bad files raise InputError naming the file.
  static Dataset load(const std::string& path, const BinSpec& spec, int num_classes);

  const std::string& path() const { return path_; }
  std::size_t size() const { return labels_.size(); }  // subset-samples
  int recordings() const { return recordings_; }
  int subsets() const { return subsets_; }
  int bins() const { return bins_; }
  int label(std::size_t i) const { return labels_[i]; }
  int recording(std::size_t i) const { return recording_[i]; }
  BinnedSample sample(std::size_t i) const;

  // Appends a binned sample (for data generated in memory).
  void add(const BinnedSample& sample);

 private:
  std::string path_;
  int bins_ = 0;
  int recordings_ = 0;
  int subsets_ = 1;
  std::vector<int> labels_, recording_, subset_;
  std::vector<uint64_t> first_;    // [sample][bin] offsets into channels_, bins + 1 per sample
  std::vector<uint16_t> channels_;  // reduced channel ids
};

}  // namespace mosaic::train
