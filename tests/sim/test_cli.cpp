// mosaic-sim as a tool: summary, report, workers, trace, and refusal of bad input (exit 2)
// before any simulation starts. Runs the binary from MOSAIC_BIN on fixture files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <memory>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "mapping/mapping.hpp"
#include "sim_fixtures.hpp"
#include "tests/command.hpp"

namespace mosaic::sim {
namespace {

struct ToolRun {
  int status = -1;
  std::string out, err;
};

using test_support::read_text;

ToolRun run_tool(const std::string& dir, const std::string& args, const std::string& cwd = ".") {
  const std::string tool = std::filesystem::absolute(test_support::tool_path("mosaic-sim")).string();
  const std::string command = "cd '" + cwd + "' && '" + tool + "' " + args + " > '" + dir + "/out.txt' 2> '" + dir + "/err.txt'";
  ToolRun r;
  const int raw = std::system(command.c_str());
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_text(dir + "/out.txt");
  r.err = read_text(dir + "/err.txt");
  return r;
}

class SimCli : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<testing::ScratchDir>(::testing::UnitTest::GetInstance()->current_test_info()->name());
    dir_ = scratch_->path();
    net_ = testing::random_network(Arch(3, 3, 16), 7);
    write_network(net_path(), net_);
    testing::write_and_bin_samples(net_, input_path(), 6, 11);
  }
  std::string net_path() const { return dir_ + "/net.json"; }
  std::string input_path() const { return dir_ + "/input.h5"; }
  std::string files() const { return "--net '" + net_path() + "' --input '" + input_path() + "'"; }
  ToolRun run(const std::string& args) { return run_tool(dir_, args); }
  void expect_refused(const ToolRun& r, const std::string& names) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("mosaic-sim: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");  // refused before any simulation
  }

  std::unique_ptr<testing::ScratchDir> scratch_;
  std::string dir_;
  Network net_;
};

TEST_F(SimCli, MapsItselfAndMatchesTheReferencePass) {
  const ToolRun r = run(files() + " --reference --report '" + dir_ + "/run.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("identical spike trains in 12/12"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PLACEHOLDER"), std::string::npos);
  const auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  EXPECT_EQ(report["samples"].size(), 12u);
  EXPECT_EQ(report["summary"]["identical_spike_trains"], 12);
  EXPECT_EQ(report["late_events"], 0);
  EXPECT_TRUE(report["energy"]["placeholder"].get<bool>());
  std::int64_t confusion_total = 0;
  for (const auto& row : report["confusion_matrix"])
    for (const auto& cell : row) confusion_total += cell.get<std::int64_t>();
  EXPECT_EQ(confusion_total, 12);
  EXPECT_EQ(report["routers"].size(), 7u * 7u - 9u);
  EXPECT_GT(report["router_traversals"].get<std::int64_t>(), 0);
  EXPECT_NE(report["routes"].get<std::string>().find("one-turn"), std::string::npos);
}

