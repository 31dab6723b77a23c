// Statistics the cochlea model must show (issue 3): tonotopy in SHD's channel order,
// silence, level dependence with saturation, adaptation, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "tools/cochlea/cochlea.hpp"

namespace mosaic::cochlea {
namespace {

constexpr double kRate = 16000.0;

std::vector<float> tone(double frequency_hz, double amplitude, double duration_s, double silence_before_s = 0.0) {
  std::vector<float> samples(static_cast<size_t>((silence_before_s + duration_s) * kRate), 0.0f);
  const size_t onset = static_cast<size_t>(silence_before_s * kRate);
  for (size_t n = onset; n < samples.size(); ++n)
    samples[n] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * frequency_hz * (n - onset) / kRate));
  return samples;
}

// Level-dependent tests feed calibrated amplitudes, so RMS normalisation is off.
CochleaConfig fixed_level_config() {
  CochleaConfig config;
  config.target_rms = 0.0;
  return config;
}

std::vector<int> spikes_per_channel(const SpikeTrain& train, int channels = 700) {
  std::vector<int> counts(channels, 0);
  for (uint16_t channel : train.channels) ++counts.at(channel);
  return counts;
}

int channel_nearest(double frequency_hz, const std::vector<double>& cf) {
  int best = 0;
  for (int c = 0; c < static_cast<int>(cf.size()); ++c)
    if (std::abs(std::log(cf[c] / frequency_hz)) < std::abs(std::log(cf[best] / frequency_hz))) best = c;
  return best;
}

TEST(CochleaModel, CharacteristicFrequenciesFollowShdOrder) {
  const std::vector<double> cf = characteristic_frequencies(CochleaConfig{});
  ASSERT_EQ(cf.size(), 700u);
  EXPECT_NEAR(cf.front(), 22500.0, 1.0);
  EXPECT_NEAR(cf.back(), 100.0, 0.1);
  EXPECT_TRUE(std::is_sorted(cf.rbegin(), cf.rend()));
  // SHD's published anchor points (models/SPEC.md section 4), within 25%.
  const std::vector<std::pair<int, double>> anchors = {{100, 9500}, {200, 4500}, {300, 2100}, {400, 1000}, {500, 470}, {600, 220}};
  for (const auto& [channel, frequency] : anchors) EXPECT_NEAR(cf[channel] / frequency, 1.0, 0.25) << channel;
}

TEST(CochleaModel, PureTonesExciteTheirPlace) {
  const Cochlea cochlea(fixed_level_config());
  const std::vector<double> cf = characteristic_frequencies(cochlea.config());
  int previous_peak = -1;
  for (double frequency : {4000.0, 2000.0, 1000.0, 500.0, 250.0}) {
    // At the level speech is normalised to (0.3 RMS).
    const std::vector<int> counts = spikes_per_channel(cochlea.run(tone(frequency, 0.3 * std::sqrt(2.0), 0.3), kRate, 7));
    const int place = channel_nearest(frequency, cf);
    int near_place = 0, elsewhere = 0;
    for (int c = 0; c < 700; ++c) (std::abs(c - place) <= 40 ? near_place : elsewhere) += counts[c];
    const int peak = static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    SCOPED_TRACE(testing::Message() << frequency << " Hz, place " << place << ", peak " << peak);
    EXPECT_LE(std::abs(peak - place), 40);
    // 81 channels around the place against 619 elsewhere: per channel several times more. Not
    // 10x: the passive basilar membrane is broadly tuned (Q about 1.5, tools/cochlea/README.md);
    // measured 4.5x at 250 Hz, 9x at 500 Hz.
    EXPECT_GT(near_place / 81.0, 3.0 * elsewhere / 619.0);
    EXPECT_GT(peak, previous_peak);  // lower tones further down the channel list, as in SHD
    previous_peak = peak;
  }
}

