// mosaic-nir import of graphs a framework could have written: a two-layer recurrent graph
// written here through the HDF5 C API imports, maps with mosaic-map and runs in mosaic-sim
// spike for spike like the reference pass; malformed graphs are refused with the node named.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "models/network.hpp"
#include "models/shd.hpp"
#include "tests/command.hpp"
#include "tests/nir/small_graph.hpp"
#include "tools/nir/nir_graph.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

namespace {

// Raw HDF5, laid out as nir.write (h5py) does: string datasets as variable-length UTF-8,
// parameters as float32 arrays, edges an (E, 2) string array.
void put_string(hid_t group, const char* name, const std::string& text) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t set = H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const char* data = text.c_str();
  H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &data);
  H5Dclose(set), H5Sclose(space), H5Tclose(type);
}

void put_floats(hid_t group, const char* name, std::vector<hsize_t> dims, const std::vector<float>& values) {
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t set = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(set), H5Sclose(space);
}

void put_shape(hid_t group, long n) {
  const hsize_t one = 1;
  hid_t space = H5Screate_simple(1, &one, nullptr);
  hid_t set = H5Dcreate2(group, "shape", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_LONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &n);
  H5Dclose(set), H5Sclose(space);
}

std::vector<float> uniform(std::mt19937& rng, std::size_t n, float low, float high) {
  std::uniform_real_distribution<float> d(low, high);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// Input(8) -> Affine(16x8) -> LIF hidden(16) <-> Linear rec(16x16); hidden -> Linear(4x16) ->
// CubaLIF out(4) -> Output(4).
void write_two_layer_graph(const std::string& path) {
  std::mt19937 rng(7);
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  put_string(file, "version", "1.0.4");
  hid_t top = H5Gcreate2(file, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  put_string(top, "type", "NIRGraph");
  hid_t nodes = H5Gcreate2(top, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  auto node = [&](const char* name, const char* type) {
    hid_t g = H5Gcreate2(nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    put_string(g, "type", type);
    return g;
  };
  hid_t g = node("input", "Input");
  put_shape(g, 8);
  H5Gclose(g);
  g = node("fc1", "Affine");
  put_floats(g, "weight", {16, 8}, uniform(rng, 128, -0.2f, 1.0f));
  put_floats(g, "bias", {16}, uniform(rng, 16, 0.0f, 0.1f));
  H5Gclose(g);
  g = node("hidden", "LIF");
  put_floats(g, "tau", {16}, std::vector<float>(16, 0.02f));
  put_floats(g, "r", {16}, std::vector<float>(16, 20.0f));
  put_floats(g, "v_leak", {16}, std::vector<float>(16, 0.0f));
  put_floats(g, "v_threshold", {16}, std::vector<float>(16, 1.0f));
  put_floats(g, "v_reset", {16}, std::vector<float>(16, 0.0f));
  H5Gclose(g);
  g = node("rec", "Linear");
  put_floats(g, "weight", {16, 16}, uniform(rng, 256, -0.5f, 0.5f));
  H5Gclose(g);
  g = node("fc2", "Linear");
  put_floats(g, "weight", {4, 16}, uniform(rng, 64, 0.0f, 1.0f));
  H5Gclose(g);
  g = node("out", "CubaLIF");
  put_floats(g, "tau_syn", {4}, std::vector<float>(4, 0.005f));
  put_floats(g, "tau_mem", {4}, std::vector<float>(4, 0.01f));
  put_floats(g, "r", {4}, std::vector<float>(4, 10.0f));
  put_floats(g, "v_leak", {4}, std::vector<float>(4, 0.0f));
  put_floats(g, "v_threshold", {4}, std::vector<float>(4, 1.0f));
  put_floats(g, "w_in", {4}, std::vector<float>(4, 1.0f));
  H5Gclose(g);
  g = node("output", "Output");
  put_shape(g, 4);
  H5Gclose(g);
  H5Gclose(nodes);
  const std::vector<std::string> edges = {"input", "fc1", "fc1", "hidden", "hidden", "rec", "rec", "hidden",
                                          "hidden", "fc2", "fc2", "out", "out", "output"};
  std::vector<const char*> text;
  for (const auto& e : edges) text.push_back(e.c_str());
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hsize_t dims[2] = {edges.size() / 2, 2};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  hid_t set = H5Dcreate2(top, "edges", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
  H5Dclose(set), H5Sclose(space), H5Tclose(type), H5Gclose(top), H5Fclose(file);
}

// SHD-layout events on 8 channels, 50 ms per sample (50 bins of 1 ms).
void write_events(const std::string& path) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> time(0.0f, 0.05f);
  std::uniform_int_distribution<int> channel(0, 7);
  std::vector<mosaic::ShdSample> samples;
  for (int s = 0; s < 6; ++s) {
    mosaic::ShdSample sample;
    std::vector<std::pair<float, int>> events;
    for (int e = 0; e < 120; ++e) events.emplace_back(time(rng), channel(rng));
    std::sort(events.begin(), events.end());
    for (auto [t, c] : events) sample.times.push_back(t), sample.units.push_back(static_cast<uint16_t>(c));
    sample.label = s % 4;
    samples.push_back(sample);
  }
  mosaic::write_shd(path, samples, {});
}

class NirImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nir_import_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(NirImport, TwoLayerRecurrentGraphMapsAndRunsInTheSimulatorLikeTheReferencePass) {
  write_two_layer_graph(path("two.nir"));
  write_events(path("events.h5"));
  const auto imported = run_command(tool_path("mosaic-nir") + " import " + path("two.nir") +
                                    " --arch 2x2x8 --dt-ms 1 --bins 50 --out " + path("net.json"));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("2 spiking layer(s) deep: 1 extra step(s)"), std::string::npos) << imported.output;

  const mosaic::Network net = mosaic::read_network(path("net.json"));
  EXPECT_EQ(net.format_version(), 2);
  EXPECT_EQ(net.input.n_inp, 8);
  EXPECT_EQ(net.input.shd_channels, 8);
  EXPECT_TRUE(net.input.dedicated_lines());
  EXPECT_EQ(net.output_neurons, (std::vector<int>{16, 17, 18, 19}));
  EXPECT_TRUE(net.neuron.synapse.present());
  EXPECT_EQ(net.neuron.reset, "value");
  EXPECT_EQ(net.neuron.bias.size(), 32u);  // the Affine's bias, per neuron
  // The hidden layer spans tiles 0 and 1: dense input lines reach both.
  EXPECT_GT(std::count_if(net.input.weights.begin(), net.input.weights.end(), [](const auto& s) { return s.neuron >= 8; }), 0);

  const auto mapped = run_command(tool_path("mosaic-map") + " --net " + path("net.json") + " --out " + path("routes.json") +
                                  " --report " + path("map.json"));
  ASSERT_EQ(mapped.exit_code, 0) << mapped.output;
  const auto map_report = nlohmann::json::parse(read_text(path("map.json")));
  EXPECT_GT(map_report["memory_cells"]["homogeneous"]["total"].get<long>(), 0) << map_report.dump();
  EXPECT_GT(map_report["input_wires"].get<long>(), 8);  // 8 channels into 2 tiles, minus the zero rows

  const auto simulated = run_command(tool_path("mosaic-sim") + " --net " + path("net.json") + " --input " + path("events.h5") +
                                     " --routes " + path("routes.json") + " --reference --report " + path("sim.json"));
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  const auto report = nlohmann::json::parse(read_text(path("sim.json")));
  const auto& summary = report["summary"];
  EXPECT_EQ(summary["reference_compared"].get<int>(), 6) << summary.dump();
  EXPECT_EQ(summary["identical_spike_trains"].get<int>(), 6) << summary.dump();
  EXPECT_GT(report["spikes"].get<long>(), 0) << report.dump().substr(0, 2000);
}

// A graph given as our Graph struct, written by our writer, run through the command line.
mosaic::test_support::CommandResult import_graph(const fs::path& dir, const mosaic::nir::Graph& graph) {
  const std::string file = (dir / "bad.nir").string();
  mosaic::nir::write_graph(file, graph);
  return run_command(tool_path("mosaic-nir") + " import " + file + " --arch 1x1x8 --dt-ms 1 --out " + (dir / "bad.json").string());
}

mosaic::nir::Graph small_graph() { return mosaic::test_support::small_nir_graph(); }

void expect_refused(const mosaic::test_support::CommandResult& result, const std::string& named) {
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(named), std::string::npos) << "expected \"" << named << "\" in: " << result.output;
}

TEST_F(NirImport, WellFormedSmallGraphImports) {
  const auto result = import_graph(dir_, small_graph());
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(NirImport, MalformedGraphsAreRefusedWithTheNodeOrFieldNamed) {
  auto missing = small_graph();
  missing.nodes.erase("out");  // an edge names a node the graph lacks
  mosaic::nir::write_graph(path("missing.nir"), missing);
  expect_refused(run_command(tool_path("mosaic-nir") + " import " + path("missing.nir") + " --arch 1x1x8 --dt-ms 1 --out " +
                             path("x.json")),
                 "node.edges[2]: names node \"out\"");

  auto nowhere = small_graph();
  nowhere.edges.emplace_back("w", "ghost");
  expect_refused(import_graph(dir_, nowhere), "\"ghost\"");

  auto dangling = small_graph();
  dangling.nodes["w2"] = dangling.nodes["w"];
  dangling.edges.emplace_back("in", "w2");  // a Linear whose output goes nowhere
  expect_refused(import_graph(dir_, dangling), "node.nodes.w2");

  auto mismatch = small_graph();
  mismatch.nodes["w"].params["weight"] = mosaic::nir::Value::matrix(4, 2, std::vector<double>(8, 1.0));
  expect_refused(import_graph(dir_, mismatch), "node.nodes.lif: takes 3 values but \"w\" sends 4");

  auto unsupported = small_graph();
  unsupported.nodes["w"].type = "Conv1d";
  expect_refused(import_graph(dir_, unsupported), "node.nodes.w: type Conv1d is not supported");

  auto not_a_number = small_graph();
  not_a_number.nodes["lif"].params["tau"] = mosaic::nir::Value::vector({0.02, std::nan(""), 0.02});
  expect_refused(import_graph(dir_, not_a_number), "node.nodes.lif.tau: is not finite");

  auto too_big = small_graph();
  const std::vector<double> thirty(30, 0.02);
  for (const char* key : {"tau", "r", "v_leak", "v_threshold"}) too_big.nodes["lif"].params[key] = mosaic::nir::Value::vector(thirty);
  too_big.nodes["w"].params["weight"] = mosaic::nir::Value::matrix(30, 2, std::vector<double>(60, 1.0));
  too_big.nodes["out"].params["shape"] = mosaic::nir::Value::vector({30});
  expect_refused(import_graph(dir_, too_big), "--arch: the graph has 30 neurons; 1x1x8 holds 8");

  write_events(path("not_a_graph.h5"));  // HDF5, but no NIR graph in it
  expect_refused(run_command(tool_path("mosaic-nir") + " import " + path("not_a_graph.h5") + " --arch 1x1x8 --dt-ms 1 --out " +
                             path("x.json")),
                 "node: missing");
}

}  // namespace
