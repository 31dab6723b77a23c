#pragma once
// The one scorer of a classifier's output, shared by mosaic-train (reference pass, loss) and
// mosaic-sim, so "simulator equals reference" compares the inputs of one routine.
// Readout and loss: models/SPEC.md section 2.3; accuracy over subset-samples and the majority
// vote over the subsets of a recording: models/SPEC.md section 4.2.
#include <vector>

namespace mosaic {

// Readout: argmax of the output spike counts, ties to the lowest class (all zero -> class 0).
int predict_class(const std::vector<int>& class_counts);

// log(sum_i exp(x_i)), computed stably from the largest value; the loss's normaliser.
double log_sum_exp(const std::vector<double>& values);
// log-softmax of the spike counts: count_c - log_sum_exp(counts).
std::vector<double> log_softmax(const std::vector<double>& counts);

// One scored subset-sample.
struct Prediction {
  int recording = 0;  // subsets of one recording vote together
  int label = 0;
  int predicted = 0;
};

struct Score {
  long samples = 0;  // subset-samples scored
  long correct = 0;
  long recordings = 0;    // recordings with at least one scored subset
  long vote_correct = 0;  // majority vote over the subsets of a recording (ties to the lowest class)
  std::vector<std::vector<long>> confusion;  // [true class][predicted class], over subset-samples

  double accuracy() const { return samples ? static_cast<double>(correct) / samples : 0.0; }
  double vote_accuracy() const { return recordings ? static_cast<double>(vote_correct) / recordings : 0.0; }
};

// Labels and predictions must be in 0..num_classes-1 (std::out_of_range otherwise: a bug upstream).
Score score_predictions(const std::vector<Prediction>& predictions, int num_classes);

// The same score taken one prediction at a time, for runs too long to hold every prediction
// (mosaic-sim): the subsets of a recording must come one after another, since a recording's
// vote is closed when a prediction of another recording arrives.
class ScoreTally {
 public:
  explicit ScoreTally(int num_classes);
  void add(const Prediction& p);  // std::out_of_range as score_predictions
  Score finish();                 // closes the last vote

 private:
  void close_vote();
  int num_classes_;
  Score score_;
  int recording_ = 0, label_ = 0;
  std::vector<int> votes_;  // of the open recording; empty: none open
};

}  // namespace mosaic
