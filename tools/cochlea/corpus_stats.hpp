#pragma once
// Statistics of SHD-format files (what make-corpus prints and the README compares with SHD)
// and a difficulty reference: how well simple spike-count classifiers do on a corpus.
#include <map>
#include <string>
#include <vector>

#include "models/shd.hpp"

namespace mosaic::cochlea {

struct CorpusStats {
  size_t samples = 0;
  std::map<int, int> samples_per_class;
  std::map<int, int> samples_per_speaker;
  double spikes_mean = 0, spikes_median = 0;
  size_t spikes_min = 0, spikes_max = 0;
  double duration_mean_s = 0, duration_max_s = 0;  // time of the last spike
  double active_channels_mean = 0;
  std::vector<double> spikes_per_block;  // mean spikes per sample in channel blocks of 100
};

CorpusStats corpus_stats(const std::vector<ShdSample>& samples, int channels = kShdChannels);
std::string format_stats(const CorpusStats& stats, const std::vector<std::string>& class_names);

// Features of one sample: spike counts per (time bin, channel group), log(1 + n).
struct CountFeatures {
  int time_bins = 1;
  int channel_groups = kShdChannels;
  double t_max_s = kShdWindowS;
  int channels = kShdChannels;
};
std::vector<float> count_features(const ShdSample& sample, const CountFeatures& spec);

struct DifficultyReference {
  double nearest_class_mean_accuracy = 0;  // per-channel spike counts, whole sample
  double logistic_regression_accuracy = 0; // binned counts, softmax regression
  double chance = 0;
};

DifficultyReference difficulty_reference(const std::vector<ShdSample>& train, const std::vector<ShdSample>& test,
                                         int classes = kShdClasses);

std::vector<ShdSample> read_all(ShdReader& reader);

}  // namespace mosaic::cochlea
