#include "trainer/evaluate.hpp"

#include <algorithm>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "models/reference.hpp"

namespace mosaic::train {

Evaluation evaluate(const Network& net, const Dataset& data, int threads, const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> chosen = indices;
  if (chosen.empty()) {
    chosen.resize(data.size());
    std::iota(chosen.begin(), chosen.end(), std::size_t{0});
  }
  std::vector<int> predicted(chosen.size(), 0);
  std::vector<long> spikes(chosen.size(), 0);
  const int workers = std::max(1, std::min<int>(threads, static_cast<int>(chosen.size())));
  auto work = [&](int w) {
    ReferenceModel model(net);
    for (std::size_t i = w; i < chosen.size(); i += workers) {
      const ForwardResult result = model.run(data.sample(chosen[i]));
      predicted[i] = result.prediction;
      for (const auto& step : result.spikes) spikes[i] += static_cast<long>(step.size());
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& thread : pool) thread.join();

  std::vector<Prediction> predictions;
  double total_spikes = 0, total_steps = 0;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    predictions.push_back({data.recording(chosen[i]), data.label(chosen[i]), predicted[i]});
    total_spikes += static_cast<double>(spikes[i]);
    total_steps += data.bins();
  }
  Evaluation eval{score_predictions(predictions, net.num_classes)};
  eval.mean_rate = total_steps > 0 ? total_spikes / (total_steps * net.arch.num_neurons()) : 0.0;
  return eval;
}

std::string format_evaluation(const Evaluation& eval, const std::vector<std::string>& class_names) {
  std::string out = fmt::format("accuracy {:.2f}% ({} of {} subset-samples)\n", 100.0 * eval.accuracy(), eval.correct,
                                eval.samples);
  out += fmt::format("majority vote {:.2f}% ({} of {} recordings)\n", 100.0 * eval.vote_accuracy(), eval.vote_correct,
                     eval.recordings);
  out += fmt::format("mean firing rate {:.4f} spikes per neuron and step\n", eval.mean_rate);
  out += "confusion matrix (rows: true class, columns: predicted class)\n";
  const std::size_t classes = eval.confusion.size();
  out += fmt::format("{:>12}", "");
  for (std::size_t c = 0; c < classes; ++c) out += fmt::format("{:>5}", c);
  out += "\n";
  for (std::size_t r = 0; r < classes; ++r) {
    std::string name = r < class_names.size() ? class_names[r] : std::to_string(r);
    if (name.size() > 9) name.resize(9);
    out += fmt::format("{:>2} {:<9}", r, name);
    for (std::size_t c = 0; c < classes; ++c) out += fmt::format("{:>5}", eval.confusion[r][c]);
    out += "\n";
  }
  return out;
}

}  // namespace mosaic::train
