#include "models/score.hpp"

#include <algorithm>
#include <cmath>
#include <map>
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

Score score_predictions(const std::vector<Prediction>& predictions, int num_classes) {
  Score score;
  score.confusion.assign(num_classes, std::vector<long>(num_classes, 0));
  std::map<int, std::pair<int, std::vector<int>>> votes;  // recording -> (label, votes per class)
  for (const Prediction& p : predictions) {
    if (p.label < 0 || p.label >= num_classes || p.predicted < 0 || p.predicted >= num_classes)
      throw std::out_of_range("score_predictions: class " + std::to_string(p.label) + " or " +
                              std::to_string(p.predicted) + " outside 0.." + std::to_string(num_classes - 1));
    ++score.samples;
    score.correct += p.predicted == p.label ? 1 : 0;
    ++score.confusion[p.label][p.predicted];
    auto& [label, count] = votes[p.recording];
    if (count.empty()) count.assign(num_classes, 0);
    label = p.label;
    ++count[p.predicted];
  }
  for (const auto& [recording, vote] : votes) {
    ++score.recordings;
    score.vote_correct += predict_class(vote.second) == vote.first ? 1 : 0;
  }
  return score;
}

}  // namespace mosaic