TEST_F(SimCli, RunsOnTreeRoutesFromAFile) {
  const std::string routes = dir_ + "/routes.json";
  mapping::write_tables(routes, mapping::route_network(net_, mapping::RoutingAlgorithm::Tree));
  const ToolRun r = run(files() + " --routes '" + routes + "' --reference --report '" + dir_ + "/run.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("identical spike trains in 12/12"), std::string::npos) << r.out;
  EXPECT_EQ(nlohmann::json::parse(read_text(dir_ + "/run.json"))["routes"], routes);
}

TEST_F(SimCli, WorkerProcessesMergeToTheSameResults) {
  ASSERT_EQ(run(files() + " --report '" + dir_ + "/one.json'").status, 0);
  const ToolRun r = run(files() + " --jobs 3 --report '" + dir_ + "/three.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  auto one = nlohmann::json::parse(read_text(dir_ + "/one.json"));
  auto three = nlohmann::json::parse(read_text(dir_ + "/three.json"));
  for (const char* key : {"samples", "routers", "tiles", "latency_histogram_cycles", "spikes", "router_traversals",
                          "deliveries", "synaptic_events", "neuron_updates", "simulated_cycles", "confusion_matrix"})
    EXPECT_EQ(one[key], three[key]) << key;
}

TEST_F(SimCli, WritesAVcdTraceOfTheSelectedBlocks) {
  const std::string vcd = dir_ + "/trace.vcd";
  const ToolRun r =
      run(files() + " --mode aer --jobs 2 --vcd '" + vcd + "' --trace-samples 1 --trace-filter tile_0,R1_2_1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("Info"), std::string::npos);  // no SystemC notes in the summary
  const std::string text = read_text(vcd);
  EXPECT_NE(text.find("$timescale"), std::string::npos);
  EXPECT_NE(text.find("1 ns"), std::string::npos);
  EXPECT_NE(text.find("z_0"), std::string::npos);
  EXPECT_NE(text.find("fifo_N"), std::string::npos);
  EXPECT_EQ(text.find("tile_1."), std::string::npos);  // filtered out
  // chip.sample and chip.step: the traced sample's position, and its steps 1..T in order.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(\$var\s+\w+\s+(\d+)\s+(\S+)\s+step\s[^$]*\$end)"))) << text.substr(0, 2000);
  const std::string id = m[2];
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(\$var\s+\w+\s+\d+\s+(\S+)\s+sample\s[^$]*\$end)")));
  const std::string sample_id = m[1];
  std::vector<long> steps, samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > id.size() + 1 && line[0] == 'b' && line.compare(line.size() - id.size() - 1, std::string::npos, " " + id) == 0)
      steps.push_back(std::stol(line.substr(1, line.find(' ') - 1), nullptr, 2));
    if (line.size() > sample_id.size() + 1 && line[0] == 'b' &&
        line.compare(line.size() - sample_id.size() - 1, std::string::npos, " " + sample_id) == 0)
      samples.push_back(std::stol(line.substr(1, line.find(' ') - 1), nullptr, 2));
  }
  ASSERT_GE(steps.size(), static_cast<std::size_t>(net_.input.bins));
  std::vector<long> want;
  for (long t = 1; t <= net_.input.bins; ++t) want.push_back(t);
  EXPECT_TRUE(std::search(steps.begin(), steps.end(), want.begin(), want.end()) != steps.end());
  EXPECT_NE(std::find(samples.begin(), samples.end(), 1L), samples.end());  // --trace-samples 1
  EXPECT_EQ(text.find("R1_0_1."), std::string::npos);
}

TEST_F(SimCli, ReportsTheAccuracyCostOfProgrammingNoise) {
  ASSERT_EQ(run(files() + " --quantize-levels 16 --reference").status, 0);
  EXPECT_NE(read_text(dir_ + "/out.txt").find("identical spike trains in 12/12"), std::string::npos);
  const ToolRun r = run(files() + " --quantize-levels 16 --noise 0.2 --noise-seed 3 --report '" + dir_ + "/run.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("noise cost"), std::string::npos) << r.out;
  const auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  EXPECT_EQ(report["config"]["noise_sigma"], 0.2);
  EXPECT_EQ(report["summary"]["reference_compared"], 12);
  EXPECT_GE(report["summary"]["reference_accuracy"].get<double>(), 0.0);
}

TEST_F(SimCli, TakesTimingFromTheArchFileAndEnergyFromTheCommandLine) {
  std::ofstream(dir_ + "/arch.json") << R"({"rows": 3, "cols": 3, "neurons_per_tile": 16,
      "timing": {"router_cycles": 2, "tile_cycles": 3, "tick_cycles": 50}})";
  const ToolRun r = run(files() + " --arch '" + dir_ + "/arch.json' --energy-router-pj 2 --energy-synapse-pj 0.5 " +
                        "--energy-neuron-pj 0.25 --report '" + dir_ + "/run.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("PLACEHOLDER"), std::string::npos);
  const auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  EXPECT_EQ(report["config"]["router_cycles"], 2);
  EXPECT_EQ(report["config"]["tile_cycles"], 3);
  EXPECT_EQ(report["config"]["tick_cycles"], 50);
  EXPECT_EQ(report["simulated_cycles"], 12 * net_.input.bins * 50);
  EXPECT_FALSE(report["energy"]["placeholder"].get<bool>());
  const double expected = 2.0 * report["router_traversals"].get<double>() +
                          0.5 * report["synaptic_events"].get<double>() + 0.25 * report["neuron_updates"].get<double>();
  EXPECT_DOUBLE_EQ(report["energy"]["total_pj"].get<double>(), expected);
}

TEST_F(SimCli, RefusesAnArchFileOfAnotherGeometry) {
  std::ofstream(dir_ + "/arch.json") << R"({"rows": 5, "cols": 5, "neurons_per_tile": 32})";
  expect_refused(run(files() + " --arch '" + dir_ + "/arch.json'"), "arch.json: arch: is 5x5x32");
}

TEST_F(SimCli, RefusesTablesOfAnotherArch) {
  Network other = testing::random_network(Arch(2, 3, 16), 7);
  mapping::write_tables(dir_ + "/routes.json", mapping::route_network(other));
  expect_refused(run(files() + " --routes '" + dir_ + "/routes.json'"), "arch");
}

TEST_F(SimCli, RefusesTablesThatRouteToAMissingTile) {
  auto tables = nlohmann::json::parse(mapping::tables_to_json(mapping::route_network(net_)).dump());
  tables["tiles"][4]["lines"] = nlohmann::json::array();  // the centre tile lost its input lines
  std::ofstream(dir_ + "/routes.json") << tables.dump();
  // The router lines into the centre tile now lead nowhere.
  expect_refused(run(files() + " --routes '" + dir_ + "/routes.json'"), "routes.json: routers[");
}

TEST_F(SimCli, RefusesTablesOfAnotherConnectivity) {
  Network rewired = net_;
  Synapse& moved = rewired.recurrent.front();
  moved.post = moved.post == 0 ? 1 : 0;  // one synapse rewired: the routes may differ
  mapping::write_tables(dir_ + "/routes.json", mapping::route_network(rewired));
  expect_refused(run(files() + " --routes '" + dir_ + "/routes.json'"),
                 "routes.json: connectivity_digest: tables of another connectivity: made for synapse pairs and placement " +
                     connectivity_digest(rewired));
}

TEST_F(SimCli, KeepsTheTablesOfAFineTunedNetwork) {
  // Routes depend on the synapse pairs only: new weights (a fine-tune) keep the tables valid.
  const std::string routes = dir_ + "/routes.json";
  mapping::write_tables(routes, mapping::route_network(net_));
  Network tuned = net_;
  for (Synapse& s : tuned.recurrent) s.weight *= 0.5f;
  tuned.recurrent.back().weight = 0.0f;
  ASSERT_NE(network_digest(tuned), network_digest(net_));
  write_network(net_path(), tuned);
  const ToolRun r = run(files() + " --routes '" + routes + "' --reference");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("identical spike trains in 12/12"), std::string::npos) << r.out;
}

