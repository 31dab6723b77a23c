#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>

#include "models/error.hpp"
#include "models/network.hpp"

using namespace mosaic;
using nlohmann::json;

namespace {

// A 2x2x4 network with random weights: input channels 0..7 into tiles 0 and 1.
Network small_network(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> weight(0.0f, 0.7f);
  Network net;
  net.arch = Arch(2, 2, 4);
  net.input.n_inp = 8;
  net.input.shd_channels = 700;
  net.input.interleave_k = interleave_factor(700, 8);
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 4; ++i) net.input.weights.push_back({j, (j / 4) * 4 + i, weight(rng)});
  for (int pre = 0; pre < 16; ++pre)
    for (int post = 0; post < 16; ++post)
      if ((pre * 7 + post) % 3 == 0) net.recurrent.push_back({pre, post, weight(rng)});
  net.num_classes = 2;
  net.output_neurons = {14, 15};
  net.neuron.alpha = {std::exp(-1.0f / 45.0f)};
  net.provenance = {{"tool", "test"}, {"seed", seed}};
  return net;
}

void expect_same(const Network& a, const Network& b) {
  EXPECT_EQ(a.arch.name(), b.arch.name());
  EXPECT_EQ(a.neuron.alpha, b.neuron.alpha);
  EXPECT_EQ(a.neuron.threshold, b.neuron.threshold);
  EXPECT_EQ(a.input.n_inp, b.input.n_inp);
  EXPECT_EQ(a.input.interleave_k, b.input.interleave_k);
  ASSERT_EQ(a.input.weights.size(), b.input.weights.size());
  for (std::size_t i = 0; i < a.input.weights.size(); ++i) {
    EXPECT_EQ(a.input.weights[i].channel, b.input.weights[i].channel);
    EXPECT_EQ(a.input.weights[i].neuron, b.input.weights[i].neuron);
    EXPECT_EQ(a.input.weights[i].weight, b.input.weights[i].weight);  // bit-exact
  }
  ASSERT_EQ(a.recurrent.size(), b.recurrent.size());
  for (std::size_t i = 0; i < a.recurrent.size(); ++i) {
    EXPECT_EQ(a.recurrent[i].pre, b.recurrent[i].pre);
    EXPECT_EQ(a.recurrent[i].post, b.recurrent[i].post);
    EXPECT_EQ(a.recurrent[i].weight, b.recurrent[i].weight);
  }
  EXPECT_EQ(a.output_neurons, b.output_neurons);
  EXPECT_EQ(a.provenance, b.provenance);
}

}  // namespace

TEST(Network, JsonRoundTripIsLossless) {
  const Network net = small_network(3);
  const Network back = network_from_json(json::parse(network_to_json(net).dump()), "mem");
  expect_same(net, back);
  EXPECT_EQ(network_digest(net), network_digest(back));
}

TEST(Network, FileRoundTripIsAtomicAndLossless) {
  const auto dir = std::filesystem::temp_directory_path() / "mosaic_test_network";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "net.json").string();
  const Network net = small_network(5);
  write_network(path, net);
  expect_same(net, read_network(path));
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename(), "net.json") << "temporary file left behind";
  std::filesystem::remove_all(dir);
}

TEST(Network, DigestFollowsWeightsNotProvenanceOrTiming) {
  Network net = small_network(1);
  const std::string digest = network_digest(net);
  net.provenance["note"] = "changed";
  net.arch.timing.tick_cycles = 99;
  EXPECT_EQ(network_digest(net), digest);
  net.recurrent[0].weight += 0.5f;
  EXPECT_NE(network_digest(net), digest);
}

TEST(Network, MissingFileAndBadJsonAreInputErrors) {
  EXPECT_THROW(read_network("/nonexistent/net.json"), InputError);
  const auto path = (std::filesystem::temp_directory_path() / "mosaic_bad.json").string();
  std::ofstream(path) << "{ \"format\": \"mosaic-net\", ";
  try {
    read_network(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path);
  }
  std::filesystem::remove(path);
}

struct ValidationCase {
  const char* name;
  std::function<void(json&)> corrupt;
  const char* field;
};

class NetworkValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(NetworkValidation, RejectsWithFieldNamed) {
  json j = network_to_json(small_network(2));
  GetParam().corrupt(j);
  try {
    network_from_json(j, "bad.json");
    FAIL() << GetParam().name << " was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.json");
    EXPECT_NE(e.field().find(GetParam().field), std::string::npos) << e.what();
  }
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

INSTANTIATE_TEST_SUITE_P(
    Rules, NetworkValidation,
    ::testing::Values(
        ValidationCase{"WrongFormat", [](json& j) { j["format"] = "other"; }, "format"},
        ValidationCase{"WrongVersion", [](json& j) { j["version"] = 3; }, "version"},
        ValidationCase{"VersionTwoFieldInVersionOne", [](json& j) { j["neuron"]["bias"] = 0.5; }, "neuron.bias"},
        ValidationCase{"VersionTwoInputLinesInVersionOne", [](json& j) { j["input"]["lines"] = "dedicated"; }, "input.lines"},
        ValidationCase{"MisspeltVersionTwoField",
                       [](json& j) { j["version"] = 2; j["neuron"]["v_rest"] = 0.0; }, "neuron.v_rest"},
        ValidationCase{"UnknownSynapseField",
                       [](json& j) {
                         j["version"] = 2;
                         j["neuron"]["synapse"] = {{"decay", 0.5}, {"state_to_v", 1.0}, {"input_to_v", 1.0}, {"tau", 2.0}};
                       },
                       "neuron.synapse.tau"},
        ValidationCase{"RecurrentPreOutOfRange", [](json& j) { j["recurrent"][0][0] = 16; }, "recurrent[0]"},
        ValidationCase{"RecurrentPostNegative", [](json& j) { j["recurrent"][1][1] = -1; }, "recurrent[1]"},
        ValidationCase{"RecurrentNaN", [](json& j) { j["recurrent"][2][2] = kNaN; }, "recurrent[2]"},
        ValidationCase{"RecurrentDuplicate", [](json& j) { j["recurrent"].push_back(j["recurrent"][0]); }, "recurrent"},
        ValidationCase{"RecurrentMalformedRow", [](json& j) { j["recurrent"][0] = json::array({1, 2}); }, "recurrent[0]"},
        ValidationCase{"InputChannelOutOfRange", [](json& j) { j["input"]["weights"][0][0] = 8; }, "input.weights[0]"},
        ValidationCase{"InputChannelWrongTile", [](json& j) { j["input"]["weights"][0][1] = 5; }, "input.weights[0]"},
        ValidationCase{"InputDuplicate", [](json& j) { j["input"]["weights"].push_back(j["input"]["weights"][0]); }, "input.weights"},
        ValidationCase{"InputWeightNaN", [](json& j) { j["input"]["weights"][3][2] = kNaN; }, "input.weights[3]"},
        ValidationCase{"TooManyInputs", [](json& j) { j["input"]["n_inp"] = 17; }, "input.n_inp"},
        ValidationCase{"NoOutputs", [](json& j) { j["output"]["neurons"] = json::array(); }, "output.neurons"},
        ValidationCase{"OutputOutOfRange", [](json& j) { j["output"]["neurons"][1] = 16; }, "output.neurons[1]"},
        ValidationCase{"OutputTwice", [](json& j) { j["output"]["neurons"][1] = 14; }, "output.neurons"},
        ValidationCase{"AlphaSizeMismatch", [](json& j) { j["neuron"]["alpha"] = json::array({0.9, 0.9}); }, "neuron.alpha"},
        ValidationCase{"AlphaAboveOne", [](json& j) { j["neuron"]["alpha"] = 1.5; }, "neuron.alpha"},
        ValidationCase{"ThresholdMissing", [](json& j) { j["neuron"].erase("threshold"); }, "neuron.threshold"},
        ValidationCase{"UnknownReset", [](json& j) { j["neuron"]["reset"] = "zero"; }, "neuron.reset"},
        ValidationCase{"BinsZero", [](json& j) { j["input"]["bins"] = 0; }, "input.bins"},
        ValidationCase{"ArchMissing", [](json& j) { j.erase("arch"); }, "arch"}),
    [](const auto& info) { return std::string(info.param.name); });

