// mosaic-corpus-stats: statistics of SHD-format files and, given a training and a test file,
// the accuracy of simple spike-count classifiers as a difficulty reference.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/shd.hpp"
#include "tools/cochlea/corpus_stats.hpp"
#include "tools/cochlea/shd_words.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  CLI::App app{
      "mosaic-corpus-stats: class and speaker counts, spikes per sample and per-channel activity of SHD-format\n"
      "files; with TRAIN.h5 TEST.h5 also the test accuracy of a nearest-class-mean classifier on per-channel\n"
      "spike counts and of softmax regression on binned counts (difficulty reference)."};
  app.add_option("files", paths, "SHD-format files: one, or TRAIN.h5 TEST.h5")->required()->expected(1, 2);
  return mosaic::run_tool("mosaic-corpus-stats", [&] {
    if (!mosaic::parse_command_line(app, argc, argv)) return 0;  // --help
    std::vector<std::vector<mosaic::ShdSample>> files;
    for (const std::string& path : paths) {
      mosaic::ShdReader reader(path);
      files.push_back(mosaic::cochlea::read_all(reader));
      const auto& keys = reader.extra().keys.empty() ? mosaic::cochlea::shd_words() : reader.extra().keys;
      fmt::print("{}:\n{}", path, mosaic::cochlea::format_stats(mosaic::cochlea::corpus_stats(files.back()), keys));
    }
    if (files.size() == 2) {
      const auto reference = mosaic::cochlea::difficulty_reference(files[0], files[1]);
      fmt::print("difficulty reference (test accuracy, chance {:.1f}%): nearest class mean on per-channel counts {:.1f}%, "
                 "softmax regression on 10x35 binned counts {:.1f}%\n",
                 100 * reference.chance, 100 * reference.nearest_class_mean_accuracy,
                 100 * reference.logistic_regression_accuracy);
    }
    return 0;
  });
}