TEST_F(SimCli, RefusesVersion1TablesWithReRunMosaicMap) {
  auto tables = nlohmann::json::parse(mapping::tables_to_json(mapping::route_network(net_)).dump());
  tables["version"] = 1;
  tables.erase("connectivity_digest");
  tables["network_digest"] = network_digest(net_);
  std::ofstream(dir_ + "/routes.json") << tables.dump();
  expect_refused(run(files() + " --routes '" + dir_ + "/routes.json'"), "routes.json: version: version 1 tables");
  EXPECT_NE(read_text(dir_ + "/err.txt").find("re-run mosaic-map"), std::string::npos);
}

TEST_F(SimCli, RefusesALineWithAnExtraOutputSide) {
  auto tables = nlohmann::json::parse(mapping::tables_to_json(mapping::route_network(net_)).dump());
  auto& line = tables["routers"][3]["lines"][0];
  line["out"] = line["out"].get<std::string>() + line["in"].get<std::string>();  // back where it came from
  std::ofstream(dir_ + "/routes.json") << tables.dump();
  expect_refused(run(files() + " --routes '" + dir_ + "/routes.json'"), "routes.json: routers[3].lines[0].out: side");
}

TEST_F(SimCli, RefusesInputWithMoreChannelsThanTheNetworkExpects) {
  Network wide = net_;
  wide.input.shd_channels = 700;
  testing::write_and_bin_samples(wide, dir_ + "/wide.h5", 2, 3);
  expect_refused(run("--net '" + net_path() + "' --input '" + dir_ + "/wide.h5'"), "spikes/units: sample 0: unit");
}