// validate_network rule by rule (models/SPEC.md section 8), on the Network itself so that no
// check of the JSON parser stands in for it: every rule of validate_network, in its order,
// has a case that breaks only that rule, and the case names the field and the problem, so
// removing a rule fails its case even where another rule would refuse the same network.
// The input-tile rule (input channel j drives only neurons of tile j / K) gets one case per
// way to break it. The network is small_network: 2x2x4, n_inp 8 (input tiles 0 and 1), 2 classes.
TEST(NetworkVersion2, DedicatedInputLinesLetAnyChannelDriveAnyNeuron) {
  Network net = small_network(4);
  net.input.weights[0].neuron = 9;  // channel 0 into tile 2: breaks the tile rule
  EXPECT_THROW(validate_network(net, "net.json"), InputError);
  net.input.lines = "dedicated";
  EXPECT_NO_THROW(validate_network(net, "net.json"));
  EXPECT_EQ(net.num_input_tiles(), 0);
  EXPECT_EQ(net.format_version(), 2);
}

// Routing tables are keyed by connectivity (models/SPEC.md): weights do not change it, the
// synapse pairs and the way input lines reach the tiles do.
TEST(NetworkVersion2, ConnectivityDigestCoversInputLinesNotWeights) {
  Network net = small_network(4);
  const std::string digest = connectivity_digest(net);
  net.recurrent[0].weight += 0.5f;
  EXPECT_EQ(connectivity_digest(net), digest);
  net.input.lines = "dedicated";
  EXPECT_NE(connectivity_digest(net), digest);
}

struct RuleCase {
  const char* name;
  std::function<void(Network&)> corrupt;
  const char* field;
  const char* problem;
};

// Failures name the case rather than print its bytes.
void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class NetworkRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(NetworkRule, IsEnforced) {
  Network net = small_network(4);
  EXPECT_NO_THROW(validate_network(net, "net.json"));
  GetParam().corrupt(net);
  try {
    validate_network(net, "net.json");
    FAIL() << GetParam().name << " was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "net.json");
    EXPECT_EQ(e.field(), GetParam().field) << e.what();
    EXPECT_NE(std::string(e.what()).find(GetParam().problem), std::string::npos) << e.what();
  }
}

const float kNaNf = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