TEST(CochleaModel, SilenceGivesAlmostNoSpikes) {
  const Cochlea cochlea(CochleaConfig{});
  const SpikeTrain train = cochlea.run(std::vector<float>(static_cast<size_t>(kRate), 0.0f), kRate, 3);
  EXPECT_NEAR(train.duration_s, 1.0, 0.01);
  EXPECT_LT(train.times_s.size(), 100u) << "700 channels over 1 s of silence";
}

TEST(CochleaModel, LouderGivesMoreSpikesUntilSaturation) {
  const Cochlea cochlea(fixed_level_config());
  const int place = channel_nearest(1000.0, characteristic_frequencies(cochlea.config()));
  std::vector<size_t> totals;
  std::vector<int> at_place;
  for (double amplitude : {0.01, 0.03, 0.1, 0.3, 1.0, 3.0}) {
    const SpikeTrain train = cochlea.run(tone(1000.0, amplitude, 0.3), kRate, 11);
    const std::vector<int> counts = spikes_per_channel(train);
    totals.push_back(train.times_s.size());
    at_place.push_back(std::accumulate(counts.begin() + place - 5, counts.begin() + place + 6, 0));
  }
  for (size_t i = 1; i < totals.size(); ++i) EXPECT_GT(totals[i], totals[i - 1]) << "level step " << i;
  // At the tone's own place the response saturates: the last 10 dB add little.
  EXPECT_GT(at_place[2], 3 * at_place[0]);
  EXPECT_LT(at_place[5], 1.5 * at_place[4]);
}

TEST(CochleaModel, AdaptsDuringAToneBurst) {
  const Cochlea cochlea(fixed_level_config());
  const double silence_s = 0.1;
  const SpikeTrain train = cochlea.run(tone(1000.0, 0.1, 0.5, silence_s), kRate, 5);
  int onset = 0, sustained = 0;
  for (float t : train.times_s) {
    const double since_onset = t - silence_s;
    if (since_onset >= 0.0 && since_onset < 0.05) ++onset;
    if (since_onset >= 0.2 && since_onset < 0.5) ++sustained;
  }
  const double onset_rate = onset / 0.05, sustained_rate = sustained / 0.3;
  EXPECT_GE(onset_rate, 2.0 * sustained_rate) << onset << " spikes in the first 50 ms, " << sustained << " over 200-500 ms";
  EXPECT_GT(sustained, 0);
}

TEST(CochleaModel, SeededAndDeterministic) {
  const Cochlea cochlea(CochleaConfig{});
  const std::vector<float> input = tone(700.0, 0.2, 0.2);
  const SpikeTrain first = cochlea.run(input, kRate, 42), again = cochlea.run(input, kRate, 42), other = cochlea.run(input, kRate, 43);
  EXPECT_EQ(first.times_s, again.times_s);
  EXPECT_EQ(first.channels, again.channels);
  EXPECT_NE(first.channels, other.channels);
  EXPECT_TRUE(std::is_sorted(first.times_s.begin(), first.times_s.end()));
}

TEST(CochleaModel, AnyInputRateGivesTheSameTimeBase) {
  const Cochlea cochlea(fixed_level_config());
  for (double rate : {8000.0, 22050.0, 48000.0}) {
    std::vector<float> input(static_cast<size_t>(0.4 * rate));
    for (size_t n = 0; n < input.size(); ++n) input[n] = static_cast<float>(0.1 * std::sin(2.0 * M_PI * 500.0 * n / rate));
    const SpikeTrain train = cochlea.run(input, rate, 1);
    EXPECT_NEAR(train.duration_s, 0.4, 0.01) << rate;
    const std::vector<int> counts = spikes_per_channel(train);
    const int peak = static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    EXPECT_NEAR(peak, channel_nearest(500.0, characteristic_frequencies(cochlea.config())), 40) << rate;
  }
}

}  // namespace
}  // namespace mosaic::cochlea