TEST_F(SimCli, RefusesCorruptHdf5) {
  std::string bytes = read_text(input_path());
  bytes.resize(bytes.size() / 3);  // truncated
  std::ofstream(dir_ + "/corrupt.h5", std::ios::binary) << bytes;
  expect_refused(run("--net '" + net_path() + "' --input '" + dir_ + "/corrupt.h5'"), "corrupt.h5");
}

TEST_F(SimCli, RefusesTimingTheModelCannotRun) {
  expect_refused(run(files() + " --router-cycles 0"), "router_cycles");
}

TEST_F(SimCli, FindsTheBundledFilesFromAnotherFolder) {
  // No --net / --input, run from a folder without traces/: the files beside the built tool.
  const ToolRun r = run_tool(dir_, "--recordings 1", dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("share/mosaic-sim/traces/default_net.json on "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shd_sample.h5"), std::string::npos) << r.out;
}

TEST_F(SimCli, SaysSoWhenTheBundledFilesAreMissing) {
  // A copy of the tool in a folder with no share/ beside it.
  std::filesystem::create_directories(dir_ + "/bin");
  std::filesystem::copy_file(test_support::tool_path("mosaic-sim"), dir_ + "/bin/mosaic-sim");
  const std::string command = "cd '" + dir_ + "' && bin/mosaic-sim > out.txt 2> err.txt";
  const int raw = std::system(command.c_str());
  EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 2);
  const std::string err = read_text(dir_ + "/err.txt");
  EXPECT_NE(err.find(dir_ + "/share/mosaic-sim/traces/default_net.json: file: does not exist"), std::string::npos) << err;
  EXPECT_NE(err.find("--net"), std::string::npos) << err;
}

TEST(SimInstall, InstalledToolsFindTheBundledFiles) {
  // cmake --install into a temporary prefix, then the installed mosaic-sim without arguments,
  // run from another folder.
  testing::ScratchDir scratch("SimInstall");
  const std::string prefix = scratch.path() + "/prefix";
  const std::filesystem::path build = std::filesystem::absolute(test_support::tool_path("mosaic-sim")).parent_path().parent_path();
  const auto install = test_support::run_command("cmake --install '" + build.string() + "' --prefix '" + prefix + "'");
  ASSERT_EQ(install.exit_code, 0) << install.output;
  for (const char* tool : {"mosaic-sim", "mosaic-map", "mosaic-train", "mosaic-cochlea", "mosaic-codesign-report"})
    EXPECT_TRUE(std::filesystem::exists(prefix + "/bin/" + tool)) << tool;
  const auto run = test_support::run_command("cd '" + scratch.path() + "' && '" + prefix +
                                             "/bin/mosaic-sim' --recordings 1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(prefix + "/share/mosaic-sim/traces/default_net.json on " + prefix +
                            "/share/mosaic-sim/traces/shd_sample.h5"),
            std::string::npos)
      << run.output;
}

TEST_F(SimCli, RefusesTraceSamplesBeyondTheInput) {
  const std::string vcd = dir_ + "/trace.vcd";
  expect_refused(run(files() + " --vcd '" + vcd + "' --trace-samples 3,999"),
                 "--trace-samples: sample 999 does not exist: the run has 12 samples (6 recordings x 2 subsets), "
                 "positions 0..11");
  EXPECT_FALSE(std::filesystem::exists(vcd));
}