INSTANTIATE_TEST_SUITE_P(
    Rules, NetworkRule,
    ::testing::Values(
        RuleCase{"AlphaCount", [](Network& n) { n.neuron.alpha = {0.9f, 0.9f}; }, "neuron.alpha", "give 1 or one per neuron"},
        RuleCase{"AlphaAboveOne", [](Network& n) { n.neuron.alpha = {1.5f}; }, "neuron.alpha[0]", "must be in [0, 1]"},
        RuleCase{"AlphaNegativeForOneNeuron",
                 [](Network& n) {
                   n.neuron.alpha.assign(16, 0.9f);
                   n.neuron.alpha[7] = -0.1f;
                 },
                 "neuron.alpha[7]", "must be in [0, 1]"},
        RuleCase{"AlphaNaN", [](Network& n) { n.neuron.alpha = {kNaNf}; }, "neuron.alpha[0]", "must be in [0, 1]"},
        RuleCase{"ThresholdZero", [](Network& n) { n.neuron.threshold = 0.0f; }, "neuron.threshold", "must be positive"},
        RuleCase{"ThresholdNaN", [](Network& n) { n.neuron.threshold = kNaNf; }, "neuron.threshold", "must be positive"},
        RuleCase{"ResetUnknown", [](Network& n) { n.neuron.reset = "zero"; }, "neuron.reset", "give \"subtract\" or \"value\""},
        RuleCase{"VResetMissing", [](Network& n) { n.neuron.reset = "value"; }, "neuron.v_reset", "give 1 or one per neuron"},
        RuleCase{"VResetWithSubtraction", [](Network& n) { n.neuron.v_reset = {0.1f}; }, "neuron.v_reset", "only used with reset"},
        RuleCase{"BiasCount", [](Network& n) { n.neuron.bias = {0.1f, 0.2f}; }, "neuron.bias", "give 1 or one per neuron"},
        RuleCase{"BiasNaN", [](Network& n) { n.neuron.bias = {kNaNf}; }, "neuron.bias[0]", "must be finite"},
        RuleCase{"SynapseFieldCount", [](Network& n) { n.neuron.synapse = {{0.5f}, {0.0f, 0.0f}, {1.0f}}; },
                 "neuron.synapse.state_to_v", "give 1 or one per neuron"},
        RuleCase{"SynapseDecayAboveOne", [](Network& n) { n.neuron.synapse = {{1.5f}, {0.0f}, {1.0f}}; },
                 "neuron.synapse.decay[0]", "must be in [0, 1]"},
        RuleCase{"InputLinesUnknown", [](Network& n) { n.input.lines = "routed"; }, "input.lines", "give \"tile\" or \"dedicated\""},
        RuleCase{"DtZero", [](Network& n) { n.neuron.dt_ms = 0.0; }, "neuron.dt_ms", "must be positive"},
        RuleCase{"TauNegative", [](Network& n) { n.neuron.tau_ms = -45.0; }, "neuron.dt_ms", "must be positive"},
        RuleCase{"TMaxZero", [](Network& n) { n.input.t_max_s = 0.0; }, "input.t_max_s", "must be positive"},
        RuleCase{"TMaxInfinite", [](Network& n) { n.input.t_max_s = kInf; }, "input.t_max_s", "must be positive"},
        RuleCase{"BinsZero", [](Network& n) { n.input.bins = 0; }, "input.bins", "must be positive"},
        RuleCase{"NInpZero", [](Network& n) { n.input.n_inp = 0; }, "input.n_inp", "room for at most 16"},
        RuleCase{"NInpBeyondTheChip", [](Network& n) { n.input.n_inp = 17; }, "input.n_inp", "room for at most 16"},
        RuleCase{"InterleaveZero", [](Network& n) { n.input.interleave_k = 0; }, "input.interleave_k", "must be positive"},
        RuleCase{"InterleaveNotTheCeiling", [](Network& n) { n.input.interleave_k = 87; }, "input.interleave_k", "ceil(700 / 8) = 88"},
        RuleCase{"NInpAboveChannels", [](Network& n) { n.input.shd_channels = 4; }, "input.n_inp", "more than the 4 SHD channels"},
        RuleCase{"ChannelsBeyondUint16", [](Network& n) { n.input.shd_channels = 65537; }, "input.shd_channels", "must be in 1..65536"},
        RuleCase{"InputChannelBeyondNInp", [](Network& n) { n.input.weights[5].channel = 8; }, "input.weights[5]", "channel 8 outside 0..7"},
        RuleCase{"InputChannelNegative", [](Network& n) { n.input.weights[5].channel = -1; }, "input.weights[5]", "channel -1 outside 0..7"},
        RuleCase{"InputNeuronBeyondTheChip", [](Network& n) { n.input.weights[5].neuron = 16; }, "input.weights[5]", "neuron 16 outside 0..15"},
        // The input-tile rule. weights[j * 4 + i] is channel j -> neuron (j / 4) * 4 + i.
        RuleCase{"InputChannelIntoTheOtherInputTile", [](Network& n) { n.input.weights[0].neuron = 4; }, "input.weights[0]",
                 "channel 0 may only drive input tile 0, not neuron 4"},
        RuleCase{"InputChannelIntoATileThatTakesNoInput", [](Network& n) { n.input.weights[12].neuron = 9; }, "input.weights[12]",
                 "channel 3 may only drive input tile 0, not neuron 9"},
        RuleCase{"FirstChannelOfTileOneIntoLastNeuronOfTileZero", [](Network& n) { n.input.weights[16].neuron = 3; },
                 "input.weights[16]", "channel 4 may only drive input tile 1, not neuron 3"},
        RuleCase{"LastChannelOfTileZeroIntoFirstNeuronOfTileOne", [](Network& n) { n.input.weights[15].neuron = 4; },
                 "input.weights[15]", "channel 3 may only drive input tile 0, not neuron 4"},
        RuleCase{"InputChannelIntoTheOutputTile", [](Network& n) { n.input.weights[31].neuron = 15; }, "input.weights[31]",
                 "channel 7 may only drive input tile 1, not neuron 15"},
        RuleCase{"InputWeightNaN", [](Network& n) { n.input.weights[5].weight = kNaNf; }, "input.weights[5]", "weight is not finite"},
        RuleCase{"InputWeightInfinite", [](Network& n) { n.input.weights[6].weight = -kInf; }, "input.weights[6]", "weight is not finite"},
        RuleCase{"InputSynapseTwice", [](Network& n) { n.input.weights.push_back(n.input.weights[9]); }, "input.weights",
                 "channel 2 -> neuron 1 is listed twice"},
        RuleCase{"RecurrentPreBeyondTheChip", [](Network& n) { n.recurrent[3].pre = 16; }, "recurrent[3]", "pre neuron 16 outside 0..15"},
        RuleCase{"RecurrentPreNegative", [](Network& n) { n.recurrent[3].pre = -1; }, "recurrent[3]", "pre neuron -1 outside 0..15"},
        RuleCase{"RecurrentPostBeyondTheChip", [](Network& n) { n.recurrent[4].post = 16; }, "recurrent[4]", "post neuron 16 outside 0..15"},
        RuleCase{"RecurrentPostNegative", [](Network& n) { n.recurrent[4].post = -1; }, "recurrent[4]", "post neuron -1 outside 0..15"},
        RuleCase{"RecurrentWeightInfinite", [](Network& n) { n.recurrent[2].weight = kInf; }, "recurrent[2]", "weight is not finite"},
        RuleCase{"RecurrentSynapseTwice", [](Network& n) { n.recurrent.push_back(n.recurrent[1]); }, "recurrent", "is listed twice"},
        RuleCase{"NoClasses",
                 [](Network& n) {
                   n.num_classes = 0;
                   n.output_neurons.clear();
                 },
                 "output.num_classes", "must be positive"},
        RuleCase{"OutputCountDiffersFromClasses", [](Network& n) { n.output_neurons = {15}; }, "output.neurons",
                 "has 1 neurons for 2 classes"},
        RuleCase{"OutputBeyondTheChip", [](Network& n) { n.output_neurons[1] = 16; }, "output.neurons[1]", "neuron outside 0..15"},
        RuleCase{"OutputNegative", [](Network& n) { n.output_neurons[0] = -1; }, "output.neurons[0]", "neuron outside 0..15"},
        RuleCase{"OutputTwice", [](Network& n) { n.output_neurons = {15, 15}; }, "output.neurons", "lists a neuron twice"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Network, EveryFloatWeightRoundTripsThroughShortJsonText) {
  Network net = small_network(9);
  std::mt19937 rng(123);
  std::uniform_int_distribution<uint32_t> bits;
  net.recurrent.clear();
  for (int pre = 0; pre < 16; ++pre)
    for (int post = 0; post < 16; ++post) {
      float w;
      do {  // any finite float32: subnormals, huge and tiny values included
        const uint32_t b = bits(rng);
        std::memcpy(&w, &b, sizeof w);
      } while (!std::isfinite(w));
      net.recurrent.push_back({pre, post, w});
    }
  net.recurrent[1].weight = 0.1f;
  const std::string text = network_to_json(net).dump();
  const Network back = network_from_json(json::parse(text), "mem");
  ASSERT_EQ(back.recurrent.size(), net.recurrent.size());
  for (std::size_t i = 0; i < net.recurrent.size(); ++i)
    EXPECT_EQ(std::memcmp(&back.recurrent[i].weight, &net.recurrent[i].weight, sizeof(float)), 0) << i;
  EXPECT_NE(text.find("[0,1,0.1]"), std::string::npos) << "0.1f is written in its short form";
}
