#pragma once
// Accuracy of a network by the shared reference forward pass (models/reference.hpp): every
// accuracy mosaic-train prints or records comes from here, never from the training kernel.
#include <string>
#include <vector>

#include "models/network.hpp"
#include "trainer/dataset.hpp"

namespace mosaic::train {

struct Evaluation {
  long samples = 0;   // subset-samples scored
  long correct = 0;
  long recordings = 0;  // recordings with at least one scored subset
  long vote_correct = 0;  // majority vote over the subsets of a recording (ties to the lowest class)
  std::vector<std::vector<long>> confusion;  // [true class][predicted class], over subset-samples
  double mean_rate = 0;  // spikes per neuron and step

  double accuracy() const { return samples ? static_cast<double>(correct) / samples : 0.0; }
  double vote_accuracy() const { return recordings ? static_cast<double>(vote_correct) / recordings : 0.0; }
};

// Scores the given subset-samples of `data` (all of them when `indices` is empty), on `threads` threads.
Evaluation evaluate(const Network& net, const Dataset& data, int threads, const std::vector<std::size_t>& indices = {});

// Accuracy, majority vote and the confusion matrix as text.
std::string format_evaluation(const Evaluation& eval, const std::vector<std::string>& class_names);

}  // namespace mosaic::train