TEST_F(SimCli, RefusesATraceFilterThatMatchesNothing) {
  const std::string vcd = dir_ + "/trace.vcd";
  // 3x3 chip: tiles 0..8, a 7x7 grid; (0, 1) is an R1, (0, 0) an R0.
  for (const char* item : {"R1_99_99", "tile_9", "R0_0_1", "R1_0_0", "R1_1_1", "tile_x"}) {
    const ToolRun r = run(files() + " --vcd '" + vcd + "' --trace-filter tile_0," + item);
    expect_refused(r, std::string("--trace-filter: '") + item + "'");
    EXPECT_NE(r.err.find("tile_0..tile_8"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("X 0..6, Y 0..6"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(vcd));
  const ToolRun ok = run(files() + " --vcd '" + vcd + "' --trace-filter R0_0_0,R1_0_1,tile_8");
  ASSERT_EQ(ok.status, 0) << ok.err;
  const std::string text = read_text(vcd);
  EXPECT_NE(text.find("R0_0_0"), std::string::npos);
  EXPECT_NE(text.find("tile_8"), std::string::npos);
}

TEST_F(SimCli, SaysHowManySamplesHadNoOutputSpike) {
  const ToolRun before = run(files() + " --report '" + dir_ + "/run.json'");
  ASSERT_EQ(before.status, 0) << before.err;
  auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  int silent = 0;
  for (const auto& sample : report["samples"]) {
    int spikes = 0;
    for (const auto& c : sample["class_counts"]) spikes += c.get<int>();
    silent += spikes == 0;
  }
  EXPECT_EQ(report["summary"]["samples_without_output_spike"], silent);
  EXPECT_NE(before.out.find("no output spike  " + std::to_string(silent) + " of 12 samples"), std::string::npos)
      << before.out;
  // Output neurons cut off from every synapse never spike: every prediction is class 0 by the tie rule.
  Network mute = net_;
  const auto is_output = [&](int n) {
    return std::find(mute.output_neurons.begin(), mute.output_neurons.end(), n) != mute.output_neurons.end();
  };
  mute.recurrent.erase(std::remove_if(mute.recurrent.begin(), mute.recurrent.end(),
                                      [&](const Synapse& s) { return is_output(s.post); }),
                       mute.recurrent.end());
  mute.input.weights.erase(std::remove_if(mute.input.weights.begin(), mute.input.weights.end(),
                                          [&](const InputSynapse& s) { return is_output(s.neuron); }),
                           mute.input.weights.end());
  write_network(net_path(), mute);
  const ToolRun r = run(files() + " --report '" + dir_ + "/mute.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("no output spike  12 of 12 samples -- predicted class 0 by the tie rule"), std::string::npos)
      << r.out;
  EXPECT_EQ(nlohmann::json::parse(read_text(dir_ + "/mute.json"))["summary"]["samples_without_output_spike"], 12);
}

TEST_F(SimCli, PredictsTheWordOfAnUnlabelledRecording) {
  // A user's own recording: speech made with espeak-ng, through mosaic-cochlea without a label,
  // on the bundled network; the printed word is the majority vote of the report's samples.
  const std::string wav = dir_ + "/word.wav", h5 = dir_ + "/word.h5";
  ASSERT_EQ(test_support::run_command("espeak-ng -w '" + wav + "' seven").exit_code, 0);
  const auto cochlea = test_support::run_command("'" + test_support::tool_path("mosaic-cochlea") + "' --out '" + h5 +
                                                 "' '" + wav + "'");
  ASSERT_EQ(cochlea.exit_code, 0) << cochlea.output;
  const ToolRun r = run("--net traces/default_net.json --input '" + h5 + "' --predict --report '" + dir_ + "/run.json'");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  std::vector<int> votes(20, 0);
  for (const auto& sample : report["samples"]) ++votes[sample["prediction"].get<int>()];
  const int predicted = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  const std::vector<std::string> words = {"zero", "one",  "two",  "three", "four",  "five",  "six",
                                          "seven", "eight", "nine", "null", "eins", "zwei", "drei",
                                          "vier",  "fuenf", "sechs", "sieben", "acht", "neun"};
  const std::string line = fmt::format("recording    0  {:<10} (class {}, {} of 5 subsets", words[predicted],
                                       predicted, votes[predicted]);
  EXPECT_NE(r.out.find("predictions (1 recordings"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

TEST_F(SimCli, HelpListsTheOptions) {
  const ToolRun r = run("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* option : {"--net", "--input", "--routes", "--mode", "--tick", "--jobs", "--report", "--vcd",
                             "--trace-samples", "--trace-filter", "--quantize-levels", "--noise"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

}  // namespace
}  // namespace mosaic::sim
