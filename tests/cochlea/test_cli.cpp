// mosaic-cochlea end to end: audio files in, a real SHD file out; spoken digits; bad input;
// and the bundled sample file traces/shd_sample.h5. Runs from the repository root.
#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "models/shd.hpp"
#include "tools/cochlea/audio.hpp"
#include "tools/cochlea/cochlea.hpp"
#include "tools/cochlea/corpus_stats.hpp"
#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace mosaic::cochlea {
namespace {

using mosaic::test_support::CommandResult;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

class CochleaFiles : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cochlea_test_" + std::to_string(::getpid()) + "_" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a tone in any format libsndfile writes; channels get amplitudes amplitude * (1, 0.5, ...).
  fs::path write_tone(const std::string& name, int format, int rate, int channels, double frequency, double amplitude,
                      double seconds) {
    const fs::path path = dir_ / name;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(file, nullptr) << sf_strerror(nullptr);
    const size_t frames = static_cast<size_t>(seconds * rate);
    std::vector<float> data(frames * channels);
    for (size_t n = 0; n < frames; ++n)
      for (int c = 0; c < channels; ++c)
        data[n * channels + c] = static_cast<float>(amplitude / (c + 1) * std::sin(2 * M_PI * frequency * n / rate));
    sf_writef_float(file, data.data(), frames);
    sf_close(file);
    return path;
  }

  // A spoken word from espeak-ng (22.05 kHz); empty when espeak-ng is not installed.
  fs::path speak(const std::string& voice, const std::string& word) {
    const fs::path path = dir_ / (voice + "_" + word + ".wav");
    const std::string command = "espeak-ng -v " + voice + " -w '" + path.string() + "' " + word + " > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0 || !fs::exists(path)) return {};
    return path;
  }

  fs::path dir_;
};

