#include "trainer/dataset.hpp"

#include <algorithm>

namespace mosaic::train {

Dataset Dataset::load(const std::string& path, const BinSpec& spec, int num_classes) {
  ShdReader reader(path, spec.shd_channels, num_classes);
  Dataset data;
  data.path_ = path;
  data.bins_ = spec.bins;
  data.subsets_ = spec.interleave_k;
  data.recordings_ = static_cast<int>(reader.size());
  for (std::size_t i = 0; i < reader.size(); ++i) {
    const ShdSample recording = reader.read(i);
    for (BinnedSample& binned : bin_all_subsets(recording, spec)) {
      binned.recording = static_cast<int>(i);
      data.add(binned);
    }
  }
  return data;
}

void Dataset::add(const BinnedSample& sample) {
  if (labels_.empty()) bins_ = static_cast<int>(sample.active.size());
  labels_.push_back(sample.label);
  recording_.push_back(sample.recording);
  subset_.push_back(sample.subset);
  first_.push_back(channels_.size());
  for (const auto& bin : sample.active) {
    for (int j : bin) channels_.push_back(static_cast<uint16_t>(j));
    first_.push_back(channels_.size());
  }
  recordings_ = std::max(recordings_, sample.recording + 1);
}

BinnedSample Dataset::sample(std::size_t i) const {
  BinnedSample out;
  out.label = labels_[i];
  out.recording = recording_[i];
  out.subset = subset_[i];
  const uint64_t* bin_first = &first_[i * (bins_ + 1)];
  out.active.resize(bins_);
  for (int t = 0; t < bins_; ++t)
    out.active[t].assign(channels_.begin() + static_cast<std::ptrdiff_t>(bin_first[t]),
                         channels_.begin() + static_cast<std::ptrdiff_t>(bin_first[t + 1]));
  return out;
}

}  // namespace mosaic::train
