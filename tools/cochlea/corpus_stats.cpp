#include "tools/cochlea/corpus_stats.hpp"

#include <Eigen/Dense>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace mosaic::cochlea {

std::vector<ShdSample> read_all(ShdReader& reader) {
  std::vector<ShdSample> samples;
  samples.reserve(reader.size());
  for (size_t i = 0; i < reader.size(); ++i) samples.push_back(reader.read(i));
  return samples;
}

CorpusStats corpus_stats(const std::vector<ShdSample>& samples, int channels) {
  CorpusStats stats;
  stats.samples = samples.size();
  const int blocks = (channels + 99) / 100;
  stats.spikes_per_block.assign(blocks, 0.0);
  if (samples.empty()) return stats;
  std::vector<size_t> spike_counts;
  double active_sum = 0, duration_sum = 0;
  for (const ShdSample& sample : samples) {
    ++stats.samples_per_class[sample.label];
    ++stats.samples_per_speaker[sample.speaker];
    spike_counts.push_back(sample.times.size());
    std::vector<char> active(channels, 0);
    for (uint16_t unit : sample.units) {
      if (unit >= channels) continue;
      active[unit] = 1;
      stats.spikes_per_block[unit / 100] += 1.0;
    }
    active_sum += std::accumulate(active.begin(), active.end(), 0);
    const double duration = sample.times.empty() ? 0.0 : sample.times.back();
    duration_sum += duration;
    stats.duration_max_s = std::max(stats.duration_max_s, duration);
  }
  for (double& block : stats.spikes_per_block) block /= samples.size();
  std::sort(spike_counts.begin(), spike_counts.end());
  stats.spikes_min = spike_counts.front();
  stats.spikes_max = spike_counts.back();
  stats.spikes_median = spike_counts[spike_counts.size() / 2];
  stats.spikes_mean = std::accumulate(spike_counts.begin(), spike_counts.end(), 0.0) / samples.size();
  stats.active_channels_mean = active_sum / samples.size();
  stats.duration_mean_s = duration_sum / samples.size();
  return stats;
}

std::string format_stats(const CorpusStats& stats, const std::vector<std::string>& class_names) {
  std::ostringstream out;
  out << fmt::format("  samples {}, classes {}, speakers {}\n", stats.samples, stats.samples_per_class.size(),
                     stats.samples_per_speaker.size());
  out << "  per class:";
  for (const auto& [label, count] : stats.samples_per_class) {
    const std::string name = label >= 0 && label < static_cast<int>(class_names.size()) ? class_names[label] : "?";
    out << fmt::format(" {}:{}={}", label, name, count);
  }
  out << "\n  per speaker:";
  for (const auto& [speaker, count] : stats.samples_per_speaker) out << fmt::format(" {}={}", speaker, count);
  out << fmt::format("\n  spikes per sample: mean {:.0f}, median {:.0f}, min {}, max {}\n", stats.spikes_mean,
                     stats.spikes_median, stats.spikes_min, stats.spikes_max);
  out << fmt::format("  last spike: mean {:.2f} s, max {:.2f} s; active channels per sample: {:.0f}\n",
                     stats.duration_mean_s, stats.duration_max_s, stats.active_channels_mean);
  out << "  mean spikes per sample by channel block of 100:";
  for (double block : stats.spikes_per_block) out << fmt::format(" {:.0f}", block);
  out << "\n";
  return out.str();
}

std::vector<float> count_features(const ShdSample& sample, const CountFeatures& spec) {
  std::vector<float> features(static_cast<size_t>(spec.time_bins) * spec.channel_groups, 0.0f);
  const double channels_per_group = static_cast<double>(spec.channels) / spec.channel_groups;
  for (size_t i = 0; i < sample.times.size(); ++i) {
    const int bin = std::min(spec.time_bins - 1, static_cast<int>(sample.times[i] / spec.t_max_s * spec.time_bins));
    const int group = std::min(spec.channel_groups - 1, static_cast<int>(sample.units[i] / channels_per_group));
    features[static_cast<size_t>(bin) * spec.channel_groups + group] += 1.0f;
  }
  for (float& value : features) value = std::log1p(value);
  return features;
}

namespace {

Eigen::MatrixXf feature_matrix(const std::vector<ShdSample>& samples, const CountFeatures& spec) {
  const size_t width = static_cast<size_t>(spec.time_bins) * spec.channel_groups;
  Eigen::MatrixXf matrix(samples.size(), width);
  for (size_t i = 0; i < samples.size(); ++i) {
    const std::vector<float> features = count_features(samples[i], spec);
    matrix.row(i) = Eigen::Map<const Eigen::RowVectorXf>(features.data(), width);
  }
  return matrix;
}

double accuracy(const Eigen::MatrixXf& scores, const std::vector<ShdSample>& samples) {
  int correct = 0;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    Eigen::Index best;
    scores.row(i).maxCoeff(&best);
    correct += (best == samples[i].label);
  }
  return static_cast<double>(correct) / std::max<Eigen::Index>(1, scores.rows());
}

