// mosaic-cochlea: audio recordings -> spike trains in the Spiking Heidelberg Digits layout.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/shd.hpp"
#include "tools/cochlea/audio.hpp"
#include "tools/cochlea/cochlea.hpp"
#include "tools/cochlea/shd_words.hpp"

namespace {

using mosaic::InputError;
namespace coch = mosaic::cochlea;

struct Recording {
  std::string path;
  int label = 0;
  int speaker = 0;
  double gain_db = 0.0;  // level change after RMS normalisation
};

struct Options {
  std::string out_path;
  std::vector<std::string> inputs;
  std::string label_text;
  int speaker = 0;
  uint64_t seed = 1;
  std::string list_path;
  int jobs = 1;
  bool progress = false;
  coch::CochleaConfig cochlea;
};

// "PATH LABEL [SPEAKER [GAIN_DB]]" per line, tab- or space-separated; # starts a comment.
std::vector<Recording> read_list(const std::string& list_path) {
  std::ifstream in(list_path);
  if (!in) throw InputError(list_path, "labels list", "cannot open");
  std::vector<Recording> recordings;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string path, label_text;
    if (!(fields >> path)) continue;
    const std::string where = fmt::format("line {}", line_number);
    if (!(fields >> label_text)) throw InputError(list_path, where, "missing label after the path");
    Recording recording;
    recording.path = path;
    recording.label = coch::parse_label(label_text, list_path, where);
    std::string speaker_text, gain_text;
    if (fields >> speaker_text) {
      try {
        size_t used = 0;
        recording.speaker = std::stoi(speaker_text, &used);
        if (used != speaker_text.size() || recording.speaker < 0) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw InputError(list_path, where, "speaker '" + speaker_text + "' is not a non-negative integer");
      }
    }
    if (fields >> gain_text) {
      try {
        recording.gain_db = std::stod(gain_text);
      } catch (const std::exception&) {
        throw InputError(list_path, where, "gain '" + gain_text + "' is not a number (dB)");
      }
    }
    recordings.push_back(recording);
  }
  return recordings;
}

std::vector<Recording> collect_recordings(const Options& options) {
  std::vector<Recording> recordings;
  if (!options.list_path.empty()) {
    const std::vector<Recording> listed = read_list(options.list_path);
    if (options.inputs.empty()) {
      recordings = listed;
    } else {  // the list names the labels of the files given on the command line
      for (const std::string& input : options.inputs) {
        auto match = std::find_if(listed.begin(), listed.end(), [&](const Recording& r) { return r.path == input; });
        if (match == listed.end()) throw InputError(options.list_path, "labels list", "has no line for " + input);
        recordings.push_back(*match);
      }
    }
  } else {
    const int label = options.label_text.empty() ? 0 : coch::parse_label(options.label_text, "--label", "label");
    for (const std::string& input : options.inputs) recordings.push_back({input, label, options.speaker, 0.0});
  }
  if (recordings.empty()) throw InputError("command line", "inputs", "no audio files given");
  for (const Recording& recording : recordings)
    if (!std::filesystem::is_regular_file(recording.path)) throw InputError(recording.path, "audio", "no such file");
  return recordings;
}

// Each recording gets its own stream of random numbers, so results do not depend on --jobs.
uint64_t recording_seed(uint64_t seed, size_t index) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ULL + index + 1;
  z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
  return z ^ (z >> 29);
}

