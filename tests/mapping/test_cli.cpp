// mosaic-map as a user runs it: outputs, --check, and bad input refused with exit status 2.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "mapping/routing_tables.hpp"
#include "models/json_fields.hpp"
#include "test_networks.hpp"
#include "tests/command.hpp"

namespace mosaic::mapping {
namespace {

namespace fs = std::filesystem;

class MosaicMapCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("mosaic_map_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    net_ = testing::deepr_like_network(Arch(3, 3, 8), {{1, 0.5}, {3, 0.3}}, 5);
    write_network(path("net.json"), net_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static int run(const std::string& arguments) {
    return test_support::run_command(test_support::tool_path("mosaic-map") + " " + arguments).exit_code;
  }
  void write_text(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }

  fs::path dir_;
  Network net_;
};

TEST_F(MosaicMapCli, WritesTablesReportAndHeatMapThatCheckAgainstTheNetwork) {
  ASSERT_EQ(run("--net " + path("net.json") + " --out " + path("routes.json") + " --report " + path("map.json") +
                " --routing tree --svg " + path("usage.svg")),
            0);
  const nlohmann::json report = read_json_file(path("map.json"));
  EXPECT_EQ(report["format"], "mosaic-map-report");
  EXPECT_EQ(report["mappable"], true);
  EXPECT_EQ(report["routing"], "tree");
  EXPECT_GT(report["memory_cells"]["homogeneous"]["total"].get<long>(), 0);
  EXPECT_LE(report["router_lines"].get<long>(), report["one_turn_reference"]["router_lines"].get<long>());
  EXPECT_LE(report["memory_cells"]["homogeneous"]["total"].get<long>(),
            report["one_turn_reference"]["memory_cells"]["homogeneous"]["total"].get<long>());
  EXPECT_TRUE(fs::file_size(path("usage.svg")) > 1000);
  const RoutingTables tables = read_tables(path("routes.json"), net_);
  EXPECT_TRUE(table_problems(net_, tables).empty());
  EXPECT_EQ(run("--net " + path("net.json") + " --check " + path("routes.json")), 0);
}

TEST_F(MosaicMapCli, ReportsViolationsOnAChipThatIsTooSmall) {
  write_text("chip.json", R"({"rows": 3, "cols": 3, "neurons_per_tile": 8, "capacity": {"r0": [1,1,1,1,1,1,1,1]}})");
  ASSERT_EQ(run("--net " + path("net.json") + " --chip " + path("chip.json") + " --report " + path("map.json")), 0);
  const nlohmann::json report = read_json_file(path("map.json"));
  EXPECT_EQ(report["mappable"], false);
  EXPECT_FALSE(report["violations"].empty());
  EXPECT_EQ(report["violations"][0]["type"], "R0");
}

TEST_F(MosaicMapCli, OptimizedPlacementWritesThePlacedNetworkItsTablesBelongTo) {
  ASSERT_EQ(run("--net " + path("net.json") + " --placement optimize --seed 3 --out-net " + path("placed.json") +
                " --out " + path("routes.json")),
            0);
  EXPECT_EQ(run("--net " + path("placed.json") + " --check " + path("routes.json")), 0);
}

TEST_F(MosaicMapCli, CheckRefusesALineWithAnExtraOutputSide) {
  ASSERT_EQ(run("--net " + path("net.json") + " --routing tree --out " + path("routes.json")), 0);
  nlohmann::json tables = read_json_file(path("routes.json"));
  auto& line = tables["routers"][2]["lines"][0];
  line["out"] = line["out"].get<std::string>() + line["in"].get<std::string>();  // back where it came from
  write_text("extra.json", tables.dump());
  const auto r = test_support::run_command(test_support::tool_path("mosaic-map") + " --net " + path("net.json") +
                                           " --check " + path("extra.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("mosaic-map: error: " + path("extra.json") + ": routers[2].lines[0].out: side"),
            std::string::npos)
      << r.output;
}

TEST_F(MosaicMapCli, BadInputExitsWithStatusTwo) {
  const std::string net = " --net " + path("net.json");
  EXPECT_EQ(run("--net " + path("missing.json")), 2);
  write_text("broken.json", "{\"format\": \"mosaic-net\",");
  EXPECT_EQ(run("--net " + path("broken.json")), 2);
  EXPECT_EQ(run(net + " --routing zigzag"), 2);
  EXPECT_EQ(run("--routing tree"), 2);  // --net is required
  write_text("chip.json", R"({"rows": 5, "cols": 5, "neurons_per_tile": 32, "capacity": {"r0": [8,8,8,8,8,8,8,8]}})");
  EXPECT_EQ(run(net + " --chip " + path("chip.json")), 2);  // another geometry
  EXPECT_EQ(run(net + " --placement optimize --out " + path("routes.json")), 2);  // tables without their network
  // Tables of another connectivity are refused; new weights on the same synapses keep them.
  ASSERT_EQ(run(net + " --out " + path("routes.json")), 0);
  Network tuned = net_;
  tuned.recurrent.back().weight = 2.0f;
  write_network(path("tuned.json"), tuned);
  EXPECT_EQ(run("--net " + path("tuned.json") + " --check " + path("routes.json")), 0);
  Network changed = net_;
  changed.recurrent.erase(changed.recurrent.begin());
  write_network(path("changed.json"), changed);
  EXPECT_EQ(run("--net " + path("changed.json") + " --check " + path("routes.json")), 2);
  write_text("garbage.json", "[1, 2, 3]");
  EXPECT_EQ(run(net + " --check " + path("garbage.json")), 2);
  EXPECT_EQ(run("--help"), 0);
}

}  // namespace
}  // namespace mosaic::mapping
