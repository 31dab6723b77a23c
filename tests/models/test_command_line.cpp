// Every tool reads its command line one way (models/cli.hpp): a bad option or option value is
// one line "<tool>: error: command line: <option>: <problem>" and exit status 2, with
// "did you mean" for a near option name; --help exits 0. Real runs of the built tools.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "models/cli.hpp"
#include "tests/command.hpp"

namespace mosaic {
namespace {

using test_support::run_command;
using test_support::tool_path;

struct Tool {
  std::string name;
  std::string slip, meant;  // a misspelt option and the one it should suggest
  std::string bad_value;    // an option with a value the tool refuses before reading any file
  std::string bad_value_option;
};

const std::vector<Tool>& tools() {
  static const std::vector<Tool> all = {
      {"mosaic-train", "--epoch", "--epochs", "--epochs abc", "--epochs"},
      {"mosaic-map", "--rooting", "--routing", "--net x.json --routing zigzag", "--routing"},
      {"mosaic-sim", "--fifo-dept", "--fifo-depth", "--mode zigzag", "--mode"},
      {"mosaic-cochlea", "--speker", "--speaker", "--out x.h5 --jobs 0", "--jobs"},
      {"mosaic-corpus-stats", "--hlep", "--help", "a.h5 b.h5 c.h5", "options: files"},
      {"mosaic-codesign-report", "--run", "--runs", "--dir d --runs a --accuracy-tolerance x", "--accuracy-tolerance"},
      {"mosaic-sim-bench-input", "--recording", "--recordings", "--from a --out b --recordings many", "--recordings"},
  };
  return all;
}

TEST(CommandLine, AMisspeltOptionExitsTwoWithTheToolsNameAndASuggestion) {
  for (const Tool& tool : tools()) {
    const auto r = run_command(tool_path(tool.name) + " " + tool.slip + " 1");
    EXPECT_EQ(r.exit_code, 2) << tool.name << ": " << r.output;
    EXPECT_NE(r.output.find(tool.name + ": error: command line: " + tool.slip + ": unknown option; did you mean " +
                            tool.meant + "?"),
              std::string::npos)
        << r.output;
  }
}

TEST(CommandLine, ABadValueExitsTwoNamingTheOption) {
  for (const Tool& tool : tools()) {
    const auto r = run_command(tool_path(tool.name) + " " + tool.bad_value);
    EXPECT_EQ(r.exit_code, 2) << tool.name << ": " << r.output;
    EXPECT_NE(r.output.find(tool.name + ": error: command line: " + tool.bad_value_option + ": "), std::string::npos)
        << r.output;
  }
}

TEST(CommandLine, AnOptionFarFromEveryNameGetsNoSuggestion) {
  const auto r = run_command(tool_path("mosaic-map") + " --zzzzzzzz");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("mosaic-map: error: command line: --zzzzzzzz: unknown option\n"), std::string::npos)
      << r.output;
}

// Each tool's configuration is validated in one place (TrainConfig::validate, the map and sim
// options' validate): a rule broken is exit 2 naming the option, before any file is read.
TEST(CommandLine, ConfigurationRulesExitTwoNamingTheOption) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mosaic-train --epochs 0 --classes 40 --out /nonexistent/net.json", "mosaic-train: error: command line: --classes: "},
      {"mosaic-train --epochs 0 --arch 1x1x32 --out /nonexistent/net.json", "mosaic-train: error: command line: --n-inp: "},
      {"mosaic-map --net missing.json --placement optimize --out routes.json", "mosaic-map: error: command line: --out-net: "},
      {"mosaic-sim --net missing.json --jobs 0", "mosaic-sim: error: command line: --jobs: "},
      {"mosaic-sim --net missing.json --quantize-levels 1", "mosaic-sim: error: command line: --quantize-levels: "},
  };
  for (const auto& [command, message] : cases) {
    const auto r = run_command(tool_path(command.substr(0, command.find(' '))) + command.substr(command.find(' ')));
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << command << ": " << r.output;
  }
}

TEST(CommandLine, MakeCorpusOptionWithoutItsValueExitsTwo) {
  for (const char* option : {"--out", "--sample", "--jobs"}) {
    const auto r = run_command(std::string("tools/make-corpus ") + option);
    EXPECT_EQ(r.exit_code, 2) << option << ": " << r.output;
    EXPECT_NE(r.output.find(std::string("make-corpus: error: ") + option + " needs a value"), std::string::npos)
        << r.output;
  }
}

TEST(CommandLine, HelpExitsZero) {
  for (const Tool& tool : tools()) {
    const auto r = run_command(tool_path(tool.name) + " --help");
    EXPECT_EQ(r.exit_code, 0) << tool.name << ": " << r.output;
    EXPECT_NE(r.output.find("--help"), std::string::npos) << r.output;
  }
}

// mosaic-nir's options live in its subcommands (import, export): the same rules apply there.
TEST(CommandLine, SubcommandOptionsAreCheckedTheSameWay) {
  const auto slip = run_command(tool_path("mosaic-nir") + " import g.nir --out n.json --dt-m 1");
  EXPECT_EQ(slip.exit_code, 2) << slip.output;
  EXPECT_NE(slip.output.find("mosaic-nir: error: command line: --dt-m: unknown option; did you mean --dt-ms?"),
            std::string::npos)
      << slip.output;
  const auto bad = run_command(tool_path("mosaic-nir") + " import g.nir --out n.json --reset sideways");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("mosaic-nir: error: command line: --reset: "), std::string::npos) << bad.output;
  for (const char* help : {" --help", " import --help", " export --help"}) {
    const auto r = run_command(tool_path("mosaic-nir") + help);
    EXPECT_EQ(r.exit_code, 0) << help << ": " << r.output;
    EXPECT_NE(r.output.find("--out"), std::string::npos) << help << ": " << r.output;
  }
}

TEST(CommandLine, NearestNameTakesOnlyCloseNames) {
  EXPECT_EQ(nearest_name("--fifo-dept", {"--net", "--fifo-depth", "--tick"}), "--fifo-depth");
  EXPECT_EQ(nearest_name("--tik", {"--net", "--tick"}), "--tick");
  EXPECT_EQ(nearest_name("--zzzzzzzz", {"--net", "--tick"}), "");
  EXPECT_EQ(nearest_name("x", {}), "");
}

}  // namespace
}  // namespace mosaic