class ProgressBar {
 public:
  ProgressBar(size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  void advance() {
    const size_t done = ++done_;
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const int width = 40;
    const int filled = static_cast<int>(width * done / total_);
    if (filled == last_filled_ && done != total_) return;  // redraw only when the bar grows
    last_filled_ = filled;
    fmt::print(stderr, "\r  [{}{}] {}/{}", std::string(filled, '#'), std::string(width - filled, '.'), done, total_);
    if (done == total_) fmt::print(stderr, "\n");
  }

 private:
  size_t total_;
  bool enabled_;
  std::atomic<size_t> done_{0};
  std::mutex mutex_;
  int last_filled_ = -1;
};

int run(const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Recording> recordings = collect_recordings(options);
  std::vector<mosaic::ShdSample> samples(recordings.size());
  ProgressBar progress(recordings.size(), options.progress);

  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&]() {
    for (size_t i = next++; i < recordings.size(); i = next++) {
      try {
        const Recording& recording = recordings[i];
        coch::CochleaConfig config = options.cochlea;
        config.gain_db += recording.gain_db;
        const coch::Cochlea cochlea(config);
        const coch::MonoAudio audio = coch::read_audio(recording.path);
        if (audio.channels_in_file > 1) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          fmt::print(stderr, "mosaic-cochlea: note: {}: {} channels mixed to mono\n", recording.path,
                     audio.channels_in_file);
        }
        coch::SpikeTrain train = cochlea.run(audio.samples, audio.sample_rate_hz, recording_seed(options.seed, i));
        samples[i].times = std::move(train.times_s);
        samples[i].units = std::move(train.channels);
        samples[i].label = recording.label;
        samples[i].speaker = recording.speaker;
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = recordings.size();  // stop the other workers early
      }
      progress.advance();
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < std::max(1, options.jobs); ++j) workers.emplace_back(worker);
  for (std::thread& thread : workers) thread.join();
  if (failure) std::rethrow_exception(failure);

  mosaic::ShdExtra extra;
  extra.keys = coch::shd_words();
  mosaic::write_shd(options.out_path, samples, extra);

  size_t spikes = 0;
  for (const auto& sample : samples) spikes += sample.times.size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("mosaic-cochlea: {} samples, {:.0f} spikes per sample, written to {} in {:.1f} s\n", samples.size(),
             static_cast<double>(spikes) / samples.size(), options.out_path, seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "mosaic-cochlea: turn speech recordings into spike trains in the layout of the Spiking Heidelberg Digits.\n"
      "Model: level normalised on the speech (silence and quiet noise keep their level), middle-ear\n"
      "high-pass, 700-channel broad gammatone basilar membrane (channel 0 = 22.5 kHz, channel 699 =\n"
      "100 Hz), Meddis inner hair cells, 40 stochastic fibres and one bushy-cell LIF per channel\n"
      "(tools/cochlea/README.md). One sample per input file: anything libsndfile reads (WAV, FLAC,\n"
      "AIFF, ...; 8-32-bit integer or float; any rate; several channels mixed to mono, noted on\n"
      "stderr). Labels 0-9 are English zero..nine, 10-19 German null..neun.\n"
      "Example: mosaic-cochlea --out digits.h5 --label seven --speaker 3 take1.wav take2.flac"};
  app.add_option("--out", options.out_path, "output HDF5 file (SHD layout)")->required();
  app.add_option("--label", options.label_text, "label of every input: 0-19 or the word (zero..nine, null..neun); default 0");
  app.add_option("--speaker", options.speaker, "speaker id of every input (default 0)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "random seed of the fibre draws (default 1)");
  app.add_option("--labels-from", options.list_path,
                 "list file, one 'PATH LABEL [SPEAKER [GAIN_DB]]' per line; without IN files every listed file is used");
  app.add_option("--jobs,-j", options.jobs, "worker threads (results do not depend on it)")->check(CLI::PositiveNumber);
  app.add_flag("--progress", options.progress, "show a progress bar on stderr");
  app.add_option("--rms", options.cochlea.target_rms,
                 "RMS the speech frames are normalised to, 0 = keep the input level (default 0.3)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--speech-floor-db", options.cochlea.speech_floor_dbfs,
                 "frames quieter than this (dBFS) are never speech; a recording without speech frames keeps "
                 "its level (default -50)")
      ->check(CLI::Range(-200.0, 0.0));
  app.add_option("--gain-db", options.cochlea.gain_db, "level change after normalisation, dB (default 0)");
  app.add_option("--rate", options.cochlea.internal_rate_hz, "internal sample rate of the model, Hz (default 16000)")
      ->check(CLI::Range(8000.0, 96000.0));
  app.add_option("inputs", options.inputs, "audio files, IN.wav ...");
  return mosaic::run_tool("mosaic-cochlea", [&] {
    if (!mosaic::parse_command_line(app, argc, argv)) return 0;  // --help
    return run(options);
  });
}