// Nearest class mean (Euclidean) on log spike counts per channel over the whole sample.
double nearest_class_mean(const std::vector<ShdSample>& train, const std::vector<ShdSample>& test, int classes) {
  const CountFeatures spec{1, kShdChannels, 1e9, kShdChannels};
  const Eigen::MatrixXf train_x = feature_matrix(train, spec), test_x = feature_matrix(test, spec);
  Eigen::MatrixXf means = Eigen::MatrixXf::Zero(classes, train_x.cols());
  Eigen::VectorXf counts = Eigen::VectorXf::Zero(classes);
  for (size_t i = 0; i < train.size(); ++i) {
    means.row(train[i].label) += train_x.row(i);
    counts(train[i].label) += 1.0f;
  }
  for (int c = 0; c < classes; ++c) means.row(c) /= std::max(1.0f, counts(c));
  // score = -|x - m|^2 = 2 x.m - |m|^2 - |x|^2 (the last term does not change the argmax)
  Eigen::MatrixXf scores = 2.0f * test_x * means.transpose();
  scores.rowwise() -= means.rowwise().squaredNorm().transpose();
  return accuracy(scores, test);
}

// Softmax regression on standardised log counts in 10 time bins x 35 channel groups, full
// batch gradient descent with Adam and a little L2; the same every run.
double logistic_regression(const std::vector<ShdSample>& train, const std::vector<ShdSample>& test, int classes) {
  const CountFeatures spec{10, 35, kShdWindowS, kShdChannels};
  Eigen::MatrixXf train_x = feature_matrix(train, spec), test_x = feature_matrix(test, spec);
  const Eigen::RowVectorXf mean = train_x.colwise().mean();
  const Eigen::RowVectorXf spread =
      ((train_x.rowwise() - mean).array().square().colwise().mean().sqrt() + 1e-3f).matrix();
  train_x = ((train_x.rowwise() - mean).array().rowwise() / spread.array()).matrix();
  test_x = ((test_x.rowwise() - mean).array().rowwise() / spread.array()).matrix();

  Eigen::MatrixXf targets = Eigen::MatrixXf::Zero(train.size(), classes);
  for (size_t i = 0; i < train.size(); ++i) targets(i, train[i].label) = 1.0f;
  Eigen::MatrixXf weights = Eigen::MatrixXf::Zero(train_x.cols(), classes);
  Eigen::RowVectorXf bias = Eigen::RowVectorXf::Zero(classes);
  Eigen::MatrixXf m_w = weights, v_w = weights;
  Eigen::RowVectorXf m_b = bias, v_b = bias;
  const float learning_rate = 0.01f, l2 = 1e-3f, beta1 = 0.9f, beta2 = 0.999f;
  for (int epoch = 1; epoch <= 300; ++epoch) {
    Eigen::MatrixXf logits = (train_x * weights).rowwise() + bias;
    const Eigen::VectorXf row_max = logits.rowwise().maxCoeff();
    logits = (logits.colwise() - row_max).array().exp().matrix();
    const Eigen::VectorXf row_sum = logits.rowwise().sum();
    const Eigen::MatrixXf probabilities = logits.array().colwise() / row_sum.array();
    const Eigen::MatrixXf error = (probabilities - targets) / static_cast<float>(train.size());
    const Eigen::MatrixXf grad_w = train_x.transpose() * error + l2 * weights;
    const Eigen::RowVectorXf grad_b = error.colwise().sum();
    m_w = beta1 * m_w + (1 - beta1) * grad_w;
    v_w = beta2 * v_w + (1 - beta2) * grad_w.cwiseAbs2();
    m_b = beta1 * m_b + (1 - beta1) * grad_b;
    v_b = beta2 * v_b + (1 - beta2) * grad_b.cwiseAbs2();
    const float correction1 = 1 - std::pow(beta1, epoch), correction2 = 1 - std::pow(beta2, epoch);
    weights.array() -= learning_rate * (m_w.array() / correction1) / ((v_w.array() / correction2).sqrt() + 1e-8f);
    bias.array() -= learning_rate * (m_b.array() / correction1) / ((v_b.array() / correction2).sqrt() + 1e-8f);
  }
  const Eigen::MatrixXf scores = (test_x * weights).rowwise() + bias;
  return accuracy(scores, test);
}

}  // namespace

DifficultyReference difficulty_reference(const std::vector<ShdSample>& train, const std::vector<ShdSample>& test,
                                         int classes) {
  DifficultyReference reference;
  reference.chance = 1.0 / classes;
  if (train.empty() || test.empty()) return reference;
  reference.nearest_class_mean_accuracy = nearest_class_mean(train, test, classes);
  reference.logistic_regression_accuracy = logistic_regression(train, test, classes);
  return reference;
}

}  // namespace mosaic::cochlea
