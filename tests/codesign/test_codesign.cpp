// tools/codesign, the co-design regression suite, in its small tier: real training, mapping and
// SystemC runs of five networks on the bundled SHD-format sample, tabulated and guarded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/network.hpp"

namespace fs = std::filesystem;

namespace {

std::string run(const std::string& command, int& exit_code) {
  const fs::path log = fs::temp_directory_path() / ("codesign_log_" + std::to_string(::getpid()));
  const int status = std::system((command + " > '" + log.string() + "' 2>&1").c_str());
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  fs::remove(log);
  return text.str();
}

std::string read_text(const fs::path& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

class CodesignSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("codesign_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CodesignSuite, SmallTierHoldsEveryGuardAndResumesWithoutRedoingAnything) {
  int exit_code = -1;
  const std::string command = "tools/codesign --tier small --jobs 2 --out '" + dir_.string() + "'";
  const std::string output = run(command, exit_code);
  ASSERT_EQ(exit_code, 0) << output;

  const auto results = nlohmann::json::parse(read_text(dir_ / "results.json"));
  EXPECT_TRUE(results["passed"].get<bool>());
  ASSERT_EQ(results["runs"].size(), 5u);
  for (const auto& guard : results["guards"]) EXPECT_TRUE(guard["passed"].get<bool>()) << guard.dump();
  // The recorded figures were checked too, not only the structural guards.
  bool checked_expected = false;
  for (const auto& guard : results["guards"])
    checked_expected = checked_expected || guard["name"].get<std::string>().rfind("expected-accuracy/", 0) == 0;
  EXPECT_TRUE(checked_expected) << output;

  for (const auto& r : results["runs"]) {
    EXPECT_EQ(r["sim_samples"].get<long>(), 300) << r.dump();  // 60 recordings x 5 channel subsets
    const mosaic::Network net = mosaic::read_network((dir_ / (r["name"].get<std::string>() + ".json")).string());
    EXPECT_EQ(net.provenance["seed"].get<long>(), 42);
    EXPECT_EQ(net.provenance["data"]["train"].get<std::string>(), "traces/shd_sample.h5");
  }
  // The baseline was pruned to at most the synapse count of the default routing-aware network
  // (on the sample, to exactly that count).
  EXPECT_EQ(results["runs"][1]["name"], "ra-default");
  EXPECT_EQ(results["runs"][3]["name"], "baseline");
  EXPECT_EQ(results["runs"][3]["live_synapses"], results["runs"][1]["live_synapses"]);
  bool memory_claim_checked = false;
  for (const auto& guard : results["guards"])
    memory_claim_checked = memory_claim_checked || guard["name"] == "baseline-needs-more-memory/ra-default";
  EXPECT_TRUE(memory_claim_checked);

  const std::string first = read_text(dir_ / "results.json");
  const std::string again = run(command, exit_code);
  EXPECT_EQ(exit_code, 0) << again;
  EXPECT_EQ(again.find("training"), std::string::npos) << again;
  EXPECT_EQ(read_text(dir_ / "results.json"), first);
}

TEST_F(CodesignSuite, ABrokenRunFileIsBadInputNamingTheFile) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "x.json") << "{\"format\": \"mosaic-net\"";
  int exit_code = -1;
  const std::string bin = std::getenv("MOSAIC_BIN") ? std::getenv("MOSAIC_BIN") : "build/bin";
  std::string output = run(bin + "/mosaic-codesign-report --dir '" + dir_.string() + "' --runs x", exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  EXPECT_NE(output.find("x.json"), std::string::npos) << output;

  output = run("tools/codesign --tier huge", exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  EXPECT_NE(output.find("--tier"), std::string::npos) << output;
}

}  // namespace