TEST_F(CochleaFiles, ReadsStereoFlacAndMixesDown) {
  const fs::path flac = write_tone("stereo.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100, 2, 440.0, 0.4, 0.25);
  const MonoAudio audio = read_audio(flac.string());
  EXPECT_EQ(audio.sample_rate_hz, 44100.0);
  ASSERT_EQ(audio.samples.size(), static_cast<size_t>(0.25 * 44100));
  // (0.4 + 0.2) / 2 = 0.3 peak after mixing down.
  const float peak = *std::max_element(audio.samples.begin(), audio.samples.end());
  EXPECT_NEAR(peak, 0.3, 0.01);
}

TEST_F(CochleaFiles, SpokenDigitGivesThousandsOfSpikesInTheLowerChannels) {
  for (const auto& [voice, word] : std::vector<std::pair<std::string, std::string>>{{"en-us", "seven"}, {"de", "drei"}}) {
    const fs::path wav = speak(voice, word);
    if (wav.empty()) GTEST_SKIP() << "espeak-ng not available";
    const MonoAudio audio = read_audio(wav.string());
    const SpikeTrain train = Cochlea(CochleaConfig{}).run(audio.samples, audio.sample_rate_hz, 1);
    const size_t lower = std::count_if(train.channels.begin(), train.channels.end(), [](uint16_t c) { return c >= 300; });
    SCOPED_TRACE(voice + " " + word);
    EXPECT_GE(train.times_s.size(), 1000u);
    EXPECT_LE(train.times_s.size(), 10000u);
    EXPECT_GT(static_cast<double>(lower) / train.times_s.size(), 0.6) << "share of spikes in channels 300-699";
  }
}

TEST_F(CochleaFiles, CliWritesARealShdFile) {
  const fs::path wav = write_tone("a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 300.0, 0.3, 0.4);
  const fs::path flac = write_tone("b.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 2, 1500.0, 0.3, 0.3);
  const fs::path out = dir_ / "out.h5";
  const CommandResult result = run_command(tool_path("mosaic-cochlea") + " --out '" + out.string() +
                                               "' --label sieben --speaker 4 --seed 9 '" + wav.string() + "' '" +
                                               flac.string() + "'",
                                           dir_ / "log.txt");
  ASSERT_EQ(result.exit_code, 0) << result.output;

  ShdReader reader(out.string());
  ASSERT_EQ(reader.size(), 2u);
  EXPECT_EQ(reader.labels(), (std::vector<int>{17, 17}));
  EXPECT_EQ(reader.speakers(), (std::vector<int>{4, 4}));
  ASSERT_EQ(reader.extra().keys.size(), 20u);
  EXPECT_EQ(reader.extra().keys[0], "zero");
  EXPECT_EQ(reader.extra().keys[10], "null");
  for (size_t i = 0; i < reader.size(); ++i) {
    const ShdSample sample = reader.read(i);
    EXPECT_GT(sample.times.size(), 50u);
    EXPECT_TRUE(std::is_sorted(sample.times.begin(), sample.times.end()));
    EXPECT_LT(*std::max_element(sample.units.begin(), sample.units.end()), 700);
  }
  // The 300 Hz tone drives low-frequency channels, the 1.5 kHz tone higher ones.
  auto mean_channel = [](const ShdSample& s) { return std::accumulate(s.units.begin(), s.units.end(), 0.0) / s.units.size(); };
  EXPECT_GT(mean_channel(reader.read(0)), mean_channel(reader.read(1)));
}

TEST_F(CochleaFiles, CliTakesLabelsFromAList) {
  const fs::path a = write_tone("a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 500.0, 0.3, 0.2);
  const fs::path b = write_tone("b.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 900.0, 0.3, 0.2);
  const fs::path list = dir_ / "list.txt";
  std::ofstream(list) << "# path label speaker gain\n" << a.string() << "\t3\t1\n" << b.string() << "\tneun\t2\t-6\n";
  const fs::path out = dir_ / "out.h5";
  const CommandResult result = run_command(
      tool_path("mosaic-cochlea") + " --jobs 2 --out '" + out.string() + "' --labels-from '" + list.string() + "'",
      dir_ / "log.txt");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ShdReader reader(out.string());
  EXPECT_EQ(reader.labels(), (std::vector<int>{3, 19}));
  EXPECT_EQ(reader.speakers(), (std::vector<int>{1, 2}));
}

TEST_F(CochleaFiles, BadInputIsOneClearMessageAndExitTwo) {
  const fs::path good = write_tone("good.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 500.0, 0.3, 0.2);
  const fs::path corrupt = dir_ / "corrupt.wav";
  std::ofstream(corrupt) << "RIFF this is not really a wave file";
  const fs::path empty = dir_ / "empty.flac";
  std::ofstream{empty};
  const fs::path bad_list = dir_ / "bad_list.txt";
  std::ofstream(bad_list) << good.string() << "\n";
  const std::string out = " --out '" + (dir_ / "out.h5").string() + "' ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {out + "'" + (dir_ / "missing.wav").string() + "'", "no such file"},
      {out + "'" + corrupt.string() + "'", "corrupt.wav"},
      {out + "'" + empty.string() + "'", "empty.flac"},
      {out + "--label elf '" + good.string() + "'", "label 'elf'"},
      {out + "--label 20 '" + good.string() + "'", "label '20'"},
      {out + "--labels-from '" + bad_list.string() + "'", "missing label"},
  };
  for (const auto& [arguments, expected] : cases) {
    const CommandResult result = run_command(tool_path("mosaic-cochlea") + arguments, dir_ / "log.txt");
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.output;
    EXPECT_NE(result.output.find("mosaic-cochlea: error:"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(expected), std::string::npos) << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out.h5"));
}

TEST_F(CochleaFiles, HelpExplainsItself) {
  const CommandResult result = run_command(tool_path("mosaic-cochlea") + " --help", dir_ / "log.txt");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* word : {"--out", "--label", "--speaker", "--seed", "--labels-from", "700", "FLAC"})
    EXPECT_NE(result.output.find(word), std::string::npos) << word;
}

TEST(BundledSample, HasAllClassesOfBothLanguagesInShdLayout) {
  const std::string path = "traces/shd_sample.h5";
  ASSERT_TRUE(fs::exists(path)) << "run the tests from the repository root";
  EXPECT_LE(fs::file_size(path), 2u * 1024 * 1024);
  ShdReader reader(path);
  reader.validate_all();
  std::vector<ShdSample> samples = read_all(reader);
  const CorpusStats stats = corpus_stats(samples);
  EXPECT_EQ(stats.samples_per_class.size(), 20u);
  EXPECT_EQ(stats.samples_per_class.begin()->first, 0);
  EXPECT_EQ(stats.samples_per_class.rbegin()->first, 19);
  EXPECT_GE(stats.samples_per_speaker.size(), 2u);
  EXPECT_GT(stats.spikes_mean, 1000);
  EXPECT_LT(stats.spikes_mean, 10000);
}

}  // namespace
}  // namespace mosaic::cochlea
