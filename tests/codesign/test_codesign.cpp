// tools/codesign, the co-design regression suite, in its small tier: real training, mapping and
// SystemC runs of five networks on the bundled SHD-format sample, tabulated and guarded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/network.hpp"
#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace {

using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

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
  const std::string command = "tools/codesign --tier small --jobs 2 --out '" + dir_.string() + "'";
  const auto [exit_code, output] = run_command(command);
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
  const auto again = run_command(command);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("training"), std::string::npos) << again.output;
  EXPECT_EQ(read_text(dir_ / "results.json"), first);
}

TEST_F(CodesignSuite, ABrokenRunFileIsBadInputNamingTheFile) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "x.json") << "{\"format\": \"mosaic-net\"";
  auto result = run_command(tool_path("mosaic-codesign-report") + " --dir '" + dir_.string() + "' --runs x");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("x.json"), std::string::npos) << result.output;

  result = run_command("tools/codesign --tier huge");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--tier"), std::string::npos) << result.output;
}

}  // namespace
