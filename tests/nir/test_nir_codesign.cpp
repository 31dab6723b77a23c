// The co-design suite takes an imported network as one of its runs (tools/README.md, "Import
// runs"): a tier entry `import: GRAPH.nir` with arch and dt_ms is imported by mosaic-nir, mapped
// by mosaic-map and simulated by mosaic-sim (with the reference pass beside it), recorded and
// tabulated, with no training; real Snakemake on a tier file written here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "tests/command.hpp"
#include "tools/nir/nir_graph.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::read_text;
using mosaic::test_support::run_command;

namespace {

using mosaic::nir::Node;
using mosaic::nir::Value;

std::vector<double> uniform(std::mt19937& rng, std::size_t n, double low, double high) {
  std::uniform_real_distribution<double> d(low, high);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}

Value weights(std::uint64_t rows, std::uint64_t cols, std::vector<double> v) {
  Value w = Value::matrix(rows, cols, std::move(v));
  w.float32 = true;
  return w;
}

Node lif(std::size_t n) {
  return Node{"LIF",
              {{"tau", Value::vector(std::vector<double>(n, 0.02))},
               {"r", Value::vector(std::vector<double>(n, 10.0))},
               {"v_leak", Value::vector(std::vector<double>(n, 0.0))},
               {"v_threshold", Value::vector(std::vector<double>(n, 1.0))},
               {"v_reset", Value::vector(std::vector<double>(n, 0.0))}},
              {}};
}

// Input(700, the bundled sample's channels) -> Linear -> LIF hidden(32) <-> recurrent Linear;
// hidden -> Linear -> LIF out(20, the sample's classes) -> Output.
void write_graph(const std::string& path) {
  std::mt19937 rng(5);
  mosaic::nir::Graph g;
  g.nodes["input"] = Node{"Input", {{"shape", Value::vector({700})}}, {}};
  g.nodes["fc1"] = Node{"Linear", {{"weight", weights(32, 700, uniform(rng, 32 * 700, -0.05, 0.15))}}, {}};
  g.nodes["hidden"] = lif(32);
  g.nodes["rec"] = Node{"Linear", {{"weight", weights(32, 32, uniform(rng, 32 * 32, -0.2, 0.2))}}, {}};
  g.nodes["fc2"] = Node{"Linear", {{"weight", weights(20, 32, uniform(rng, 20 * 32, -0.1, 0.4))}}, {}};
  g.nodes["out"] = lif(20);
  g.nodes["output"] = Node{"Output", {{"shape", Value::vector({20})}}, {}};
  g.edges = {{"input", "fc1"}, {"fc1", "hidden"}, {"hidden", "rec"}, {"rec", "hidden"},
             {"hidden", "fc2"}, {"fc2", "out"},   {"out", "output"}};
  mosaic::nir::write_graph(path, g);
}

class CodesignImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("codesign_import_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CodesignImport, AnImportRunIsImportedMappedSimulatedAndRecordedWithoutTraining) {
  const fs::path graph = dir_ / "two_layer.nir";
  write_graph(graph.string());
  const fs::path tier = dir_ / "import.yaml";
  std::ofstream(tier) << "tier: import-test\n"
                         "data: {train: traces/shd_sample.h5, test: traces/shd_sample.h5}\n"
                         "train: {epochs: 1}\n"
                         "sim_args: [\"--recordings\", \"8\"]\n"
                         "runs:\n"
                         "  - {name: nir-two-layer, import: " << graph.string() << ", arch: 2x2x16, dt_ms: 10}\n";
  const fs::path out = dir_ / "out";
  const std::string suite = "tools/codesign --tier '" + tier.string() + "' --cores 2 --no-expected --out '" + out.string() + "'";
  const auto result = run_command(suite);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("nir-two-layer: importing the NIR graph"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("nir-two-layer: training"), std::string::npos) << "an import run trains nothing:\n" << result.output;
  EXPECT_EQ(result.output.find("\ntrain "), std::string::npos) << "no train job planned:\n" << result.output;

  // The record: mode imported, mapped (routing memory counted), simulated spike for spike like
  // the reference pass on the 8 recordings x 1 subset.
  const auto record = nlohmann::json::parse(read_text(out / "runs" / "nir-two-layer.json"));
  EXPECT_EQ(record["mode"], "imported");
  EXPECT_EQ(record["epochs"], 0);
  EXPECT_EQ(record["sim_samples"], 8);
  EXPECT_TRUE(record["mappable"].get<bool>());
  EXPECT_GT(record["memory_cells"].get<long>(), 0);
  EXPECT_GT(record["live_synapses"].get<long>(), 0);
  EXPECT_GT(record["events"].get<long>(), 0) << "the imported network must carry spikes for the comparison to mean anything";
  EXPECT_TRUE(record["sim_equals_reference"].get<bool>());
  EXPECT_EQ(record["command"].get<std::string>().rfind("mosaic-nir import " + graph.string() + " --arch 2x2x16 --dt-ms 10", 0), 0u)
      << record["command"];

  const auto results = nlohmann::json::parse(read_text(out / "results.json"));
  bool guard_seen = false;
  for (const auto& guard : results["guards"]) {
    const std::string name = guard["name"];
    EXPECT_EQ(name.rfind("learns/", 0), std::string::npos) << "no learning guard for an imported network";
    if (name == "sim-equals-reference/nir-two-layer") guard_seen = guard["passed"].get<bool>();
  }
  EXPECT_TRUE(guard_seen) << results.dump(2);

  // Its record carries the run's digest: a second suite plans no job for it.
  const auto again = run_command(suite + " --dry-run");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("import_graph"), std::string::npos) << again.output;
}

TEST_F(CodesignImport, ABadImportEntryStopsBeforeAnyJobNamingTheKey) {
  const fs::path tier = dir_ / "bad.yaml";
  std::ofstream(tier) << "tier: bad\n"
                         "data: {train: traces/shd_sample.h5, test: traces/shd_sample.h5}\n"
                         "train: {epochs: 1}\n"
                         "runs:\n"
                         "  - {name: nir, import: no/such/graph.nir, arch: 2x2x16, dt_ms: 10}\n";
  const auto missing = run_command("tools/codesign --tier '" + tier.string() + "' --out '" + (dir_ / "o").string() + "'");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("runs[0].import: missing file 'no/such/graph.nir'"), std::string::npos) << missing.output;

  std::ofstream(tier) << "tier: bad\n"
                         "data: {train: traces/shd_sample.h5, test: traces/shd_sample.h5}\n"
                         "train: {epochs: 1}\n"
                         "runs:\n"
                         "  - {name: nir, import: traces/shd_sample.h5, arch: 2x2, dt_ms: 10}\n";
  const auto arch = run_command("tools/codesign --tier '" + tier.string() + "' --out '" + (dir_ / "o").string() + "'");
  EXPECT_EQ(arch.exit_code, 2) << arch.output;
  EXPECT_NE(arch.output.find("runs[0].arch: must be RxCxK"), std::string::npos) << arch.output;
}

}  // namespace
