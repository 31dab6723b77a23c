// mosaic-codesign-report compares the simulator with the trainer's reference pass only like
// with like: the same file, all of its recordings, the trained weights. Real files: the bundled
// network mapped by mosaic-map and simulated by mosaic-sim.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace {

using mosaic::test_support::read_text;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

class CodesignReport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("codesign_report_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The bundled network as run "net" (its provenance's test file replaced by `test_file`),
  // mapped, and simulated on the bundled sample with `sim_args`.
  void make_run(const std::string& test_file, const std::string& sim_args) {
    auto net = nlohmann::json::parse(read_text("traces/default_net.json"));
    net["provenance"]["data"]["test"] = test_file;  // provenance is outside the network digest
    std::ofstream(dir_ / "net.json") << net.dump();
    const auto map = run_command("'" + tool_path("mosaic-map") + "' --net '" + (dir_ / "net.json").string() +
                                 "' --report '" + (dir_ / "net.map.json").string() + "'");
    ASSERT_EQ(map.exit_code, 0) << map.output;
    const auto sim = run_command("'" + tool_path("mosaic-sim") + "' --net '" + (dir_ / "net.json").string() +
                                 "' --input traces/shd_sample.h5 --jobs 2 --report '" +
                                 (dir_ / "net.sim.json").string() + "' " + sim_args);
    ASSERT_EQ(sim.exit_code, 0) << sim.output;
  }
  mosaic::test_support::CommandResult report() {
    return run_command("'" + tool_path("mosaic-codesign-report") + "' --dir '" + dir_.string() + "' --runs net --out '" +
                       (dir_ / "results.json").string() + "'");
  }
  nlohmann::json guard(const std::string& name) {
    const auto results = nlohmann::json::parse(read_text(dir_ / "results.json"));
    for (const auto& g : results["guards"])
      if (g["name"] == name) return g;
    return nullptr;
  }
  fs::path dir_;
};

TEST_F(CodesignReport, DoesNotCompareASimulationOfOtherInput) {
  // The bundled network was scored by its trainer on the corpus's test file; simulated here on
  // 2 recordings of the bundled sample, with quantised weights: three differences, no FAIL.
  make_run("build/corpus/shd_like_test.h5", "--recordings 2 --quantize-levels 16");
  const auto r = report();
  ASSERT_NE(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.find("FAIL sim-equals-reference"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("- skip sim-equals-reference/net: not compared, the simulation differs from the trainer's "
                          "test: input traces/shd_sample.h5, trainer's test file build/corpus/shd_like_test.h5; 2 of "
                          "the input's 60 recordings simulated; weights quantised to 16 levels"),
            std::string::npos)
      << r.output;
  const auto g = guard("sim-equals-reference/net");
  ASSERT_TRUE(g.is_object());
  EXPECT_TRUE(g["skipped"].get<bool>());
  EXPECT_TRUE(g["passed"].get<bool>());
}

TEST_F(CodesignReport, TakesAnAbsolutePathEndingInTheTrainersRelativeOneForTheSameFile) {
  // The workflow trains from the repository (a relative path) and simulates with the absolute one.
  make_run("traces/shd_sample.h5", "");
  auto sim = nlohmann::json::parse(read_text(dir_ / "net.sim.json"));
  sim["input"]["path"] = (fs::current_path() / "traces/shd_sample.h5").string();
  std::ofstream(dir_ / "net.sim.json") << sim.dump();
  const auto r = run_command("cd '" + dir_.string() + "' && '" + fs::absolute(tool_path("mosaic-codesign-report")).string() +
                             "' --dir . --runs net --out results.json");
  EXPECT_NE(r.output.find("sim-equals-reference/net: mosaic-sim "), std::string::npos) << r.output;
  EXPECT_FALSE(guard("sim-equals-reference/net")["skipped"].get<bool>());
}

TEST_F(CodesignReport, ComparesLikeWithLike) {
  // The same file, every recording, the trained weights: the guard is checked. The provenance
  // claims the bundled sample as the test file, but its accuracy is the corpus's, so it fails:
  // a real difference is still reported.
  make_run("traces/shd_sample.h5", "");
  const auto r = report();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("- FAIL sim-equals-reference/net: mosaic-sim "), std::string::npos) << r.output;
  const auto g = guard("sim-equals-reference/net");
  ASSERT_TRUE(g.is_object());
  EXPECT_FALSE(g["skipped"].get<bool>());
}

}  // namespace
