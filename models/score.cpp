#include "models/score.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace mosaic {

int predict_class(const std::vector<int>& class_counts) {
  // max_element returns the first maximum: ties go to the lowest class index.
  return static_cast<int>(std::max_element(class_counts.begin(), class_counts.end()) - class_counts.begin());
}

double log_sum_exp(const std::vector<double>& values) {
  const double top = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (double x : values) sum += std::exp(x - top);
  return top + std::log(sum);
}

std::vector<double> log_softmax(const std::vector<double>& counts) {
  const double log_sum = log_sum_exp(counts);
  std::vector<double> out;
  for (double c : counts) out.push_back(c - log_sum);
  return out;
}

ScoreTally::ScoreTally(int num_classes) : num_classes_(num_classes) {
  score_.confusion.assign(num_classes, std::vector<long>(num_classes, 0));
}

void ScoreTally::add(const Prediction& p) {
  if (p.label < 0 || p.label >= num_classes_ || p.predicted < 0 || p.predicted >= num_classes_)
    throw std::out_of_range("score_predictions: class " + std::to_string(p.label) + " or " +
                            std::to_string(p.predicted) + " outside 0.." + std::to_string(num_classes_ - 1));
  ++score_.samples;
  score_.correct += p.predicted == p.label ? 1 : 0;
  ++score_.confusion[p.label][p.predicted];
  if (!votes_.empty() && p.recording != recording_) close_vote();
  if (votes_.empty()) votes_.assign(num_classes_, 0);
  recording_ = p.recording;
  label_ = p.label;
  ++votes_[p.predicted];
}

void ScoreTally::close_vote() {
  ++score_.recordings;
  score_.vote_correct += predict_class(votes_) == label_ ? 1 : 0;
  votes_.clear();
}

Score ScoreTally::finish() {
  if (!votes_.empty()) close_vote();
  return score_;
}

Score score_predictions(const std::vector<Prediction>& predictions, int num_classes) {
  // The subsets of a recording side by side (in their order), as the tally needs them.
  std::vector<Prediction> by_recording = predictions;
  std::stable_sort(by_recording.begin(), by_recording.end(),
                   [](const Prediction& a, const Prediction& b) { return a.recording < b.recording; });
  ScoreTally tally(num_classes);
  for (const Prediction& p : by_recording) tally.add(p);
  return tally.finish();
}

}  // namespace mosaic
