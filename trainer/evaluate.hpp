#pragma once
// Accuracy of a network by the shared reference forward pass (models/reference.hpp): every
// accuracy mosaic-train prints or records comes from here, never from the training kernel.
#include <string>
#include <vector>

#include "models/network.hpp"
#include "models/score.hpp"
#include "trainer/dataset.hpp"

namespace mosaic::train {

// The shared score (models/score.hpp) of the reference pass's predictions, and the firing rate.
struct Evaluation : Score {
  double mean_rate = 0;  // spikes per neuron and step
};

// Scores the given subset-samples of `data` (all of them when `indices` is empty), on `threads` threads.
Evaluation evaluate(const Network& net, const Dataset& data, int threads, const std::vector<std::size_t>& indices = {});

// Accuracy, majority vote and the confusion matrix as text.
std::string format_evaluation(const Evaluation& eval, const std::vector<std::string>& class_names);

}  // namespace mosaic::train
