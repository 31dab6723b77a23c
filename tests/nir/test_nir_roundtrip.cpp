// mosaic-nir export and import of the bundled network: the round trip restores the network
// (same digest, same spikes), and version-1 networks keep their bytes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "models/network.hpp"
#include "models/reference.hpp"
#include "models/shd.hpp"
#include "tests/command.hpp"
#include "tools/nir/nir_graph.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

namespace {

class NirRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nir_roundtrip_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::vector<std::vector<std::vector<int>>> spike_trains(const mosaic::Network& net, const std::string& input) {
  mosaic::ShdReader reader(input, net.input.shd_channels, net.num_classes);
  mosaic::ReferenceModel model(net);
  std::vector<std::vector<std::vector<int>>> trains;
  const mosaic::BinSpec spec = mosaic::bin_spec(net.input);
  for (std::size_t i = 0; i < reader.size(); ++i)
    for (const auto& sample : mosaic::bin_all_subsets(reader.read(i), spec)) trains.push_back(model.run(sample).spikes);
  return trains;
}

TEST(NetworkFormat, VersionOneNetworkReadsAndWritesBackByteIdentical) {
  const fs::path out = fs::temp_directory_path() / ("nir_v1_" + std::to_string(::getpid()) + ".json");
  const mosaic::Network net = mosaic::read_network("traces/default_net.json");
  EXPECT_EQ(net.format_version(), 1);
  mosaic::write_network(out.string(), net);
  EXPECT_EQ(read_text(out), read_text("traces/default_net.json"));
  fs::remove(out);
}

TEST_F(NirRoundTrip, DefaultNetworkExportsAndImportsToTheSameDigestAndSpikes) {
  const fs::path graph = dir_ / "net.nir", back = dir_ / "back.json";
  const auto exported = run_command(tool_path("mosaic-nir") + " export traces/default_net.json --out " + graph.string());
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("reset by subtraction"), std::string::npos) << exported.output;

  // The file is a NIR graph: Input -> Linear -> LIF (+ recurrent Linear) -> Linear -> Output.
  const mosaic::nir::Graph g = mosaic::nir::read_graph(graph.string());
  ASSERT_EQ(g.nodes.size(), 6u);
  EXPECT_EQ(g.nodes.at("lif").type, "LIF");
  EXPECT_EQ(g.nodes.at("w_rec").params.at("weight").shape, (std::vector<std::uint64_t>{800, 800}));
  EXPECT_EQ(g.nodes.at("w_in").params.at("weight").shape, (std::vector<std::uint64_t>{800, 160}));
  EXPECT_EQ(g.metadata.at("mosaic_interleave_k").numbers.at(0), 5);
  EXPECT_NEAR(g.nodes.at("lif").params.at("tau").numbers.at(0), 0.045, 1e-6);  // dt 1 ms, alpha 0.978

  // No --arch or --dt-ms: a mosaic-nir export carries them.
  const auto imported = run_command(tool_path("mosaic-nir") + " import " + graph.string() + " --out " + back.string());
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  const mosaic::Network original = mosaic::read_network("traces/default_net.json");
  const mosaic::Network restored = mosaic::read_network(back.string());
  EXPECT_EQ(mosaic::network_digest(restored), mosaic::network_digest(original));
  EXPECT_EQ(read_text(back), read_text("traces/default_net.json"));
  EXPECT_EQ(spike_trains(restored, "traces/shd_sample.h5"), spike_trains(original, "traces/shd_sample.h5"));
}

}  // namespace

namespace {

// Export's parameters are the inverse of import's discretisation: read as any NIR graph, the
// export of the bundled network gives back its alpha and its weights (to float rounding).
TEST_F(NirRoundTrip, ExportParametersImportAsAnyGraphToTheSameDynamics) {
  const fs::path graph = dir_ / "net.nir", back = dir_ / "plain.json";
  ASSERT_EQ(run_command(tool_path("mosaic-nir") + " export traces/default_net.json --out " + graph.string()).exit_code, 0);
  const auto imported = run_command(tool_path("mosaic-nir") + " import " + graph.string() +
                                    " --ignore-metadata --arch 5x5x32 --dt-ms 1 --reset subtract --out " + back.string());
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  const mosaic::Network original = mosaic::read_network("traces/default_net.json");
  const mosaic::Network plain = mosaic::read_network(back.string());
  EXPECT_TRUE(plain.input.dedicated_lines());  // a plain import knows no input tiles
  ASSERT_EQ(plain.neuron.alpha.size(), 1u);
  EXPECT_NEAR(plain.neuron.alpha[0], original.neuron.alpha[0], 1e-7);
  EXPECT_EQ(plain.neuron.reset, "subtract");
  EXPECT_EQ(plain.output_neurons, original.output_neurons);  // from the one-hot read-out
  ASSERT_EQ(plain.recurrent.size(), original.recurrent.size());
  ASSERT_EQ(plain.input.weights.size(), original.input.weights.size());
  for (std::size_t i = 0; i < original.recurrent.size(); ++i) {
    EXPECT_EQ(plain.recurrent[i].pre, original.recurrent[i].pre);
    EXPECT_EQ(plain.recurrent[i].post, original.recurrent[i].post);
    EXPECT_NEAR(plain.recurrent[i].weight, original.recurrent[i].weight, 1e-6 * std::fabs(original.recurrent[i].weight));
  }
  for (std::size_t i = 0; i < original.input.weights.size(); ++i)
    EXPECT_NEAR(plain.input.weights[i].weight, original.input.weights[i].weight, 1e-6 * std::fabs(original.input.weights[i].weight));
}

}  // namespace
